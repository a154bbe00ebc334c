import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CcBridge, Config, ConfigOverrides, Instance, TokenUsage } from '@cc-bridge/core';
import type { RegistryOperations } from '@cc-bridge/core/remote';
import { CliError, type Io } from './io.ts';

export type { CcBridge };

/**
 * The options every command takes (`cc-bridge --config FILE instances list`). A type alias, not
 * an interface: commander's typings need it assignable to an index signature.
 */
export type GlobalFlags = {
  config?: string;
  databaseUrl?: string;
  /** A team server instead of a database (its token: CC_BRIDGE_TOKEN, `[server]`, or --token-stdin). */
  server?: string;
  tokenStdin?: true;
  /** Let a token go to a plain-http server that is not loopback. */
  insecure?: true;
  verbose?: true;
};

/** The command a refusal names (`instances watch`); commander hands each action its own command. */
export interface CommandRef {
  optsWithGlobals(): GlobalFlags;
  name(): string;
  parent: { name(): string; parent: unknown } | null;
}

function commandPath(command: CommandRef): string {
  const { parent } = command;
  return parent !== null && parent.parent !== null ? `${parent.name()} ${command.name()}` : command.name();
}

/** Who events name as the actor: `cli:alice`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // userInfo throws when the uid has no passwd entry (containers run as an arbitrary uid);
    // the actor is informative only, so a generic one is fine.
    return 'cli';
  }
}

/** Where the CLI's changes come from, for the audit log: `cli@HOSTNAME`. */
export function cliOrigin(): string {
  return `cli@${hostname()}`;
}

/**
 * The detached database owner's script, dist/owner.mjs beside the bundle (build.ts makes both);
 * undefined when running from source (tsx), where each command opens the folder itself.
 */
function findOwnerEntry(): string | undefined {
  const entry = fileURLToPath(new URL('./owner.mjs', import.meta.url));
  return existsSync(entry) ? entry : undefined;
}

/**
 * pg decides when it loads whether it runs in a Cloudflare Worker: without a `navigator` global
 * (Node < 21) it constructs a `Response`, which loads Node's fetch (undici), ~25 ms of every
 * command. Node ≥ 21 defines `navigator` itself; Node 20 gets the same global first.
 */
function defineNavigator(): void {
  if ('navigator' in globalThis) return;
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0] ?? ''}` },
    configurable: true,
    writable: true,
  });
}

/**
 * The configuration a command runs with: flags, environment, file. `--token-stdin` reads the
 * token from stdin's first line here, so it never appears in `ps` as a flag's value would.
 */
async function loadCliConfig(io: Io, globals: GlobalFlags, overrides: ConfigOverrides = {}): Promise<Config> {
  const { loadConfig } = await import('@cc-bridge/core/config');
  let serverToken: string | undefined;
  if (globals.tokenStdin === true) {
    serverToken = (await io.readInput()).split(/\r?\n/)[0]?.trim() ?? '';
    if (serverToken === '') throw new CliError('--token-stdin: no token on stdin (pipe one line)');
  }
  const config = loadConfig({
    configFile: globals.config,
    databaseUrl: globals.databaseUrl,
    logLevel: globals.verbose === true ? 'debug' : undefined,
    ...(globals.server === undefined ? {} : { serverUrl: globals.server }),
    ...(serverToken === undefined ? {} : { serverToken }),
    ...overrides,
  });
  if (config.server.url === null && globals.tokenStdin === true) throw new CliError('--token-stdin is the token of a team server: give --server URL too (or CC_BRIDGE_SERVER, [server] url)');
  return config;
}

/**
 * Opens core for one command and always closes it: an open database keeps the process alive.
 * `skipStartup` spares commands other than `list` a discovery run they did not ask for.
 * Core's database and runtimes are imported here, on first use, not when the CLI starts.
 * With a team server configured (`--server`, CC_BRIDGE_SERVER, `[server] url`) the command is
 * refused: it needs this machine's database or runtimes, which the server's API does not offer.
 */
export async function withBridge<T>(
  io: Io,
  command: CommandRef,
  options: { skipStartup: boolean; overrides?: ConfigOverrides },
  work: (bridge: CcBridge) => Promise<T>,
): Promise<T> {
  const globals = command.optsWithGlobals();
  const config = await loadCliConfig(io, globals, options.overrides);
  if (config.server.url !== null) {
    throw new CliError(`${commandPath(command)} is not available with --server (${config.server.url}): the team server's API does not offer it; run it on the server's host, without --server`);
  }
  return openLocal(config, options.skipStartup, work);
}

/** What a command that also works against a team server is given. */
export interface Registry {
  /** Core's manager on the database here, or the team server's REST API: the same operations. */
  manager: RegistryOperations;
  /** The bridge on this machine's database; null with --server, where the server does the rest (discovery, status refresh, hook reports). */
  local: CcBridge | null;
  /** The agent's token use from its transcript: read here, or by the server on its host. */
  tokenUse(instance: Instance): Promise<TokenUsage | null>;
}

/**
 * The one place a command is run locally or against a team server: with a server configured, a
 * `RemoteRegistry` over its /api/v1 with the token (a plain-http server that is not loopback is
 * refused unless --insecure, and warned of then); otherwise core on the database, as withBridge.
 */
export async function withRegistry<T>(
  io: Io,
  command: CommandRef,
  options: { skipStartup: boolean; overrides?: ConfigOverrides },
  work: (registry: Registry) => Promise<T>,
): Promise<T> {
  const globals = command.optsWithGlobals();
  const config = await loadCliConfig(io, globals, options.overrides);
  if (config.server.url === null) {
    const { TranscriptUsageReader } = await import('@cc-bridge/core/transcript-usage');
    const transcripts = new TranscriptUsageReader();
    return openLocal(config, options.skipStartup, (bridge) =>
      work({ manager: bridge.manager, local: bridge, tokenUse: (instance) => transcripts.read(instance.claudeTranscriptPath) }),
    );
  }
  const { checkServerUrl, RemoteRegistry } = await import('@cc-bridge/core/remote');
  const address = checkServerUrl(config.server.url, { insecure: globals.insecure === true });
  if (address.warning !== null) io.err(`cc-bridge: warning: ${address.warning}\n`);
  if (config.server.token === null) {
    throw new CliError(`--server ${address.base} needs a token: set CC_BRIDGE_TOKEN, [server] token or token_file, or pipe it to --token-stdin (\`cc-bridge tokens create\` on the server makes one)`);
  }
  const remote = new RemoteRegistry({ base: address.base, token: config.server.token });
  return work({ manager: remote, local: null, tokenUse: async (instance) => (await remote.getInstanceDetail(instance.name)).tokens });
}

async function openLocal<T>(config: Config, skipStartup: boolean, work: (bridge: CcBridge) => Promise<T>): Promise<T> {
  const { createLogger } = await import('@cc-bridge/core/logger');
  const logger = createLogger(config.logLevel);
  const ownerEntry = findOwnerEntry();
  if (config.database.url === null && ownerEntry !== undefined && config.database.ownerLingerMs > 0) {
    // Started before Prisma, pg and the runtimes load, so the owner opens PGlite meanwhile.
    const { startDetachedOwner } = await import('@cc-bridge/core/embedded-owner');
    await startDetachedOwner(config.database.dataDir, { entry: ownerEntry, lingerMs: config.database.ownerLingerMs }, logger);
  }
  defineNavigator();
  const { openCcBridge } = await import('./open.ts');
  const bridge = await openCcBridge({ config, logger, actor: cliActor(), origin: cliOrigin(), skipStartup, ownerEntry });
  let result: T;
  try {
    result = await work(bridge);
  } catch (error) {
    // The command's error is the one to report; a failed close on top of it is only logged.
    await bridge.close().catch((closeError: unknown) => {
      logger.error('closing the database failed', { error: closeError instanceof Error ? closeError.message : String(closeError) });
    });
    throw error;
  }
  await bridge.close();
  return result;
}

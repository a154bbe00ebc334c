import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CcBridge, ConfigOverrides } from '@cc-bridge/core';

export type { CcBridge };

/**
 * The options every command takes (`cc-bridge --config FILE instances list`). A type alias, not
 * an interface: commander's typings need it assignable to an index signature.
 */
export type GlobalFlags = {
  config?: string;
  databaseUrl?: string;
  verbose?: true;
};

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
 * Opens core for one command and always closes it: an open database keeps the process alive.
 * `skipStartup` spares commands other than `list` a discovery run they did not ask for.
 * Core's database and runtimes are imported here, on first use, not when the CLI starts.
 */
export async function withBridge<T>(
  globals: GlobalFlags,
  options: { skipStartup: boolean; overrides?: ConfigOverrides },
  work: (bridge: CcBridge) => Promise<T>,
): Promise<T> {
  const [{ loadConfig }, { createLogger }] = await Promise.all([import('@cc-bridge/core/config'), import('@cc-bridge/core/logger')]);
  const config = loadConfig({
    configFile: globals.config,
    databaseUrl: globals.databaseUrl,
    logLevel: globals.verbose === true ? 'debug' : undefined,
    ...options.overrides,
  });
  const logger = createLogger(config.logLevel);
  const ownerEntry = findOwnerEntry();
  if (config.database.url === null && ownerEntry !== undefined && config.database.ownerLingerMs > 0) {
    // Started before Prisma, pg and the runtimes load, so the owner opens PGlite meanwhile.
    const { startDetachedOwner } = await import('@cc-bridge/core/embedded-owner');
    await startDetachedOwner(config.database.dataDir, { entry: ownerEntry, lingerMs: config.database.ownerLingerMs }, logger);
  }
  defineNavigator();
  const { openCcBridge } = await import('./open.ts');
  const bridge = await openCcBridge({ config, logger, actor: cliActor(), origin: cliOrigin(), skipStartup: options.skipStartup, ownerEntry });
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

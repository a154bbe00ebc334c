import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDuration } from './duration.ts';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import { CcBridgeError } from './errors.ts';
import { dockerHostName } from './instance-fields.ts';
import type { LogLevel } from './logger.ts';
import { parseHost } from './request-guard.ts';
import { dockerHostTransport, parseDockerHost } from './runtimes/docker/docker-host.ts';

const booleanText = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((text) => ['1', 'true', 'yes', 'on'].includes(text));
const listText = z.string().transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean));
/** A host the dashboard answers to besides the loopback names: `name` (any port) or `name:port`. */
const allowedHost = z
  .string()
  .refine((text) => parseHost(text) !== null, { error: 'must be a host name or address, optionally with :port (no scheme, path or wildcard)' })
  .transform((text) => text.trim().toLowerCase());
const allowedHostsText = listText.pipe(z.array(allowedHost));
/** The transitions `[notify] on` can pick: an activity the agent moved to, or the status `error`. */
export const notifyTransitions = ['waiting', 'exited', 'error', 'idle'] as const;
export type NotifyTransition = (typeof notifyTransitions)[number];
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
/** One `[[docker.hosts]]` entry as the file holds it; the URL's form is checked in loadConfig (parseDockerHost). */
const dockerHostEntry = z.strictObject({
  name: dockerHostName,
  url: z.string().min(1),
  tls_ca: z.string().min(1).optional(),
  tls_cert: z.string().min(1).optional(),
  tls_key: z.string().min(1).optional(),
  tls_verify: z.boolean().optional(),
  ssh_key: z.string().min(1).optional(),
});

/** The config file, in the snake_case keys of the original cc-bridge's TOML. Unknown keys are errors. */
const fileSchema = z.strictObject({
  docker: z
    .strictObject({
      enabled: z.boolean().optional(),
      auto_discovery: z.boolean().optional(),
      container_label: z.string().min(1).optional(),
      image_patterns: z.array(z.string().min(1)).optional(),
      network: z.string().min(1).optional(),
      preferred: z.boolean().optional(),
      host: z.string().min(1).optional(),
      process_scan: z.boolean().optional(),
      hosts: z.array(dockerHostEntry).optional(),
    })
    .optional(),
  database: z
    .strictObject({ url: z.string().min(1).optional(), data_dir: z.string().min(1).optional(), owner_linger: z.int().min(0).optional() })
    .optional(),
  tmux: z
    .strictObject({
      socket: z.string().min(1).optional(),
      command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .optional(),
  startup: z
    .strictObject({ cleanup_stopped: z.boolean().optional(), skip_discovery: z.boolean().optional() })
    .optional(),
  retention: z.strictObject({ stopped_after: z.string().min(1).optional(), events_after: z.string().min(1).optional() }).optional(),
  hooks: z.strictObject({ spool_dir: z.string().min(1).optional() }).optional(),
  web: z.strictObject({ allowed_hosts: z.array(allowedHost).optional() }).optional(),
  auth: z.strictObject({ secret: z.string().min(32, { error: 'must be at least 32 characters' }).optional() }).optional(),
  notify: z
    .strictObject({
      webhook: httpUrl.optional(),
      command: z
        .array(z.string().min(1), { error: 'must be an argv array such as ["notify-send", "cc-bridge"] (never run through a shell)' })
        .min(1, { error: 'must name the program to run' })
        .optional(),
      on: z.array(z.enum(notifyTransitions)).min(1, { error: `must pick at least one of ${notifyTransitions.join(', ')}` }).optional(),
      dashboard_url: httpUrl.optional(),
    })
    .optional(),
  log_level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  server: z
    .strictObject({ url: httpUrl.optional(), token: z.string().min(1).optional(), token_file: z.string().min(1).optional() })
    .refine((server) => server.token === undefined || server.token_file === undefined, { error: 'give token or token_file, not both' })
    .optional(),
});
type FileConfig = z.infer<typeof fileSchema>;

const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgresql:// URL (leave it unset for the embedded database)' });

/** Environment variables this package reads; nothing else in core reads process.env. */
const envSchema = z.object({
  CC_BRIDGE_CONFIG: z.string().min(1).optional(),
  CC_BRIDGE_DOCKER_ENABLED: booleanText.optional(),
  CC_BRIDGE_AUTO_DISCOVERY: booleanText.optional(),
  CC_BRIDGE_CONTAINER_LABEL: z.string().min(1).optional(),
  CC_BRIDGE_IMAGE_PATTERNS: listText.optional(),
  CC_BRIDGE_DOCKER_NETWORK: z.string().min(1).optional(),
  CC_BRIDGE_PROCESS_SCAN: booleanText.optional(),
  CC_BRIDGE_DATA_DIR: z.string().min(1).optional(),
  CC_BRIDGE_HOOKS_DIR: z.string().min(1).optional(),
  CC_BRIDGE_OWNER_LINGER: z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number of seconds (0: no lingering owner)' })
    .transform(Number)
    .optional(),
  CC_BRIDGE_TMUX_SOCKET: z.string().min(1).optional(),
  CC_BRIDGE_TMUX_COMMAND: z.string().min(1).optional(),
  CC_BRIDGE_SKIP_DISCOVERY: booleanText.optional(),
  CC_BRIDGE_CLEANUP_STOPPED: booleanText.optional(),
  CC_BRIDGE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  CC_BRIDGE_ALLOWED_HOSTS: allowedHostsText.optional(),
  CC_BRIDGE_DASHBOARD_URL: httpUrl.optional(),
  CC_BRIDGE_AUTH_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  CC_BRIDGE_SERVER: httpUrl.optional(),
  CC_BRIDGE_TOKEN: z.string().min(1).optional(),
  DOCKER_HOST: z.string().min(1).optional(),
  SSH_AUTH_SOCK: z.string().min(1).optional(),
  DATABASE_URL: databaseUrl.optional(),
  HOME: z.string().optional(),
  XDG_CONFIG_HOME: z.string().optional(),
  XDG_DATA_HOME: z.string().optional(),
});
type Env = z.infer<typeof envSchema>;
/** Variables as process.env holds them (a plain record, so callers need not fake NODE_ENV). */
export type Environment = Record<string, string | undefined>;

/**
 * One Docker Engine cc-bridge manages (`[[docker.hosts]]`, or the one host `local` made from
 * `[docker] host` / DOCKER_HOST / the default socket). Paths are absolute.
 */
export interface DockerHostConfig {
  /** Unique slug; what a Docker record's `dockerHost` holds. */
  name: string;
  /** DOCKER_HOST form (`unix:///path`, `tcp://host:port`, `ssh://user@host[:port]`); null: the default socket. */
  url: string | null;
  /** Where `url` was set, for messages (`[[docker.hosts]] "NAME" in FILE`, `DOCKER_HOST`); null with no url. */
  setting: string | null;
  /** tcp:// with TLS: PEM files of the CA that signed the Engine's certificate and of the client's certificate and key; null: plain TCP. */
  tls: { ca: string | null; cert: string | null; key: string | null; verify: boolean } | null;
  /** ssh://: the private key file; null: the SSH agent (`SSH_AUTH_SOCK`) only. */
  sshKey: string | null;
  /** ssh://: the agent's socket (SSH_AUTH_SOCK); null: none. */
  sshAgent: string | null;
}

/** The host name of the one host made when `[[docker.hosts]]` lists none. */
export const defaultDockerHostName = 'local';

export interface Config {
  docker: {
    enabled: boolean;
    autoDiscovery: boolean;
    containerLabel: string;
    imagePatterns: string[];
    network: string | null;
    preferred: boolean;
    /** DOCKER_HOST form (`unix:///path`, `tcp://host:port`); null: the default socket. */
    host: string | null;
    /** Where `host` was set, for messages: `DOCKER_HOST` or `[docker] host in FILE`; null with no host. */
    hostSetting: string | null;
    /** Look for a Claude process inside each candidate container: one call per container. */
    processScan: boolean;
    /**
     * The Engines managed, in the order configured (`[[docker.hosts]]`); never empty: without
     * entries, one host `local` at `host`. The first is the default for new records and for
     * records that name none.
     */
    hosts: DockerHostConfig[];
  };
  database: {
    /** A PostgreSQL server; null: the embedded database in `dataDir`. */
    url: string | null;
    dataDir: string;
    /**
     * How long a command's database owner process keeps serving the embedded folder after its
     * last client left (ms); 0: each command opens the folder itself and leaves nothing running.
     */
    ownerLingerMs: number;
  };
  tmux: {
    /** Path of the tmux server socket (`tmux -S`); null: tmux's default server. */
    socket: string | null;
    /** argv a new session runs. */
    command: string[];
  };
  startup: { skipDiscovery: boolean; cleanupStopped: boolean };
  /**
   * `[retention]`: how long (ms) a stopped record is kept after its last update (`stopped_after`)
   * and how long instance history is kept (`events_after`); null: forever. Applied by the
   * dashboard's server daily and by `cc-bridge instances cleanup --policy`.
   */
  retention: { stoppedAfterMs: number | null; eventsAfterMs: number | null };
  hooks: {
    /**
     * The folder Claude Code's hook command leaves its reports in (one JSON file each) until a
     * cc-bridge process applies them; default `<database data dir>/hooks`.
     */
    spoolDir: string;
  };
  web: {
    /**
     * Hosts the dashboard answers to besides 127.0.0.1, localhost and [::1] (always allowed):
     * `name` for any port, `name:port` for one, lower-case. See request-guard.ts.
     */
    allowedHosts: string[];
  };
  auth: {
    /**
     * Signs session cookies (better-auth's secret): CC_BRIDGE_AUTH_SECRET, else `[auth] secret`;
     * null: one generated into `<data dir>/auth-secret` (mode 0600) on first use (auth/secret.ts).
     */
    secret: string | null;
  };
  notify: {
    /** POSTed a JSON body per transition (see notify/notification.ts); null: none. */
    webhook: string | null;
    /** argv run per transition, the facts in CC_BRIDGE_NOTIFY_* variables and as JSON on stdin; null: none. */
    command: string[] | null;
    /** Which transitions are sent; default `['waiting']`. */
    on: NotifyTransition[];
    /**
     * Where the dashboard is reached, for the link to the instance's page: `[notify]
     * dashboard_url`, else CC_BRIDGE_DASHBOARD_URL (the dashboard's server sets it to the address
     * it listens on), else http://127.0.0.1:3000. No trailing slash.
     */
    dashboardUrl: string;
  };
  /**
   * A team server the CLI works against instead of a database (`--server`, CC_BRIDGE_SERVER,
   * `[server] url`); url null: the database. The token: `--token-stdin`, CC_BRIDGE_TOKEN,
   * `[server] token`, or the first line of `[server] token_file` (relative to the config file).
   */
  server: { url: string | null; token: string | null };
  logLevel: LogLevel;
  /** The config file that was read, if any. */
  source: string | null;
}

/** The strongest source: what the command line (or the caller) says. */
export interface ConfigOverrides {
  configFile?: string;
  databaseUrl?: string;
  dataDir?: string;
  tmuxSocket?: string;
  dockerEnabled?: boolean;
  skipDiscovery?: boolean;
  cleanupStopped?: boolean;
  logLevel?: LogLevel;
  /** `--server URL`. */
  serverUrl?: string;
  /** A token read from stdin (`--token-stdin`): never a flag's value, which `ps` would show. */
  serverToken?: string;
}

export const defaultImagePatterns = ['cc-bridge', 'claude-code'];
/** `[notify] on` unless set. */
export const defaultNotifyOn: NotifyTransition[] = ['waiting'];
/** The dashboard's default address (apps/web/server.ts). */
export const defaultDashboardUrl = 'http://127.0.0.1:3000';
/** `[database] owner_linger` unless set (seconds). */
export const defaultOwnerLingerSeconds = 300;

/** Splits a command line on blanks; no shell is involved, so quotes are not special. */
function commandArgv(command: string | string[]): string[] {
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

function readEnv(env: Environment): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new CcBridgeError('CONFIG_INVALID', `Invalid environment: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

function readConfigFile(path: string, isExplicit: boolean): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!isExplicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CcBridgeError('CONFIG_INVALID', `Cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
    throw new CcBridgeError('CONFIG_INVALID', `${path}${where}: not valid TOML`, { cause: error });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CcBridgeError('CONFIG_INVALID', `${path}: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** A `[retention]` duration in ms (null when absent); CONFIG_INVALID naming the key when it is not one. */
function retentionDuration(text: string | undefined, where: string): number | null {
  if (text === undefined) return null;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new CcBridgeError('CONFIG_INVALID', `${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The first line of `[server] token_file` (a path relative to the config file); null without one. */
function readTokenFile(tokenFile: string | undefined, configPath: string): string | null {
  if (tokenFile === undefined) return null;
  const path = resolve(/* turbopackIgnore: true */ dirname(configPath), tokenFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CcBridgeError('CONFIG_INVALID', `${configPath}: server.token_file: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const token = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (token === '') throw new CcBridgeError('CONFIG_INVALID', `${configPath}: server.token_file: ${path} is empty`);
  return token;
}

/**
 * `[[docker.hosts]]` as DockerHostConfigs (relative paths from the file's folder); CONFIG_INVALID
 * naming the file and the entry for a repeated name, a URL cc-bridge cannot use, or TLS or SSH
 * settings its transport does not take. Null when the file lists none.
 */
function dockerHostsOf(entries: NonNullable<FileConfig['docker']>['hosts'], path: string, sshAgent: string | null): DockerHostConfig[] | null {
  if (entries === undefined || entries.length === 0) return null;
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const where = `${path}: docker.hosts.${index} ("${entry.name}")`;
    if (seen.has(entry.name)) throw new CcBridgeError('CONFIG_INVALID', `${where}: name "${entry.name}" is given to more than one host`);
    seen.add(entry.name);
    let transport: string;
    try {
      transport = dockerHostTransport(parseDockerHost(entry.url, `${where}: url`));
    } catch (error) {
      if (error instanceof CcBridgeError) throw new CcBridgeError('CONFIG_INVALID', error.message, { cause: error });
      throw error;
    }
    const hasTls = entry.tls_ca !== undefined || entry.tls_cert !== undefined || entry.tls_key !== undefined || entry.tls_verify !== undefined;
    if (hasTls && transport !== 'tcp') throw new CcBridgeError('CONFIG_INVALID', `${where}: tls_* settings need a tcp:// url`);
    if ((entry.tls_cert === undefined) !== (entry.tls_key === undefined)) throw new CcBridgeError('CONFIG_INVALID', `${where}: tls_cert and tls_key go together`);
    if (entry.tls_verify === true && entry.tls_ca === undefined) throw new CcBridgeError('CONFIG_INVALID', `${where}: tls_verify = true needs tls_ca`);
    if (entry.ssh_key !== undefined && transport !== 'ssh') throw new CcBridgeError('CONFIG_INVALID', `${where}: ssh_key needs an ssh:// url`);
    const file = (name: string | undefined) => (name === undefined ? null : resolve(/* turbopackIgnore: true */ dirname(path), name));
    return {
      name: entry.name,
      url: entry.url,
      setting: `[[docker.hosts]] "${entry.name}" in ${path}`,
      tls: hasTls ? { ca: file(entry.tls_ca), cert: file(entry.tls_cert), key: file(entry.tls_key), verify: entry.tls_verify ?? entry.tls_ca !== undefined } : null,
      sshKey: file(entry.ssh_key),
      sshAgent: transport === 'ssh' ? sshAgent : null,
    };
  });
}

/**
 * Resolves the configuration: overrides (CLI flags), then the environment, then the config file
 * (`overrides.configFile`, CC_BRIDGE_CONFIG, else ~/.config/cc-bridge/config.toml), then defaults.
 */
export function loadConfig(overrides: ConfigOverrides = {}, environment: Environment = process.env): Config {
  const env = readEnv(environment);
  if (overrides.databaseUrl !== undefined) {
    const url = databaseUrl.safeParse(overrides.databaseUrl);
    if (!url.success) throw new CcBridgeError('CONFIG_INVALID', `--database-url ${url.error.issues[0]?.message}`);
  }
  const home = env.HOME ?? homedir();
  const explicitFile = overrides.configFile ?? env.CC_BRIDGE_CONFIG;
  const configHome = env.XDG_CONFIG_HOME ?? join(home, '.config');
  const path = resolve(/* turbopackIgnore: true */ explicitFile ?? join(configHome, 'cc-bridge', 'config.toml'));
  const file = readConfigFile(path, explicitFile !== undefined);
  const isFileRead = explicitFile !== undefined || Object.keys(file).length > 0;

  if (file.database?.url !== undefined) {
    const url = databaseUrl.safeParse(file.database.url);
    if (!url.success) throw new CcBridgeError('CONFIG_INVALID', `${path}: database.url ${url.error.issues[0]?.message}`);
  }
  if (overrides.serverUrl !== undefined) {
    const url = httpUrl.safeParse(overrides.serverUrl);
    if (!url.success) throw new CcBridgeError('CONFIG_INVALID', `--server ${url.error.issues[0]?.message}`);
  }
  const dockerUrl = env.DOCKER_HOST ?? file.docker?.host ?? null;
  const dockerUrlSetting = env.DOCKER_HOST !== undefined ? 'DOCKER_HOST' : file.docker?.host !== undefined ? `[docker] host in ${path}` : null;
  const dataHome = env.XDG_DATA_HOME ?? join(home, '.local', 'share');
  const dataDir = resolve(/* turbopackIgnore: true */ overrides.dataDir ?? env.CC_BRIDGE_DATA_DIR ?? file.database?.data_dir ?? join(dataHome, 'cc-bridge', 'db'));

  return {
    docker: {
      enabled: overrides.dockerEnabled ?? env.CC_BRIDGE_DOCKER_ENABLED ?? file.docker?.enabled ?? true,
      autoDiscovery: env.CC_BRIDGE_AUTO_DISCOVERY ?? file.docker?.auto_discovery ?? true,
      containerLabel: env.CC_BRIDGE_CONTAINER_LABEL ?? file.docker?.container_label ?? 'cc-bridge.instance',
      imagePatterns: env.CC_BRIDGE_IMAGE_PATTERNS ?? file.docker?.image_patterns ?? defaultImagePatterns,
      network: env.CC_BRIDGE_DOCKER_NETWORK ?? file.docker?.network ?? null,
      preferred: file.docker?.preferred ?? false,
      host: dockerUrl,
      hostSetting: dockerUrlSetting,
      processScan: env.CC_BRIDGE_PROCESS_SCAN ?? file.docker?.process_scan ?? false,
      hosts: dockerHostsOf(file.docker?.hosts, path, env.SSH_AUTH_SOCK ?? null) ?? [
        { name: defaultDockerHostName, url: dockerUrl, setting: dockerUrlSetting, tls: null, sshKey: null, sshAgent: dockerUrl?.startsWith('ssh://') ? (env.SSH_AUTH_SOCK ?? null) : null },
      ],
    },
    database: {
      url: overrides.databaseUrl ?? env.DATABASE_URL ?? file.database?.url ?? null,
      dataDir,
      ownerLingerMs: (env.CC_BRIDGE_OWNER_LINGER ?? file.database?.owner_linger ?? defaultOwnerLingerSeconds) * 1000,
    },
    tmux: {
      socket: overrides.tmuxSocket ?? env.CC_BRIDGE_TMUX_SOCKET ?? file.tmux?.socket ?? null,
      command: commandArgv(env.CC_BRIDGE_TMUX_COMMAND ?? file.tmux?.command ?? 'claude'),
    },
    startup: {
      skipDiscovery: overrides.skipDiscovery ?? env.CC_BRIDGE_SKIP_DISCOVERY ?? file.startup?.skip_discovery ?? false,
      cleanupStopped: overrides.cleanupStopped ?? env.CC_BRIDGE_CLEANUP_STOPPED ?? file.startup?.cleanup_stopped ?? false,
    },
    retention: {
      stoppedAfterMs: retentionDuration(file.retention?.stopped_after, `${path}: retention.stopped_after`),
      eventsAfterMs: retentionDuration(file.retention?.events_after, `${path}: retention.events_after`),
    },
    hooks: { spoolDir: resolve(/* turbopackIgnore: true */ env.CC_BRIDGE_HOOKS_DIR ?? file.hooks?.spool_dir ?? join(dataDir, 'hooks')) },
    web: { allowedHosts: env.CC_BRIDGE_ALLOWED_HOSTS ?? file.web?.allowed_hosts ?? [] },
    auth: { secret: env.CC_BRIDGE_AUTH_SECRET ?? file.auth?.secret ?? null },
    notify: {
      webhook: file.notify?.webhook ?? null,
      command: file.notify?.command ?? null,
      on: file.notify?.on ?? defaultNotifyOn,
      dashboardUrl: (file.notify?.dashboard_url ?? env.CC_BRIDGE_DASHBOARD_URL ?? defaultDashboardUrl).replace(/\/+$/, ''),
    },
    server: {
      url: overrides.serverUrl ?? env.CC_BRIDGE_SERVER ?? file.server?.url ?? null,
      token: overrides.serverToken ?? env.CC_BRIDGE_TOKEN ?? file.server?.token ?? readTokenFile(file.server?.token_file, path),
    },
    logLevel: overrides.logLevel ?? env.CC_BRIDGE_LOG_LEVEL ?? file.log_level ?? 'warn',
    source: isFileRead ? path : null,
  };
}

import { actingAs, type Caller } from './audit/caller.ts';
import { ChangeFeed, type WatchOptions } from './changes/change-feed.ts';
import type { SessionLifetime } from './auth/auth.ts';
import type { AuthService } from './auth/service.ts';
import type { Change } from './changes/payload.ts';
import type { Config, DockerHostConfig } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { guardDatabaseErrors } from './db/prisma-errors.ts';
import { DockerDiscoverer } from './discovery/docker-discoverer.ts';
import { CcBridgeError, isCcBridgeError } from './errors.ts';
import { InstanceManager } from './instance-manager.ts';
import { LiveFollower } from './live/live-follower.ts';
import { createLogger, type Logger } from './logger.ts';
import { Notifier } from './notify/notifier.ts';
import { configuredTargets } from './notify/targets.ts';
import type { DiscoveryReport, RemovalReport } from './reports.ts';
import { dockerCliTlsFlags, parseDockerHost } from './runtimes/docker/docker-host.ts';
import type { DockerRuntime } from './runtimes/runtime.ts';
import { createTmuxRuntime } from './runtimes/tmux/tmux-runtime.ts';

export interface CcBridge {
  manager: InstanceManager;
  /**
   * The same manager acting as `who` for the calls made through it (a signed-in user, a token, a
   * request's client address): events and audit entries name that actor and origin. Cheap, no
   * reopening; state is shared with `manager`. INVALID_INPUT for an empty actor.
   */
  as(who: Caller): InstanceManager;
  config: Config;
  /** Where the registry lives, for messages. */
  databaseLocation: string;
  /** What ran on start: null when it was skipped or not configured. */
  startup: { discovery: DiscoveryReport | null; cleanup: RemovalReport | null };
  /**
   * Changes to the registry by any process, on PostgreSQL and on the embedded database alike
   * (see ChangeFeed.watch): the first item is `{ all: true, reason: 'connected' }`, then
   * `{ all: false, ids, deleted }` (Instance ids) per change, or `{ all: true }` when everything
   * must be reloaded. Ends when `signal` aborts or the bridge closes. Every watcher of a bridge
   * shares one LISTEN connection, open only while someone watches.
   */
  watchChanges(options?: WatchOptions): AsyncIterable<Change>;
  /** The feed behind watchChanges: how many watch now, and hearing when that changes. */
  changes: ChangeFeed;
  /**
   * Live status: `live.subscribe()` (returns the unsubscribe) keeps the registry in step with the
   * runtimes while at least one subscriber is there (the Docker Engine's event stream, a tmux
   * probe every 2 s); the changes it writes reach watchers like any other. See LiveFollower.
   */
  live: LiveFollower;
  /** Sends `[notify]` transitions; null unless opened with `notify: true` and a target configured. */
  notifier: Notifier | null;
  /**
   * Users, roles, API tokens and sign-in (auth/service.ts) over this bridge's database: the first
   * call loads better-auth and resolves the secret (auth/secret.ts); later calls share that one.
   */
  auth(): Promise<AuthService>;
  /** Must be called: the database keeps the process alive until then. */
  close(): Promise<void>;
}

export interface OpenOptions {
  config: Config;
  logger?: Logger;
  /** Recorded in events and the audit log when a call acts as no one else: `cli:alice`, `web`. Default `system`. */
  actor?: string;
  /** Where those calls come from, for the audit log: `cli@HOST`; default null. */
  origin?: string | null;
  /** Skip startup discovery and cleanup (commands that only read or change one record). */
  skipStartup?: boolean;
  /** How long a change waits for its turn before DATABASE_BUSY (ms); default 60 s. */
  databaseWaitMs?: number;
  /** Bound on each tmux command and Engine request (ms); default `runtimeCallTimeoutMs`. Tests lower it. */
  runtimeTimeoutMs?: number;
  /** The embedded folder's detached owner script (see OpenDatabaseOptions.ownerEntry); the CLI's only. */
  ownerEntry?: string;
  /**
   * Run the notifier of `[notify]` (when it names a webhook or a command) until close: the
   * dashboard's server does; the CLI does not. It keeps the live follower subscribed meanwhile.
   */
  notify?: boolean;
  /** Session lifetime and renewal age for sign-in (auth.ts); default a week, renewed daily. Tests shorten it. */
  sessionLifetime?: SessionLifetime;
}

/**
 * An object whose module is loaded on its first call: every member of T must be a method that
 * returns a promise, so the load can be awaited inside it. A failed load fails every call.
 */
function loadOnFirstCall<T extends { [K in keyof T]: (...args: never[]) => Promise<unknown> }>(load: () => Promise<T>): T {
  let loaded: Promise<T> | null = null;
  return new Proxy({} as T, {
    get: (_target, key) => {
      // Not a method: `then` would make the object look like a promise to `await`.
      if (typeof key !== 'string' || key === 'then') return undefined;
      return async (...args: unknown[]): Promise<unknown> => {
        loaded ??= load();
        const target = await loaded;
        const method: unknown = Reflect.get(target, key);
        if (typeof method !== 'function') throw new TypeError(`${key} is not a method`);
        return (await Reflect.apply(method, target, args)) as unknown;
      };
    },
  });
}

/**
 * The Docker runtime of one configured host: null when Docker is disabled; when the host's URL
 * cannot be used, one that fails every call with that CONFIG_INVALID (returned beside it), so a
 * bad DOCKER_HOST costs Docker only. dockerode (~0.2 s to load) is loaded by the first Docker
 * call, so commands that never reach Docker do not pay for it; the URL is checked now (a TLS or
 * SSH key file that cannot be read fails that first call).
 */
function openDockerRuntime(
  config: Config['docker'],
  host: DockerHostConfig,
  timeoutMs: number | undefined,
): { docker: DockerRuntime | null; configError: CcBridgeError | null } {
  if (!config.enabled) return { docker: null, configError: null };
  try {
    parseDockerHost(host.url, host.setting ?? undefined);
  } catch (error) {
    if (!isCcBridgeError(error, 'CONFIG_INVALID')) throw error;
    return { docker: loadOnFirstCall<DockerRuntime>(() => Promise.reject(error)), configError: error };
  }
  const docker = loadOnFirstCall<DockerRuntime>(async () => {
    const [{ createDockerClient }, { createDockerRuntime }] = await Promise.all([
      import('./runtimes/docker/docker-client.ts'),
      import('./runtimes/docker/docker-runtime.ts'),
    ]);
    return createDockerRuntime(createDockerClient(host), { requestTimeoutMs: timeoutMs, ...(config.hosts.length > 1 ? { hostName: host.name } : {}) });
  });
  return { docker, configError: null };
}

/**
 * Opens cc-bridge: the database (migrated), the runtimes, the manager. Unless told to skip it,
 * runs startup work: discovery when Docker is enabled with auto-discovery, and the clean-up of
 * stopped instances when configured.
 */
export async function openCcBridge(options: OpenOptions): Promise<CcBridge> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database: Database = await openDatabase(config.database, logger, { waitMs: options.databaseWaitMs, ownerEntry: options.ownerEntry });
  // From here on the open database keeps the process alive: any failure must close it.
  try {
    const tmux = createTmuxRuntime({ socket: config.tmux.socket, timeoutMs: options.runtimeTimeoutMs });
    const opened = config.docker.hosts.map((host) => ({ host, ...openDockerRuntime(config.docker, host, options.runtimeTimeoutMs) }));
    const dockerHosts = opened.map(({ host, docker }) => ({
      name: host.name,
      docker,
      discoverer: docker ? new DockerDiscoverer(docker, config.docker, logger) : null,
      cliFlags: dockerCliTlsFlags(host.tls),
    }));
    const docker = dockerHosts[0]?.docker ?? null;
    const manager = new InstanceManager({
      prisma: database.prisma,
      tmux,
      dockerHosts,
      // The default host's: [[docker.hosts]] URLs are checked when the config is read.
      dockerConfigError: opened[0]?.configError ?? null,
      config,
      logger,
      actor: options.actor ?? 'system',
      noAnswerRetryMs: options.runtimeTimeoutMs,
    });
    // Every database error the manager meets leaves it as DATABASE_BUSY or DATABASE_ERROR (or a
    // *_TAKEN), never raw: the CLI and the dashboard only ever see CcBridgeErrors from the database.
    const guarded = guardDatabaseErrors(manager, database);
    const as = (who: Caller): InstanceManager => actingAs(guarded, who);
    const bound = as({ actor: options.actor ?? 'system', origin: options.origin ?? null });

    const startup: CcBridge['startup'] = { discovery: null, cleanup: null };
    if (!options.skipStartup && docker && config.docker.autoDiscovery && !config.startup.skipDiscovery) {
      // Its errors are in the report, and the manager has logged them.
      startup.discovery = await bound.refreshDiscovery();
    }
    if (!options.skipStartup && config.startup.cleanupStopped) {
      startup.cleanup = await bound.cleanupStoppedInstances();
    }
    const changes = new ChangeFeed({ newConnection: () => database.newClient(), logger });
    // What the follower writes on hearing the runtimes is the `events` actor's (its discovery: `discovery`).
    const live = new LiveFollower({ registry: as({ actor: 'events', origin: null }), logger });
    const targets = options.notify ? configuredTargets(config.notify) : [];
    const notifier =
      targets.length === 0
        ? null
        : new Notifier({ registry: bound, watchChanges: (watchOptions) => changes.watch(watchOptions), live, settings: config.notify, targets, logger });
    notifier?.start();
    let auth: Promise<AuthService> | null = null;
    const openAuth = async (): Promise<AuthService> => {
      const [{ AuthService: Service }, { resolveAuthSecret }] = await Promise.all([import('./auth/service.ts'), import('./auth/secret.ts')]);
      const secret = await resolveAuthSecret(config);
      return new Service({ prisma: database.prisma, secret, baseURL: config.notify.dashboardUrl, logger, session: options.sessionLifetime, caller: { actor: options.actor ?? 'system', origin: options.origin ?? null } });
    };
    return {
      manager: bound,
      as,
      config,
      databaseLocation: database.location,
      startup,
      watchChanges: (watchOptions) => changes.watch(watchOptions),
      changes,
      live,
      notifier,
      auth: () => {
        auth ??= openAuth().catch((error: unknown) => {
          auth = null;
          throw error;
        });
        return auth;
      },
      close: async () => {
        await notifier?.close();
        // The follower's registry work uses the database, and an owner closing the embedded
        // database waits for the LISTEN connection: both end first.
        await live.close();
        await changes.close();
        await database.close();
      },
    };
  } catch (error) {
    // The caller gets the error that stopped the open; a failed close on top of it is only logged.
    await database.close().catch((closeError: unknown) =>
      logger.error('closing the database failed', { error: closeError instanceof Error ? closeError.message : String(closeError) }),
    );
    throw error;
  }
}

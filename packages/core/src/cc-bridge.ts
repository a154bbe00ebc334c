import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { guardDatabaseErrors } from './db/prisma-errors.ts';
import { DockerDiscoverer } from './discovery/docker-discoverer.ts';
import { InstanceManager } from './instance-manager.ts';
import { createLogger, type Logger } from './logger.ts';
import type { DiscoveryReport, RemovalReport } from './reports.ts';
import { createDockerClient } from './runtimes/docker/docker-client.ts';
import { createDockerRuntime } from './runtimes/docker/docker-runtime.ts';
import { createTmuxRuntime } from './runtimes/tmux/tmux-runtime.ts';

export interface CcBridge {
  manager: InstanceManager;
  config: Config;
  /** Where the registry lives, for messages. */
  databaseLocation: string;
  /** What ran on start: null when it was skipped or not configured. */
  startup: { discovery: DiscoveryReport | null; cleanup: RemovalReport | null };
  /** Must be called: the database keeps the process alive until then. */
  close(): Promise<void>;
}

export interface OpenOptions {
  config: Config;
  logger?: Logger;
  /** Recorded in events: `cli:alice`, `web`. */
  actor?: string;
  /** Skip startup discovery and cleanup (commands that only read or change one record). */
  skipStartup?: boolean;
  /** How long a change waits for its turn before DATABASE_BUSY (ms); default 60 s. */
  databaseWaitMs?: number;
}

/**
 * Opens cc-bridge: the database (migrated), the runtimes, the manager. Unless told to skip it,
 * runs startup work: discovery when Docker is enabled with auto-discovery, and the clean-up of
 * stopped instances when configured.
 */
export async function openCcBridge(options: OpenOptions): Promise<CcBridge> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database: Database = await openDatabase(config.database, logger, { waitMs: options.databaseWaitMs });
  const tmux = createTmuxRuntime({ socket: config.tmux.socket });
  const docker = config.docker.enabled ? createDockerRuntime(createDockerClient(config.docker.host)) : null;
  const manager = new InstanceManager({
    prisma: database.prisma,
    tmux,
    docker,
    discoverer: docker ? new DockerDiscoverer(docker, config.docker, logger) : null,
    config,
    logger,
    actor: options.actor ?? 'system',
  });
  // Every database error the manager meets leaves it as DATABASE_BUSY or DATABASE_ERROR (or a
  // *_TAKEN), never raw: the CLI and the dashboard only ever see CcBridgeErrors from the database.
  const guarded = guardDatabaseErrors(manager, database);

  const startup: CcBridge['startup'] = { discovery: null, cleanup: null };
  try {
    if (!options.skipStartup && docker && config.docker.autoDiscovery && !config.startup.skipDiscovery) {
      // Its errors are in the report, and the manager has logged them.
      startup.discovery = await guarded.refreshDiscovery();
    }
    if (!options.skipStartup && config.startup.cleanupStopped) {
      startup.cleanup = await guarded.cleanupStoppedInstances();
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return { manager: guarded, config, databaseLocation: database.location, startup, close: () => database.close() };
}

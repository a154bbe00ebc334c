import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { SessionLifetime } from '../auth/auth.ts';
import { openCcBridge, type CcBridge } from '../cc-bridge.ts';
import { openEmbeddedDatabase } from '../db/embedded.ts';
import { loadConfig } from '../config.ts';
import { silentLogger, type Logger } from '../logger.ts';

export type TestBackend = 'embedded' | 'postgres';

/**
 * The databases the integration suites run against: always the embedded one, and a real
 * PostgreSQL server when TEST_DATABASE_URL names one. In CI that server is required.
 */
export function testBackends(): TestBackend[] {
  if (process.env.TEST_DATABASE_URL) return ['embedded', 'postgres'];
  if (process.env.CI) throw new Error('TEST_DATABASE_URL must name a PostgreSQL server in CI (scripts/test.sh starts one)');
  return ['embedded'];
}

export interface TestBridgeOptions {
  backend?: TestBackend;
  tmuxSocket: string;
  /** false: Docker disabled; a string: that DOCKER_HOST (e.g. an unreachable one). */
  docker?: boolean | string;
  /** Environment on top of the test defaults (CC_BRIDGE_* names). */
  env?: Record<string, string>;
  logger?: Logger;
  skipStartup?: boolean;
  /** How long a change waits for the database before DATABASE_BUSY (ms). */
  databaseWaitMs?: number;
  /** Bound on each tmux command and Engine request (ms); the default is the real one. */
  runtimeTimeoutMs?: number;
  /** Run the `[notify]` notifier (see OpenOptions.notify). */
  notify?: boolean;
  /** Sign-in's session lifetime (OpenOptions.sessionLifetime). */
  sessionLifetime?: SessionLifetime;
}

export interface TestBridge extends CcBridge {
  /** The folder of the embedded database, or null on PostgreSQL. */
  dataDir: string | null;
  databaseUrl: string | null;
  /** Closes the bridge and removes its database. */
  dispose(): Promise<void>;
}

/** A fresh, empty database on the PostgreSQL server `adminUrl` names: its URL, and `drop` (which ends its connections). */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cc_bridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

let template: Promise<string> | undefined;

/**
 * A migrated embedded database made once per test process and copied for each bridge: creating
 * one from nothing (initdb) takes seconds, a copy a few milliseconds.
 */
function embeddedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-template-'));
    const database = await openEmbeddedDatabase(dir, silentLogger);
    await database.close();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

/** A cc-bridge on a fresh database of its own, with a private tmux server and test image patterns. */
export async function openTestBridge(options: TestBridgeOptions): Promise<TestBridge> {
  const home = await mkdtemp(join(tmpdir(), 'cc-bridge-test-'));
  const backend = options.backend ?? 'embedded';
  const server = backend === 'postgres' ? await createTestDatabase(requiredEnv('TEST_DATABASE_URL')) : null;
  const env: Record<string, string> = {
    HOME: home,
    CC_BRIDGE_DATA_DIR: join(home, 'db'),
    CC_BRIDGE_TMUX_SOCKET: options.tmuxSocket,
    CC_BRIDGE_TMUX_COMMAND: 'sleep 3600',
    CC_BRIDGE_DOCKER_ENABLED: options.docker === false ? '0' : '1',
    // The plain test image must not match; containers are found by label unless a test says so.
    CC_BRIDGE_IMAGE_PATTERNS: 'claude-code-test',
    ...(typeof options.docker === 'string' ? { DOCKER_HOST: options.docker } : {}),
    ...(server ? { DATABASE_URL: server.url } : {}),
    ...options.env,
  };
  const config = loadConfig({}, env);
  if (!server) await cp(await embeddedTemplate(), config.database.dataDir, { recursive: true });
  try {
    const bridge = await openCcBridge({
      config,
      logger: options.logger ?? silentLogger,
      actor: 'test',
      skipStartup: options.skipStartup ?? true,
      databaseWaitMs: options.databaseWaitMs,
      runtimeTimeoutMs: options.runtimeTimeoutMs,
      notify: options.notify,
      sessionLifetime: options.sessionLifetime,
    });
    return {
      ...bridge,
      dataDir: server ? null : config.database.dataDir,
      databaseUrl: server?.url ?? null,
      async dispose() {
        await bridge.close();
        await server?.drop();
        await rm(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.drop();
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

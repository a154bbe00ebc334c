import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const appDir = join(import.meta.dirname, '..', '..');
const nextBin = join(appDir, 'node_modules', '.bin', 'next');
const tsxBin = join(appDir, 'node_modules', '.bin', 'tsx');

/** Builds the production app unless a build is there already (SKIP_BUILD=0 forces one). */
export function ensureBuild(): void {
  if (process.env.SKIP_BUILD !== '0' && existsSync(join(appDir, '.next', 'BUILD_ID'))) return;
  const result = spawnSync(nextBin, ['build'], { cwd: appDir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

export interface RunningServer {
  url: string;
  /** The server process (tsx; the node process it spawns runs below it). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The dashboard's server (server.ts) on `hostname` (default 127.0.0.1) with `env` on top of this
 * process's; resolves once /instances answers on 127.0.0.1 (a wildcard address answers there too).
 * Its output goes to this process's stderr, so whatever a script prints on stdout stays its own.
 */
export async function startServer(port: number, env: Record<string, string>, hostname = '127.0.0.1'): Promise<RunningServer> {
  const child: ChildProcess = spawn(tsxBin, ['server.ts', '--hostname', hostname, '--port', String(port)], {
    cwd: appDir,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (child.pid === undefined) throw new Error(`the dashboard server could not be spawned (${tsxBin})`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/instances`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('the dashboard server did not answer within 60 s');
    }
    await sleep(200);
  }
  return {
    url,
    pid,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

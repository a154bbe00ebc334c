import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

export interface TestTmux {
  /** Socket of a tmux server of the test's own (`tmux -S`); the server starts with the first session. */
  socket: string;
  /** Kills the server and removes its directory. */
  dispose(): Promise<void>;
}

export async function createTestTmux(): Promise<TestTmux> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-tmux-'));
  const socket = join(dir, 'sock');
  return {
    socket,
    async dispose() {
      try {
        await execFile('tmux', ['-S', socket, 'kill-server']);
      } catch (error) {
        // The server exits by itself with its last session, or never started.
        const stderr = error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
        if (!/no server running|error connecting to|server exited unexpectedly/.test(stderr)) throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

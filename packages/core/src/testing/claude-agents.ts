import { execFile as execFileCallback } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { prepareClaudeHome, startScriptedAnthropicApi, type ScriptedAnthropicApi } from './anthropic-api.ts';
import { createTestTmux, type TestTmux } from './tmux.ts';

const execFile = promisify(execFileCallback);

/**
 * A private world for a test that runs the real Claude Code in tmux sessions cc-bridge starts:
 * its own tmux server, the scripted Anthropic API, and a folder holding a HOME (made ready by
 * prepareClaudeHome) and a working directory. `env` is what a cc-bridge process (the CLI, a
 * dashboard, openCcBridge through loadConfig) needs to use them: this process's environment
 * without any cc-bridge setting, DATABASE_URL, DOCKER_HOST or the tmux of a developer's own
 * session, plus the data folder, the tmux socket, Docker off, no lingering database owner, and
 * `[tmux] command` running Claude Code against the scripted API (`env K=V … claude`, no shell).
 */
export interface ClaudeAgentWorld {
  /** The folder everything is in (real path). */
  base: string;
  home: string;
  /** The agents' working directory. */
  work: string;
  env: Record<string, string>;
  tmux: TestTmux;
  api: ScriptedAnthropicApi;
  /** What the session's pane shows now (`capture-pane -p`). */
  pane(session: string): Promise<string>;
  /** tmux `send-keys` to the session: `keys(session, '-l', text)`, `keys(session, 'Enter')`. */
  keys(session: string, ...args: string[]): Promise<void>;
  /**
   * Accepts the permission dialog the session shows (Enter on its selected "Yes") once it is
   * drawn, and again while it still shows: a key sent while Claude Code draws it can be lost.
   */
  confirmDialog(session: string): Promise<void>;
  /** Stops the tmux server and the API and removes the folder. */
  dispose(): Promise<void>;
}

/** Makes a ClaudeAgentWorld; `claudeBin` is the pinned Claude Code's bin, `prefix` names the folder. */
export async function createClaudeAgentWorld(options: { claudeBin: string; prefix: string; env?: Record<string, string> }): Promise<ClaudeAgentWorld> {
  const tmux = await createTestTmux();
  const api = await startScriptedAnthropicApi();
  const base = await realpath(await mkdtemp(join(tmpdir(), `cc-bridge-${options.prefix}-`)));
  const home = join(base, 'home');
  const work = join(base, 'work');
  await mkdir(home, { recursive: true });
  await mkdir(work, { recursive: true });
  const claudeEnv = prepareClaudeHome({ home, cwd: work, apiUrl: api.url });
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !entry[0].startsWith('CC_BRIDGE_') && !entry[0].startsWith('XDG_') && !['DATABASE_URL', 'DOCKER_HOST', 'TMUX', 'TMUX_PANE'].includes(entry[0]),
  );
  const env: Record<string, string> = {
    ...Object.fromEntries(inherited),
    HOME: home,
    CC_BRIDGE_DATA_DIR: join(base, 'data'),
    CC_BRIDGE_TMUX_SOCKET: tmux.socket,
    CC_BRIDGE_DOCKER_ENABLED: '0',
    CC_BRIDGE_OWNER_LINGER: '0',
    CC_BRIDGE_TMUX_COMMAND: ['env', ...Object.entries(claudeEnv).map(([key, value]) => `${key}=${value}`), options.claudeBin].join(' '),
    ...options.env,
  };
  const pane = async (session: string) => (await execFile('tmux', ['-S', tmux.socket, 'capture-pane', '-p', '-t', `=${session}:`], { encoding: 'utf8' })).stdout;
  const keys = async (session: string, ...args: string[]) => {
    await execFile('tmux', ['-S', tmux.socket, 'send-keys', '-t', `=${session}:`, ...args]);
  };
  const isDialog = (text: string) => text.includes('Esc to cancel');
  return {
    base,
    home,
    work,
    env,
    tmux,
    api,
    pane,
    keys,
    confirmDialog: async (session) => {
      await waitUntil('the permission dialog on screen', () => pane(session), isDialog);
      for (let tries = 0; tries < 5 && isDialog(await pane(session)); tries++) {
        await keys(session, 'Enter');
        await waitUntil('the dialog answered', () => pane(session), (text) => !isDialog(text), 3_000).catch(() => undefined);
      }
    },
    dispose: async () => {
      await tmux.dispose();
      await api.close();
      // An agent's SessionEnd hook may still be writing its report into the spool as tmux ends.
      await rm(base, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/**
 * Reads `read` every 100 ms until `isDone` says yes and returns that value; after `timeoutMs`
 * (default 60 s: Claude Code on a loaded 2-core machine takes seconds to start and to answer)
 * throws naming `what` and the last value read.
 */
export async function waitUntil<T>(what: string, read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value, null, 1).slice(0, 2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

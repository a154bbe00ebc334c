// Token use against the real Claude Code (pinned devDependency): it runs in a tmux instance
// cc-bridge started, talks to the scripted Anthropic API on loopback, and records the usage that
// API returns in its transcript; cc-bridge's hooks tell the record where that transcript is, and
// `instances show --json` / `list --json` sum it.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, openCcBridge, silentLogger, type CcBridge, type Instance } from '@cc-bridge/core';
import { createTestTmux, prepareClaudeHome, startScriptedAnthropicApi, type ScriptedAnthropicApi, type TestTmux } from '@cc-bridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFile = promisify(execFileCallback);
const cliDir = fileURLToPath(new URL('../..', import.meta.url));
const binPath = join(cliDir, 'bin', 'cc-bridge.js');
const claudeBin = join(cliDir, 'node_modules', '.bin', 'claude');
/** A 2-core machine under load: Claude Code takes seconds to start and to answer. */
const stepMs = 60_000;

function runCli(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: cliDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor<T>(what: string, read: () => Promise<T>, isDone: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + stepMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value, null, 1).slice(0, 2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('token use from the real Claude Code transcript', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let base: string;
  let work: string;
  let env: Record<string, string>;
  let bridge: CcBridge;
  let unsubscribe: () => void = () => {};

  const pane = () => execFile('tmux', ['-S', tmux.socket, 'capture-pane', '-p', '-t', '=agent:'], { encoding: 'utf8' }).then(({ stdout }) => stdout);
  const keys = (...args: string[]) => execFile('tmux', ['-S', tmux.socket, 'send-keys', '-t', '=agent:', ...args]);
  const record = async (): Promise<Instance> => {
    const found = await bridge.manager.getInstance('agent');
    if (!found) throw new Error('no record named agent');
    return found;
  };

  beforeAll(async () => {
    tmux = await createTestTmux();
    api = await startScriptedAnthropicApi();
    base = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-tokens-')));
    const home = join(base, 'home');
    work = join(base, 'work');
    await execFile('mkdir', ['-p', home, work]);
    const claudeEnv = prepareClaudeHome({ home, cwd: work, apiUrl: api.url });
    const kept = Object.entries(process.env).filter(([key]) => !key.startsWith('CC_BRIDGE_') && !key.startsWith('XDG_') && !['DATABASE_URL', 'DOCKER_HOST', 'TMUX', 'TMUX_PANE'].includes(key));
    env = {
      ...Object.fromEntries(kept.flatMap(([key, value]) => (value === undefined ? [] : [[key, value]]))),
      HOME: home,
      CC_BRIDGE_DATA_DIR: join(base, 'data'),
      CC_BRIDGE_TMUX_SOCKET: tmux.socket,
      CC_BRIDGE_DOCKER_ENABLED: '0',
      CC_BRIDGE_OWNER_LINGER: '0',
      CC_BRIDGE_TMUX_COMMAND: ['env', ...Object.entries(claudeEnv).map(([key, value]) => `${key}=${value}`), claudeBin].join(' '),
    };
    bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'test', skipStartup: true });
    unsubscribe = bridge.live.subscribe();
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.close();
    await tmux.dispose();
    await api.close();
    // An agent's SessionEnd hook may still be writing its report into the spool as tmux ends.
    if (base) await rm(base, { recursive: true, force: true, maxRetries: 5 });
  });

  it('sums the usage the API returned, each model reply once, in show --json and list --json', async () => {
    expect((await runCli(['hooks', 'install'], env)).code).toBe(0);
    const create = await runCli(['instances', 'create', 'agent', '--cwd', work, '--start'], env);
    expect(create.stderr).toBe('');

    await waitFor('Claude Code at its prompt', pane, (text) => text.includes('? for shortcuts'));
    const started = await waitFor('SessionStart → idle with a transcript', record, (instance) => instance.activity === 'idle' && instance.claudeTranscriptPath !== null);
    // No model reply yet: known, and zero (or the transcript is not written until the first prompt).
    const before = JSON.parse((await runCli(['instances', 'show', 'agent', '--json'], env)).stdout) as { tokens: unknown };
    expect([null, { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }]).toContainEqual(before.tokens);

    api.script(
      { toolUse: { name: 'Bash', input: { command: 'touch cc-bridge-tokens.txt', description: 'Create a file' } }, usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000 } },
      { text: 'All done.', usage: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: 11, cache_read_input_tokens: 13 } },
    );
    await keys('-l', 'Create the file please');
    await keys('Enter');
    await waitFor('the permission prompt → waiting', record, (instance) => instance.activity === 'waiting');
    await keys('Enter');
    await waitFor('Stop → idle', record, (instance) => instance.activity === 'idle' && api.pending() === 0);

    const expected = { input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 };
    // The transcript may be flushed a moment after the Stop hook.
    const shown = await waitFor(
      'the transcript to hold both replies',
      async () => JSON.parse((await runCli(['instances', 'show', 'agent', '--json'], env)).stdout) as { tokens: unknown; claudeTranscriptPath: string },
      (json) => JSON.stringify(json.tokens) === JSON.stringify(expected),
    );
    expect(shown.claudeTranscriptPath).toBe(started.claudeTranscriptPath);
    const listed = JSON.parse((await runCli(['instances', 'list', '--skip-discovery', '--json'], env)).stdout) as { name: string; tokens: unknown }[];
    expect(listed.find((item) => item.name === 'agent')?.tokens).toEqual(expected);
    const text = (await runCli(['instances', 'show', 'agent'], env)).stdout;
    expect(text).toMatch(/^input tokens: +107$/m);
    expect(text).toMatch(/^cache read tokens: +4013$/m);
  });
});

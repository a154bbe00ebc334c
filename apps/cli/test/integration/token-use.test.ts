// Token use against the real Claude Code (pinned devDependency): it runs in a tmux instance
// cc-bridge started, talks to the scripted Anthropic API on loopback, and records the usage that
// API returns in its transcript; cc-bridge's hooks tell the record where that transcript is, and
// `instances show --json` / `list --json` sum it.
import { execFile as execFileCallback } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, openCcBridge, silentLogger, type CcBridge, type Instance } from '@cc-bridge/core';
import { createClaudeAgentWorld, waitUntil, type ClaudeAgentWorld, type ScriptedAnthropicApi, type TestTmux } from '@cc-bridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDir, runCli } from './sandbox.ts';

const execFile = promisify(execFileCallback);
const claudeBin = join(cliDir, 'node_modules', '.bin', 'claude');

describe('token use from the real Claude Code transcript', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let world: ClaudeAgentWorld | undefined;
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
    world = await createClaudeAgentWorld({ claudeBin, prefix: 'tokens' });
    ({ tmux, api, work, env } = world);
    bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'test', skipStartup: true });
    unsubscribe = bridge.live.subscribe();
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.close();
    await world?.dispose();
  });

  it('sums the usage the API returned, each model reply once, in show --json and list --json', async () => {
    expect((await runCli(['hooks', 'install'], env)).code).toBe(0);
    const create = await runCli(['instances', 'create', 'agent', '--cwd', work, '--start'], env);
    expect(create.stderr).toBe('');

    await waitUntil('Claude Code at its prompt', pane, (text) => text.includes('? for shortcuts'));
    const started = await waitUntil('SessionStart → idle with a transcript', record, (instance) => instance.activity === 'idle' && instance.claudeTranscriptPath !== null);
    // No model reply yet: known, and zero (or the transcript is not written until the first prompt).
    const before = JSON.parse((await runCli(['instances', 'show', 'agent', '--json'], env)).stdout) as { tokens: unknown };
    expect([null, { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }]).toContainEqual(before.tokens);

    api.script(
      { toolUse: { name: 'Bash', input: { command: 'touch cc-bridge-tokens.txt', description: 'Create a file' } }, usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000 } },
      { text: 'All done.', usage: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: 11, cache_read_input_tokens: 13 } },
    );
    await keys('-l', 'Create the file please');
    await keys('Enter');
    await waitUntil('the permission prompt → waiting', record, (instance) => instance.activity === 'waiting');
    await world?.confirmDialog('agent');
    await waitUntil('Stop → idle', record, (instance) => instance.activity === 'idle' && api.pending() === 0);

    const expected = { input: 107, output: 23, cacheCreation: 311, cacheRead: 4013 };
    // The transcript may be flushed a moment after the Stop hook.
    const shown = await waitUntil(
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

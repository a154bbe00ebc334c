// The real Claude Code (pinned devDependency) in a container with a TTY on the real Engine, with
// no hooks (issue 9, source 2 for containers): its TTY output, drawn by the headless terminal
// cc-bridge keeps while it follows live, gives idle → busy → waiting (the command) → busy → idle.
//
// The container is the busybox test image, `--network none`, with the host's Claude Code binary
// and C library mounted read-only (it is a glibc program), a private HOME and working folder.
// Claude Code talks HTTP to ANTHROPIC_BASE_URL and the container has no network: the host's
// `node` (mounted too) relays the container's 127.0.0.1:8765 to a Unix socket in a mounted
// folder, which this process relays to the scripted API on its own loopback. Only loopback and
// a Unix socket carry anything.
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Instance } from '@cc-bridge/core';
import {
  createTestTmux,
  ensureTestImage,
  getTestDockerClient,
  openTestBridge,
  prepareClaudeHome,
  startScriptedAnthropicApi,
  TEST_RUN,
  testLabels,
  waitUntil,
  type ScriptedAnthropicApi,
  type TestBridge,
  type TestTmux,
} from '@cc-bridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDir } from './sandbox.ts';

/** The model "thinks" this long (ms): long enough for the screen, read every 2 s and held 1 s, to see the spinner. */
const thinkMs = 7_000;
const relayPort = 8765;
// Runs inside the container under the host's node: 127.0.0.1:PORT → /api/api.sock.
const relayScript = `
const net = require('node:net');
net.createServer((client) => {
  const upstream = net.connect('/api/api.sock');
  client.pipe(upstream).on('error', () => upstream.destroy());
  upstream.pipe(client).on('error', () => client.destroy());
}).listen(${relayPort}, '127.0.0.1');
`;

/** Relays connections on a Unix socket at `path` to 127.0.0.1:`port`. */
async function relayToLoopback(path: string, port: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = createConnection(port, '127.0.0.1');
    client.pipe(upstream).on('error', () => upstream.destroy());
    upstream.pipe(client).on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

describe('agent activity of the real Claude Code from a container screen', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let relay: Server;
  let bridge: TestBridge;
  let base: string;
  let containerId = '';
  let unsubscribe: () => void = () => {};
  const name = `ccb-t-screen-${TEST_RUN}`;

  const record = (): Promise<Instance> => bridge.manager.getInstanceOrThrow(name);
  const transitions = async () =>
    (await bridge.manager.listEvents(name)).filter((event) => event.kind === 'activity_changed').map((event) => `${String(event.from)}→${String(event.to)} (${event.actor})`);
  const withLog = async (error: unknown) => {
    const log = await bridge.manager.readOutput(name, { lines: 40 }).catch(() => '(no log)');
    throw new Error(`${String(error).slice(0, 600)}\nlog of ${name}:\n${log}\nevents: ${(await transitions()).join(', ')}`);
  };

  beforeAll(async () => {
    const image = await ensureTestImage();
    tmux = await createTestTmux();
    api = await startScriptedAnthropicApi();
    base = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-container-screen-')));
    for (const folder of ['api', 'home', 'work']) await mkdir(join(base, folder));
    await writeFile(join(base, 'relay.cjs'), relayScript);
    relay = await relayToLoopback(join(base, 'api', 'api.sock'), Number(new URL(api.url).port));
    const claudeEnv = prepareClaudeHome({ home: join(base, 'home'), cwd: '/work', apiUrl: `http://127.0.0.1:${relayPort}` });
    const claude = await realpath(join(cliDir, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'));

    const container = await getTestDockerClient().createContainer({
      name,
      Image: image,
      Labels: testLabels(),
      Cmd: ['sh', '-c', 'node /relay.cjs & exec claude'],
      WorkingDir: '/work',
      Env: Object.entries({ ...claudeEnv, HOME: '/home/agent', TERM: 'xterm-256color', LANG: 'C.UTF-8', SHELL: '/bin/bash' }).map(([key, value]) => `${key}=${value}`),
      // As cc-bridge launches agents: a TTY and an open stdin, no ConsoleSize (so 80×24).
      Tty: true,
      OpenStdin: true,
      HostConfig: {
        NetworkMode: 'none',
        Binds: [
          '/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro',
          '/lib64:/lib64:ro',
          `${process.execPath}:/bin/node:ro`,
          // Claude Code's Bash tool wants bash or zsh ("No suitable shell found" with busybox sh).
          '/bin/bash:/bin/bash:ro',
          `${claude}:/bin/claude:ro`,
          `${join(base, 'relay.cjs')}:/relay.cjs:ro`,
          `${join(base, 'api')}:/api`,
          `${join(base, 'home')}:/home/agent`,
          `${join(base, 'work')}:/work`,
        ],
      },
    });
    containerId = container.id;
    await container.start();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, logger: silentLogger });
    await bridge.manager.createDockerInstance({ name, containerId, containerName: name });
    // This process follows live, as the dashboard does: the container's screen is read from now on.
    unsubscribe = bridge.live.subscribe();
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.dispose();
    if (containerId) await getTestDockerClient().getContainer(containerId).remove({ force: true });
    relay.close();
    await api.close();
    await tmux.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it('reads idle → busy → waiting (the command) → busy → idle off the container screen alone', async () => {
    expect(await record()).toMatchObject({ type: 'docker', activity: 'unknown' });
    const idle = await waitUntil('idle from the screen', record, (instance) => instance.activity === 'idle').catch(withLog);
    expect(idle.status).toBe('running');

    api.script(
      { toolUse: { name: 'Bash', input: { command: 'echo marker > container-marker.txt', description: 'Create a marker file' } }, delayMs: thinkMs },
      { text: 'All done.', delayMs: thinkMs },
    );
    // Typed, then Enter a moment later: text and Enter in one write reads as a paste to Claude Code.
    await bridge.manager.sendInput(name, 'Run the marker command please', { enter: false });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await bridge.manager.sendInput(name, '', { enter: true });
    await waitUntil('busy from the spinner', record, (instance) => instance.activity === 'busy').catch(withLog);
    const waiting = await waitUntil('waiting from the dialog', record, (instance) => instance.activity === 'waiting').catch(withLog);
    expect(waiting.activityReason).toBe('Bash: echo marker > container-marker.txt — Do you want to proceed?');

    await bridge.manager.answer(name, 'yes');
    await waitUntil('idle once the turn ended', record, (instance) => instance.activity === 'idle' && api.pending() === 0).catch(withLog);

    // The model thinks 7 s after the answer: the screen, read every 2 s and held 1 s, sees it busy.
    expect(await transitions()).toEqual(['unknown→idle (screen)', 'idle→busy (screen)', 'busy→waiting (screen)', 'waiting→busy (screen)', 'busy→idle (screen)']);
    // The answer reached Claude Code and the command ran in the container: the marker is in the mounted working folder.
    await expect(readFile(join(base, 'work', 'container-marker.txt'), 'utf8')).resolves.toBe('marker\n');
  });
});

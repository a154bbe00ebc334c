// Notifications (issue 9): transitions recorded in the registry reach a real webhook receiver
// (node:http on loopback) and a real command, once each, retried with backoff, on a real
// database. Hook reports are applied through core as the hook command leaves them; the `error`
// transition comes from a real container exiting badly on the machine's Docker Engine.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeHookReport, type HookReport } from '../../src/activity/hook-report.ts';
import { openCcBridge } from '../../src/cc-bridge.ts';
import { loadConfig } from '../../src/config.ts';
import { isCcBridgeError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { Notifier } from '../../src/notify/notifier.ts';
import type { Notification } from '../../src/notify/notification.ts';
import { webhookTarget } from '../../src/notify/targets.ts';
import {
  createTestTmux,
  ensureTestImage,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

interface Received {
  body: Notification;
  headers: IncomingHttpHeaders;
}

/** A webhook receiver on 127.0.0.1: keeps what it is sent; answers 500 to the first `failures` requests. */
async function startReceiver(): Promise<{ url: string; received: Received[]; failures: number; close(): Promise<void> }> {
  const state = { received: [] as Received[], failures: 0, requests: 0 };
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      state.requests += 1;
      if (state.requests <= receiver.failures) {
        response.writeHead(500).end('not now');
        return;
      }
      state.received.push({ body: JSON.parse(text) as Notification, headers: request.headers });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver = {
    url: `http://127.0.0.1:${String(port)}/hooks/cc-bridge?token=secret`,
    received: state.received,
    failures: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

describe.each(testBackends())('notifications of transitions (%s database)', (backend) => {
  let tmux: TestTmux;
  let home: string;
  let spool: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let bridge: TestBridge | undefined;
  const logLines: string[] = [];
  let clock = Date.now();

  /** Leaves a hook report as the hook command does, each a millisecond after the last. */
  const report = (instance: string, payload: HookReport['payload']) =>
    writeHookReport(spool, { at: (clock += 1), instance, tmuxPane: null, tmuxSocket: null, payload });
  /** The agent asks for a permission, as Claude Code's PermissionRequest hook reports it. */
  const ask = (instance: string, command: string) =>
    report(instance, { hook_event_name: 'PermissionRequest', session_id: 's-1', tool_name: 'Bash', tool_input: { command } });

  /** Opens a bridge running the notifier with `notify` as the config file's [notify] section. */
  async function openWith(notify: string, options: { docker?: boolean; env?: Record<string, string> } = {}): Promise<TestBridge> {
    const configPath = join(home, 'config.toml');
    await writeFile(configPath, `[notify]\n${notify}\n`);
    bridge = await openTestBridge({
      backend,
      tmuxSocket: tmux.socket,
      docker: options.docker ?? false,
      notify: true,
      env: { CC_BRIDGE_CONFIG: configPath, CC_BRIDGE_HOOKS_DIR: spool, CC_BRIDGE_DASHBOARD_URL: 'http://127.0.0.1:3999', ...options.env },
      logger: createLogger('info', (line) => logLines.push(line.trim())),
    });
    return bridge;
  }

  beforeEach(async () => {
    tmux = await createTestTmux();
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-notify-'));
    spool = join(home, 'spool');
    receiver = await startReceiver();
    logLines.length = 0;
  });

  afterEach(async () => {
    await bridge?.dispose();
    bridge = undefined;
    await receiver.close();
    await tmux.dispose();
    await rm(home, { recursive: true, force: true });
  });

  it('POSTs one JSON notification when an agent turns waiting, and nothing for transitions not picked', async () => {
    const opened = await openWith(`webhook = "${receiver.url}"`);
    const agent = await opened.manager.createInstance({ name: 'agent' });
    report('agent', { hook_event_name: 'UserPromptSubmit', session_id: 's-1' });
    ask('agent', 'make deploy');
    await opened.manager.applyHookReports();
    const waiting = await opened.manager.getInstanceOrThrow('agent');
    expect(waiting.activity).toBe('waiting');

    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 5_000, interval: 20 });
    const [first] = receiver.received;
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.body).toEqual({
      transition: 'waiting',
      instance: { id: agent.id, name: 'agent' },
      activity: 'waiting',
      previousActivity: 'busy',
      status: null,
      previousStatus: null,
      reason: 'Bash: make deploy',
      since: expect.any(String) as string,
      url: 'http://127.0.0.1:3999/instances/agent',
      eventId: expect.any(Number) as number,
    });
    expect(Math.abs(Date.parse(first?.body.since ?? '') - Date.now())).toBeLessThan(60_000);

    // Busy and idle are not picked (the default is waiting only): the next thing sent is the
    // next waiting, so had idle been sent, it would have come first.
    report('agent', { hook_event_name: 'PostToolUse', session_id: 's-1' });
    report('agent', { hook_event_name: 'Stop', session_id: 's-1' });
    ask('agent', 'make test');
    await opened.manager.applyHookReports();
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 5_000, interval: 20 });
    expect(receiver.received.map(({ body }) => [body.transition, body.previousActivity, body.reason])).toEqual([
      ['waiting', 'busy', 'Bash: make deploy'],
      ['waiting', 'idle', 'Bash: make test'],
    ]);
    const events = (await opened.manager.listEvents('agent')).filter((event) => event.kind === 'activity_changed');
    expect(events.map((event) => event.to)).toEqual(['busy', 'waiting', 'busy', 'idle', 'waiting']);
    await opened.notifier?.idle();
    expect(receiver.received).toHaveLength(2);
  });

  it('follows the agents by itself: a hook report left in the spool with no page open is notified', async () => {
    await openWith(`webhook = "${receiver.url}"\non = ["waiting", "exited"]`);
    await bridge?.manager.createInstance({ name: 'loner' });
    // Nobody calls applyHookReports: the notifier keeps the live follower running, which drains the spool.
    report('loner', { hook_event_name: 'SessionEnd', session_id: 's-1' });
    await vi.waitFor(() => expect(receiver.received.map(({ body }) => body.transition)).toEqual(['exited']), { timeout: 5_000, interval: 20 });
  });

  it('retries a failing receiver with backoff until it takes the notification, and logs the failure once', async () => {
    receiver.failures = 2;
    const opened = await openWith(`webhook = "${receiver.url}"`);
    await opened.manager.createInstance({ name: 'flaky' });
    ask('flaky', 'rm -rf build');
    const started = Date.now();
    await opened.manager.applyHookReports();
    // Attempts after 1 s and 2 s more: the third is taken.
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(receiver.received[0]?.body).toMatchObject({ transition: 'waiting', instance: { name: 'flaky' }, reason: 'Bash: rm -rf build' });
    const failures = logLines.filter((line) => line.includes('failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^cc-bridge warn: notify: webhook http:\/\/127\.0\.0\.1:\d+ failed/);
    expect(failures[0]).toContain('500');
    // The webhook's path and query (often a secret token) stay out of the log.
    expect(logLines.join('\n')).not.toContain('token=secret');
    expect(logLines.filter((line) => line.includes('works again'))).toHaveLength(1);
  });

  it('runs a command with the facts as JSON on stdin and in CC_BRIDGE_NOTIFY_* variables', async () => {
    const out = join(home, 'notified.json');
    // The command writes what it was given to a file: argv, no shell.
    const script = [
      "const fs = require('node:fs');",
      'const stdin = fs.readFileSync(0, "utf8");',
      'const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("CC_BRIDGE_NOTIFY_")));',
      'fs.writeFileSync(process.argv[1], JSON.stringify({ stdin: JSON.parse(stdin), env }));',
    ].join(' ');
    const opened = await openWith(`command = ${JSON.stringify([process.execPath, '-e', script, out])}\non = ["waiting", "idle"]`);
    const agent = await opened.manager.createInstance({ name: 'runner' });
    report('runner', { hook_event_name: 'Stop', session_id: 's-1' });
    await opened.manager.applyHookReports();
    await vi.waitFor(async () => expect(JSON.parse(await readFile(out, 'utf8'))).toBeTruthy(), { timeout: 10_000, interval: 50 });
    const written = JSON.parse(await readFile(out, 'utf8')) as { stdin: Notification; env: Record<string, string> };
    expect(written.stdin).toMatchObject({ transition: 'idle', instance: { id: agent.id, name: 'runner' }, activity: 'idle', previousActivity: 'unknown', reason: null });
    expect(written.env).toMatchObject({
      CC_BRIDGE_NOTIFY_TRANSITION: 'idle',
      CC_BRIDGE_NOTIFY_INSTANCE_ID: agent.id,
      CC_BRIDGE_NOTIFY_INSTANCE_NAME: 'runner',
      CC_BRIDGE_NOTIFY_ACTIVITY: 'idle',
      CC_BRIDGE_NOTIFY_PREVIOUS_ACTIVITY: 'unknown',
      CC_BRIDGE_NOTIFY_URL: 'http://127.0.0.1:3999/instances/runner',
      CC_BRIDGE_NOTIFY_SINCE: written.stdin.since,
    });
  });

  it('sends each transition once when several notifiers share the database', async () => {
    const opened = await openWith(`webhook = "${receiver.url}"`);
    // On PostgreSQL a second dashboard of its own (its own pool and LISTEN connection, as a second
    // process has); on either database two more notifiers racing on this bridge's connections.
    const second = opened.databaseUrl
      ? await openCcBridge({ config: loadConfig({}, { HOME: home, DATABASE_URL: opened.databaseUrl, CC_BRIDGE_CONFIG: join(home, 'config.toml'), CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_TMUX_SOCKET: tmux.socket }), logger: createLogger('silent'), skipStartup: true, notify: true })
      : null;
    const others = [0, 1].map(
      () => new Notifier({ registry: opened.manager, watchChanges: (options) => opened.watchChanges(options), live: null, settings: opened.config.notify, targets: [webhookTarget(receiver.url)], logger: createLogger('silent') }),
    );
    for (const other of others) other.start();
    try {
      expect(second === null || second.notifier !== null).toBe(true);
      const names = Array.from({ length: 8 }, (_, index) => `pair-${String(index)}`);
      for (const name of names) await opened.manager.createInstance({ name });
      for (const name of names) {
        ask(name, `echo ${name}`);
        await opened.manager.applyHookReports();
      }
      await vi.waitFor(() => expect(receiver.received).toHaveLength(names.length), { timeout: 10_000, interval: 20 });
      await Promise.all([opened.notifier?.idle(), second?.notifier?.idle(), ...others.map((other) => other.idle())]);
      await sleep(200);
      const sent = receiver.received.map(({ body }) => body.instance.name).sort();
      expect(sent).toEqual([...names].sort());
      expect(new Set(receiver.received.map(({ body }) => body.eventId)).size).toBe(names.length);
    } finally {
      await Promise.all(others.map((other) => other.close()));
      await second?.close();
    }
  });

  it('refuses a command given as a shell string, naming the file and the key, and opens nothing', async () => {
    const configPath = join(home, 'config.toml');
    await writeFile(configPath, '[notify]\ncommand = "notify-send cc-bridge"\n');
    const opening = openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, notify: true, env: { CC_BRIDGE_CONFIG: configPath } });
    const error: unknown = await opening.then(
      (opened) => opened.dispose().then(() => null),
      (reason: unknown) => reason,
    );
    expect(isCcBridgeError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(configPath);
    expect((error as Error).message).toContain('notify.command');
    expect((error as Error).message).toContain('argv array');
  });
});

describe.each(testBackends())('notifications of a record turning error (%s database, Docker)', (backend) => {
  const label = `cc-bridge.instance.${TEST_RUN}`;
  let tmux: TestTmux;
  let home: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let bridge: TestBridge | undefined;

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
  });
  beforeEach(async () => {
    tmux = await createTestTmux();
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-notify-'));
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await bridge?.dispose();
    bridge = undefined;
    await receiver.close();
    await tmux.dispose();
    await removeTestContainers();
    await rm(home, { recursive: true, force: true });
  });
  afterAll(() => removeTestContainers());

  it('notifies `error` when a followed container exits with a failure code', async () => {
    const configPath = join(home, 'config.toml');
    await writeFile(configPath, `[notify]\nwebhook = "${receiver.url}"\non = ["error"]\n`);
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, notify: true, env: { CC_BRIDGE_CONFIG: configPath, CC_BRIDGE_CONTAINER_LABEL: label } });
    // It runs until told (SIGUSR1), then fails with exit code 3: the Engine reports `exited (3)`.
    const box = await runTestContainer({
      name: `ccb-t-notify-${TEST_RUN}-${backend}`,
      labels: { [label]: 'crasher' },
      command: ['sh', '-c', 'trap "exit 3" USR1; while true; do sleep 0.1; done'],
    });
    await bridge.manager.refreshDiscovery();
    expect((await bridge.manager.getInstanceOrThrow('crasher')).status).toBe('running');
    await box.kill({ signal: 'SIGUSR1' });
    await box.wait();
    // The live follower the notifier keeps running hears the container die and writes `error`.
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 15_000, interval: 50 });
    expect(receiver.received[0]?.body).toMatchObject({ transition: 'error', instance: { name: 'crasher' }, status: 'error', previousStatus: 'running', activity: null });
  });
});

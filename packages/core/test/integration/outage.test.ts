// The outage rule against a real tmux server that stops answering (SIGSTOP) and a Docker host
// setting that cannot be used: records read `unknown`, nothing is written as `stopped`, no event
// is written per record, one warning is logged, and every call stays within its bound.
import { execFile as execFileCallback } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCcBridgeError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestTmux, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await promise;
  return { value, ms: Date.now() - started };
}

async function serverPid(socket: string): Promise<number> {
  const { stdout } = await execFile('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
  return Number(stdout.trim());
}

describe.each(testBackends())('a tmux server that stops answering and comes back (%s database)', (backend) => {
  const boundMs = 1_500;
  let tmux: TestTmux;
  let bridge: TestBridge;
  let lines: string[];
  let pid: number;
  let isFrozen = false;

  const freeze = () => {
    process.kill(pid, 'SIGSTOP');
    isFrozen = true;
  };
  const thaw = () => {
    process.kill(pid, 'SIGCONT');
    isFrozen = false;
  };
  const kinds = async (name: string) => (await bridge.manager.listEvents(name)).map((event) => event.kind);

  beforeEach(async () => {
    lines = [];
    tmux = await createTestTmux();
    const logger = createLogger('info', (line) => lines.push(line.trim()));
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, logger, runtimeTimeoutMs: boundMs });
    await bridge.manager.createInstance({ name: 'alpha' }, { start: true });
    await bridge.manager.createInstance({ name: 'beta' });
    pid = await serverPid(tmux.socket);
  });

  afterEach(async () => {
    if (isFrozen) thaw();
    await bridge.dispose();
    await tmux.dispose();
  });

  it('reads unknown within the bound, writes neither stopped nor events, and warns once', async () => {
    const beta = await bridge.manager.getInstanceOrThrow('beta');
    freeze();

    const status = await timed(bridge.manager.getInstanceStatus('alpha', { refresh: true }));
    expect(status.value).toMatchObject({
      status: 'unknown',
      error: { code: 'TMUX_ERROR', message: expect.stringContaining(`did not answer within ${boundMs / 1000} s`) },
    });
    expect(status.ms).toBeLessThan(boundMs + 1_000);

    // Asked again at once, the runtime that just did not answer is not waited for a second time.
    const refresh = await timed(bridge.manager.refreshStatuses());
    expect(refresh.value).toMatchObject({ checked: 2, changed: [], errors: [{ code: 'TMUX_ERROR' }] });
    expect(refresh.ms).toBeLessThan(boundMs);

    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'unknown' });
    expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'unknown', updatedAt: beta.updatedAt, version: beta.version });
    expect((await bridge.manager.listTmuxInstances({ status: 'unknown' })).matched).toBe(2);
    expect(await kinds('alpha')).toEqual(['created']);
    expect(await kinds('beta')).toEqual(['created']);
    expect(lines.filter((line) => line.startsWith('cc-bridge warn:'))).toEqual([expect.stringMatching(/^cc-bridge warn: tmux list-panes on tmux server .* did not answer/)]);

    thaw();
    await sleep(boundMs);
    // Back with the statuses they had before: nothing happened to them, so no change and no event.
    expect(await bridge.manager.refreshStatuses()).toMatchObject({ changed: [], errors: [] });
    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'running' });
    expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'created', updatedAt: beta.updatedAt });
    expect(await kinds('alpha')).toEqual(['created']);
    expect(lines.filter((line) => line.includes('answers again'))).toEqual(['cc-bridge info: tmux answers again']);
  });

  it('records a real change across an outage once, from the status before it', async () => {
    const alpha = await bridge.manager.getInstanceOrThrow('alpha');
    freeze();
    expect((await bridge.manager.refreshStatuses()).errors.map((error) => error.code)).toEqual(['TMUX_ERROR']);
    // The session's program ends while nobody can ask; tmux notices once it runs again.
    if (alpha.pid === null) throw new Error('no pane pid recorded');
    process.kill(alpha.pid, 'SIGKILL');
    thaw();
    await sleep(boundMs);

    const refresh = await bridge.manager.refreshStatuses();
    expect(refresh).toMatchObject({ changed: [{ name: 'alpha', from: 'running', to: 'stopped' }], errors: [] });
    const events = await bridge.manager.listEvents('alpha');
    expect(events.map((event) => [event.kind, event.from, event.to])).toEqual([
      ['created', null, expect.objectContaining({ status: 'running' })],
      ['status_changed', 'running', 'stopped'],
    ]);
  });

  it('fails a bulk stop while the server does not answer within one bound, not one per record, keeping the records', async () => {
    freeze();
    const started = Date.now();
    const results = await bridge.manager.runBulk({ names: ['alpha', 'beta'] }, { kind: 'stop' }, { concurrency: 1, actor: 'test' });
    // The first record waits out the bound; the second gets the same answer at once.
    expect(Date.now() - started).toBeLessThan(2 * boundMs);
    expect(results.map(({ name, ok, status, error }) => ({ name, ok, status, code: error?.code }))).toEqual([
      { name: 'alpha', ok: false, status: 'unknown', code: 'TMUX_ERROR' },
      { name: 'beta', ok: false, status: 'unknown', code: 'TMUX_ERROR' },
    ]);
    expect(lines.filter((line) => line.includes('did not answer'))).toHaveLength(1);
    // Each request is in its history; the outage writes no status change.
    expect(await kinds('alpha')).toEqual(['created', 'action']);
    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'unknown' });
  });

  it('refuses to start a session while the server does not answer, within the bound, writing nothing', async () => {
    freeze();
    const started = Date.now();
    const error: unknown = await bridge.manager.createInstance({ name: 'gamma' }, { start: true }).catch((caught: unknown) => caught);
    expect(isCcBridgeError(error, 'TMUX_ERROR')).toBe(true);
    expect(Date.now() - started).toBeLessThan(boundMs + 1_000);
    expect(await bridge.manager.getInstance('gamma')).toBeNull();
  });
});

describe('two creates of one name racing to start', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: false });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
  });

  it('leave one record and one session: the loser kills the session it started', async () => {
    const results = await Promise.allSettled([
      bridge.manager.createInstance({ name: 'twin', tmuxSession: 'twin-a' }, { start: true }),
      bridge.manager.createInstance({ name: 'twin', tmuxSession: 'twin-b' }, { start: true }),
    ]);
    const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isCcBridgeError(lost[0], 'NAME_TAKEN')).toBe(true);
    const { stdout } = await execFile('tmux', ['-S', tmux.socket, 'list-sessions', '-F', '#{session_name}'], { encoding: 'utf8' });
    expect(stdout.trim().split('\n')).toEqual([won[0]?.tmuxSession]);
  });
});

describe('a Docker host setting that cannot be used', () => {
  it('is one warning when cc-bridge opens; Docker calls then fail at once and tmux works', async () => {
    const lines: string[] = [];
    const tmux = await createTestTmux();
    const bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: 'http://[::1', logger: createLogger('info', (line) => lines.push(line.trim())) });
    try {
      expect(lines).toEqual([
        'cc-bridge warn: DOCKER_HOST "http://[::1" is not a valid URL; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host. ' +
          'Docker cannot be used until this is fixed; tmux instances work as usual',
      ]);
      await bridge.manager.createDockerInstance({ name: 'box', containerId: 'c'.repeat(64), containerName: 'box' });
      const started = Date.now();
      expect(await bridge.manager.getDockerHealth()).toMatchObject({ enabled: true, reachable: false, error: { code: 'CONFIG_INVALID' } });
      expect((await bridge.manager.refreshDiscovery()).errors.map((error) => error.code)).toEqual(['CONFIG_INVALID']);
      expect((await bridge.manager.refreshStatuses()).errors.map((error) => error.code)).toEqual(['CONFIG_INVALID']);
      expect(await bridge.manager.getInstanceStatus('box', { refresh: true })).toMatchObject({ status: 'unknown', error: { code: 'CONFIG_INVALID' } });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await bridge.manager.createInstance({ name: 'solo' }, { start: true })).toMatchObject({ status: 'running' });
      expect(lines).toHaveLength(1);
    } finally {
      await bridge.dispose();
      await tmux.dispose();
    }
  });
});

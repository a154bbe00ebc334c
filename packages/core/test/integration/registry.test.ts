import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCcBridgeError } from '../../src/errors.ts';
import { caught, createTestTmux, disposeAll, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

describe.each(testBackends())('the registry on the %s database', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
  });
  afterAll(() => disposeAll(bridge, tmux));

  it('creates a tmux instance by default, with the session named after it', async () => {
    const instance = await bridge.manager.createInstance({ name: 'api-refactor', cwd: '/srv/api' });
    expect(instance).toMatchObject({ name: 'api-refactor', type: 'tmux', status: 'created', origin: 'manual', tmuxSession: 'api-refactor', version: 1 });
    expect(await bridge.manager.getInstance('api-refactor')).toEqual(instance);
  });

  it('creates a Docker record only with its container id and name', async () => {
    const error = await caught(bridge.manager.createDockerInstance({ name: 'sandbox' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['containerId', 'containerName']);
    const instance = await bridge.manager.createDockerInstance({ name: 'sandbox', containerId: 'a'.repeat(64), containerName: 'sandbox-1', imageName: 'cc-bridge:latest' });
    expect(instance).toMatchObject({ type: 'docker', containerName: 'sandbox-1', tmuxSession: null });
  });

  it.each([
    ['a name starting with a digit', { name: '1abc' }, 'name'],
    ['a name with a space', { name: 'my bot' }, 'name'],
    ['a name of 65 characters', { name: `a${'b'.repeat(64)}` }, 'name'],
    ['a reserved name in any case', { name: 'LIST' }, 'name'],
    ['a shell metacharacter', { name: 'x;rm -rf /' }, 'name'],
    ['a Docker field on a tmux instance', { name: 'crossed', containerId: 'b'.repeat(64) }, 'containerId'],
    ['a tmux field on a Docker instance', { name: 'crossed', type: 'docker', containerId: 'b'.repeat(64), containerName: 'c', cwd: '/tmp' }, 'cwd'],
    ['a relative working directory', { name: 'rel', cwd: 'src/api' }, 'cwd'],
    ['an unknown field', { name: 'extra', colour: 'red' }, 'colour'],
  ])('refuses %s and writes nothing', async (_, input, field) => {
    const before = await bridge.manager.listInstances();
    const error = await caught(bridge.manager.createInstance(input as never));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fieldErrors).toHaveProperty([field]);
    const after = await bridge.manager.listInstances();
    expect(after.total).toBe(before.total);
  });

  it('reads records by id in one call, leaving out ids no record has, and refuses what is not a uuid', async () => {
    const first = await bridge.manager.createInstance({ name: 'by-id-one' });
    const second = await bridge.manager.createInstance({ name: 'by-id-two' });
    const gone = await bridge.manager.createInstance({ name: 'by-id-gone' });
    await bridge.manager.deleteInstance('by-id-gone');
    const found = await bridge.manager.findInstancesByIds([second.id, gone.id, first.id]);
    expect(found.map((instance) => instance.name).sort()).toEqual(['by-id-one', 'by-id-two']);
    expect(await bridge.manager.findInstancesByIds([])).toEqual([]);
    expect((await caught(bridge.manager.findInstancesByIds(['not-a-uuid']))).code).toBe('INVALID_INPUT');
    expect((await caught(bridge.manager.findInstancesByIds(Array.from({ length: 501 }, () => first.id)))).code).toBe('INVALID_INPUT');
    // The later tests count the registry's records.
    await bridge.manager.runBulk({ names: ['by-id-one', 'by-id-two'] }, { kind: 'delete', removeRuntime: false });
  });

  it('refuses to register one container twice, naming the instance that has it', async () => {
    const error = await caught(bridge.manager.createDockerInstance({ name: 'sandbox-again', containerId: 'a'.repeat(64), containerName: 'sandbox-1' }));
    expect(error).toMatchObject({
      code: 'CONTAINER_TAKEN',
      message: 'Container aaaaaaaaaaaa is already registered as "sandbox"',
      fieldErrors: { containerId: ['is already registered as "sandbox"'] },
    });
    expect(await bridge.manager.getInstance('sandbox-again')).toBeNull();

    await bridge.manager.createDockerInstance({ name: 'sandbox-other', containerId: 'd'.repeat(64), containerName: 'other-1' });
    const moved = await caught(bridge.manager.updateDockerInstance('sandbox-other', { containerId: 'a'.repeat(64) }));
    expect(moved.code).toBe('CONTAINER_TAKEN');
    expect((await bridge.manager.getInstanceOrThrow('sandbox-other')).containerId).toBe('d'.repeat(64));

    // A short id and a full id name one container: refused both ways, on create and on update.
    const short = await caught(bridge.manager.createDockerInstance({ name: 'sandbox-short', containerId: 'a'.repeat(12), containerName: 'x' }));
    expect(short).toMatchObject({ code: 'CONTAINER_TAKEN', message: 'Container aaaaaaaaaaaa is already registered as "sandbox"' });
    await bridge.manager.updateDockerInstance('sandbox-other', { containerId: 'e'.repeat(12) });
    const full = await caught(bridge.manager.createDockerInstance({ name: 'sandbox-full', containerId: 'e'.repeat(64), containerName: 'y' }));
    expect(full).toMatchObject({ code: 'CONTAINER_TAKEN', message: 'Container eeeeeeeeeeee is already registered as "sandbox-other"' });
    const longer = await caught(bridge.manager.updateDockerInstance('sandbox', { containerId: 'e'.repeat(20) }));
    expect(longer.code).toBe('CONTAINER_TAKEN');
    // Its own id, longer or shorter, is no clash.
    expect(await bridge.manager.updateDockerInstance('sandbox-other', { containerId: 'e'.repeat(64) })).toMatchObject({ containerId: 'e'.repeat(64) });
    for (const name of ['sandbox-short', 'sandbox-full']) expect(await bridge.manager.getInstance(name)).toBeNull();
    await bridge.manager.deleteInstance('sandbox-other');
  });

  it('keeps names unique across types', async () => {
    const error = await caught(bridge.manager.createDockerInstance({ name: 'api-refactor', containerId: 'c'.repeat(64), containerName: 'other' }));
    expect(error.code).toBe('NAME_TAKEN');
  });

  it('lists with filters, search and sort done by the database', async () => {
    await bridge.manager.createInstance({ name: 'billing', tmuxSession: 'bill-session' });
    await bridge.manager.createInstance({ name: 'zeta' });
    const tmuxOnly = await bridge.manager.listTmuxInstances();
    expect(tmuxOnly.items.every((instance) => instance.type === 'tmux')).toBe(true);
    expect(tmuxOnly.items.map((instance) => instance.name)).toEqual(['api-refactor', 'billing', 'zeta']);
    const byNameDesc = await bridge.manager.listInstances({ sort: 'name', order: 'desc' });
    expect(byNameDesc.items.map((instance) => instance.name)).toEqual(['zeta', 'sandbox', 'billing', 'api-refactor']);
    const searched = await bridge.manager.listInstances({ search: 'BILL' });
    expect(searched.items.map((instance) => instance.name)).toEqual(['billing']);
    const docker = await bridge.manager.listDockerInstances({ status: ['created', 'running'] });
    expect(docker.items.map((instance) => instance.name)).toEqual(['sandbox']);
    expect(docker.matched).toBe(1);
    expect(docker.total).toBe(4);
  });

  it('pages with a cursor without skipping or repeating a record', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bridge.manager.listInstances({ sort: 'createdAt', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((instance) => instance.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(['api-refactor', 'billing', 'sandbox', 'zeta']);
  });

  it('renames and updates, bumping the version and keeping names unique', async () => {
    const renamed = await bridge.manager.updateInstance('zeta', { name: 'zeta-2', cwd: '/srv/zeta' }, { expectedVersion: 1 });
    expect(renamed).toMatchObject({ name: 'zeta-2', cwd: '/srv/zeta', version: 2 });
    expect(await bridge.manager.getInstance('zeta')).toBeNull();
    const taken = await caught(bridge.manager.updateInstance('zeta-2', { name: 'billing' }));
    expect(taken.code).toBe('NAME_TAKEN');
    expect((await bridge.manager.getInstanceOrThrow('zeta-2')).version).toBe(2);
  });

  it('refuses a field of the other type on update and changes nothing', async () => {
    const error = await caught(bridge.manager.updateInstance('billing', { containerName: 'nope' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect((await bridge.manager.getInstanceOrThrow('billing')).containerName).toBeNull();
    const cleared = await caught(bridge.manager.updateDockerInstance('sandbox', { containerId: null }));
    expect(cleared.code).toBe('INVALID_INPUT');
  });

  it('lets one of several concurrent updates of one version win; the others get CONFLICT', async () => {
    const { version } = await bridge.manager.getInstanceOrThrow('billing');
    const attempts = await Promise.allSettled(
      ['/a', '/b', '/c', '/d', '/e'].map((cwd) => bridge.manager.updateInstance('billing', { cwd }, { expectedVersion: version })),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(4);
    for (const attempt of lost) expect(isCcBridgeError(attempt.reason, 'CONFLICT')).toBe(true);
    const final = await bridge.manager.getInstanceOrThrow('billing');
    expect(final.version).toBe(version + 1);
    expect(won[0]?.status === 'fulfilled' && won[0].value.cwd).toBe(final.cwd);
  });

  it('records history that outlives the deleted instance', async () => {
    await bridge.manager.deleteInstance('zeta-2');
    expect(await bridge.manager.getInstance('zeta-2')).toBeNull();
    const events = await bridge.manager.listEvents('zeta-2');
    expect(events.map((event) => event.kind)).toEqual(['created', 'updated', 'deleted']);
    expect(events[1]).toMatchObject({ from: { name: 'zeta' }, to: { name: 'zeta-2' } });
    const billing = await bridge.manager.listEvents('billing');
    expect(billing.map((event) => event.kind)).toEqual(['created', 'updated']);
    expect(billing[1]).toMatchObject({ actor: 'test', from: { cwd: null } });
  });

  it('finds nothing for a name no instance can have, rather than failing', async () => {
    expect(await bridge.manager.getInstance('x'.repeat(300))).toBeNull();
    expect(await bridge.manager.getInstance('bad name; rm -rf /')).toBeNull();
    expect(await bridge.manager.listEvents('LIST')).toEqual([]);
    expect((await caught(bridge.manager.getInstanceOrThrow('1abc'))).code).toBe('NOT_FOUND');
  });

  it('says NOT_FOUND for an unknown name', async () => {
    expect((await caught(bridge.manager.deleteInstance('ghost'))).code).toBe('NOT_FOUND');
    expect((await caught(bridge.manager.updateInstance('ghost', { cwd: '/x' }))).code).toBe('NOT_FOUND');
  });

  it('imports legacy records once, skipping what is already there', async () => {
    const record = {
      name: 'legacy-one', type: 'tmux' as const, status: 'stopped' as const, createdAt: new Date('2026-01-27T20:15:00'),
      lastActivityAt: null, tmuxSession: 'claude-legacy-one', pid: 1200, cwd: '/home/dev/old',
      containerId: null, containerName: null, imageName: null, dockerNetwork: null,
    };
    const first = await bridge.manager.importInstances([record, { ...record, name: 'bad name' }]);
    expect(first.imported).toEqual(['legacy-one']);
    expect(first.skipped.map((skip) => skip.name)).toEqual(['bad name']);
    const again = await bridge.manager.importInstances([record]);
    expect(again.imported).toEqual([]);
    expect(await bridge.manager.getInstanceOrThrow('legacy-one')).toMatchObject({ status: 'stopped', pid: 1200, createdAt: record.createdAt });
  });

  it('skips an imported container already registered, by its full or its short id', async () => {
    const box = {
      name: 'legacy-box', type: 'docker' as const, status: 'stopped' as const, createdAt: null, lastActivityAt: null,
      tmuxSession: null, pid: null, cwd: null, containerId: 'f'.repeat(64), containerName: 'legacy-box', imageName: null, dockerNetwork: null,
    };
    const report = await bridge.manager.importInstances([box, { ...box, name: 'legacy-box-short', containerId: 'f'.repeat(12) }]);
    expect(report.imported).toEqual(['legacy-box']);
    expect(report.skipped).toEqual([{ name: 'legacy-box-short', reason: 'container ffffffffffff is already registered' }]);
    await bridge.manager.deleteInstance('legacy-box');
  });
});

describe('starting a tmux instance whose command does not keep running', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: false, env: { CC_BRIDGE_TMUX_COMMAND: 'cc-bridge-no-such-program --flag' } });
  });
  afterAll(() => disposeAll(bridge, tmux));

  it('is a TMUX_ERROR that says the command was not found, and writes no record', async () => {
    const error = await caught(bridge.manager.createInstance({ name: 'nothing-there' }, { start: true }));
    expect(error.code).toBe('TMUX_ERROR');
    expect(error.message).toBe(
      'The tmux session nothing-there ended as soon as it started: its command cc-bridge-no-such-program was not found on the PATH. ' +
        'Install it, or set [tmux] command (or CC_BRIDGE_TMUX_COMMAND) to the program to run.',
    );
    expect(await bridge.manager.getInstance('nothing-there')).toBeNull();
    expect(await bridge.manager.listEvents('nothing-there')).toEqual([]);
  });

  it('says a command that was found but exited at once, and where to run it to see why', async () => {
    const exits = await openTestBridge({ tmuxSocket: tmux.socket, docker: false, env: { CC_BRIDGE_TMUX_COMMAND: 'false' } });
    try {
      const error = await caught(exits.manager.createInstance({ name: 'exits-at-once', cwd: '/tmp' }, { start: true }));
      expect(error.code).toBe('TMUX_ERROR');
      expect(error.message).toBe(
        'The tmux session exits-at-once ended as soon as it started: its command (false) exited at once. ' +
          'Run it in a terminal in /tmp to see why, or set [tmux] command (or CC_BRIDGE_TMUX_COMMAND) to a program that keeps running.',
      );
      expect(await exits.manager.getInstance('exits-at-once')).toBeNull();
    } finally {
      await disposeAll(exits);
    }
  });
});

describe.each(testBackends())('one runtime, one record; one name whatever its case, on the %s database', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  const tmuxCommand = (...args: string[]) => execFile('tmux', ['-S', tmux.socket, ...args]);
  async function hasSession(name: string): Promise<boolean> {
    try {
      await tmuxCommand('has-session', '-t', `=${name}`);
      return true;
    } catch {
      return false;
    }
  }
  const legacy = (name: string, tmuxSession: string | null) => ({
    name, type: 'tmux' as const, status: 'stopped' as const, createdAt: null, lastActivityAt: null,
    tmuxSession, pid: null, cwd: null, containerId: null, containerName: null, imageName: null, dockerNetwork: null,
  });

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    await tmuxCommand('new-session', '-d', '-s', 'work', 'sleep 900');
  });
  afterAll(() => disposeAll(bridge, tmux));

  it('refuses a tmux session another record has, on create and update, naming the holder', async () => {
    await bridge.manager.createInstance({ name: 'main', tmuxSession: 'work' });
    const taken = { code: 'SESSION_TAKEN', message: 'The tmux session work is already registered as "main"', fieldErrors: { tmuxSession: ['is already registered as "main"'] } };
    expect(await caught(bridge.manager.createInstance({ name: 'dup', tmuxSession: 'work' }))).toMatchObject(taken);
    // Without a session of its own, a tmux record's session is its name: "work" is taken.
    expect(await caught(bridge.manager.createInstance({ name: 'work' }))).toMatchObject(taken);
    await bridge.manager.createInstance({ name: 'other' });
    expect(await caught(bridge.manager.updateInstance('other', { tmuxSession: 'work' }))).toMatchObject(taken);
    expect(await bridge.manager.getInstanceOrThrow('other')).toMatchObject({ tmuxSession: 'other', version: 1 });
    for (const name of ['dup', 'work']) expect(await bridge.manager.getInstance(name)).toBeNull();
    // Its own session is no clash, and a rename keeps it.
    expect(await bridge.manager.updateInstance('main', { name: 'main-2', tmuxSession: 'work' })).toMatchObject({ name: 'main-2', tmuxSession: 'work' });
    await bridge.manager.updateInstance('main-2', { name: 'main' });
  });

  it('refuses it before starting anything, so the holder\'s session lives on', async () => {
    for (const input of [{ name: 'dup', tmuxSession: 'work' }, { name: 'work' }]) {
      expect((await caught(bridge.manager.createInstance(input, { start: true }))).code).toBe('SESSION_TAKEN');
    }
    expect(await hasSession('work')).toBe(true);
    await bridge.manager.deleteInstance('other', { removeRuntime: true });
    expect(await hasSession('work')).toBe(true);
  });

  it('skips an imported record whose session is registered, here or earlier in the file, naming the holder', async () => {
    const report = await bridge.manager.importInstances([legacy('legacy-dup', 'work'), legacy('legacy-a', 'shared'), legacy('legacy-b', 'shared'), legacy('main-like', null), legacy('main', 'elsewhere')]);
    expect(report.imported).toEqual(['legacy-a', 'main-like']);
    expect(report.skipped).toEqual([
      { name: 'legacy-dup', reason: 'tmux session work is already registered as "main"' },
      { name: 'legacy-b', reason: 'tmux session shared is already registered as "legacy-a"' },
      { name: 'main', reason: 'an instance with this name is already registered' },
    ]);
  });

  it('refuses session names tmux would rewrite, since a.b and a_b would name one session', async () => {
    for (const tmuxSession of ['a.b', 'a:b']) {
      expect((await caught(bridge.manager.createInstance({ name: 'dotted', tmuxSession }))).fieldErrors).toHaveProperty('tmuxSession');
      expect((await caught(bridge.manager.updateInstance('main', { tmuxSession }))).code).toBe('INVALID_INPUT');
    }
    const report = await bridge.manager.importInstances([legacy('dotted', 'a.b')]);
    expect(report.skipped.map((skip) => skip.name)).toEqual(['dotted']);
  });

  it('leaves a record whose session is cleared without one: deleting its runtime kills no session of its name', async () => {
    await tmuxCommand('new-session', '-d', '-s', 'lonely', 'sleep 900');
    await bridge.manager.createInstance({ name: 'lonely', tmuxSession: 'lonely-session' });
    expect(await bridge.manager.updateInstance('lonely', { tmuxSession: null })).toMatchObject({ tmuxSession: null });
    expect((await bridge.manager.getInstanceStatus('lonely', { refresh: true })).status).toBe('created');
    expect((await bridge.manager.deleteInstance('lonely', { removeRuntime: true })).runtime).toBe('gone');
    expect(await hasSession('lonely')).toBe(true);
  });

  it('keeps names unique regardless of case, naming the spelling that has it', async () => {
    await bridge.manager.createInstance({ name: 'alpha' });
    const taken = (name: string) => ({ code: 'NAME_TAKEN', message: `The name "${name}" is taken by "alpha"`, fieldErrors: { name: ['is taken by "alpha"'] } });
    expect(await caught(bridge.manager.createInstance({ name: 'Alpha', tmuxSession: 'alpha-2' }))).toMatchObject(taken('Alpha'));
    expect(await caught(bridge.manager.createDockerInstance({ name: 'ALPHA', containerId: '9'.repeat(64), containerName: 'c' }))).toMatchObject(taken('ALPHA'));
    expect(await caught(bridge.manager.updateInstance('main', { name: 'aLpHa' }))).toMatchObject(taken('aLpHa'));
    expect(await caught(bridge.manager.createInstance({ name: 'ALPHA', tmuxSession: 'alpha-started' }, { start: true }))).toMatchObject(taken('ALPHA'));
    expect(await hasSession('alpha-started')).toBe(false);
    const names = (await bridge.manager.listInstances()).items.map((instance) => instance.name);
    expect(names.filter((name) => name.toLowerCase() === 'alpha')).toEqual(['alpha']);
    // A record may change the case of its own name.
    expect(await bridge.manager.updateInstance('alpha', { name: 'Alpha' })).toMatchObject({ name: 'Alpha', version: 2 });
    await bridge.manager.updateInstance('Alpha', { name: 'alpha' });
  });

  it('finds a record by its name in any case, and "_" is no wildcard', async () => {
    expect(await bridge.manager.getInstance('ALPHA')).toMatchObject({ name: 'alpha' });
    expect((await bridge.manager.getInstanceOrThrow('aLpHa')).name).toBe('alpha');
    expect((await bridge.manager.listEvents('ALPHA')).map((event) => event.kind)).toEqual(['created', 'updated', 'updated']);
    await bridge.manager.createInstance({ name: 'abc' });
    expect(await bridge.manager.getInstance('a_c')).toBeNull();
    await bridge.manager.createInstance({ name: 'x_y' });
    expect(await bridge.manager.getInstance('X_Y')).toMatchObject({ name: 'x_y' });
  });

  it('searches for "_" and "%" as themselves, not as LIKE wildcards', async () => {
    await bridge.manager.createInstance({ name: 'snake_case' });
    await bridge.manager.createInstance({ name: 'snakeXcase' });
    await bridge.manager.createInstance({ name: 'percent', cwd: '/srv/100%' });
    expect((await bridge.manager.listInstances({ search: 'E_C' })).items.map((instance) => instance.name)).toEqual(['snake_case']);
    expect((await bridge.manager.listInstances({ search: '0%' })).items.map((instance) => instance.name)).toEqual(['percent']);
    expect((await bridge.manager.listInstances({ search: '%' })).items.map((instance) => instance.name)).toEqual(['percent']);
  });

  it('skips an imported name taken in another case, naming the spelling that has it', async () => {
    const report = await bridge.manager.importInstances([legacy('ALPHA', 'legacy-alpha'), legacy('Beta', 'beta-1'), legacy('BETA', 'beta-2')]);
    expect(report.imported).toEqual(['Beta']);
    expect(report.skipped).toEqual([
      { name: 'ALPHA', reason: 'the name is taken by "alpha"' },
      { name: 'BETA', reason: 'the name is taken by "Beta"' },
    ]);
  });
});

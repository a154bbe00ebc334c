// Two writers on one registry: a record deleted (by another process, a bulk delete) while a
// status refresh is asking its runtime is skipped by that refresh, which writes the others.
import { execFile as execFileCallback } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestTmux, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
// How long tmux takes to answer `list-panes` here: long enough to delete a record meanwhile.
const slowListMs = 1_500;

describe.each(testBackends())('writers racing a status refresh (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let shimDir: string;
  const savedPath = process.env.PATH;

  beforeAll(async () => {
    // A `tmux` earlier on PATH that is slow to list panes, then runs the real one.
    const real = (await execFile('sh', ['-c', 'command -v tmux'])).stdout.trim();
    shimDir = await mkdtemp(join(tmpdir(), 'ccb-slow-tmux-'));
    const shim = join(shimDir, 'tmux');
    await writeFile(shim, `#!/bin/sh\ncase "$*" in *list-panes*) sleep ${slowListMs / 1000};; esac\nexec '${real}' "$@"\n`);
    await chmod(shim, 0o755);
  });

  afterAll(async () => {
    await rm(shimDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    for (const name of ['kept', 'deleted']) await bridge.manager.createInstance({ name }, { start: true });
    for (const name of ['kept', 'deleted']) await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', `=${name}`]);
    process.env.PATH = `${shimDir}:${savedPath ?? ''}`;
  });

  afterEach(async () => {
    process.env.PATH = savedPath;
    await bridge.dispose();
    await tmux.dispose();
  });

  it('skips a record deleted while tmux is asked and writes the others', async () => {
    const refresh = bridge.manager.refreshStatuses();
    await sleep(slowListMs / 3);
    await bridge.manager.deleteInstance('deleted');

    const report = await refresh;
    expect(report.errors).toEqual([]);
    expect(report.changed).toEqual([{ name: 'kept', from: 'running', to: 'stopped' }]);
    expect(await bridge.manager.getInstanceOrThrow('kept')).toMatchObject({ status: 'stopped' });
    expect(await bridge.manager.getInstance('deleted')).toBeNull();
    expect((await bridge.manager.listEvents('deleted')).map((event) => event.kind)).toEqual(['created', 'deleted']);
  });
});

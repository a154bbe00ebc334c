// Source 2 of agent activity for containers (issue 9) on the real Engine: the bytes a real Claude
// Code 2.1.328 wrote to its container's TTY (test/fixtures/claude-screens/2.1.328/
// container-tty-session.bin, up to its permission dialog) are printed again inside busybox
// containers. With a TTY, cc-bridge's headless terminal draws them and the screen rules read the
// dialog; without a TTY the same output is no screen, and the activity stays unknown.
// (apps/cli/test/integration/container-screen.test.ts runs the real Claude Code in a container.)
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerRuntime } from '../../src/runtimes/docker/docker-runtime.ts';
import { createTestTmux, getTestDockerClient, openTestBridge, removeTestContainers, runTestContainer, TEST_RUN, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const fixtures = new URL('../fixtures/claude-screens/2.1.328/', import.meta.url);
const moments = JSON.parse(readFileSync(new URL('container-tty-session.json', fixtures), 'utf8')) as { name: string; bytes: number }[];
const dialogBytes = moments.find((moment) => moment.name === 'bash-permission')?.bytes ?? 0;

describe('agent activity read from a container screen', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let base: string;

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket });
    base = await mkdtemp(join(tmpdir(), 'cc-bridge-container-screen-'));
    writeFileSync(join(base, 'screen.bin'), readFileSync(new URL('container-tty-session.bin', fixtures)).subarray(0, dialogBytes));
  });

  afterAll(async () => {
    await removeTestContainers();
    await bridge.dispose();
    await tmux.dispose();
    await rm(base, { recursive: true, force: true });
  });

  /** A running container printing the recorded bytes, then idling; registered as `name`. */
  async function replaying(name: string, tty: boolean): Promise<void> {
    const container = await runTestContainer({
      name,
      tty,
      command: ['sh', '-c', 'cat /screen.bin; exec sleep 3600'],
      // The size the recording was drawn at (the program's 80×24 fallback).
      hostConfig: { Binds: [`${join(base, 'screen.bin')}:/screen.bin:ro`], ...(tty ? { ConsoleSize: [24, 80] } : {}) },
    });
    await bridge.manager.createDockerInstance({ name, containerId: container.id, containerName: name });
  }

  it('draws a TTY container screen into the permission dialog, and gives one without a TTY no screen', async () => {
    const withTty = `ccb-t-screen-tty-${TEST_RUN}`;
    const withoutTty = `ccb-t-screen-plain-${TEST_RUN}`;
    await replaying(withTty, true);
    await replaying(withoutTty, false);
    await bridge.manager.refreshStatuses();
    const engine = createDockerRuntime(getTestDockerClient());
    expect(await engine.getContainerSettings(withTty)).toMatchObject({ tty: true, consoleSize: { rows: 24, columns: 80 } });
    expect(await engine.getContainerSettings(withoutTty)).toMatchObject({ tty: false, consoleSize: null });

    // Without a follower's signal no container is followed.
    expect(await bridge.manager.probeScreens()).toEqual({ read: 0, changed: 0, errors: [] });

    const live = new AbortController();
    const reports = [];
    for (let probe = 0; probe < 4 && (await bridge.manager.getInstanceOrThrow(withTty)).activity !== 'waiting'; probe += 1) {
      reports.push(await bridge.manager.probeScreens({ signal: live.signal }));
      await sleep(300);
    }
    expect(reports.at(-1)).toMatchObject({ read: 1, errors: [] });
    expect(await bridge.manager.getInstanceOrThrow(withTty)).toMatchObject({ activity: 'waiting', activityReason: 'Bash: rm -f old.log — Do you want to proceed?' });
    expect(await bridge.manager.getInstanceOrThrow(withoutTty)).toMatchObject({ activity: 'unknown' });
    const events = (await bridge.manager.listEvents(withTty)).filter((event) => event.kind === 'activity_changed');
    expect(events.map((event) => [event.from, event.to, event.actor])).toEqual([['unknown', 'waiting', 'screen']]);

    // Once the follower stops, its terminals are gone: nothing is read.
    live.abort();
    expect(await bridge.manager.probeScreens({ signal: live.signal })).toEqual({ read: 0, changed: 0, errors: [] });
  });
});

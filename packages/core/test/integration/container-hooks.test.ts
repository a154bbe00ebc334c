// A container cc-bridge launches gets the hook reports' spool folder mounted (issue 9), so a hook
// inside it reaches cc-bridge: a real container (busybox, no network) writes a report into the
// mounted folder as the hook command would, and the record's activity changes.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFileName } from '../../src/activity/hook-report.ts';
import { containerHookSpoolDir } from '../../src/runtimes/docker/docker-instance-runtime.ts';
import { createTestTmux, ensureTestImage, getTestDockerClient, openTestBridge, TEST_RUN, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

/** Runs `argv` in the container and waits for it; its exit code. */
async function exec(container: Dockerode.Container, argv: string[]): Promise<number | null> {
  const run = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await run.start({});
  stream.resume();
  await new Promise((resolve) => stream.once('end', resolve));
  return (await run.inspect()).ExitCode;
}

describe('hook reports from inside a container cc-bridge launched', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let spool: string;
  const created: string[] = [];

  beforeAll(async () => {
    await ensureTestImage();
    tmux = await createTestTmux();
    spool = await mkdtemp(join(tmpdir(), 'cc-bridge-container-spool-'));
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, env: { CC_BRIDGE_HOOKS_DIR: spool } });
  });

  afterAll(async () => {
    // Launched containers carry cc-bridge's label, not the test label: removed by id.
    for (const id of created) await getTestDockerClient().getContainer(id).remove({ force: true }).catch(() => undefined);
    await bridge.dispose();
    await tmux.dispose();
    await rm(spool, { recursive: true, force: true });
  });

  it('mounts the spool folder, and a report written inside moves the record to busy', async () => {
    const name = `ccb-t-hooks-${TEST_RUN}`;
    const instance = await bridge.manager.createDockerInstance({ name, imageName: await ensureTestImage() }, { start: true });
    created.push(instance.containerId);
    const container = getTestDockerClient().getContainer(instance.containerId);
    const inspected = await container.inspect();
    expect(inspected.HostConfig.Binds).toEqual([`${spool}:${containerHookSpoolDir}`]);
    expect(inspected.HostConfig.NetworkMode).toBe('none');
    expect(inspected.Config.Env).toContain(`CC_BRIDGE_INSTANCE=${name}`);
    expect(instance.activity).toBe('unknown');

    // What dist/hook.mjs writes for a UserPromptSubmit, named by the variable cc-bridge set in the container.
    const file = reportFileName(Date.now(), 1n, 1);
    const script = [
      `printf '{"at":%s000,"instance":"%s","tmuxPane":null,"tmuxSocket":null,"payload":{"hook_event_name":"UserPromptSubmit","session_id":"in-box"}}'`,
      `"$(busybox date +%s)" "$CC_BRIDGE_INSTANCE" > ${containerHookSpoolDir}/${file}.tmp`,
      `&& busybox mv ${containerHookSpoolDir}/${file}.tmp ${containerHookSpoolDir}/${file}`,
    ].join(' ');
    expect(await exec(container, ['sh', '-c', script])).toBe(0);
    expect(await readdir(spool)).toEqual([file]);

    expect(await bridge.manager.applyHookReports()).toEqual({ applied: 1, dropped: 0 });
    expect(await bridge.manager.getInstanceOrThrow(name)).toMatchObject({ activity: 'busy', claudeSessionId: 'in-box' });
    expect(await readdir(spool)).toEqual([]);
  });
});

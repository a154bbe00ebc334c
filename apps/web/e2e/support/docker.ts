import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTestImage, getTestDockerClient, runTestContainer } from '@cc-bridge/core/testing';
import { agentImage, appContainerLabel, e2eLabel } from './env';

const execFile = promisify(execFileCallback);

/**
 * The busybox test image has no command of its own, and the app starts containers without one:
 * commit a copy whose command keeps it running. Built once per Engine.
 */
export async function ensureAgentImage(): Promise<void> {
  try {
    await execFile('docker', ['image', 'inspect', '--format', '{{.Id}}', agentImage]);
    return;
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
    if (!/No such image/i.test(stderr)) throw error;
  }
  const base = await ensureTestImage();
  const builder = `cc-bridge-e2e-image-${process.pid}`;
  await execFile('docker', ['create', '--name', builder, '--network', 'none', '--label', `${e2eLabel}=1`, base, 'true']);
  try {
    await execFile('docker', ['commit', '--change', `CMD ${JSON.stringify(agentCommand)}`, builder, agentImage]);
  } finally {
    await execFile('docker', ['rm', '-f', builder]);
  }
}

/**
 * PID 1 of a container ignores signals it has no handler for, so a bare `sleep` makes every
 * `docker stop` wait out its 10 s grace period; this one exits on SIGTERM like a real agent would.
 */
export const agentCommand = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

/**
 * A running container (no network, test-labelled) that discovery will read as instance
 * `instanceName`, under `label` (the main server's by default).
 */
export async function runLabelledContainer(containerName: string, instanceName?: string, label = appContainerLabel) {
  const container = await runTestContainer({
    name: containerName,
    command: agentCommand,
    labels: { [e2eLabel]: '1', ...(instanceName ? { [label]: instanceName } : {}) },
  });
  const info = await container.inspect();
  return { id: info.Id, name: containerName };
}

export async function containerState(idOrName: string): Promise<string | null> {
  try {
    const info = await getTestDockerClient().getContainer(idOrName).inspect();
    return info.State.Status;
  } catch (error) {
    if (error instanceof Error && 'statusCode' in error && error.statusCode === 404) return null;
    throw error;
  }
}

/** Stops a container behind the app's back (SIGKILL: busybox `sleep` as PID 1 ignores SIGTERM). */
export async function killContainer(idOrName: string): Promise<void> {
  await getTestDockerClient().getContainer(idOrName).kill();
}

/** Every container of an e2e run: the ones tests made and the ones the app started for them. */
export async function removeE2eContainers(): Promise<number> {
  const docker = getTestDockerClient();
  const containers = await docker.listContainers({ all: true });
  const ours = containers.filter((summary) => summary.Labels[e2eLabel] !== undefined || summary.Labels[appContainerLabel] !== undefined);
  await Promise.all(
    ours.map(async (summary) => {
      try {
        await docker.getContainer(summary.Id).remove({ force: true });
      } catch (error) {
        // Removed by a test meanwhile.
        if (!(error instanceof Error && 'statusCode' in error && error.statusCode === 404)) throw error;
      }
    }),
  );
  return ours.length;
}

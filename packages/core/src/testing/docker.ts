import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type Dockerode from 'dockerode';

import { createDockerClient, engineStatusCode, isRemovalInProgress } from '../runtimes/docker/docker-client.ts';

const execFile = promisify(execFileCallback);

/**
 * Every container a test makes carries this label; its value names the test process's run, so
 * clean-up removes this run's containers and leaves those of a run going on meanwhile alone.
 */
export const TEST_LABEL = 'cc-bridge.test';
export const TEST_RUN = randomBytes(4).toString('hex');
/** Containers of another run older than this are leftovers of a run that was killed. */
const leftoverAgeMs = 15 * 60_000;

/** The labels that mark a container as this run's. */
export function testLabels(): Record<string, string> {
  return { [TEST_LABEL]: TEST_RUN };
}
export const TEST_IMAGE = 'cc-bridge-test:latest';
/** The same image under a name the default image patterns discover (`claude-code*`). */
export const TEST_DISCOVERY_IMAGE = 'claude-code-test:latest';

const busybox = '/bin/busybox';
// Bumped when the image's contents change, so an image built by an older checkout is rebuilt.
// Kept in the image's commit message: an image label would be inherited by every test container.
const imageComment = 'cc-bridge test image, revision 2';
const busyboxApplets = ['sh', 'sleep', 'echo', 'cat', 'ls', 'ps', 'top', 'kill', 'true', 'false'];

let testDocker: Dockerode | undefined;

/** The test machine's Engine on the default socket. */
export function getTestDockerClient(): Dockerode {
  testDocker ??= createDockerClient(null);
  return testDocker;
}

async function hasCurrentImage(reference: string): Promise<boolean> {
  try {
    const { stdout } = await execFile('docker', ['image', 'inspect', '--format', '{{.Comment}}', reference]);
    return stdout.trim() === imageComment;
  } catch (error) {
    if (error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' && /No such image/i.test(error.stderr)) {
      return false;
    }
    throw error;
  }
}

async function buildTestImage(): Promise<void> {
  if ((await hasCurrentImage(TEST_IMAGE)) && (await hasCurrentImage(TEST_DISCOVERY_IMAGE))) return;
  // No registry is reachable, so the image is imported from a rootfs holding Debian's static busybox.
  const workDir = await mkdtemp(join(tmpdir(), 'cc-bridge-test-image-'));
  try {
    const rootfs = join(workDir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'));
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    for (const applet of busyboxApplets) await symlink('busybox', join(rootfs, 'bin', applet));
    const tarball = join(workDir, 'rootfs.tar');
    await execFile('tar', ['-C', rootfs, '-cf', tarball, '.']);
    const changes = ['ENV PATH=/bin', 'CMD ["sleep", "3600"]'].flatMap((change) => ['--change', change]);
    await execFile('docker', ['import', '--message', imageComment, ...changes, tarball, TEST_IMAGE]);
    await execFile('docker', ['tag', TEST_IMAGE, TEST_DISCOVERY_IMAGE]);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

let testImage: Promise<string> | undefined;

/** Builds the busybox test image once per process (and not at all when the Engine has it); resolves to its name. */
export function ensureTestImage(): Promise<string> {
  testImage ??= buildTestImage().then(
    () => TEST_IMAGE,
    (error: unknown) => {
      // A failed build is not cached: the next caller tries again.
      testImage = undefined;
      throw error;
    },
  );
  return testImage;
}

export interface TestContainerOptions {
  name: string;
  labels?: Record<string, string>;
  image?: string;
  /** Defaults to true; false leaves the container `created`. */
  start?: boolean;
  command?: string[];
  docker?: Dockerode;
  /** Merged over `NetworkMode: none`: a restart policy, a memory limit. */
  hostConfig?: Dockerode.HostConfig;
  healthcheck?: Dockerode.HealthConfig;
  /** A terminal (`docker run -t`); default false. */
  tty?: boolean;
  /** Stdin kept open for attaching (`docker run -i`); default false. */
  openStdin?: boolean;
}

/** A container from the test image without networking, labelled TEST_LABEL, running `sleep 3600` by default. */
export async function runTestContainer(options: TestContainerOptions): Promise<Dockerode.Container> {
  const docker = options.docker ?? getTestDockerClient();
  const container = await docker.createContainer({
    name: options.name,
    Image: options.image ?? (await ensureTestImage()),
    Cmd: options.command ?? ['sleep', '3600'],
    Labels: { ...options.labels, ...testLabels() },
    HostConfig: { NetworkMode: 'none', ...options.hostConfig },
    Tty: options.tty ?? false,
    OpenStdin: options.openStdin ?? false,
    ...(options.healthcheck ? { Healthcheck: options.healthcheck } : {}),
  });
  if (options.start ?? true) await container.start();
  return container;
}


/** Force-removes this run's test containers, and other runs' older than a quarter of an hour (a killed run's). */
export async function removeTestContainers(docker: Dockerode = getTestDockerClient()): Promise<void> {
  const all = await docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
  const cutoff = (Date.now() - leftoverAgeMs) / 1000;
  const containers = all.filter((summary) => summary.Labels[TEST_LABEL] === TEST_RUN || summary.Created < cutoff);
  await Promise.all(
    containers.map(async (summary) => {
      try {
        await docker.getContainer(summary.Id).remove({ force: true });
      } catch (error) {
        // Already gone, or going: removed by the test itself or another run's clean-up meanwhile.
        if (engineStatusCode(error) !== 404 && !isRemovalInProgress(error)) throw error;
      }
    }),
  );
}

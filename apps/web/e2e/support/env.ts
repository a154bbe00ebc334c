import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything one e2e run shares, fixed once in the runner process. Playwright loads the config again
 * in each worker with the runner's environment, so the first load's values travel through
 * process.env and every process agrees on the folder, socket and labels.
 */
process.env.CC_BRIDGE_E2E_RUN ??= `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
process.env.CC_BRIDGE_E2E_DIR ??= mkdtempSync(join(tmpdir(), 'cc-bridge-e2e-'));

export const runId = process.env.CC_BRIDGE_E2E_RUN;
export const runDir = process.env.CC_BRIDGE_E2E_DIR;

const configFile = join(runDir, 'config.toml');
// Written here rather than in globalSetup: the web server may start before globalSetup runs.
if (!existsSync(configFile)) writeFileSync(configFile, '# e2e: everything comes from the environment\n');

/**
 * The main server's HOME: its own, so the dashboard reads Claude Code's user settings
 * (`~/.claude/settings.json`, whether the hooks are installed) from a folder the tests own, never
 * from the real user's. Only that server gets it (playwright.config.ts), not the test processes.
 */
export const serverHome = join(runDir, 'home');

/** Every container an e2e run makes carries this label (and core's cc-bridge.test), so teardown finds them. */
export const e2eLabel = 'cc-bridge.e2e';
/**
 * The label the app under test reads as "this container is instance NAME" and puts on containers
 * it starts. Its own name keeps discovery away from containers other test suites run meanwhile.
 */
export const appContainerLabel = 'cc-bridge-e2e.instance';
/** A test image with a command of its own, so the app can start containers from it. */
export const agentImage = 'cc-bridge-e2e-agent:latest';

/** The server's environment: a fresh embedded database, a private tmux server, the real Engine. */
export const serverEnv: Record<string, string> = {
  CC_BRIDGE_DATA_DIR: join(runDir, 'db'),
  CC_BRIDGE_TMUX_SOCKET: join(runDir, 'tmux.sock'),
  CC_BRIDGE_TMUX_COMMAND: 'sleep 3600',
  CC_BRIDGE_CONTAINER_LABEL: appContainerLabel,
  // Discovery by image name would also find the containers of other suites running on this Engine.
  CC_BRIDGE_IMAGE_PATTERNS: `cc-bridge-e2e-nothing-${runId}`,
  CC_BRIDGE_DOCKER_NETWORK: 'none',
  // An empty config file: a developer's ~/.config/cc-bridge/config.toml must not leak in.
  CC_BRIDGE_CONFIG: configFile,
  CC_BRIDGE_LOG_LEVEL: 'warn',
  // A name the dashboard answers to besides the loopback names, as a team install behind a
  // reverse proxy would configure ([web] allowed_hosts); security.spec.ts sends it.
  CC_BRIDGE_ALLOWED_HOSTS: 'dashboard.e2e.test',
};

/** Makes this process's core (the tests' registry client) see the server's configuration. */
export function useServerEnv(): void {
  Object.assign(process.env, serverEnv);
}

/**
 * A second server whose Docker Engine cannot be reached (a socket that does not exist), on a
 * database and tmux server of its own: the page must still work for tmux instances.
 */
export const noDockerPort = Number(process.env.CC_BRIDGE_E2E_PORT ?? 3917) + 1;
export const noDockerBaseURL = `http://127.0.0.1:${noDockerPort}`;
export const noDockerServerEnv: Record<string, string> = {
  ...serverEnv,
  CC_BRIDGE_DATA_DIR: join(runDir, 'db-no-docker'),
  CC_BRIDGE_TMUX_SOCKET: join(runDir, 'tmux-no-docker.sock'),
  DOCKER_HOST: 'unix:///nonexistent/docker.sock',
};

/**
 * A third server that reaches the real Engine only through a relay on a loopback TCP port which
 * engine-outage.spec.ts opens, cuts and opens again (core's relayEngine), as an Engine going away
 * and coming back. Its own database, tmux server and container label keep it apart from the
 * other tests' containers. Until the test opens the relay, its Engine does not answer.
 */
export const relayedPort = noDockerPort + 1;
export const relayedBaseURL = `http://127.0.0.1:${relayedPort}`;
export const engineRelayPort = noDockerPort + 2;
export const relayedContainerLabel = 'cc-bridge-e2e-relayed.instance';
export const relayedServerEnv: Record<string, string> = {
  ...serverEnv,
  CC_BRIDGE_DATA_DIR: join(runDir, 'db-relayed'),
  CC_BRIDGE_TMUX_SOCKET: join(runDir, 'tmux-relayed.sock'),
  CC_BRIDGE_CONTAINER_LABEL: relayedContainerLabel,
  DOCKER_HOST: `tcp://127.0.0.1:${engineRelayPort}`,
};

/** The users global-setup.ts adds (with the CLI) and signs in; the main server has all three roles. */
export { e2eUsers } from './users';

/**
 * Signed-in browser states (Playwright storageState files) global-setup.ts writes. Cookies do not
 * tell ports apart, so each server's session has a file of its own, used by its specs.
 */
export const storageStates = {
  main: join(runDir, 'auth-main.json'),
  operator: join(runDir, 'auth-operator.json'),
  viewer: join(runDir, 'auth-viewer.json'),
  noDocker: join(runDir, 'auth-no-docker.json'),
  relayed: join(runDir, 'auth-relayed.json'),
  /** inbox.spec.ts's own server (its beforeAll signs in). */
  inbox: join(runDir, 'auth-inbox.json'),
  /** multi-server.spec.ts's pair: made on server A, used on both. */
  multi: join(runDir, 'auth-multi.json'),
};

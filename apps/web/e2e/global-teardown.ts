import { rm } from 'node:fs/promises';
import { removeE2eContainers } from './support/docker';
import { noDockerServerEnv, relayedServerEnv, runDir } from './support/env';
import { killTmuxServer } from './support/tmux';

export default async function globalTeardown(): Promise<void> {
  await removeE2eContainers();
  await killTmuxServer();
  await killTmuxServer(noDockerServerEnv.CC_BRIDGE_TMUX_SOCKET);
  await killTmuxServer(relayedServerEnv.CC_BRIDGE_TMUX_SOCKET);
  // Removing the folder is safe even if the web server still has it open: it is stopped right after.
  await rm(runDir, { recursive: true, force: true });
}

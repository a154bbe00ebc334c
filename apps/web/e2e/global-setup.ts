import { ensureAgentImage, removeE2eContainers } from './support/docker';
import { e2eUsers, noDockerBaseURL, noDockerServerEnv, relayedBaseURL, relayedServerEnv, serverEnv, serverHome, storageStates } from './support/env';
import { addUser, signIn } from './support/users';

const mainBaseURL = `http://127.0.0.1:${process.env.CC_BRIDGE_E2E_PORT ?? 3917}`;

export default async function globalSetup(): Promise<void> {
  // A run killed half-way (turbo, Ctrl-C) leaves containers behind; they would be discovered.
  await removeE2eContainers();
  await ensureAgentImage();
  // Sign-in is configured on every server (the web servers are already up): an admin each, and
  // an operator and a viewer on the main one, for auth.spec.ts and authorization.spec.ts.
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.admin, 'admin');
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.operator, 'operator');
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.viewer, 'viewer');
  await addUser(noDockerServerEnv, e2eUsers.admin, 'admin');
  await addUser(relayedServerEnv, e2eUsers.admin, 'admin');
  await signIn(mainBaseURL, e2eUsers.admin, storageStates.main);
  await signIn(mainBaseURL, e2eUsers.operator, storageStates.operator);
  await signIn(mainBaseURL, e2eUsers.viewer, storageStates.viewer);
  await signIn(noDockerBaseURL, e2eUsers.admin, storageStates.noDocker);
  await signIn(relayedBaseURL, e2eUsers.admin, storageStates.relayed);
}

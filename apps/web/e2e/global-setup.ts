import { ensureAgentImage, removeE2eContainers } from './support/docker';

export default async function globalSetup(): Promise<void> {
  // A run killed half-way (turbo, Ctrl-C) leaves containers behind; they would be discovered.
  await removeE2eContainers();
  await ensureAgentImage();
}

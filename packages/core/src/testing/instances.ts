import { randomUUID } from 'node:crypto';

import { noActivity, unobservedContainer, type Instance } from '../instance.ts';

/** A record as the registry would hold it, without a database: for runtime tests. */
export function testInstance(fields: Partial<Instance> & Pick<Instance, 'name' | 'type'>): Instance {
  const now = new Date();
  return {
    id: randomUUID(),
    status: 'created',
    origin: 'manual',
    createdAt: now,
    updatedAt: now,
    lastSeenAt: null,
    lastActivityAt: null,
    tmuxSession: null,
    pid: null,
    cwd: null,
    containerId: null,
    containerName: null,
    imageName: null,
    dockerNetwork: null,
    dockerHost: null,
    ...unobservedContainer,
    ...noActivity,
    version: 1,
    ...fields,
  };
}

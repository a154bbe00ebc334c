'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

/**
 * One instance with its live status and event history; null when there is no such instance
 * (including a name no instance can have: a mistyped link is a 404, not an error).
 */
export const getInstanceDetailAction = defineAction(z.object({ name: z.string().max(2048) }), async ({ name }, { manager }) => {
  if (!(await manager.getInstance(name))) return null;
  const [status, events] = await Promise.all([manager.getInstanceStatus(name), manager.listEvents(name)]);
  return { instance: status.instance, status, events };
});

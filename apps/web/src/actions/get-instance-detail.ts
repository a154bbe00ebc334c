'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

/** One instance with its live status and event history; null when there is no such instance. */
export const getInstanceDetailAction = defineAction(z.object({ name: z.string().min(1).max(200) }), async ({ name }, { manager }) => {
  if (!(await manager.getInstance(name))) return null;
  const [status, events] = await Promise.all([manager.getInstanceStatus(name), manager.listEvents(name)]);
  return { instance: status.instance, status, events };
});

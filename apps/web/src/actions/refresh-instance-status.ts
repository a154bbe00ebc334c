'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const refreshInstanceStatusAction = defineAction('operator', z.object({ name: z.string().min(1).max(200) }), ({ name }, { manager }) =>
  manager.getInstanceStatus(name, { refresh: true }),
);

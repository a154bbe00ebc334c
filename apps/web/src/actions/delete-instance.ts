'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const deleteInstanceAction = defineAction('operator',
  z.object({ name: z.string().min(1).max(200), removeRuntime: z.boolean().default(false) }),
  ({ name, removeRuntime }, { manager }) => manager.deleteInstance(name, { removeRuntime }),
);

'use server';

import { createInstanceRequest } from '@/lib/instance-form';
import { defineAction } from './safe-action';

export const createInstanceAction = defineAction('operator', createInstanceRequest, ({ fields, start }, { manager }) =>
  manager.createInstance(fields, { start }),
);

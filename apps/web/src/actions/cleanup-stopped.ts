'use server';

import { instanceType } from '@cc-bridge/core';
import { z } from 'zod';
import { defineAction } from './safe-action';

export const cleanupStoppedAction = defineAction('admin',
  z.object({ dryRun: z.boolean(), type: instanceType.optional() }),
  ({ dryRun, type }, { manager }) => manager.cleanupStoppedInstances({ dryRun, ...(type ? { type } : {}) }),
);

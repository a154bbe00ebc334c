'use server';

import { expectedVersion, updateInstancePatch } from '@cc-bridge/core';
import { z } from 'zod';
import { defineAction } from './safe-action';

export const updateInstanceAction = defineAction('operator',
  z.object({ name: z.string().min(1).max(200), patch: updateInstancePatch, expectedVersion }),
  ({ name, patch, expectedVersion: version }, { manager }) =>
    manager.updateInstance(name, patch, { expectedVersion: version }),
);

'use server';

import { z } from 'zod';
import { defineAction } from './safe-action';

export const pruneDiscoveredAction = defineAction('admin', z.object({ dryRun: z.boolean() }), ({ dryRun }, { manager }) =>
  manager.pruneDiscoveredInstances({ dryRun }),
);

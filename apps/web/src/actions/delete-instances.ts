'use server';

import { z } from 'zod';
import { toBulkDeleteReport, type BulkDeleteReport } from '@/lib/bulk-results';
import { defineAction } from './safe-action';

export const deleteInstancesAction = defineAction('operator',
  z.object({ names: z.array(z.string().min(1).max(200)).min(1).max(500), removeRuntime: z.boolean().default(false) }),
  async ({ names, removeRuntime }, { manager }): Promise<BulkDeleteReport> =>
    toBulkDeleteReport(await manager.runBulk({ names }, { kind: 'delete', removeRuntime })),
);

'use server';

import { z } from 'zod';
import { toBulkRefreshReport, type BulkRefreshReport } from '@/lib/bulk-results';
import { defineAction } from './safe-action';

export const refreshInstancesStatusAction = defineAction('operator',
  z.object({ names: z.array(z.string().min(1).max(200)).min(1).max(500) }),
  async ({ names }, { manager }): Promise<BulkRefreshReport> =>
    toBulkRefreshReport(await manager.runBulk({ names }, { kind: 'refreshStatus' })),
);

'use server';

import { z } from 'zod';
import { failureOf, type BulkRefreshReport } from '@/lib/bulk-results';
import { defineAction } from './safe-action';

export const refreshInstancesStatusAction = defineAction(
  z.object({ names: z.array(z.string().min(1).max(200)).min(1).max(500) }),
  async ({ names }, { manager }): Promise<BulkRefreshReport> => {
    const report: BulkRefreshReport = { checked: [], changed: [], failed: [] };
    for (const name of names) {
      try {
        const before = await manager.getInstanceOrThrow(name);
        const result = await manager.getInstanceStatus(name, { refresh: true });
        // A runtime that could not be asked leaves the status `unknown` and says why.
        if (result.error) report.failed.push({ name, error: result.error });
        else report.checked.push(name);
        if (result.status !== before.status) report.changed.push({ name, from: before.status, to: result.status });
      } catch (error) {
        report.failed.push(failureOf(name, error));
      }
    }
    return report;
  },
);

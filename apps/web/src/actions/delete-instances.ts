'use server';

import { z } from 'zod';
import { failureOf, type BulkDeleteReport } from '@/lib/bulk-results';
import { defineAction } from './safe-action';

export const deleteInstancesAction = defineAction(
  z.object({ names: z.array(z.string().min(1).max(200)).min(1).max(500), removeRuntime: z.boolean().default(false) }),
  async ({ names, removeRuntime }, { manager }): Promise<BulkDeleteReport> => {
    const report: BulkDeleteReport = { deleted: [], failed: [] };
    // One after another: each delete is its own transaction, and one failing must not stop the rest.
    for (const name of names) {
      try {
        await manager.deleteInstance(name, { removeRuntime, actor: 'web' });
        report.deleted.push(name);
      } catch (error) {
        report.failed.push(failureOf(name, error));
      }
    }
    return report;
  },
);

'use server';

import type { BulkResult } from '@cc-bridge/core';
import { z } from 'zod';
import { instanceActivities, instanceOrigins, instanceStatuses, instanceTypes } from '@/lib/core-schemas';
import { defineAction } from './safe-action';

/**
 * Start, stop or restart instances through core's bulk API: the names given (a row, the detail
 * page, the ticked rows) or every record the list's current filter matches, all pages
 * (`{ filter }`, the page URL's filters). One `{ name, ok, status, error }` per record, the
 * status being what the runtime reported afterwards.
 */
export const runInstanceActionAction = defineAction('operator',
  z.object({
    kind: z.enum(['start', 'stop', 'restart']),
    target: z.union([
      z.strictObject({ names: z.array(z.string().min(1).max(200)).min(1).max(500) }),
      z.strictObject({
        filter: z.strictObject({
          type: z.enum(instanceTypes).nullable(),
          status: z.array(z.enum(instanceStatuses)),
          activity: z.enum(instanceActivities).nullable(),
          origin: z.enum(instanceOrigins).nullable(),
          search: z.string().max(200).nullable(),
        }),
      }),
    ]),
  }),
  async ({ kind, target }, { manager }): Promise<BulkResult[]> => {
    if ('names' in target) return manager.runBulk({ names: target.names }, { kind });
    const { type, status, activity, origin, search } = target.filter;
    const query = {
      ...(type ? { type } : {}),
      ...(status.length > 0 ? { status } : {}),
      ...(activity ? { activity } : {}),
      ...(origin ? { origin } : {}),
      ...(search ? { search } : {}),
    };
    return manager.runBulk({ query }, { kind });
  },
);

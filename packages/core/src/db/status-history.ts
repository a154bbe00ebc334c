import type { Prisma } from '../generated/prisma/client.ts';
import { instanceStatus, type InstanceStatus } from '../instance.ts';

/**
 * The status each record's history last announced: the `to` of its latest `status_changed`
 * event, or the status its `created`, `discovered` or `imported` event recorded. One query for
 * all ids; a record without such an event is left out of the map.
 */
export async function lastAnnouncedStatuses(prisma: Prisma.TransactionClient, ids: string[]): Promise<Map<string, InstanceStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ instanceId: string; status: string | null }[]>`
    SELECT DISTINCT ON ("instanceId") "instanceId",
           CASE WHEN kind = 'status_changed' THEN "to" #>> '{}' ELSE "to" ->> 'status' END AS status
    FROM "InstanceEvent"
    WHERE "instanceId" = ANY(${ids}::uuid[]) AND kind IN ('status_changed', 'created', 'discovered', 'imported')
    ORDER BY "instanceId", id DESC`;
  const statuses = new Map<string, InstanceStatus>();
  for (const row of rows) {
    const status = instanceStatus.safeParse(row.status);
    if (status.success) statuses.set(row.instanceId, status.data);
  }
  return statuses;
}

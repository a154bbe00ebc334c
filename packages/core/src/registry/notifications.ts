import type { InstanceEvent } from '../instance.ts';
import type { RegistryContext } from './context.ts';

/** An event waiting to be notified: an `activity_changed`, or a `status_changed` to `error`. */
export type PendingEvent = Pick<InstanceEvent, 'id' | 'instanceId' | 'instanceName' | 'kind' | 'from' | 'to' | 'message' | 'at'>;

/**
 * Takes up to `limit` events from the notification queue (PendingNotification, which a trigger
 * fills as events are written), oldest first. Taking deletes them in the same statement, and rows
 * another process is taking are skipped (FOR UPDATE SKIP LOCKED): each event is returned to one
 * caller only, in one process or in several on one database. Throws what the database throws.
 */
export async function takePendingEvents(context: RegistryContext, limit: number): Promise<PendingEvent[]> {
  return context.prisma.$queryRaw<PendingEvent[]>`
    WITH "taken" AS (
      DELETE FROM "PendingNotification"
      WHERE "eventId" IN (SELECT "eventId" FROM "PendingNotification" ORDER BY "eventId" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING "eventId"
    )
    SELECT "event"."id", "event"."instanceId"::text AS "instanceId", "event"."instanceName", "event"."kind"::text AS "kind",
           "event"."from", "event"."to", "event"."message", "event"."at"
    FROM "taken" JOIN "InstanceEvent" AS "event" ON "event"."id" = "taken"."eventId"
    ORDER BY "event"."id"`;
}

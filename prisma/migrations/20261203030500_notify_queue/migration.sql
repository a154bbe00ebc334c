-- Notifications ([notify] in the config): the transitions to send wait in PendingNotification,
-- one row per event, put there by a trigger on InstanceEvent whoever writes the event (hooks
-- applied by any process, the screen poller, a status refresh), in the event's transaction. A
-- notifier takes rows by deleting them (FOR UPDATE SKIP LOCKED), so two dashboards on one
-- PostgreSQL never both send one; a cursor over event ids could skip an event whose transaction
-- committed after a later one's. Written by hand around what `prisma migrate diff` generates
-- (the table): Prisma does not model triggers.
--
-- Queued: every activity_changed event, and status_changed events to `error` (the config's `on`
-- picks among them when sending). With no notifier running the rows stay; the next one to start
-- takes them and sends only the recent ones.

-- CreateTable
CREATE TABLE "PendingNotification" (
    "eventId" INTEGER NOT NULL,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingNotification_pkey" PRIMARY KEY ("eventId")
);

CREATE FUNCTION "cc_bridge_queue_notifications"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "PendingNotification" ("eventId")
  SELECT "id" FROM "new_rows"
  WHERE "kind" = 'activity_changed' OR ("kind" = 'status_changed' AND "to" = '"error"'::jsonb);
  RETURN NULL;
END;
$$;

-- One statement per batch of events (discovery writes hundreds at once), not one per row.
CREATE TRIGGER "InstanceEvent_queue_notifications"
AFTER INSERT ON "InstanceEvent"
REFERENCING NEW TABLE AS "new_rows"
FOR EACH STATEMENT EXECUTE FUNCTION "cc_bridge_queue_notifications"();

-- Every change of the Instance table, whoever makes it (a dashboard, the CLI in another shell,
-- discovery, a status refresh, psql), is announced on channel cc_bridge_changes, so every
-- process that LISTENs (core's ChangeFeed) hears it. Written by hand: Prisma does not model
-- triggers or functions, and `prisma migrate diff` leaves them alone.
--
-- One notification per statement (transition tables), not per row: discovery or a status
-- refresh touching 1,000 records sends one. PostgreSQL delivers it at COMMIT, and only then;
-- identical notifications of one transaction are sent once.
--
-- Payload (read by packages/core/src/changes/payload.ts): {"ids":[…]} for inserted or updated
-- records, {"deleted":[…]} for deleted ones, or {"all":true} when the list would not fit: a
-- payload must stay under 8000 bytes (about 200 ids fit in 7900).
--
-- An update that changes nothing but lastSeenAt (every status refresh moves it for every record
-- its runtime still has) is not announced: it would wake every page every few seconds for a
-- column nobody watches live. The InstanceEvent table is not announced either: every event is
-- written in the same transaction as a change of its record, whose id is announced.

CREATE FUNCTION "cc_bridge_notify_instance_changes"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  "changed" text[];
  "payload" text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg("id"::text) INTO "changed" FROM "new_rows";
  ELSIF TG_OP = 'UPDATE' THEN
    -- Not aliased new/old: PL/pgSQL reserves those names for its row variables.
    SELECT array_agg("after"."id"::text) INTO "changed"
    FROM "new_rows" AS "after" JOIN "old_rows" AS "before" ON "before"."id" = "after"."id"
    WHERE to_jsonb("after") - 'lastSeenAt' IS DISTINCT FROM to_jsonb("before") - 'lastSeenAt';
  ELSE
    SELECT array_agg("id"::text) INTO "changed" FROM "old_rows";
  END IF;
  -- A statement that touched no row (or only lastSeenAt) says nothing.
  IF "changed" IS NULL THEN
    RETURN NULL;
  END IF;
  "payload" := json_build_object(CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'ids' END, "changed")::text;
  IF octet_length("payload") > 7900 THEN
    "payload" := '{"all":true}';
  END IF;
  PERFORM pg_notify('cc_bridge_changes', "payload");
  RETURN NULL;
END;
$$;

-- PostgreSQL allows transition tables only on a trigger with one event: three triggers.
CREATE TRIGGER "Instance_notify_insert" AFTER INSERT ON "Instance"
  REFERENCING NEW TABLE AS "new_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "cc_bridge_notify_instance_changes"();

CREATE TRIGGER "Instance_notify_update" AFTER UPDATE ON "Instance"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "cc_bridge_notify_instance_changes"();

CREATE TRIGGER "Instance_notify_delete" AFTER DELETE ON "Instance"
  REFERENCING OLD TABLE AS "old_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "cc_bridge_notify_instance_changes"();

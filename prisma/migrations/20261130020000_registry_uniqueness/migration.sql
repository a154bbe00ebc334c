-- One tmux session belongs to one record, and a name is unique regardless of case.
--
-- Written by hand around what `prisma migrate diff` generates (the tmuxSession index), because a
-- registry may already break both rules: issue 6 shows "create dup --tmux-session work" accepted
-- beside "main" (deleting dup with its runtime then killed main's session), and "alpha", "Alpha"
-- and "ALPHA" side by side. Failing here would lock the user out: cc-bridge opens the database
-- only once every migration is applied, and nothing else edits the embedded database. So the
-- oldest record of each clash keeps its session or its spelling, and every other one changes in
-- a way the user can see: an event in its history (actor "migration") says what and why.

-- 1. A tmux record without a session used its name as the session (cc-bridge asked tmux for
--    `tmuxSession ?? name`). Write that down, so the unique index sees every session in use;
--    from here on NULL means "no session".
UPDATE "Instance" SET "tmuxSession" = "name" WHERE "type" = 'tmux' AND "tmuxSession" IS NULL;

-- 2. Records that share a session: the oldest keeps it, the others have none any more (their
--    status reads stopped, and delete --remove-runtime has nothing to kill).
WITH "ranked" AS (
  SELECT "id", "tmuxSession",
         first_value("name") OVER "bySession" AS "holder",
         row_number() OVER "bySession" AS "rank"
  FROM "Instance"
  WHERE "tmuxSession" IS NOT NULL
  WINDOW "bySession" AS (PARTITION BY "tmuxSession" ORDER BY "createdAt", "id")
), "cleared" AS (
  UPDATE "Instance" AS "instance"
  SET "tmuxSession" = NULL, "version" = "instance"."version" + 1, "updatedAt" = CURRENT_TIMESTAMP
  FROM "ranked"
  WHERE "instance"."id" = "ranked"."id" AND "ranked"."rank" > 1
  RETURNING "instance"."id", "instance"."name", "ranked"."tmuxSession", "ranked"."holder"
)
INSERT INTO "InstanceEvent" ("instanceId", "instanceName", "kind", "from", "to", "actor", "message")
SELECT "id", "name", 'updated', jsonb_build_object('tmuxSession', "tmuxSession"), jsonb_build_object('tmuxSession', NULL), 'migration',
       format('tmux session %s is also registered as "%s", which is older; one session belongs to one record, so this one has none now', "tmuxSession", "holder")
FROM "cleared";

-- 3. Names equal but for case: the oldest keeps its spelling, the others become NAME-2, NAME-3…
--    (the first free in any case, cut to 64 characters), like discovery's renames on conflict.
DO $$
DECLARE
  clash record;
  candidate text;
  counter integer;
BEGIN
  FOR clash IN
    SELECT "id", "name", "holder"
    FROM (
      SELECT "id", "name",
             first_value("name") OVER "byName" AS "holder",
             row_number() OVER "byName" AS "rank"
      FROM "Instance"
      WINDOW "byName" AS (PARTITION BY lower("name") ORDER BY "createdAt", "id")
    ) AS "ranked"
    WHERE "rank" > 1
    ORDER BY lower("name"), "rank"
  LOOP
    counter := 2;
    LOOP
      candidate := left(clash."name", 63 - length(counter::text)) || '-' || counter;
      EXIT WHEN NOT EXISTS (SELECT 1 FROM "Instance" WHERE lower("name") = lower(candidate));
      counter := counter + 1;
    END LOOP;
    UPDATE "Instance" SET "name" = candidate, "version" = "version" + 1, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = clash."id";
    INSERT INTO "InstanceEvent" ("instanceId", "instanceName", "kind", "from", "to", "actor", "message")
    VALUES (clash."id", candidate, 'renamed_on_conflict', to_jsonb(clash."name"), to_jsonb(candidate), 'migration',
            format('name "%s" is taken regardless of case by "%s", which is older; renamed to "%s"', clash."name", clash."holder", candidate));
  END LOOP;
END $$;

-- CreateIndex
CREATE UNIQUE INDEX "Instance_tmuxSession_key" ON "Instance"("tmuxSession");

-- Written by hand (Prisma cannot model an index on an expression, and `prisma migrate diff` leaves
-- one it does not model alone): "Alpha" is taken while "alpha" exists. Names are ASCII letters,
-- digits, "-" and "_", so lower() means the same under every collation. Lookups by name in any
-- case (`WHERE lower(name) = lower($1)`) use it too.
CREATE UNIQUE INDEX "Instance_name_lower_key" ON "Instance" (lower("name"));

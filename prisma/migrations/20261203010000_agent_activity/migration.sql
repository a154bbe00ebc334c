-- What the agent in each instance is doing (busy, waiting, idle, exited, unknown), as its Claude
-- Code hooks report it, since when and why (what a waiting agent asks), and the Claude session it
-- runs. Observations like status: they never bump version. The change-notify trigger compares
-- whole rows (but lastSeenAt), so a change of any of these is announced to every page.
-- A change of activity is an event (kind activity_changed), written with the record's change.
ALTER TYPE "EventKind" ADD VALUE 'activity_changed';
-- CreateEnum
CREATE TYPE "InstanceActivity" AS ENUM ('busy', 'waiting', 'idle', 'exited', 'unknown');
-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "activity" "InstanceActivity" NOT NULL DEFAULT 'unknown',
ADD COLUMN     "activityReason" TEXT,
ADD COLUMN     "activitySince" TIMESTAMP(3),
ADD COLUMN     "claudeSessionId" TEXT,
ADD COLUMN     "claudeTranscriptPath" TEXT;
-- CreateIndex
CREATE INDEX "Instance_activity_name_idx" ON "Instance"("activity", "name");


-- CreateEnum
CREATE TYPE "InstanceType" AS ENUM ('tmux', 'docker');

-- CreateEnum
CREATE TYPE "InstanceStatus" AS ENUM ('created', 'running', 'stopped', 'unknown', 'error');

-- CreateEnum
CREATE TYPE "InstanceOrigin" AS ENUM ('manual', 'discovered');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('created', 'updated', 'status_changed', 'discovered', 'merged', 'renamed_on_conflict', 'deleted', 'imported');

-- CreateTable
CREATE TABLE "Instance" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "InstanceType" NOT NULL DEFAULT 'tmux',
    "status" "InstanceStatus" NOT NULL DEFAULT 'created',
    "origin" "InstanceOrigin" NOT NULL DEFAULT 'manual',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3),
    "lastActivityAt" TIMESTAMP(3),
    "tmuxSession" TEXT,
    "pid" INTEGER,
    "cwd" TEXT,
    "containerId" TEXT,
    "containerName" TEXT,
    "imageName" TEXT,
    "dockerNetwork" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceEvent" (
    "id" SERIAL NOT NULL,
    "instanceId" UUID,
    "instanceName" TEXT NOT NULL,
    "kind" "EventKind" NOT NULL,
    "from" JSONB,
    "to" JSONB,
    "actor" TEXT NOT NULL,
    "message" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstanceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Instance_name_key" ON "Instance"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Instance_containerId_key" ON "Instance"("containerId");

-- CreateIndex
CREATE INDEX "Instance_type_name_idx" ON "Instance"("type", "name");

-- CreateIndex
CREATE INDEX "Instance_status_name_idx" ON "Instance"("status", "name");

-- CreateIndex
CREATE INDEX "Instance_createdAt_idx" ON "Instance"("createdAt");

-- CreateIndex
CREATE INDEX "Instance_updatedAt_idx" ON "Instance"("updatedAt");

-- CreateIndex
CREATE INDEX "Instance_lastSeenAt_idx" ON "Instance"("lastSeenAt");

-- CreateIndex
CREATE INDEX "Instance_containerName_idx" ON "Instance"("containerName");

-- CreateIndex
CREATE INDEX "InstanceEvent_instanceId_at_idx" ON "InstanceEvent"("instanceId", "at");

-- CreateIndex
CREATE INDEX "InstanceEvent_instanceName_at_idx" ON "InstanceEvent"("instanceName", "at");


-- Written by hand (Prisma does not model CHECK constraints): a record never carries the other
-- type's fields, and a Docker record always names its container, whatever wrote the row.
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_fields_match_type" CHECK (
  ("type" = 'tmux' AND "containerId" IS NULL AND "containerName" IS NULL AND "imageName" IS NULL AND "dockerNetwork" IS NULL)
  OR ("type" = 'docker' AND "containerId" IS NOT NULL AND "containerName" IS NOT NULL AND "tmuxSession" IS NULL AND "pid" IS NULL AND "cwd" IS NULL)
);

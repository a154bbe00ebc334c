-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "origin" TEXT,
    "action" TEXT NOT NULL,
    "instanceId" UUID,
    "target" TEXT NOT NULL,
    "changes" JSONB,
    "detail" JSONB,
    "message" TEXT,
    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);
-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");
-- CreateIndex
CREATE INDEX "AuditEntry_instanceId_id_idx" ON "AuditEntry"("instanceId", "id");
-- CreateIndex
CREATE INDEX "AuditEntry_target_id_idx" ON "AuditEntry"("target", "id");
-- CreateIndex
CREATE INDEX "AuditEntry_actor_id_idx" ON "AuditEntry"("actor", "id");
-- CreateIndex
CREATE INDEX "AuditEntry_action_id_idx" ON "AuditEntry"("action", "id");

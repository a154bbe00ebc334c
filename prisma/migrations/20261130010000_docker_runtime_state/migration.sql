-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "runtimeState" TEXT,
ADD COLUMN     "runtimeHealth" TEXT,
ADD COLUMN     "exitCode" INTEGER,
ADD COLUMN     "oomKilled" BOOLEAN,
ADD COLUMN     "dockerEngineId" TEXT,
ADD COLUMN     "dockerEndpoint" TEXT;

-- Written by hand (Prisma does not model CHECK constraints): what the Docker Engine says of a
-- container belongs to Docker records only. A constraint of its own, so that the first one
-- ("Instance_fields_match_type") stays as it is.
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_docker_observations_match_type" CHECK (
  "type" = 'docker'
  OR ("runtimeState" IS NULL AND "runtimeHealth" IS NULL AND "exitCode" IS NULL AND "oomKilled" IS NULL
      AND "dockerEngineId" IS NULL AND "dockerEndpoint" IS NULL)
);

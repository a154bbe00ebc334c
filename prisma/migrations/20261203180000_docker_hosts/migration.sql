-- Several Docker hosts (issue 11): the [[docker.hosts]] name of the Engine a Docker record's container is on.
ALTER TABLE "Instance" ADD COLUMN "dockerHost" TEXT;

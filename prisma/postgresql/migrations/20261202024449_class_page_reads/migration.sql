-- DropIndex
DROP INDEX "ErrorEvent_errorClassId_rolloutId_stageKey_service_host_idx";

-- AlterTable
ALTER TABLE "ErrorEvent" ADD COLUMN     "rolloutFailed" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ErrorClassFacet" (
    "errorClassId" INTEGER NOT NULL,
    "facet" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "ErrorClassFacet_pkey" PRIMARY KEY ("errorClassId","facet","key")
);

-- Backfill: each event learns whether its rollout ended failed, and each class gets its events
-- counted by stage, service and host (events without a host are not counted under host).
UPDATE "ErrorEvent" SET "rolloutFailed" = true WHERE "rolloutId" IN (SELECT "id" FROM "Rollout" WHERE "outcome" = 'failed');

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'stage', "stageKey", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL GROUP BY "errorClassId", "stageKey";

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'service', "service", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL GROUP BY "errorClassId", "service";

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'host', "host", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL AND "host" IS NOT NULL GROUP BY "errorClassId", "host";

-- CreateIndex: after the backfill, so the update does not maintain it row by row.
CREATE INDEX "ErrorEvent_errorClassId_rolloutFailed_rolloutId_idx" ON "ErrorEvent"("errorClassId", "rolloutFailed", "rolloutId");

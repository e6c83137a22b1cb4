-- CreateTable
CREATE TABLE "ErrorClassFacet" (
    "errorClassId" INTEGER NOT NULL,
    "facet" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "events" INTEGER NOT NULL,

    PRIMARY KEY ("errorClassId", "facet", "key")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ErrorEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "stageRunId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "env" TEXT NOT NULL,
    "host" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "day" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "code" TEXT,
    "errorClassId" INTEGER,
    "ruleId" INTEGER,
    "minerClassId" INTEGER,
    "rolloutFailed" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "ErrorEvent_stageRunId_fkey" FOREIGN KEY ("stageRunId") REFERENCES "StageRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ErrorEvent_errorClassId_fkey" FOREIGN KEY ("errorClassId") REFERENCES "ErrorClass" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ErrorEvent" ("attempt", "code", "day", "env", "errorClassId", "host", "id", "message", "minerClassId", "occurredAt", "rolloutId", "ruleId", "service", "stageKey", "stageRunId") SELECT "attempt", "code", "day", "env", "errorClassId", "host", "id", "message", "minerClassId", "occurredAt", "rolloutId", "ruleId", "service", "stageKey", "stageRunId" FROM "ErrorEvent";
DROP TABLE "ErrorEvent";
ALTER TABLE "new_ErrorEvent" RENAME TO "ErrorEvent";
CREATE UNIQUE INDEX "ErrorEvent_stageRunId_key" ON "ErrorEvent"("stageRunId");
CREATE INDEX "ErrorEvent_day_errorClassId_rolloutId_idx" ON "ErrorEvent"("day", "errorClassId", "rolloutId");
CREATE INDEX "ErrorEvent_stageKey_day_idx" ON "ErrorEvent"("stageKey", "day");
CREATE INDEX "ErrorEvent_service_day_idx" ON "ErrorEvent"("service", "day");
CREATE INDEX "ErrorEvent_host_day_idx" ON "ErrorEvent"("host", "day");
CREATE INDEX "ErrorEvent_errorClassId_day_idx" ON "ErrorEvent"("errorClassId", "day");
CREATE INDEX "ErrorEvent_errorClassId_occurredAt_idx" ON "ErrorEvent"("errorClassId", "occurredAt");
CREATE INDEX "ErrorEvent_errorClassId_rolloutFailed_rolloutId_idx" ON "ErrorEvent"("errorClassId", "rolloutFailed", "rolloutId");
CREATE INDEX "ErrorEvent_rolloutId_idx" ON "ErrorEvent"("rolloutId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Backfill: each event learns whether its rollout ended failed, and each class gets its events
-- counted by stage, service and host (events without a host are not counted under host).
UPDATE "ErrorEvent" SET "rolloutFailed" = true WHERE "rolloutId" IN (SELECT "id" FROM "Rollout" WHERE "outcome" = 'failed');

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'stage', "stageKey", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL GROUP BY "errorClassId", "stageKey";

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'service', "service", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL GROUP BY "errorClassId", "service";

INSERT INTO "ErrorClassFacet" ("errorClassId", "facet", "key", "events")
SELECT "errorClassId", 'host', "host", COUNT(*) FROM "ErrorEvent" WHERE "errorClassId" IS NOT NULL AND "host" IS NOT NULL GROUP BY "errorClassId", "host";

-- CreateTable
CREATE TABLE "ClassDecision" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "classId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" JSONB,
    "actor" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClassDecision_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClassifierState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "state" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RankingSnapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "week" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "summary" JSONB NOT NULL
);

-- CreateTable
CREATE TABLE "RankingEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "snapshotId" INTEGER NOT NULL,
    "classId" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "badge" TEXT NOT NULL,
    "in80" BOOLEAN NOT NULL,
    "failures" INTEGER NOT NULL,
    "failedRollouts" INTEGER NOT NULL,
    "services" INTEGER NOT NULL,
    "hosts" INTEGER NOT NULL,
    "prevFailures" INTEGER NOT NULL,
    "prevFailedRollouts" INTEGER NOT NULL,
    "upliftRollouts" INTEGER NOT NULL,
    "uplift" REAL NOT NULL,
    "firstSeen" DATETIME,
    "lastSeen" DATETIME,
    "detail" JSONB NOT NULL,
    CONSTRAINT "RankingEntry_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "RankingSnapshot" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RankingEntry_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DailyRollup" (
    "day" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "skips" INTEGER NOT NULL DEFAULT 0,
    "manual" INTEGER NOT NULL DEFAULT 0,
    "firstAttempts" INTEGER NOT NULL DEFAULT 0,
    "firstSuccesses" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "stageKey", "service"),
    CONSTRAINT "DailyRollup_stageKey_fkey" FOREIGN KEY ("stageKey") REFERENCES "Stage" ("key") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_DailyRollup" ("attempts", "day", "failures", "manual", "service", "skips", "stageKey", "successes") SELECT "attempts", "day", "failures", "manual", "service", "skips", "stageKey", "successes" FROM "DailyRollup";
DROP TABLE "DailyRollup";
ALTER TABLE "new_DailyRollup" RENAME TO "DailyRollup";
CREATE INDEX "DailyRollup_stageKey_day_idx" ON "DailyRollup"("stageKey", "day");
CREATE INDEX "DailyRollup_service_day_idx" ON "DailyRollup"("service", "day");
CREATE TABLE "new_ErrorClass" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "name" TEXT,
    "category" TEXT NOT NULL DEFAULT 'unknown',
    "categoryRule" TEXT,
    "categorySource" TEXT NOT NULL DEFAULT 'auto',
    "ownerId" TEXT,
    "assigneeId" TEXT,
    "ownerRule" TEXT,
    "ownerSource" TEXT NOT NULL DEFAULT 'auto',
    "status" TEXT NOT NULL DEFAULT 'open',
    "resolvedAt" DATETIME,
    "mergedIntoId" INTEGER,
    "dominantStage" TEXT,
    "firstSeen" DATETIME,
    "lastSeen" DATETIME,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ErrorClass_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ErrorClass_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ErrorClass_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "ErrorClass" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ErrorClass" ("category", "createdAt", "id", "key", "ownerId", "status", "template") SELECT coalesce("category", 'unknown') AS "category", "createdAt", "id", "key", "ownerId", "status", "template" FROM "ErrorClass";
DROP TABLE "ErrorClass";
ALTER TABLE "new_ErrorClass" RENAME TO "ErrorClass";
CREATE UNIQUE INDEX "ErrorClass_key_key" ON "ErrorClass"("key");
CREATE INDEX "ErrorClass_status_idx" ON "ErrorClass"("status");
CREATE INDEX "ErrorClass_ownerId_idx" ON "ErrorClass"("ownerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ClassDecision_classId_createdAt_idx" ON "ClassDecision"("classId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RankingSnapshot_week_key" ON "RankingSnapshot"("week");

-- CreateIndex
CREATE INDEX "RankingEntry_classId_idx" ON "RankingEntry"("classId");

-- CreateIndex
CREATE UNIQUE INDEX "RankingEntry_snapshotId_classId_key" ON "RankingEntry"("snapshotId", "classId");

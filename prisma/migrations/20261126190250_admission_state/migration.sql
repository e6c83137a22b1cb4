-- AlterTable
ALTER TABLE "AdmissionViolation" ADD COLUMN "acknowledgedAt" DATETIME;
ALTER TABLE "AdmissionViolation" ADD COLUMN "acknowledgedBy" TEXT;

-- CreateTable
CREATE TABLE "AdmissionViolationRollout" (
    "violationId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,

    PRIMARY KEY ("violationId", "rolloutId"),
    CONSTRAINT "AdmissionViolationRollout_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "AdmissionViolation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AdmissionViolationRollout_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HostEnvSeen" (
    "host" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL,

    PRIMARY KEY ("host", "env")
);

-- CreateTable
CREATE TABLE "ServiceBuildHost" (
    "service" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "firstBuildAt" DATETIME NOT NULL,
    "rolloutId" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ImageSeen" (
    "image" TEXT NOT NULL PRIMARY KEY,
    "service" TEXT NOT NULL,
    "buildHost" TEXT,
    "builtAt" DATETIME,
    "buildRolloutId" TEXT,
    "pushedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AdmissionCursor" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "lastRunId" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "AdmissionPreflight" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "token" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "hosts" INTEGER NOT NULL,
    "image" TEXT,
    "decision" TEXT NOT NULL,
    "results" JSONB NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Rollout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "service" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "day" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "manualCount" INTEGER NOT NULL DEFAULT 0,
    "stageRuns" INTEGER NOT NULL DEFAULT 0,
    "failedRuns" INTEGER NOT NULL DEFAULT 0,
    "steps" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Rollout_service_fkey" FOREIGN KEY ("service") REFERENCES "Service" ("name") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Rollout" ("day", "env", "failedRuns", "finishedAt", "id", "manualCount", "outcome", "service", "stageRuns", "startedAt") SELECT "day", "env", "failedRuns", "finishedAt", "id", "manualCount", "outcome", "service", "stageRuns", "startedAt" FROM "Rollout";
DROP TABLE "Rollout";
ALTER TABLE "new_Rollout" RENAME TO "Rollout";
CREATE INDEX "Rollout_day_outcome_idx" ON "Rollout"("day", "outcome");
CREATE INDEX "Rollout_service_day_idx" ON "Rollout"("service", "day");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AdmissionViolationRollout_rolloutId_idx" ON "AdmissionViolationRollout"("rolloutId");

-- CreateIndex
CREATE INDEX "AdmissionPreflight_at_idx" ON "AdmissionPreflight"("at");

-- Backfill: the chain length of the rollouts stored before this migration.
UPDATE "Rollout" SET "steps" = (SELECT COUNT(DISTINCT "stageKey") FROM "StageRun" WHERE "StageRun"."rolloutId" = "Rollout"."id" AND "StageRun"."status" <> 'skipped');

-- CreateTable
CREATE TABLE "StageRunDaySpan" (
    "day" TEXT NOT NULL,
    "fromId" INTEGER NOT NULL,
    "toId" INTEGER NOT NULL,

    PRIMARY KEY ("day", "fromId")
);

-- CreateTable
CREATE TABLE "DailyStageRollup" (
    "day" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "skips" INTEGER NOT NULL DEFAULT 0,
    "manual" INTEGER NOT NULL DEFAULT 0,
    "firstAttempts" INTEGER NOT NULL DEFAULT 0,
    "firstSuccesses" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "stageKey")
);

-- CreateTable
CREATE TABLE "RolloutDayRollup" (
    "day" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "rollouts" INTEGER NOT NULL DEFAULT 0,
    "noFailedRuns" INTEGER NOT NULL DEFAULT 0,
    "noManual" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("day", "outcome")
);

-- Backfill from the stored rows: the spans of the stored runs, one per day and block of 100,000 ids
-- (runs of a day stored late cost at most one extra block each), the per-stage sums of the
-- per-service rollups, and the rollouts per day and outcome.
INSERT INTO "StageRunDaySpan" ("day", "fromId", "toId")
SELECT "day", MIN("id"), MAX("id") FROM "StageRun" GROUP BY "day", "id" / 100000;

INSERT INTO "DailyStageRollup" ("day", "stageKey", "attempts", "successes", "failures", "skips", "manual", "firstAttempts", "firstSuccesses")
SELECT "day", "stageKey", SUM("attempts"), SUM("successes"), SUM("failures"), SUM("skips"), SUM("manual"), SUM("firstAttempts"), SUM("firstSuccesses")
FROM "DailyRollup" GROUP BY "day", "stageKey";

INSERT INTO "RolloutDayRollup" ("day", "outcome", "rollouts", "noFailedRuns", "noManual")
SELECT "day", "outcome", COUNT(*), SUM(CASE WHEN "failedRuns" = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN "manualCount" = 0 THEN 1 ELSE 0 END)
FROM "Rollout" GROUP BY "day", "outcome";

-- AlterTable: the error events retention deletes stay counted in their class's figures.
ALTER TABLE "ErrorClass" ADD COLUMN "expiredEvents" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ErrorClass" ADD COLUMN "expiredFirst" DATETIME;
ALTER TABLE "ErrorClass" ADD COLUMN "expiredLast" DATETIME;

-- CreateTable
CREATE TABLE "ErrorClassDay" (
    "errorClassId" INTEGER NOT NULL,
    "day" TEXT NOT NULL,
    "events" INTEGER NOT NULL,
    "rollouts" INTEGER NOT NULL,

    PRIMARY KEY ("errorClassId", "day")
);

-- CreateTable
CREATE TABLE "ErrorClassRolloutDay" (
    "errorClassId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "day" TEXT NOT NULL,

    PRIMARY KEY ("errorClassId", "rolloutId", "day")
);

-- CreateIndex
CREATE INDEX "ErrorClassDay_day_idx" ON "ErrorClassDay"("day");

-- CreateIndex
CREATE INDEX "ErrorClassRolloutDay_day_idx" ON "ErrorClassRolloutDay"("day");

-- Backfill from the stored error events: the events and distinct rollouts of each class per day, and the
-- days of every class and rollout pair seen on two days or more (the same SQL lib/classify/class-days.ts
-- runs for the keys a write touched).
INSERT INTO "ErrorClassDay" ("errorClassId", "day", "events", "rollouts")
SELECT "errorClassId", "day", COUNT(*), COUNT(DISTINCT "rolloutId") FROM "ErrorEvent"
WHERE "errorClassId" IS NOT NULL GROUP BY "errorClassId", "day";

INSERT INTO "ErrorClassRolloutDay" ("errorClassId", "rolloutId", "day")
SELECT DISTINCT "errorClassId", "rolloutId", "day" FROM (
  SELECT "errorClassId", "rolloutId", "day", MIN("day") OVER pair AS "first", MAX("day") OVER pair AS "last" FROM "ErrorEvent"
  WHERE "errorClassId" IS NOT NULL WINDOW pair AS (PARTITION BY "errorClassId", "rolloutId")) s
WHERE "first" < "last";

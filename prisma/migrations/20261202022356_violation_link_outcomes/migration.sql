-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AdmissionViolationRollout" (
    "violationId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL DEFAULT '',
    "day" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("violationId", "rolloutId"),
    CONSTRAINT "AdmissionViolationRollout_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "AdmissionViolation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AdmissionViolationRollout_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AdmissionViolationRollout" ("rolloutId", "violationId") SELECT "rolloutId", "violationId" FROM "AdmissionViolationRollout";
DROP TABLE "AdmissionViolationRollout";
ALTER TABLE "new_AdmissionViolationRollout" RENAME TO "AdmissionViolationRollout";
-- Backfill: each link takes the rule of its violation and the day and outcome of its rollout
UPDATE "AdmissionViolationRollout" SET
  "ruleId" = (SELECT v."ruleId" FROM "AdmissionViolation" v WHERE v."id" = "AdmissionViolationRollout"."violationId"),
  "day" = (SELECT r."day" FROM "Rollout" r WHERE r."id" = "AdmissionViolationRollout"."rolloutId"),
  "outcome" = (SELECT r."outcome" FROM "Rollout" r WHERE r."id" = "AdmissionViolationRollout"."rolloutId");
CREATE INDEX "AdmissionViolationRollout_rolloutId_idx" ON "AdmissionViolationRollout"("rolloutId");
CREATE INDEX "AdmissionViolationRollout_ruleId_day_outcome_rolloutId_idx" ON "AdmissionViolationRollout"("ruleId", "day", "outcome", "rolloutId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- AlterTable
ALTER TABLE "AdmissionViolationRollout" ADD COLUMN     "day" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "ruleId" TEXT NOT NULL DEFAULT '';

-- Backfill: each link takes the rule of its violation and the day and outcome of its rollout
UPDATE "AdmissionViolationRollout" l SET "ruleId" = v."ruleId", "day" = r."day", "outcome" = r."outcome"
FROM "AdmissionViolation" v, "Rollout" r WHERE v."id" = l."violationId" AND r."id" = l."rolloutId";

-- CreateIndex
CREATE INDEX "AdmissionViolationRollout_ruleId_day_outcome_rolloutId_idx" ON "AdmissionViolationRollout"("ruleId", "day", "outcome", "rolloutId");

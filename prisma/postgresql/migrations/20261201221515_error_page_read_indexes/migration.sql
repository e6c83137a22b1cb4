-- Indexes the error pages read from alone (issue 14): a range's per-class counts and distinct rollouts,
-- a class's latest events, a class's breakdown and distinct rollouts, and the failed rollouts in id order.
-- The day index of ErrorEvent is widened, not added to.
-- DropIndex
DROP INDEX "ErrorEvent_day_idx";

-- CreateIndex
CREATE INDEX "Rollout_outcome_id_idx" ON "Rollout"("outcome", "id");

-- CreateIndex
CREATE INDEX "ErrorEvent_day_errorClassId_rolloutId_idx" ON "ErrorEvent"("day", "errorClassId", "rolloutId");

-- CreateIndex
CREATE INDEX "ErrorEvent_errorClassId_occurredAt_idx" ON "ErrorEvent"("errorClassId", "occurredAt");

-- CreateIndex
CREATE INDEX "ErrorEvent_errorClassId_rolloutId_stageKey_service_host_idx" ON "ErrorEvent"("errorClassId", "rolloutId", "stageKey", "service", "host");

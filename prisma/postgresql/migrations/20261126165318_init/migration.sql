-- CreateTable
CREATE TABLE "Owner" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "teamId" TEXT,
    "leadEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Owner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Stage" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "ownerId" TEXT,

    CONSTRAINT "Stage_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Service" (
    "name" TEXT NOT NULL,
    "ownerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "day" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "manualCount" INTEGER NOT NULL DEFAULT 0,
    "stageRuns" INTEGER NOT NULL DEFAULT 0,
    "failedRuns" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StageRun" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "host" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,
    "day" TEXT NOT NULL,
    "errorMessage" TEXT,
    "errorCode" TEXT,
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "attrs" JSONB,
    "batchId" INTEGER,

    CONSTRAINT "StageRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErrorEvent" (
    "id" SERIAL NOT NULL,
    "stageRunId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "env" TEXT NOT NULL,
    "host" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "day" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "code" TEXT,
    "errorClassId" INTEGER,

    CONSTRAINT "ErrorEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DailyRollup" (
    "day" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "skips" INTEGER NOT NULL DEFAULT 0,
    "manual" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DailyRollup_pkey" PRIMARY KEY ("day","stageKey","service")
);

-- CreateTable
CREATE TABLE "ErrorClass" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "category" TEXT,
    "ownerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErrorClass_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdmissionRule" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "config" JSONB,
    "ownerId" TEXT,

    CONSTRAINT "AdmissionRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdmissionViolation" (
    "id" SERIAL NOT NULL,
    "ruleId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "evidence" JSONB,

    CONSTRAINT "AdmissionViolation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" SERIAL NOT NULL,
    "week" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IngestBatch" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "IngestBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RejectedLine" (
    "id" SERIAL NOT NULL,
    "batchId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "field" TEXT,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,

    CONSTRAINT "RejectedLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IngestToken" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "IngestToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" SERIAL NOT NULL,
    "job" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL,
    "summary" JSONB,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Stage_position_key" ON "Stage"("position");

-- CreateIndex
CREATE INDEX "Rollout_day_outcome_idx" ON "Rollout"("day", "outcome");

-- CreateIndex
CREATE INDEX "Rollout_service_day_idx" ON "Rollout"("service", "day");

-- CreateIndex
CREATE UNIQUE INDEX "StageRun_key_key" ON "StageRun"("key");

-- CreateIndex
CREATE INDEX "StageRun_rolloutId_idx" ON "StageRun"("rolloutId");

-- CreateIndex
CREATE UNIQUE INDEX "ErrorEvent_stageRunId_key" ON "ErrorEvent"("stageRunId");

-- CreateIndex
CREATE INDEX "ErrorEvent_day_idx" ON "ErrorEvent"("day");

-- CreateIndex
CREATE INDEX "ErrorEvent_stageKey_day_idx" ON "ErrorEvent"("stageKey", "day");

-- CreateIndex
CREATE INDEX "ErrorEvent_service_day_idx" ON "ErrorEvent"("service", "day");

-- CreateIndex
CREATE INDEX "ErrorEvent_host_day_idx" ON "ErrorEvent"("host", "day");

-- CreateIndex
CREATE INDEX "ErrorEvent_errorClassId_day_idx" ON "ErrorEvent"("errorClassId", "day");

-- CreateIndex
CREATE INDEX "ErrorEvent_rolloutId_idx" ON "ErrorEvent"("rolloutId");

-- CreateIndex
CREATE INDEX "DailyRollup_stageKey_day_idx" ON "DailyRollup"("stageKey", "day");

-- CreateIndex
CREATE INDEX "DailyRollup_service_day_idx" ON "DailyRollup"("service", "day");

-- CreateIndex
CREATE UNIQUE INDEX "ErrorClass_key_key" ON "ErrorClass"("key");

-- CreateIndex
CREATE INDEX "AdmissionViolation_status_lastSeen_idx" ON "AdmissionViolation"("status", "lastSeen");

-- CreateIndex
CREATE UNIQUE INDEX "AdmissionViolation_ruleId_subjectType_subjectId_key" ON "AdmissionViolation"("ruleId", "subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "DigestRun_week_idx" ON "DigestRun"("week");

-- CreateIndex
CREATE INDEX "IngestBatch_startedAt_idx" ON "IngestBatch"("startedAt");

-- CreateIndex
CREATE INDEX "RejectedLine_batchId_line_idx" ON "RejectedLine"("batchId", "line");

-- CreateIndex
CREATE UNIQUE INDEX "IngestToken_tokenHash_key" ON "IngestToken"("tokenHash");

-- CreateIndex
CREATE INDEX "JobRun_job_startedAt_idx" ON "JobRun"("job", "startedAt");

-- AddForeignKey
ALTER TABLE "Owner" ADD CONSTRAINT "Owner_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Stage" ADD CONSTRAINT "Stage_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_service_fkey" FOREIGN KEY ("service") REFERENCES "Service"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageRun" ADD CONSTRAINT "StageRun_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageRun" ADD CONSTRAINT "StageRun_stageKey_fkey" FOREIGN KEY ("stageKey") REFERENCES "Stage"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErrorEvent" ADD CONSTRAINT "ErrorEvent_stageRunId_fkey" FOREIGN KEY ("stageRunId") REFERENCES "StageRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErrorEvent" ADD CONSTRAINT "ErrorEvent_errorClassId_fkey" FOREIGN KEY ("errorClassId") REFERENCES "ErrorClass"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailyRollup" ADD CONSTRAINT "DailyRollup_stageKey_fkey" FOREIGN KEY ("stageKey") REFERENCES "Stage"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErrorClass" ADD CONSTRAINT "ErrorClass_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdmissionRule" ADD CONSTRAINT "AdmissionRule_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdmissionViolation" ADD CONSTRAINT "AdmissionViolation_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AdmissionRule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RejectedLine" ADD CONSTRAINT "RejectedLine_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "IngestBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

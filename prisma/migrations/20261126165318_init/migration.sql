-- CreateTable
CREATE TABLE "Owner" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "teamId" TEXT,
    "leadEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Owner_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Stage" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "ownerId" TEXT,
    CONSTRAINT "Stage_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Service" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Service_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Rollout" (
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
    CONSTRAINT "Rollout_service_fkey" FOREIGN KEY ("service") REFERENCES "Service" ("name") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StageRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "stageKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "host" TEXT,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    "day" TEXT NOT NULL,
    "errorMessage" TEXT,
    "errorCode" TEXT,
    "manual" BOOLEAN NOT NULL DEFAULT false,
    "attrs" JSONB,
    "batchId" INTEGER,
    CONSTRAINT "StageRun_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StageRun_stageKey_fkey" FOREIGN KEY ("stageKey") REFERENCES "Stage" ("key") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ErrorEvent" (
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
    CONSTRAINT "ErrorEvent_stageRunId_fkey" FOREIGN KEY ("stageRunId") REFERENCES "StageRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ErrorEvent_errorClassId_fkey" FOREIGN KEY ("errorClassId") REFERENCES "ErrorClass" ("id") ON DELETE SET NULL ON UPDATE CASCADE
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

    PRIMARY KEY ("day", "stageKey", "service"),
    CONSTRAINT "DailyRollup_stageKey_fkey" FOREIGN KEY ("stageKey") REFERENCES "Stage" ("key") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ErrorClass" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "category" TEXT,
    "ownerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ErrorClass_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AdmissionRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "config" JSONB,
    "ownerId" TEXT,
    CONSTRAINT "AdmissionRule_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AdmissionViolation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ruleId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "evidence" JSONB,
    CONSTRAINT "AdmissionViolation_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AdmissionRule" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "week" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "IngestBatch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "RejectedLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "batchId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "field" TEXT,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    CONSTRAINT "RejectedLine_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "IngestBatch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IngestToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL,
    "summary" JSONB
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

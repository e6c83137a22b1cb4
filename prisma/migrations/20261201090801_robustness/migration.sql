-- AlterTable
ALTER TABLE "DigestRun" ADD COLUMN "nextAttemptAt" DATETIME;
ALTER TABLE "DigestRun" ADD COLUMN "retryUntil" DATETIME;

-- AlterTable
ALTER TABLE "DigestMessage" ADD COLUMN "lastAttemptAt" DATETIME;

-- AlterTable
ALTER TABLE "JobLock" ADD COLUMN "heartbeatAt" DATETIME;

-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "email" TEXT NOT NULL,
    "client" TEXT NOT NULL,
    "outcome" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_IngestBatch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'running',
    "holder" TEXT,
    "heartbeatAt" DATETIME,
    "error" TEXT,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "conflicts" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_IngestBatch" ("accepted", "duplicates", "finishedAt", "format", "id", "rejected", "source", "startedAt") SELECT "accepted", "duplicates", "finishedAt", "format", "id", "rejected", "source", "startedAt" FROM "IngestBatch";
DROP TABLE "IngestBatch";
ALTER TABLE "new_IngestBatch" RENAME TO "IngestBatch";
CREATE INDEX "IngestBatch_startedAt_idx" ON "IngestBatch"("startedAt");
CREATE INDEX "IngestBatch_status_idx" ON "IngestBatch"("status");
CREATE TABLE "new_RejectedLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "batchId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'invalid',
    "field" TEXT,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "rawBytes" BLOB,
    CONSTRAINT "RejectedLine_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "IngestBatch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_RejectedLine" ("batchId", "field", "id", "line", "raw", "reason", "source") SELECT "batchId", "field", "id", "line", "raw", "reason", "source" FROM "RejectedLine";
DROP TABLE "RejectedLine";
ALTER TABLE "new_RejectedLine" RENAME TO "RejectedLine";
CREATE INDEX "RejectedLine_batchId_line_idx" ON "RejectedLine"("batchId", "line");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SignInAttempt_email_at_idx" ON "SignInAttempt"("email", "at");

-- CreateIndex
CREATE INDEX "SignInAttempt_client_at_idx" ON "SignInAttempt"("client", "at");

-- CreateIndex
CREATE INDEX "SignInAttempt_at_idx" ON "SignInAttempt"("at");

-- Backfill: batches from before leases either finished or were left by a process that is gone.
UPDATE "IngestBatch" SET "status" = CASE WHEN "finishedAt" IS NULL THEN 'abandoned' ELSE 'finished' END;

-- AlterTable
ALTER TABLE "DigestRun" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "retryUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DigestMessage" ADD COLUMN     "lastAttemptAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "JobLock" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "IngestBatch" ADD COLUMN     "conflicts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "error" TEXT,
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "holder" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'running';

-- AlterTable
ALTER TABLE "RejectedLine" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'invalid',
ADD COLUMN     "rawBytes" BYTEA;

-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "email" TEXT NOT NULL,
    "client" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInAttempt_email_at_idx" ON "SignInAttempt"("email", "at");

-- CreateIndex
CREATE INDEX "SignInAttempt_client_at_idx" ON "SignInAttempt"("client", "at");

-- CreateIndex
CREATE INDEX "SignInAttempt_at_idx" ON "SignInAttempt"("at");

-- CreateIndex
CREATE INDEX "IngestBatch_status_idx" ON "IngestBatch"("status");

-- Backfill: batches from before leases either finished or were left by a process that is gone.
UPDATE "IngestBatch" SET "status" = CASE WHEN "finishedAt" IS NULL THEN 'abandoned' ELSE 'finished' END;

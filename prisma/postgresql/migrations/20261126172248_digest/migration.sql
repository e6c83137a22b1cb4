-- AlterTable
ALTER TABLE "DigestRun" ADD COLUMN     "error" TEXT,
ADD COLUMN     "failed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "skipped" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "trigger" TEXT NOT NULL DEFAULT 'manual';

-- CreateTable
CREATE TABLE "DigestMessage" (
    "id" SERIAL NOT NULL,
    "week" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ownerId" TEXT,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "outboxPath" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "runId" INTEGER,

    CONSTRAINT "DigestMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobLock" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobLock_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "DigestMessage_status_idx" ON "DigestMessage"("status");

-- CreateIndex
CREATE UNIQUE INDEX "DigestMessage_week_recipient_kind_key" ON "DigestMessage"("week", "recipient", "kind");

-- AddForeignKey
ALTER TABLE "DigestMessage" ADD CONSTRAINT "DigestMessage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "DigestRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "ErrorClass" ADD COLUMN "trackerUrl" TEXT;

-- CreateTable
CREATE TABLE "AlertState" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "trigger" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "activation" INTEGER NOT NULL DEFAULT 0,
    "changedAt" DATETIME NOT NULL,
    "figures" JSONB,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AlertMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "trigger" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "activation" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "channelKind" TEXT NOT NULL,
    "ownerId" TEXT,
    "title" TEXT NOT NULL,
    "alert" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastAttemptAt" DATETIME,
    "nextAttemptAt" DATETIME,
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "AlertState_active_idx" ON "AlertState"("active");

-- CreateIndex
CREATE UNIQUE INDEX "AlertState_trigger_subject_key" ON "AlertState"("trigger", "subject");

-- CreateIndex
CREATE INDEX "AlertMessage_status_nextAttemptAt_idx" ON "AlertMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertMessage_trigger_subject_activation_channel_key" ON "AlertMessage"("trigger", "subject", "activation", "channel");

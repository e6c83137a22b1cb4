-- AlterTable
ALTER TABLE "User" ADD COLUMN "passwordSetAt" DATETIME;

-- CreateTable
CREATE TABLE "UserChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" JSONB,
    "actor" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "UserChange_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserOwner" (
    "userId" INTEGER NOT NULL,
    "ownerId" TEXT NOT NULL,

    PRIMARY KEY ("userId", "ownerId"),
    CONSTRAINT "UserOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInLink" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "userId" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "SignInLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "UserChange_userId_createdAt_idx" ON "UserChange"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "UserChange_createdAt_idx" ON "UserChange"("createdAt");

-- CreateIndex
CREATE INDEX "UserOwner_ownerId_idx" ON "UserOwner"("ownerId");

-- CreateIndex
CREATE INDEX "SignInLink_userId_idx" ON "SignInLink"("userId");

-- CreateIndex
CREATE INDEX "StageRun_host_day_idx" ON "StageRun"("host", "day");

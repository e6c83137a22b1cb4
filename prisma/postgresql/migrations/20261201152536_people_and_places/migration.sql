-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordSetAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "UserChange" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" JSONB,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserOwner" (
    "userId" INTEGER NOT NULL,
    "ownerId" TEXT NOT NULL,

    CONSTRAINT "UserOwner_pkey" PRIMARY KEY ("userId","ownerId")
);

-- CreateTable
CREATE TABLE "SignInLink" (
    "tokenHash" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SignInLink_pkey" PRIMARY KEY ("tokenHash")
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

-- AddForeignKey
ALTER TABLE "UserChange" ADD CONSTRAINT "UserChange_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserOwner" ADD CONSTRAINT "UserOwner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SignInLink" ADD CONSTRAINT "SignInLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

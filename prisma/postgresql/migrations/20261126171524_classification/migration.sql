-- AlterTable
ALTER TABLE "DailyRollup" ADD COLUMN     "firstAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "firstSuccesses" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ErrorClass" ADD COLUMN     "assigneeId" TEXT,
ADD COLUMN     "categoryRule" TEXT,
ADD COLUMN     "categorySource" TEXT NOT NULL DEFAULT 'auto',
ADD COLUMN     "dominantStage" TEXT,
ADD COLUMN     "eventCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "firstSeen" TIMESTAMP(3),
ADD COLUMN     "lastSeen" TIMESTAMP(3),
ADD COLUMN     "mergedIntoId" INTEGER,
ADD COLUMN     "name" TEXT,
ADD COLUMN     "ownerRule" TEXT,
ADD COLUMN     "ownerSource" TEXT NOT NULL DEFAULT 'auto',
ADD COLUMN     "resolvedAt" TIMESTAMP(3),
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL,
ALTER COLUMN "category" SET NOT NULL,
ALTER COLUMN "category" SET DEFAULT 'unknown';

-- CreateTable
CREATE TABLE "ClassDecision" (
    "id" SERIAL NOT NULL,
    "classId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" JSONB,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClassDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClassifierState" (
    "id" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClassifierState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RankingSnapshot" (
    "id" SERIAL NOT NULL,
    "week" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "summary" JSONB NOT NULL,

    CONSTRAINT "RankingSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RankingEntry" (
    "id" SERIAL NOT NULL,
    "snapshotId" INTEGER NOT NULL,
    "classId" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "badge" TEXT NOT NULL,
    "in80" BOOLEAN NOT NULL,
    "failures" INTEGER NOT NULL,
    "failedRollouts" INTEGER NOT NULL,
    "services" INTEGER NOT NULL,
    "hosts" INTEGER NOT NULL,
    "prevFailures" INTEGER NOT NULL,
    "prevFailedRollouts" INTEGER NOT NULL,
    "upliftRollouts" INTEGER NOT NULL,
    "uplift" DOUBLE PRECISION NOT NULL,
    "firstSeen" TIMESTAMP(3),
    "lastSeen" TIMESTAMP(3),
    "detail" JSONB NOT NULL,

    CONSTRAINT "RankingEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ClassDecision_classId_createdAt_idx" ON "ClassDecision"("classId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RankingSnapshot_week_key" ON "RankingSnapshot"("week");

-- CreateIndex
CREATE INDEX "RankingEntry_classId_idx" ON "RankingEntry"("classId");

-- CreateIndex
CREATE UNIQUE INDEX "RankingEntry_snapshotId_classId_key" ON "RankingEntry"("snapshotId", "classId");

-- CreateIndex
CREATE INDEX "ErrorClass_status_idx" ON "ErrorClass"("status");

-- CreateIndex
CREATE INDEX "ErrorClass_ownerId_idx" ON "ErrorClass"("ownerId");

-- AddForeignKey
ALTER TABLE "ErrorClass" ADD CONSTRAINT "ErrorClass_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Owner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErrorClass" ADD CONSTRAINT "ErrorClass_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "ErrorClass"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClassDecision" ADD CONSTRAINT "ClassDecision_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RankingEntry" ADD CONSTRAINT "RankingEntry_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "RankingSnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RankingEntry" ADD CONSTRAINT "RankingEntry_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "ErrorEvent" ADD COLUMN     "minerClassId" INTEGER,
ADD COLUMN     "ruleId" INTEGER;

-- AlterTable
ALTER TABLE "ClassifierState" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "RankingSnapshot" ADD COLUMN     "frozenAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ClassRule" (
    "id" SERIAL NOT NULL,
    "position" INTEGER NOT NULL,
    "matchKind" TEXT NOT NULL,
    "pattern" TEXT NOT NULL,
    "stage" TEXT,
    "errorCode" TEXT,
    "service" TEXT,
    "attrs" JSONB,
    "trackerUrl" TEXT,
    "classId" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClassRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClassRule_classId_key" ON "ClassRule"("classId");

-- CreateIndex
CREATE INDEX "ClassRule_position_idx" ON "ClassRule"("position");

-- AddForeignKey
ALTER TABLE "ClassRule" ADD CONSTRAINT "ClassRule_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill: every class so far came from the miner (or a merge made in triage, which the miner's class follows).
UPDATE "ErrorEvent" SET "minerClassId" = "errorClassId";
-- Weeks whose digest went out were reported: their rankings stay as they were.
UPDATE "RankingSnapshot" SET "frozenAt" = (SELECT MAX(d."finishedAt") FROM "DigestRun" d WHERE d."week" = "RankingSnapshot"."week" AND d."status" = 'succeeded');

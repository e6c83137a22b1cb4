-- AlterTable
ALTER TABLE "ErrorEvent" ADD COLUMN "minerClassId" INTEGER;
ALTER TABLE "ErrorEvent" ADD COLUMN "ruleId" INTEGER;

-- AlterTable
ALTER TABLE "RankingSnapshot" ADD COLUMN "frozenAt" DATETIME;

-- CreateTable
CREATE TABLE "ClassRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ClassRule_classId_fkey" FOREIGN KEY ("classId") REFERENCES "ErrorClass" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ClassifierState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "state" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_ClassifierState" ("id", "state", "updatedAt") SELECT "id", "state", "updatedAt" FROM "ClassifierState";
DROP TABLE "ClassifierState";
ALTER TABLE "new_ClassifierState" RENAME TO "ClassifierState";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ClassRule_classId_key" ON "ClassRule"("classId");

-- CreateIndex
CREATE INDEX "ClassRule_position_idx" ON "ClassRule"("position");

-- Backfill: every class so far came from the miner (or a merge made in triage, which the miner's class follows).
UPDATE "ErrorEvent" SET "minerClassId" = "errorClassId";
-- Weeks whose digest went out were reported: their rankings stay as they were.
UPDATE "RankingSnapshot" SET "frozenAt" = (SELECT MAX(d."finishedAt") FROM "DigestRun" d WHERE d."week" = "RankingSnapshot"."week" AND d."status" = 'succeeded');

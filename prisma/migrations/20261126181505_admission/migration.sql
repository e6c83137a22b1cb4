-- AlterTable
ALTER TABLE "AdmissionViolation" ADD COLUMN "resolvedAt" DATETIME;

-- CreateTable
CREATE TABLE "AdmissionViolationWeek" (
    "violationId" INTEGER NOT NULL,
    "week" TEXT NOT NULL,
    "checks" INTEGER NOT NULL DEFAULT 1,

    PRIMARY KEY ("violationId", "week"),
    CONSTRAINT "AdmissionViolationWeek_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "AdmissionViolation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AdmissionRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "config" JSONB,
    "ownerId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "AdmissionRule_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_AdmissionRule" ("config", "description", "id", "kind", "mode", "ownerId", "scope", "severity", "title") SELECT "config", "description", "id", "kind", "mode", "ownerId", "scope", "severity", "title" FROM "AdmissionRule";
DROP TABLE "AdmissionRule";
ALTER TABLE "new_AdmissionRule" RENAME TO "AdmissionRule";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AdmissionViolationWeek_week_idx" ON "AdmissionViolationWeek"("week");

-- AlterTable
ALTER TABLE "AdmissionRule" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "AdmissionViolation" ADD COLUMN     "resolvedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AdmissionViolationWeek" (
    "violationId" INTEGER NOT NULL,
    "week" TEXT NOT NULL,
    "checks" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "AdmissionViolationWeek_pkey" PRIMARY KEY ("violationId","week")
);

-- CreateIndex
CREATE INDEX "AdmissionViolationWeek_week_idx" ON "AdmissionViolationWeek"("week");

-- AddForeignKey
ALTER TABLE "AdmissionViolationWeek" ADD CONSTRAINT "AdmissionViolationWeek_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "AdmissionViolation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

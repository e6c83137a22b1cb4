-- AlterTable
ALTER TABLE "AdmissionViolation" ADD COLUMN     "countedThrough" INTEGER;

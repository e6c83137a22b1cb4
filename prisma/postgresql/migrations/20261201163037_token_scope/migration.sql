-- AlterTable
ALTER TABLE "IngestToken" ADD COLUMN     "scope" TEXT NOT NULL DEFAULT 'ingest';

-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "steps" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AdmissionViolation" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT;

-- CreateTable
CREATE TABLE "AdmissionViolationRollout" (
    "violationId" INTEGER NOT NULL,
    "rolloutId" TEXT NOT NULL,

    CONSTRAINT "AdmissionViolationRollout_pkey" PRIMARY KEY ("violationId","rolloutId")
);

-- CreateTable
CREATE TABLE "HostEnvSeen" (
    "host" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HostEnvSeen_pkey" PRIMARY KEY ("host","env")
);

-- CreateTable
CREATE TABLE "ServiceBuildHost" (
    "service" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "firstBuildAt" TIMESTAMP(3) NOT NULL,
    "rolloutId" TEXT NOT NULL,

    CONSTRAINT "ServiceBuildHost_pkey" PRIMARY KEY ("service")
);

-- CreateTable
CREATE TABLE "ImageSeen" (
    "image" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "buildHost" TEXT,
    "builtAt" TIMESTAMP(3),
    "buildRolloutId" TEXT,
    "pushedAt" TIMESTAMP(3),

    CONSTRAINT "ImageSeen_pkey" PRIMARY KEY ("image")
);

-- CreateTable
CREATE TABLE "AdmissionCursor" (
    "name" TEXT NOT NULL,
    "lastRunId" INTEGER NOT NULL,

    CONSTRAINT "AdmissionCursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "AdmissionPreflight" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "env" TEXT NOT NULL,
    "hosts" INTEGER NOT NULL,
    "image" TEXT,
    "decision" TEXT NOT NULL,
    "results" JSONB NOT NULL,

    CONSTRAINT "AdmissionPreflight_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdmissionViolationRollout_rolloutId_idx" ON "AdmissionViolationRollout"("rolloutId");

-- CreateIndex
CREATE INDEX "AdmissionPreflight_at_idx" ON "AdmissionPreflight"("at");

-- AddForeignKey
ALTER TABLE "AdmissionViolationRollout" ADD CONSTRAINT "AdmissionViolationRollout_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "AdmissionViolation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdmissionViolationRollout" ADD CONSTRAINT "AdmissionViolationRollout_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the chain length of the rollouts stored before this migration.
UPDATE "Rollout" SET "steps" = (SELECT COUNT(DISTINCT "stageKey") FROM "StageRun" WHERE "StageRun"."rolloutId" = "Rollout"."id" AND "StageRun"."status" <> 'skipped');

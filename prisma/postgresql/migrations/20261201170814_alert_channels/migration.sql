-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" SERIAL NOT NULL,
    "owner" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "to" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMP(3),
    "removedBy" TEXT,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertChannel_removedAt_idx" ON "AlertChannel"("removedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_owner_name_key" ON "AlertChannel"("owner", "name");

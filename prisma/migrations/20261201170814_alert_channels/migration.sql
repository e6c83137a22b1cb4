-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "owner" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "to" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" DATETIME,
    "removedBy" TEXT
);

-- CreateIndex
CREATE INDEX "AlertChannel_removedAt_idx" ON "AlertChannel"("removedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_owner_name_key" ON "AlertChannel"("owner", "name");

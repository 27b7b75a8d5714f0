-- AlterTable
ALTER TABLE "Issue" ADD COLUMN "communityId" INTEGER;

-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "lockedUntil" DATETIME NOT NULL,
    "lastRunAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Issue_communityId_state_emergency_supportCount_createdAt_id_idx" ON "Issue"("communityId", "state", "emergency" DESC, "supportCount" DESC, "createdAt", "id");

-- CreateIndex
CREATE INDEX "Issue_communityId_createdAt_id_idx" ON "Issue"("communityId", "createdAt", "id");


-- Backfill: every issue's community is its estate's.
UPDATE "Issue" SET "communityId" = (SELECT "communityId" FROM "Estate" WHERE "Estate"."id" = "Issue"."estateId");

-- The copy stays right whoever writes the row (the app, the seed, an import) and if an estate moves.
CREATE TRIGGER "Issue_communityId_on_insert" AFTER INSERT ON "Issue"
WHEN NEW."communityId" IS NULL OR NEW."communityId" IS NOT (SELECT "communityId" FROM "Estate" WHERE "id" = NEW."estateId")
BEGIN
  UPDATE "Issue" SET "communityId" = (SELECT "communityId" FROM "Estate" WHERE "id" = NEW."estateId") WHERE "id" = NEW."id";
END;

CREATE TRIGGER "Issue_communityId_on_estate_move" AFTER UPDATE OF "communityId" ON "Estate"
WHEN NEW."communityId" IS NOT OLD."communityId"
BEGIN
  UPDATE "Issue" SET "communityId" = NEW."communityId" WHERE "estateId" = NEW."id";
END;

CREATE TRIGGER "Issue_communityId_on_estate_change" AFTER UPDATE OF "estateId" ON "Issue"
BEGIN
  UPDATE "Issue" SET "communityId" = (SELECT "communityId" FROM "Estate" WHERE "id" = NEW."estateId") WHERE "id" = NEW."id";
END;

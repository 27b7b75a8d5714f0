-- Issue #11: counts shown and sorted on every list page are columns, kept in the same transaction as their
-- rows (Support, and Attachment where Attachment.issueId is the issue), instead of aggregates over whole
-- tables on every request; and the "linked from" lookup of the issue page gets its index.
-- Hand-written, portable SQL (SQLite and PostgreSQL): ADD COLUMN with a default, then a backfill.

-- AlterTable
ALTER TABLE "Issue" ADD COLUMN "supportCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Issue" ADD COLUMN "attachmentCount" INTEGER NOT NULL DEFAULT 0;

-- Backfill from the rows
UPDATE "Issue" SET
    "supportCount" = (SELECT COUNT(*) FROM "Support" WHERE "Support"."issueId" = "Issue"."id"),
    "attachmentCount" = (SELECT COUNT(*) FROM "Attachment" WHERE "Attachment"."issueId" = "Issue"."id");

-- CreateIndex
CREATE INDEX "Issue_linkedFromId_idx" ON "Issue"("linkedFromId");

-- CreateIndex: the staff queue's order within an estate (emergencies, most "me too", oldest first)
CREATE INDEX "Issue_estateId_emergency_supportCount_createdAt_id_idx" ON "Issue"("estateId", "emergency" DESC, "supportCount" DESC, "createdAt", "id");

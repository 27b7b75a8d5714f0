-- Issue #11: the vote page, the notice board and the dashboard read bounded index ranges.
-- Hand-checked, portable SQL (SQLite and PostgreSQL) apart from the table Prisma generated.

-- CreateTable: the running tally of each vote, for display (the result at close is tallied from the rows)
CREATE TABLE "VoteCount" (
    "proposalId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "electorateArea" INTEGER NOT NULL DEFAULT 0,
    "electorateVoters" INTEGER NOT NULL DEFAULT 0,
    "electorateUnits" INTEGER NOT NULL DEFAULT 0,
    "unitsWithoutArea" INTEGER NOT NULL DEFAULT 0,
    "agreeArea" INTEGER NOT NULL DEFAULT 0,
    "agreeVoters" INTEGER NOT NULL DEFAULT 0,
    "disagreeArea" INTEGER NOT NULL DEFAULT 0,
    "disagreeVoters" INTEGER NOT NULL DEFAULT 0,
    "abstainArea" INTEGER NOT NULL DEFAULT 0,
    "abstainVoters" INTEGER NOT NULL DEFAULT 0,
    "votedUnits" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "VoteCount_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "FundProposal" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Backfill from the rows, for every vote whose electorate was snapshotted (as votes/tally-counts.ts recounts).
INSERT INTO "VoteCount" (
    "proposalId", "electorateArea", "electorateVoters", "electorateUnits", "unitsWithoutArea",
    "agreeArea", "agreeVoters", "disagreeArea", "disagreeVoters", "abstainArea", "abstainVoters", "votedUnits"
)
SELECT
    p."id",
    (SELECT COALESCE(SUM(v."areaCentiM2"), 0) FROM "VoteUnit" v WHERE v."proposalId" = p."id"),
    (SELECT COUNT(DISTINCT v."voterKey") FROM "VoteUnit" v WHERE v."proposalId" = p."id"),
    (SELECT COUNT(*) FROM "VoteUnit" v WHERE v."proposalId" = p."id"),
    (SELECT COUNT(*) FROM "VoteUnit" v WHERE v."proposalId" = p."id" AND v."areaCentiM2" <= 0),
    (SELECT COALESCE(SUM(v."areaCentiM2"), 0) FROM "Ballot" b JOIN "VoteUnit" v ON v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey" WHERE b."proposalId" = p."id" AND b."choice" = 'agree'),
    (SELECT COUNT(*) FROM "Ballot" b WHERE b."proposalId" = p."id" AND b."choice" = 'agree' AND EXISTS (SELECT 1 FROM "VoteUnit" v WHERE v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey")),
    (SELECT COALESCE(SUM(v."areaCentiM2"), 0) FROM "Ballot" b JOIN "VoteUnit" v ON v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey" WHERE b."proposalId" = p."id" AND b."choice" = 'disagree'),
    (SELECT COUNT(*) FROM "Ballot" b WHERE b."proposalId" = p."id" AND b."choice" = 'disagree' AND EXISTS (SELECT 1 FROM "VoteUnit" v WHERE v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey")),
    (SELECT COALESCE(SUM(v."areaCentiM2"), 0) FROM "Ballot" b JOIN "VoteUnit" v ON v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey" WHERE b."proposalId" = p."id" AND b."choice" = 'abstain'),
    (SELECT COUNT(*) FROM "Ballot" b WHERE b."proposalId" = p."id" AND b."choice" = 'abstain' AND EXISTS (SELECT 1 FROM "VoteUnit" v WHERE v."proposalId" = b."proposalId" AND v."voterKey" = b."voterKey")),
    (SELECT COUNT(*) FROM "VoteUnit" v WHERE v."proposalId" = p."id" AND EXISTS (SELECT 1 FROM "Ballot" b WHERE b."proposalId" = v."proposalId" AND b."voterKey" = v."voterKey"))
FROM "FundProposal" p
WHERE EXISTS (SELECT 1 FROM "VoteUnit" v WHERE v."proposalId" = p."id");

-- CreateIndex: the canvass list's order (building, top floor first), a page at a time
CREATE INDEX "VoteUnit_proposalId_buildingName_floor_entrance_room_idx" ON "VoteUnit"("proposalId", "buildingName", "floor" DESC, "entrance", "room");

-- CreateIndex: the notice board filtered by kind, an estate at a time, newest first
CREATE INDEX "Notice_estateId_kind_publishedAt_idx" ON "Notice"("estateId", "kind", "publishedAt");

-- CreateIndex: an administrator's notice board (every estate), newest first
CREATE INDEX "Notice_publishedAt_idx" ON "Notice"("publishedAt");

-- CreateIndex: a vote's notices on its page
CREATE INDEX "Notice_proposalId_idx" ON "Notice"("proposalId");

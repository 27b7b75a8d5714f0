-- Issue #10: the procedure of fund votes (how a vote ended, cancelling, the emergency path's record,
-- evidence and agents for recorded ballots) and meeting records that keep their history (every
-- attendance mark, every verdict).

-- CreateTable
CREATE TABLE "AttendanceMark" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "participantId" INTEGER NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "attended" BOOLEAN NOT NULL,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "AttendanceMark_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "MeetingParticipant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MeetingVerdict" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "missingCommunity" BOOLEAN NOT NULL DEFAULT false,
    "missingProperty" BOOLEAN NOT NULL DEFAULT false,
    "missingCommittee" BOOLEAN NOT NULL DEFAULT false,
    "decidedById" INTEGER NOT NULL,
    "decidedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL DEFAULT ''
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Attachment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "storageKey" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "originalName" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL,
    "uploaderId" INTEGER NOT NULL,
    "issueId" INTEGER,
    "commentId" INTEGER,
    "eventId" INTEGER,
    "proposalId" INTEGER,
    "ledgerEntryId" INTEGER,
    "ballotChangeId" INTEGER,
    "purpose" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Attachment_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Attachment_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attachment_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attachment_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "IssueEvent" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attachment_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "FundProposal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attachment_ledgerEntryId_fkey" FOREIGN KEY ("ledgerEntryId") REFERENCES "FundLedgerEntry" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attachment_ballotChangeId_fkey" FOREIGN KEY ("ballotChangeId") REFERENCES "BallotChange" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Attachment" ("commentId", "createdAt", "eventId", "id", "issueId", "ledgerEntryId", "mime", "originalName", "proposalId", "sha256", "sizeBytes", "storageKey", "uploaderId") SELECT "commentId", "createdAt", "eventId", "id", "issueId", "ledgerEntryId", "mime", "originalName", "proposalId", "sha256", "sizeBytes", "storageKey", "uploaderId" FROM "Attachment";
DROP TABLE "Attachment";
ALTER TABLE "new_Attachment" RENAME TO "Attachment";
CREATE UNIQUE INDEX "Attachment_storageKey_key" ON "Attachment"("storageKey");
CREATE INDEX "Attachment_issueId_idx" ON "Attachment"("issueId");
CREATE INDEX "Attachment_commentId_idx" ON "Attachment"("commentId");
CREATE INDEX "Attachment_eventId_idx" ON "Attachment"("eventId");
CREATE INDEX "Attachment_proposalId_idx" ON "Attachment"("proposalId");
CREATE INDEX "Attachment_ledgerEntryId_idx" ON "Attachment"("ledgerEntryId");
CREATE INDEX "Attachment_ballotChangeId_idx" ON "Attachment"("ballotChangeId");
CREATE TABLE "new_FundProposal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "estateId" INTEGER NOT NULL,
    "issueId" INTEGER,
    "decisionId" INTEGER,
    "matter" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scope" TEXT NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "emergency" BOOLEAN NOT NULL DEFAULT false,
    "opensAt" DATETIME,
    "closesAt" DATETIME,
    "openedAt" DATETIME,
    "closedAt" DATETIME,
    "closedById" INTEGER,
    "confirmedById" INTEGER,
    "confirmedAt" DATETIME,
    "closeReason" TEXT NOT NULL DEFAULT '',
    "cancelReason" TEXT NOT NULL DEFAULT '',
    "returnIssueState" TEXT NOT NULL DEFAULT '',
    "secretBallots" BOOLEAN NOT NULL DEFAULT false,
    "quotesText" TEXT NOT NULL DEFAULT '',
    "emergencyAppliedById" INTEGER,
    "emergencyAppliedAt" DATETIME,
    "authorityDocNo" TEXT NOT NULL DEFAULT '',
    "authorityApprovedOn" DATETIME,
    "authorityRecordedById" INTEGER,
    "authorityRecordedAt" DATETIME,
    "resultJson" TEXT,
    "closingReminderSentAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FundProposal_estateId_fkey" FOREIGN KEY ("estateId") REFERENCES "Estate" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "FundProposal_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "FundProposal_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "FundProposal_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_FundProposal" ("amountFen", "closedAt", "closedById", "closesAt", "closingReminderSentAt", "confirmedById", "createdAt", "createdById", "decisionId", "description", "emergency", "estateId", "id", "issueId", "matter", "openedAt", "opensAt", "resultJson", "scope", "status", "title", "updatedAt") SELECT "amountFen", "closedAt", "closedById", "closesAt", "closingReminderSentAt", "confirmedById", "createdAt", "createdById", "decisionId", "description", "emergency", "estateId", "id", "issueId", "matter", "openedAt", "opensAt", "resultJson", "scope", "status", "title", "updatedAt" FROM "FundProposal";
DROP TABLE "FundProposal";
ALTER TABLE "new_FundProposal" RENAME TO "FundProposal";
CREATE INDEX "FundProposal_estateId_status_idx" ON "FundProposal"("estateId", "status");
CREATE INDEX "FundProposal_status_closesAt_idx" ON "FundProposal"("status", "closesAt");
CREATE INDEX "FundProposal_issueId_idx" ON "FundProposal"("issueId");
CREATE TABLE "new_Ballot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "proposalId" INTEGER NOT NULL,
    "voterKey" TEXT NOT NULL,
    "choice" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "recordedById" INTEGER,
    "recorderName" TEXT NOT NULL DEFAULT '',
    "agentName" TEXT NOT NULL DEFAULT '',
    "signedAt" DATETIME,
    "castAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Ballot_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "FundProposal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Ballot_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Ballot" ("castAt", "channel", "choice", "id", "proposalId", "recordedById", "recorderName", "updatedAt", "voterKey") SELECT "castAt", "channel", "choice", "id", "proposalId", "recordedById", "recorderName", "updatedAt", "voterKey" FROM "Ballot";
DROP TABLE "Ballot";
ALTER TABLE "new_Ballot" RENAME TO "Ballot";
CREATE UNIQUE INDEX "Ballot_proposalId_voterKey_key" ON "Ballot"("proposalId", "voterKey");
CREATE TABLE "new_BallotChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ballotId" INTEGER NOT NULL,
    "proposalId" INTEGER NOT NULL,
    "voterKey" TEXT NOT NULL,
    "fromChoice" TEXT,
    "toChoice" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "actorId" INTEGER NOT NULL,
    "recorderName" TEXT NOT NULL DEFAULT '',
    "agentName" TEXT NOT NULL DEFAULT '',
    "signedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BallotChange_ballotId_fkey" FOREIGN KEY ("ballotId") REFERENCES "Ballot" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BallotChange_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "FundProposal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BallotChange_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_BallotChange" ("actorId", "ballotId", "channel", "createdAt", "fromChoice", "id", "proposalId", "recorderName", "toChoice", "voterKey") SELECT "actorId", "ballotId", "channel", "createdAt", "fromChoice", "id", "proposalId", "recorderName", "toChoice", "voterKey" FROM "BallotChange";
DROP TABLE "BallotChange";
ALTER TABLE "new_BallotChange" RENAME TO "BallotChange";
CREATE INDEX "BallotChange_proposalId_createdAt_idx" ON "BallotChange"("proposalId", "createdAt");
CREATE INDEX "BallotChange_ballotId_idx" ON "BallotChange"("ballotId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AttendanceMark_meetingId_recordedAt_idx" ON "AttendanceMark"("meetingId", "recordedAt");

-- CreateIndex
CREATE INDEX "AttendanceMark_participantId_idx" ON "AttendanceMark"("participantId");

-- CreateIndex
CREATE INDEX "MeetingVerdict_meetingId_decidedAt_idx" ON "MeetingVerdict"("meetingId", "decidedAt");


-- History starts from what was recorded before: each recorded attendance becomes its first mark (by the
-- convener, at the meeting's last change), and each earlier verdict its first verdict row.
INSERT INTO "AttendanceMark" ("participantId", "meetingId", "attended", "recordedById", "recordedAt", "reason")
SELECT p."id", p."meetingId", p."attended", m."convenerId", m."updatedAt", 'recorded before attendance history was kept'
FROM "MeetingParticipant" p JOIN "Meeting" m ON m."id" = p."meetingId"
WHERE p."attended" IS NOT NULL;

INSERT INTO "MeetingVerdict" ("meetingId", "verdict", "missingCommunity", "missingProperty", "missingCommittee", "decidedById", "decidedAt", "reason")
SELECT "id", CASE WHEN "appliedAt" IS NOT NULL THEN 'applied' ELSE 'held' END,
       "heldMissingCommunity", "heldMissingProperty", "heldMissingCommittee", "convenerId", COALESCE("appliedAt", "updatedAt"),
       'recorded before verdict history was kept'
FROM "Meeting"
WHERE "appliedAt" IS NOT NULL OR "heldMissingCommunity" OR "heldMissingProperty" OR "heldMissingCommittee";

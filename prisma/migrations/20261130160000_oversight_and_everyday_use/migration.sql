-- #12 Oversight and everyday use. Columns are added in place (ALTER TABLE … ADD COLUMN), not by Prisma's
-- table rebuild, so a city's million issues are not copied and the triggers on Issue stay.

-- Duplicates, filing for a caller, the reporter's chase (催办) and the deadline warning (预警)
ALTER TABLE "Issue" ADD COLUMN "duplicateOfId" INTEGER REFERENCES "Issue" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Issue" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'app';
ALTER TABLE "Issue" ADD COLUMN "filedById" INTEGER REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Issue" ADD COLUMN "callerName" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Issue" ADD COLUMN "callerPhone" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Issue" ADD COLUMN "lastChasedAt" DATETIME;
ALTER TABLE "Issue" ADD COLUMN "chaseCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Issue" ADD COLUMN "deadlineWarnedAt" DATETIME;
CREATE INDEX "Issue_duplicateOfId_idx" ON "Issue"("duplicateOfId");
CREATE INDEX "Issue_buildingId_categoryId_state_createdAt_idx" ON "Issue"("buildingId", "categoryId", "state", "createdAt");

CREATE TABLE "IssueFollow" (
    "issueId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("issueId", "userId"),
    CONSTRAINT "IssueFollow_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "IssueFollow_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "IssueFollow_userId_idx" ON "IssueFollow"("userId");

-- Staff notices: attachments, pinning, an end date, the 公示期, withdrawal on record
ALTER TABLE "Attachment" ADD COLUMN "noticeId" INTEGER REFERENCES "Notice" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "Attachment_noticeId_idx" ON "Attachment"("noticeId");
ALTER TABLE "Notice" ADD COLUMN "pinnedAt" DATETIME;
ALTER TABLE "Notice" ADD COLUMN "endsAt" DATETIME;
ALTER TABLE "Notice" ADD COLUMN "publicUntil" DATETIME;
ALTER TABLE "Notice" ADD COLUMN "withdrawnAt" DATETIME;
ALTER TABLE "Notice" ADD COLUMN "withdrawnById" INTEGER REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Notice" ADD COLUMN "withdrawReason" TEXT NOT NULL DEFAULT '';
CREATE INDEX "Notice_estateId_pinnedAt_idx" ON "Notice"("estateId", "pinnedAt");

-- Agenda items the scheduler proposes (overdue, bouncing) say so
ALTER TABLE "AgendaItem" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'manual';

-- Notifications with restraint: preferences per topic, and rows held for a daily digest
ALTER TABLE "Notification" ADD COLUMN "held" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "Notification_held_userId_idx" ON "Notification"("held", "userId");

CREATE TABLE "NotificationPreference" (
    "userId" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "topic"),
    CONSTRAINT "NotificationPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

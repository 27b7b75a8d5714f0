-- A staff notice is posted from a form that carries a submission key, so a double-submitted form posts
-- once (as issue filing does). Notices the app publishes itself (votes, meetings) have none: NULLs never
-- collide in a unique index, on SQLite or PostgreSQL.
ALTER TABLE "Notice" ADD COLUMN "submissionKey" TEXT;
CREATE UNIQUE INDEX "Notice_createdById_submissionKey_key" ON "Notice"("createdById", "submissionKey");

-- The "held" reason of a meeting's decisions becomes structured data: one flag per required party that was
-- absent, instead of the text "missing:property,committee". Portable SQL (SQLite 3.35+ and PostgreSQL).

ALTER TABLE "Meeting" ADD COLUMN "heldMissingCommunity" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Meeting" ADD COLUMN "heldMissingProperty" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Meeting" ADD COLUMN "heldMissingCommittee" BOOLEAN NOT NULL DEFAULT false;

-- Existing rows: the list after "missing:" is comma-separated; fencing it with commas matches whole names only.
UPDATE "Meeting" SET "heldMissingCommunity" = true
  WHERE "heldDecisionsReason" LIKE 'missing:%' AND (',' || SUBSTR("heldDecisionsReason", 9) || ',') LIKE '%,community,%';
UPDATE "Meeting" SET "heldMissingProperty" = true
  WHERE "heldDecisionsReason" LIKE 'missing:%' AND (',' || SUBSTR("heldDecisionsReason", 9) || ',') LIKE '%,property,%';
UPDATE "Meeting" SET "heldMissingCommittee" = true
  WHERE "heldDecisionsReason" LIKE 'missing:%' AND (',' || SUBSTR("heldDecisionsReason", 9) || ',') LIKE '%,committee,%';

ALTER TABLE "Meeting" DROP COLUMN "heldDecisionsReason";

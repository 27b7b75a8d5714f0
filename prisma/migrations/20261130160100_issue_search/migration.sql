-- The staff queue's search (issue #12): full text over an issue's title, description and location note.
--
-- An external-content FTS5 table: the text stays in "Issue" alone; "IssueSearch" holds only the index
-- (its shadow tables IssueSearch_data, _idx, _docsize and _config), keyed by Issue.id. The trigram
-- tokenizer indexes every three characters, so a Chinese substring (天花板 in 卧室天花板漏水) is found
-- without word segmentation. Prisma does not model virtual tables: this file is hand-written, and the
-- drift test (tests/integration/migrations.test.ts) leaves these tables out by name. PostgreSQL would use
-- pg_trgm (a GIN index on the same three columns) instead; only src/modules/issues/search-sql.ts reads it.
CREATE VIRTUAL TABLE "IssueSearch" USING fts5(
  "title", "description", "locationNote",
  content = 'Issue', content_rowid = 'id', tokenize = 'trigram'
);

-- Kept in step with "Issue" by triggers (an external-content table is not updated by itself). An update
-- deletes the old text from the index and adds the new; only changes of the three columns fire it. A later
-- migration that rebuilt "Issue" (Prisma's RedefineTables) would drop these triggers: it must create them
-- again and run the 'rebuild' below.
CREATE TRIGGER "IssueSearch_on_insert" AFTER INSERT ON "Issue"
BEGIN
  INSERT INTO "IssueSearch" ("rowid", "title", "description", "locationNote")
  VALUES (NEW."id", NEW."title", NEW."description", NEW."locationNote");
END;

CREATE TRIGGER "IssueSearch_on_update" AFTER UPDATE OF "title", "description", "locationNote" ON "Issue"
BEGIN
  INSERT INTO "IssueSearch" ("IssueSearch", "rowid", "title", "description", "locationNote")
  VALUES ('delete', OLD."id", OLD."title", OLD."description", OLD."locationNote");
  INSERT INTO "IssueSearch" ("rowid", "title", "description", "locationNote")
  VALUES (NEW."id", NEW."title", NEW."description", NEW."locationNote");
END;

CREATE TRIGGER "IssueSearch_on_delete" AFTER DELETE ON "Issue"
BEGIN
  INSERT INTO "IssueSearch" ("IssueSearch", "rowid", "title", "description", "locationNote")
  VALUES ('delete', OLD."id", OLD."title", OLD."description", OLD."locationNote");
END;

-- The issues filed before this migration.
INSERT INTO "IssueSearch" ("IssueSearch") VALUES ('rebuild');

-- Sorting a queue by its next deadline (list-orders.ts, the `due` order): the response deadline of the
-- issues waiting to be accepted, the resolution deadline of the others, each read in order per community
-- or estate and state (the index ends with the rowid, which is id: the order's tie-break).
CREATE INDEX "Issue_communityId_state_respondBy_idx" ON "Issue"("communityId", "state", "respondBy");
CREATE INDEX "Issue_communityId_state_resolveBy_idx" ON "Issue"("communityId", "state", "resolveBy");
CREATE INDEX "Issue_estateId_state_respondBy_idx" ON "Issue"("estateId", "state", "respondBy");
CREATE INDEX "Issue_estateId_state_resolveBy_idx" ON "Issue"("estateId", "state", "resolveBy");

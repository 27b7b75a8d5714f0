-- What the SQLite migrations add by hand, ported to PostgreSQL (prisma/postgresql/generate.ts writes only
-- what the schema describes). Each part names the SQLite migration it follows.

-- 20261130100000_onboarding: the audit log is append-only; the database itself refuses to change or remove
-- an entry.
CREATE FUNCTION "AuditEntry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry is append-only';
END;
$$;
CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "AuditEntry_append_only"();
CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "AuditEntry_append_only"();

-- 20261130140000_read_paths_and_job_leases: Issue.communityId is a copy of its estate's, kept right
-- whoever writes the row (the app, the seed, an import) and if an estate moves. PostgreSQL sets it before
-- the row is written (SQLite updates the row again after).
CREATE FUNCTION "Issue_communityId_from_estate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."communityId" := (SELECT "communityId" FROM "Estate" WHERE "id" = NEW."estateId");
  RETURN NEW;
END;
$$;
CREATE TRIGGER "Issue_communityId_on_insert" BEFORE INSERT ON "Issue"
  FOR EACH ROW EXECUTE FUNCTION "Issue_communityId_from_estate"();
CREATE TRIGGER "Issue_communityId_on_estate_change" BEFORE UPDATE OF "estateId", "communityId" ON "Issue"
  FOR EACH ROW EXECUTE FUNCTION "Issue_communityId_from_estate"();

CREATE FUNCTION "Issue_communityId_on_estate_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Issue" SET "communityId" = NEW."communityId" WHERE "estateId" = NEW."id";
  RETURN NULL;
END;
$$;
CREATE TRIGGER "Issue_communityId_on_estate_move" AFTER UPDATE OF "communityId" ON "Estate"
  FOR EACH ROW WHEN (NEW."communityId" IS DISTINCT FROM OLD."communityId")
  EXECUTE FUNCTION "Issue_communityId_on_estate_move"();

-- 20261130160100_issue_search: the queue's search over title, description and location note. SQLite keeps
-- an FTS5 trigram table; PostgreSQL indexes the columns themselves with pg_trgm (shipped with Debian's
-- postgresql-15), which serves `ILIKE '%…%'` of three characters or more, Chinese included, from GIN
-- indexes. Only src/modules/issues/search-sql.ts reads them. The drift test leaves them out by name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Issue_title_trgm_idx" ON "Issue" USING gin ("title" gin_trgm_ops);
CREATE INDEX "Issue_description_trgm_idx" ON "Issue" USING gin ("description" gin_trgm_ops);
CREATE INDEX "Issue_locationNote_trgm_idx" ON "Issue" USING gin ("locationNote" gin_trgm_ops);

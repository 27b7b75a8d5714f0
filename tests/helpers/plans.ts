import Database from 'better-sqlite3';

/**
 * Query plans for the plan tests (issue #11): capture the statements a request runs (buildApp's
 * `onStatement`, values inlined by better-sqlite3), EXPLAIN each on the test's file, and find the lines that
 * read a growing table whole.
 */

/** Tables that grow with the city: a statement may only reach them through an index search. */
export const BIG_TABLES = ['Issue', 'IssueEvent', 'Support', 'Attachment', 'Ballot', 'Notification', 'VoteUnit', 'Comment'];

/** Collects the statements run while `captured(act)` runs (hand `onStatement` to buildApp). */
export function statementLog() {
  let capturing = false;
  const statements: string[] = [];
  return {
    onStatement(statement: string) {
      if (capturing) statements.push(statement);
    },
    /** The statements either connection ran while `act` ran, PRAGMAs aside. */
    async captured<T>(act: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      statements.length = 0;
      capturing = true;
      try {
        const result = await act();
        return { result, statements: statements.filter((s) => !/^\s*PRAGMA\b/i.test(s)) };
      } finally {
        capturing = false;
      }
    },
  };
}

/** The tables a statement names (`"Issue" as "i"`, `main`.`Issue`), by the alias its query plan shows. */
export function tablesByAlias(statement: string): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  const add = (alias: string, table: string) => map.set(alias, (map.get(alias) ?? new Set()).add(table));
  const quoted = '["`]?(\\w+)["`]?';
  const from = new RegExp(`(?:from|join)\\s+(?:["\`]?main["\`]?\\.)?${quoted}(?:\\s+as\\s+${quoted})?`, 'gi');
  for (const m of statement.matchAll(from)) add(m[2] ?? m[1]!, m[1]!);
  return map;
}

/** A statement's query plan, line by line, on the given database file. */
export function planOf(databaseFile: string, statement: string): string[] {
  const sqlite = new Database(databaseFile, { readonly: true });
  try {
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[]).map((r) => r.detail);
  } finally {
    sqlite.close();
  }
}

/** The plan lines that read one of `tables` whole: `SCAN Issue`, or a scan of its (covering) index. */
export function scansOf(databaseFile: string, statement: string, tables: readonly string[] = BIG_TABLES): string[] {
  const named = tablesByAlias(statement);
  return planOf(databaseFile, statement).filter((line) => {
    const m = /^SCAN (?:`?main`?\.)?`?(\w+)`?/.exec(line);
    if (!m) return false;
    return [...(named.get(m[1]!) ?? new Set([m[1]!]))].some((t) => tables.includes(t));
  });
}

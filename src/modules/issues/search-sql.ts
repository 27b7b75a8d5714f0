import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { DB } from '../../generated/kysely/types.ts';
import { rawSql, sqlDialect, type Sql } from '../../plugins/sql.ts';

/**
 * The queue's search box (issue #12) over an issue's title, description and location note.
 *
 * SQLite: the full-text index "IssueSearch" (FTS5, trigram tokenizer; migration 20261130160100_issue_search)
 * finds any substring of three characters or more, Chinese included, without word segmentation. This is
 * the one file that knows it exists. PostgreSQL: `ILIKE` on the columns themselves, which pg_trgm's GIN
 * indexes serve for a word of three characters or more (prisma/postgresql/migrations/…_triggers_and_search),
 * and `= any($1::int[])` for the matched ids.
 *
 * - `#123` or `123` is that issue (one primary-key lookup);
 * - several words must all be found (AND), each anywhere in the three columns;
 * - a word of one or two characters (漏水, 电梯 are two) is shorter than a trigram: it is matched with LIKE,
 *   on the rows the longer words found or, with no longer word, on the queue's bounded window of rows;
 * - what is typed is searched for literally: every word is quoted for MATCH and escaped for LIKE, so `"`,
 *   `*`, `OR` or `%` are text, never syntax.
 */

const eb = expressionBuilder<{ i: DB['Issue'] }, 'i'>();
type Condition = Expression<SqlBool>;

/** The trigram tokenizer's unit: shorter words cannot use the index. */
const TRIGRAM = 3;
/** Words of one search that are looked for (the box takes 50 characters). */
const MAX_WORDS = 8;

/** The words typed, split on any space (the full-width one of Chinese input too), each once. */
export function searchWords(text: string): string[] {
  const words = text
    .trim()
    .split(/[\s\u3000]+/u)
    .filter((w) => w !== '');
  return [...new Set(words)].slice(0, MAX_WORDS);
}

const length = (word: string) => [...word].length;

/** An FTS5 query that finds every word as a literal substring: each quoted (`"` doubled), side by side = AND. */
export function matchQuery(words: readonly string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

/** `%`, `_` and `\` match themselves: the search is for the words typed. */
export const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A word anywhere in the title, the description or the location note. PostgreSQL's LIKE tells case apart
 * where SQLite's does not (for Latin letters): ILIKE there, so "Lift" finds "lift" on both.
 */
function containsWord(word: string): Condition {
  const pattern = likePattern(word);
  const operator = sqlDialect() === 'postgresql' ? rawSql.raw('ilike') : rawSql.raw('like');
  const like = (column: 'i.title' | 'i.description' | 'i.locationNote') =>
    rawSql<SqlBool>`${eb.ref(column)} ${operator} ${pattern} escape ${rawSql.lit('\\')}`;
  return eb.or([like('i.title'), like('i.description'), like('i.locationNote')]);
}

/** Where the list reads (list-keyset.ts `ListSpec.scope`): a leading index column and its values; null is the city. */
export type SearchScope = { column: 'communityId' | 'estateId' | 'reporterId'; values: readonly number[] } | null;

/**
 * The ids of the issues whose text holds every word, in no order, at most `limit` of them (one index read).
 * On PostgreSQL the trigram indexes hand back every match in the city before a LIMIT can stop them, and
 * each is then read to check it (a common word at a million issues: 200 ms). Within the list's scope, the
 * planner intersects them with the scope's index first and reads only the scope's matches.
 */
async function matchingIds(sql: Sql, words: readonly string[], limit: number, scope: SearchScope): Promise<number[]> {
  if (scope !== null && scope.values.length === 0) return [];
  if (sqlDialect() === 'postgresql') {
    const result = await sql
      .selectFrom('Issue as i')
      .select('i.id')
      .where(eb.and(words.map(containsWord)))
      .$if(scope !== null, (q) => q.where(`i.${scope!.column}`, 'in', [...scope!.values]))
      .limit(limit)
      .execute();
    return result.map((r) => r.id);
  }
  const result = await rawSql<{
    id: number;
  }>`select rowid as id from "IssueSearch" where "IssueSearch" match ${matchQuery(words)} limit ${limit}`.execute(sql);
  return result.rows.map((r) => r.id);
}

/** How a list applies a search (list-keyset.ts `ListSpec`): conditions on every row, on a window, or the rows it drives. */
export interface SearchConditions {
  where: Condition[];
  window: Condition[];
  /** The matched issues, when at most `fewUpTo`: the list reads these rows alone. */
  driven: Condition | null;
}

/**
 * The search as conditions of a list. With words of three characters or more, the index is read first
 * (their matching ids, at most `fewUpTo` + 1): when they are that few the list is driven by them (exact
 * over the whole history); more, and the match becomes a test on the list's window of rows like any
 * filter. `scope` only narrows what is counted (on PostgreSQL): the list's own conditions still hold for every row.
 */
export async function searchConditions(
  sql: Sql,
  text: string | undefined,
  fewUpTo: number,
  scope: SearchScope = null,
): Promise<SearchConditions | null> {
  const typed = (text ?? '').trim();
  if (typed === '') return null;
  const number = /^#?\s*([0-9]{1,9})$/.exec(typed);
  if (number) return { where: [eb('i.id', '=', Number(number[1]))], window: [], driven: null };
  const words = searchWords(typed);
  const indexed = words.filter((w) => length(w) >= TRIGRAM);
  const short = words.filter((w) => length(w) < TRIGRAM).map(containsWord);
  if (indexed.length === 0) return { where: [], window: short, driven: null };
  const postgresql = sqlDialect() === 'postgresql';
  const ids = await matchingIds(sql, indexed, fewUpTo + 1, scope);
  if (ids.length <= fewUpTo) {
    // one parameter whatever the count: the statement's text (and its prepared statement) stays the same
    const driven = postgresql
      ? rawSql<SqlBool>`${eb.ref('i.id')} = any(${ids}::int[])`
      : rawSql<SqlBool>`${eb.ref('i.id')} in (select value from json_each(${JSON.stringify(ids)}))`;
    return { where: short, window: [], driven };
  }
  if (postgresql) return { where: [], window: [...indexed.map(containsWord), ...short], driven: null };
  const matches = rawSql<SqlBool>`${eb.ref('i.id')} in (select rowid from "IssueSearch" where "IssueSearch" match ${matchQuery(indexed)})`;
  return { where: [], window: [matches, ...short], driven: null };
}

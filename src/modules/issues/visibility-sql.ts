import type { RawBuilder, SqlBool } from 'kysely';
import { rawSql } from '../../plugins/sql.ts';
import { visibleIssues } from '../../domain/issue-visibility.ts';
import { visibleProposals } from '../../domain/proposal-workflow.ts';
import type { Actor } from '../../actor.ts';

/**
 * The domain's visibility rules (src/domain/issue-visibility.ts, proposal-workflow.ts) as Kysely
 * conditions on a table reference (`'i'`, `'Issue'`, `'p'`), for the reads written in typed SQL. Each is
 * read off the rule's own object, so the SQL cannot drift from what the Prisma reads filter on.
 */

type Condition = RawBuilder<SqlBool>;

const nothing: Condition = rawSql<SqlBool>`1 = 0`;
const everything: Condition = rawSql<SqlBool>`1 = 1`;

function inList(column: RawBuilder<unknown>, values: readonly (number | string)[]): Condition {
  // `in ()` is not portable SQL; an empty scope sees nothing, as Prisma's `in: []` does.
  return values.length === 0 ? nothing : rawSql<SqlBool>`${column} in (${rawSql.join(values)})`;
}

function notInList(column: RawBuilder<unknown>, values: readonly (number | string)[]): Condition {
  return values.length === 0 ? everything : rawSql<SqlBool>`${column} not in (${rawSql.join(values)})`;
}

/** The issues an actor may see (admin: all; resident: own, plus their estate's public ones; staff: their estates). */
export function visibleIssueSql(actor: Actor, table: string): Condition {
  const col = (name: 'estateId' | 'reporterId' | 'isPublic') => rawSql.ref(`${table}.${name}`);
  const rule = visibleIssues(actor);
  if ('reporterId' in rule) return rawSql<SqlBool>`${col('reporterId')} = ${rule.reporterId}`;
  if (!('estateId' in rule)) return everything;
  if ('OR' in rule) {
    const [own, shared] = rule.OR;
    return rawSql<SqlBool>`(${col('estateId')} = ${rule.estateId} and (${col('reporterId')} = ${own.reporterId} or ${col('isPublic')} = ${rawSql.lit(shared.isPublic)}))`;
  }
  return inList(col('estateId'), rule.estateId.in);
}

/** The fund proposals an actor may see (their estates; residents never drafts or withdrawn drafts). */
export function visibleProposalSql(actor: Actor, table: string): Condition {
  const col = (name: 'estateId' | 'status' | 'openedAt') => rawSql.ref(`${table}.${name}`);
  const rule = visibleProposals(actor);
  if (!rule.estateId) return everything;
  const inEstates = inList(col('estateId'), rule.estateId.in);
  if (!rule.OR) return inEstates;
  const [published, cancelledAfterOpening] = rule.OR;
  const notHidden = notInList(col('status'), published.status.notIn);
  return rawSql<SqlBool>`(${inEstates} and (${notHidden} or (${col('status')} = ${cancelledAfterOpening.status} and ${col('openedAt')} is not null)))`;
}

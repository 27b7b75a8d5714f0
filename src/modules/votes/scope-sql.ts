import type { RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../actor.ts';
import { rawSql } from '../../plugins/sql.ts';
import { visibleProposals } from '../../domain/proposal-workflow.ts';

/**
 * `visibleProposals` (src/domain/proposal-workflow.ts) as a Kysely condition on a FundProposal reference,
 * for the reads written in typed SQL. It is read off the rule's own object, so the SQL cannot drift from
 * what the Prisma reads filter on (scope.ts).
 */
export function visibleProposalSql(actor: Actor, table: string): RawBuilder<SqlBool> {
  const col = (name: 'estateId' | 'status' | 'openedAt') => rawSql.ref(`${table}.${name}`);
  const rule = visibleProposals(actor);
  if (!rule.estateId) return rawSql<SqlBool>`1 = 1`;
  const estates = rule.estateId.in;
  // `in ()` is not portable SQL; an empty scope sees nothing, as Prisma's `in: []` does.
  const inEstates =
    estates.length === 0 ? rawSql<SqlBool>`1 = 0` : rawSql<SqlBool>`${col('estateId')} in (${rawSql.join(estates)})`;
  if (!rule.OR) return inEstates;
  const [published, cancelledAfterOpening] = rule.OR;
  const hidden = published.status.notIn;
  const notHidden =
    hidden.length === 0 ? rawSql<SqlBool>`1 = 1` : rawSql<SqlBool>`${col('status')} not in (${rawSql.join(hidden)})`;
  return rawSql<SqlBool>`(${inEstates} and (${notHidden} or (${col('status')} = ${cancelledAfterOpening.status} and ${col('openedAt')} is not null)))`;
}

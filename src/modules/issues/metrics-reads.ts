import { sqlTime, type Sql } from '../../plugins/sql.ts';

/**
 * Whose issues a dashboard reads: a community's (community staff), some estates' (property and
 * committee: the estates they serve), or every one (an administrator).
 */
export type MetricsScope = { communityId: number } | { estateIds: readonly number[] } | 'all';

/**
 * What the dashboard needs of issues: those filed between `since` and `until` (both included) in the
 * scope, with the fields the metrics are computed from and the names its tables show, in one statement.
 *
 * Why rows and not kept counters (issue #11, measured): the dashboard shows medians (time to accept, to
 * resolve), which no sum kept beside the rows gives exactly, and figures that depend on the moment they
 * are read (overdue, resolution due), so every figure is derived from the rows by the pure rules of
 * src/domain/metrics.ts. The cost stays flat as the history grows because only the range asked for is
 * read: for community staff the (communityId, createdAt, id) index range, in index order (no sort); for
 * property and committee one (estateId, createdAt, id) range per estate they serve; never the rest of the
 * history. The dashboard (issue #12) asks for its period, the period before and its trend's weeks as one
 * range: from 8 weeks (this week) to about 7 months (this quarter and the one before). Measured on one
 * machine (issue #11): a community filing 450 issues a day (13,600 in 30 days) took 110 ms a page with
 * 200,000 issues in the table and 110 ms with 1,000,000; in a city of 150 communities over three years
 * (1,000,000 issues, ~240 a community in 30 days) 3 ms. The cost follows the issues read (about 8 µs
 * each, half of it reading the row), so such a busy community's quarter (about 90,000 issues with its
 * comparison) would be the case for kept daily counts, medians aside.
 */
export async function issuesForMetrics(sql: Sql, scope: MetricsScope, since: Date, until: Date) {
  let query = sql
    .selectFrom('Issue as i')
    .innerJoin('Estate as e', 'e.id', 'i.estateId')
    .innerJoin('Category as c', 'c.id', 'i.categoryId')
    .leftJoin('Building as b', 'b.id', 'i.buildingId')
    .select([
      'i.id',
      'i.title',
      'i.state',
      'i.createdAt',
      'i.acceptedAt',
      'i.resolvedAt',
      'i.respondBy',
      'i.resolveBy',
      'i.reopenCount',
      'i.handoffCount',
      'i.rating',
      'i.assignedParty',
      'i.estateId',
      'i.buildingId',
      'i.categoryId',
      'i.duplicateOfId',
      'e.name as estateName',
      'b.name as buildingName',
      'c.nameZh as categoryNameZh',
      'c.nameEn as categoryNameEn',
    ])
    .where('i.createdAt', '>=', sqlTime(since))
    .where('i.createdAt', '<=', sqlTime(until));
  if (scope !== 'all' && 'estateIds' in scope) {
    // no estate: nothing to read (an IN () is not portable SQL)
    if (scope.estateIds.length === 0) return [];
    // one (estateId, createdAt, id) range per estate; the rows' order does not matter to the figures
    return query.where('i.estateId', 'in', [...scope.estateIds]).execute();
  }
  if (scope !== 'all') query = query.where('i.communityId', '=', scope.communityId);
  // in the (communityId, createdAt, id) or (createdAt) index's order: the planner then reads that one range
  // rather than every estate's range of the community and their rows' community
  return query.orderBy('i.createdAt').orderBy('i.id').execute();
}

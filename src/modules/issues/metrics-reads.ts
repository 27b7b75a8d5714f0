import type { DbTx } from '../../plugins/db.ts';

/**
 * What the dashboard needs of issues: those filed in a period, within some estates (null: every estate),
 * with the fields the metrics are computed from and the names its tables show.
 */
export function issuesForMetrics(db: DbTx, estateIds: number[] | null, since: Date, until: Date) {
  return db.issue.findMany({
    where: { ...(estateIds === null ? {} : { estateId: { in: estateIds } }), createdAt: { gte: since, lte: until } },
    orderBy: { id: 'asc' },
    select: {
      id: true,
      title: true,
      state: true,
      createdAt: true,
      acceptedAt: true,
      rejectedAt: true,
      resolvedAt: true,
      respondBy: true,
      resolveBy: true,
      reopenCount: true,
      handoffCount: true,
      rating: true,
      assignedParty: true,
      assignedOrg: true,
      estateId: true,
      buildingId: true,
      categoryId: true,
      estate: { select: { name: true } },
      building: { select: { name: true } },
      category: { select: { nameZh: true, nameEn: true } },
    },
  });
}

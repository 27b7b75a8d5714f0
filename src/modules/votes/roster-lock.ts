import type { DbTx } from '../../plugins/db.ts';
import type { UnitVoteLock } from '../roster/index.ts';

/** Unit ids per query: well inside SQLite's limit on bound parameters. */
const CHUNK = 500;

/**
 * The units among these that are in the electorate of an open vote, each with that vote (the earliest
 * closing one when a unit is in several). The roster asks this before any edit (through the app, since
 * the roster may not import votes): an owner's row must not change while a vote that counts it is open.
 */
export async function unitsLockedByOpenVotes(db: DbTx, unitIds: readonly number[]): Promise<UnitVoteLock[]> {
  const byUnit = new Map<number, UnitVoteLock>();
  const ids = [...new Set(unitIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.voteUnit.findMany({
      where: { unitId: { in: ids.slice(i, i + CHUNK) }, proposal: { status: 'open' } },
      select: { unitId: true, proposal: { select: { id: true, title: true, closesAt: true } } },
      orderBy: [{ unitId: 'asc' }, { proposal: { closesAt: 'asc' } }],
    });
    for (const row of rows) {
      if (byUnit.has(row.unitId)) continue;
      byUnit.set(row.unitId, {
        unitId: row.unitId,
        proposalId: row.proposal.id,
        title: row.proposal.title,
        closesAt: row.proposal.closesAt,
      });
    }
  }
  return [...byUnit.values()];
}

import type { DbTx } from '../../plugins/db.ts';

/** The people following an issue besides its reporter (a duplicate's reporter, a neighbour), oldest first. */
export async function issueFollowers(tx: DbTx, issueId: number): Promise<number[]> {
  const rows = await tx.issueFollow.findMany({ where: { issueId }, select: { userId: true }, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => r.userId);
}

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { allEstateIds, estatesByIds } from '../places/index.ts';

export function mayRecordSpending(actor: Actor, estateId: number): boolean {
  return (actor.role === 'committee' || actor.role === 'property') && actor.estateIds.includes(estateId);
}

/**
 * The fund ledger of an estate (公示): per approved proposal, the amount approved (by a vote or the
 * emergency path), what was spent (with receipts) and what remains. Derived from the entries every time.
 */
export async function getLedger(db: DbTx, actor: Actor, estateId: number | undefined) {
  const ids = actor.role === 'admin' ? await allEstateIds(db) : actor.estateIds;
  const chosen = estateId ?? ids[0];
  if (chosen === undefined || !ids.includes(chosen)) throw new NotFound();
  const [estates, entries] = await Promise.all([
    estatesByIds(db, ids),
    db.fundLedgerEntry.findMany({
      where: { estateId: chosen },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: {
        proposal: { select: { id: true, title: true, status: true, amountFen: true } },
        recordedBy: { select: { displayName: true, orgName: true } },
        attachments: { select: { id: true, originalName: true, mime: true } },
      },
    }),
  ]);
  const byProposal = new Map<
    number,
    { proposal: (typeof entries)[number]['proposal']; approved: number; spent: number; entries: typeof entries }
  >();
  for (const e of entries) {
    let row = byProposal.get(e.proposalId);
    if (!row) byProposal.set(e.proposalId, (row = { proposal: e.proposal, approved: 0, spent: 0, entries: [] }));
    if (e.kind === 'approved') row.approved += e.amountFen;
    else if (e.kind === 'spent') row.spent += e.amountFen;
    row.entries.push(e);
  }
  const proposals = [...byProposal.values()].map((r) => ({ ...r, remaining: r.approved - r.spent })).reverse();
  const totals = proposals.reduce(
    (t, r) => ({ approved: t.approved + r.approved, spent: t.spent + r.spent, remaining: t.remaining + r.remaining }),
    { approved: 0, spent: 0, remaining: 0 },
  );
  return { estateId: chosen, estates, proposals, totals, canRecord: mayRecordSpending(actor, chosen) };
}

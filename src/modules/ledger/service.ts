import type { Actor } from '../../actor.ts';
import type { Db } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { formatFen, parseYuanToFen } from '../../domain/money.ts';
import { translate } from '../../i18n/index.ts';
import { publishNotice } from '../notices/service.ts';
import { recordAttachments, removeStoredFiles, storeFiles, type CheckedFile } from '../attachments/service.ts';

export const NOTE_MAX = 500;

export function mayRecordSpending(actor: Actor, estateId: number): boolean {
  return (actor.role === 'committee' || actor.role === 'property') && actor.estateIds.includes(estateId);
}

/**
 * The fund ledger of an estate (公示): per approved proposal, the amount approved (by a vote or the
 * emergency path), what was spent (with receipts) and what remains. Derived from the entries every time.
 */
export async function getLedger(db: Db, actor: Actor, estateId: number | undefined) {
  const ids = actor.role === 'admin' ? (await db.estate.findMany({ select: { id: true } })).map((e) => e.id) : actor.estateIds;
  const chosen = estateId ?? ids[0];
  if (chosen === undefined || !ids.includes(chosen)) throw new NotFound();
  const [estates, entries] = await Promise.all([
    db.estate.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
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
  const byProposal = new Map<number, { proposal: (typeof entries)[number]['proposal']; approved: number; spent: number; entries: typeof entries }>();
  for (const e of entries) {
    let row = byProposal.get(e.proposalId);
    if (!row) byProposal.set(e.proposalId, (row = { proposal: e.proposal, approved: 0, spent: 0, entries: [] }));
    if (e.kind === 'approved') row.approved += e.amountFen;
    else if (e.kind === 'spent') row.spent += e.amountFen;
    row.entries.push(e);
  }
  const proposals = [...byProposal.values()].map((r) => ({ ...r, remaining: r.approved - r.spent })).reverse();
  const totals = proposals.reduce((t, r) => ({ approved: t.approved + r.approved, spent: t.spent + r.spent, remaining: t.remaining + r.remaining }), { approved: 0, spent: 0, remaining: 0 });
  return { estateId: chosen, estates, proposals, totals, canRecord: mayRecordSpending(actor, chosen) };
}

export interface SpendInput {
  proposalId: string;
  amount: string;
  note: string;
}

/** Records money spent on an approved proposal, with its receipts, and publishes it (fund_use). */
export async function recordSpending(db: Db, actor: Actor, input: SpendInput, receipts: CheckedFile[], uploadDir: string, now: Date) {
  const errors: FieldError[] = [];
  const proposalId = Number(input.proposalId);
  const proposal = Number.isInteger(proposalId) && proposalId > 0
    ? await db.fundProposal.findFirst({ where: { id: proposalId, estateId: { in: actor.estateIds } } })
    : null;
  // A proposal id that names nothing this actor may see is another estate's: 404, like any other object.
  if (!proposal && input.proposalId.trim() !== '') throw new NotFound();
  if (!proposal) errors.push({ field: 'spendProposal', code: 'required' });
  else if (!mayRecordSpending(actor, proposal.estateId)) throw new NotFound();
  const amount = parseYuanToFen(input.amount);
  if (!amount.ok) errors.push({ field: 'spendAmount', code: `vote_amount_${amount.reason}` });
  else if (amount.fen === 0) errors.push({ field: 'spendAmount', code: 'vote_amount_zero' });
  const note = input.note.trim();
  if (note === '') errors.push({ field: 'spendNote', code: 'required' });
  else if (Array.from(note).length > NOTE_MAX) errors.push({ field: 'spendNote', code: 'too_long', params: { max: NOTE_MAX } });
  if (errors.length > 0 || !proposal || !amount.ok) throw new ValidationFailed(errors);

  // The same form submitted twice (a double tap, a resend) records the spending once.
  const duplicate = await db.fundLedgerEntry.findFirst({
    where: { proposalId: proposal.id, kind: 'spent', amountFen: amount.fen, note, recordedById: actor.userId, createdAt: { gte: new Date(now.getTime() - 10 * 60_000) } },
    select: { id: true },
  });
  if (duplicate) return { estateId: proposal.estateId, entryId: duplicate.id };

  const stored = await storeFiles(uploadDir, receipts);
  try {
    return await db.$transaction(async (tx) => {
      const sums = await tx.fundLedgerEntry.groupBy({ by: ['kind'], where: { proposalId: proposal.id }, _sum: { amountFen: true } });
      const approved = sums.find((s) => s.kind === 'approved')?._sum.amountFen ?? 0;
      const spent = sums.find((s) => s.kind === 'spent')?._sum.amountFen ?? 0;
      if (approved === 0) throw new ValidationFailed([{ field: 'spendProposal', code: 'ledger_not_approved' }]);
      if (spent + amount.fen > approved) {
        throw new ValidationFailed([{ field: 'spendAmount', code: 'ledger_over_budget', params: { remaining: formatFen(approved - spent) } }]);
      }
      const entry = await tx.fundLedgerEntry.create({
        data: { estateId: proposal.estateId, proposalId: proposal.id, kind: 'spent', amountFen: amount.fen, note, recordedById: actor.userId, createdAt: now },
      });
      await recordAttachments(tx, stored, actor.userId, { ledgerEntryId: entry.id }, now);
      const params = { title: proposal.title, amount: formatFen(amount.fen), note, remaining: formatFen(approved - spent - amount.fen) };
      await publishNotice(tx, {
        estateId: proposal.estateId,
        kind: 'fund_use',
        title: translate('zh-CN', 'ledger.notice.title', params),
        body: translate('zh-CN', 'ledger.notice.body', params),
        proposalId: proposal.id,
        createdById: actor.userId,
        publishedAt: now,
      });
      return { estateId: proposal.estateId, entryId: entry.id };
    });
  } catch (error) {
    await removeStoredFiles(uploadDir, stored);
    throw error;
  }
}

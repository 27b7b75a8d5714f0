import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { formatFen, parseYuanToFen } from '../../domain/money.ts';
import { translate } from '../../i18n/index.ts';
import { publishNotice } from '../notices/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import { recordAudit, type AuditInput } from '../audit/index.ts';
import { communityOfEstate } from '../places/index.ts';
import { mayRecordSpending } from './queries.ts';

const NOTE_MAX = 500;

/** Where a change comes from, as the audit log records it: the client's address (`request.ip`). */
export type AuditContext = Pick<AuditInput, 'ip'>;

/** What a passed vote, or the authority's approval on the emergency path, approved: the entry spending is drawn from. */
export async function recordApprovedAmount(
  tx: DbTx,
  entry: { estateId: number; proposalId: number; amountFen: number; note: string; recordedById: number; at: Date },
): Promise<void> {
  await tx.fundLedgerEntry.create({
    data: {
      estateId: entry.estateId,
      proposalId: entry.proposalId,
      kind: 'approved',
      amountFen: entry.amountFen,
      note: entry.note,
      recordedById: entry.recordedById,
      createdAt: entry.at,
    },
  });
}

/** What the spending check reads of the proposal an approved amount belongs to (through the entry's relation). */
const SPEND_PROPOSAL_SELECT = {
  id: true,
  estateId: true,
  title: true,
  status: true,
  matter: true,
  emergencyAppliedAt: true,
  authorityApprovedOn: true,
  authorityRecordedAt: true,
} as const;

/**
 * Money drawn on the emergency path (no vote) needs the housing authority's approval on record first
 * (住宅专项维修资金管理办法 art. 24; docs/domain.md, Procedure decisions). Only a proposal the owners passed
 * by their vote is exempt; anything else that went down the emergency path, or ended emergency_approved
 * (also under the old one-step path), is refused until the approval is recorded.
 */
function awaitsAuthorityApproval(proposal: {
  status: string;
  emergencyAppliedAt: Date | null;
  authorityApprovedOn: Date | null;
  authorityRecordedAt: Date | null;
}): boolean {
  if (proposal.status === 'passed') return false;
  const emergency = proposal.status === 'emergency_approved' || proposal.emergencyAppliedAt !== null;
  return emergency && (proposal.authorityApprovedOn === null || proposal.authorityRecordedAt === null);
}

interface SpendInput {
  proposalId: string;
  amount: string;
  note: string;
}

/**
 * Records money spent on an approved proposal, with its receipts, and publishes it (fund_use). The
 * proposal must have an approved amount in one of the actor's estates (one the actor may not record for
 * is a 404, like any other object). The same form submitted twice (a double tap, a resend) records the
 * spending once: the repeat is reported as a duplicate of the first. The spending is audited.
 */
export async function recordSpending(
  tx: DbTx,
  actor: Actor,
  input: SpendInput,
  receipts: StoredFile[],
  now: Date,
  ctx: AuditContext,
) {
  const errors: FieldError[] = [];
  const approvedEntry =
    input.proposalId === ''
      ? null
      : await tx.fundLedgerEntry.findFirst({
          where: { proposalId: Number(input.proposalId), kind: 'approved', estateId: { in: actor.estateIds } },
          select: { proposal: { select: SPEND_PROPOSAL_SELECT } },
        });
  if (!approvedEntry && input.proposalId !== '') throw new NotFound();
  const proposal = approvedEntry?.proposal ?? null;
  if (!proposal) errors.push({ field: 'spendProposal', code: 'required' });
  else if (!mayRecordSpending(actor, proposal.estateId)) throw new NotFound();
  else if (awaitsAuthorityApproval(proposal)) errors.push({ field: 'spendProposal', code: 'ledger_emergency_needs_authority' });
  // Only a passed vote to USE the fund approves money to spend (docs/domain.md, results by matter).
  else if (proposal.status === 'passed' && proposal.matter !== 'use_fund')
    errors.push({ field: 'spendProposal', code: 'ledger_not_approved' });
  const amount = parseYuanToFen(input.amount);
  if (!amount.ok) errors.push({ field: 'spendAmount', code: `vote_amount_${amount.reason}` });
  else if (amount.fen === 0) errors.push({ field: 'spendAmount', code: 'vote_amount_zero' });
  const note = input.note.trim();
  if (note === '') errors.push({ field: 'spendNote', code: 'required' });
  else if (Array.from(note).length > NOTE_MAX) errors.push({ field: 'spendNote', code: 'too_long', params: { max: NOTE_MAX } });
  if (errors.length > 0 || !proposal || !amount.ok) throw new ValidationFailed(errors);
  const amountFen = amount.fen;

  const duplicate = await tx.fundLedgerEntry.findFirst({
    where: {
      proposalId: proposal.id,
      kind: 'spent',
      amountFen,
      note,
      recordedById: actor.userId,
      createdAt: { gte: new Date(now.getTime() - 10 * 60_000) },
    },
    select: { id: true },
  });
  if (duplicate) return { estateId: proposal.estateId, entryId: duplicate.id, duplicate: true };

  const sums = await tx.fundLedgerEntry.groupBy({ by: ['kind'], where: { proposalId: proposal.id }, _sum: { amountFen: true } });
  const approved = sums.find((s) => s.kind === 'approved')?._sum.amountFen ?? 0;
  const spent = sums.find((s) => s.kind === 'spent')?._sum.amountFen ?? 0;
  if (approved === 0) throw new ValidationFailed([{ field: 'spendProposal', code: 'ledger_not_approved' }]);
  if (spent + amountFen > approved) {
    throw new ValidationFailed([
      { field: 'spendAmount', code: 'ledger_over_budget', params: { remaining: formatFen(approved - spent) } },
    ]);
  }
  const entry = await tx.fundLedgerEntry.create({
    data: {
      estateId: proposal.estateId,
      proposalId: proposal.id,
      kind: 'spent',
      amountFen,
      note,
      recordedById: actor.userId,
      createdAt: now,
    },
  });
  await recordAttachments(tx, receipts, actor.userId, { ledgerEntryId: entry.id }, now);
  const params = {
    title: proposal.title,
    amount: formatFen(amountFen),
    note,
    remaining: formatFen(approved - spent - amountFen),
  };
  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: ctx.ip,
    at: now,
    action: 'ledger.spend',
    entityType: 'ledger_entry',
    entityId: entry.id,
    communityId: await communityOfEstate(tx, proposal.estateId),
    estateId: proposal.estateId,
    before: {
      proposalId: proposal.id,
      approved: formatFen(approved),
      spent: formatFen(spent),
      remaining: formatFen(approved - spent),
    },
    after: {
      proposalId: proposal.id,
      approved: formatFen(approved),
      spent: formatFen(spent + amountFen),
      remaining: params.remaining,
      amount: params.amount,
      receipts: receipts.length,
    },
    note,
  });
  await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'fund_use',
    title: translate('zh-CN', 'ledger.notice.title', params),
    body: translate('zh-CN', 'ledger.notice.body', params),
    proposalId: proposal.id,
    createdById: actor.userId,
    publishedAt: now,
  });
  return { estateId: proposal.estateId, entryId: entry.id, duplicate: false };
}

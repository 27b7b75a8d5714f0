import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed } from '../../errors.ts';
import { formatArea, formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { PROPOSAL_STATUS, statusesAllowing, transitionProposal } from '../../domain/proposal-workflow.ts';
import { canCloseEarly, type EarlyCloseDecision } from '../../domain/vote-procedure.ts';
import { approvedLedgerAmount, voteResult } from '../../domain/vote-result.ts';
import type { VoteMatter } from '../../domain/vote-tally.ts';
import { notify } from '../notifications/index.ts';
import { publishNotice } from '../notices/index.ts';
import { issueStateForVote, performIssueAction } from '../issues/index.ts';
import { recordApprovedAmount } from '../ledger/index.ts';
import { electorateRows, electorateUsers, lawfully, tallyOf } from './electorate.ts';
import { loadProposal, requireCommittee } from './scope.ts';
import { recordText } from './commands.ts';
import { cancelNotice, electorateFacts, resultNotice, type CloseReason } from './notice-text.ts';
import { auditVote, type ChangedBy } from './audit.ts';

const DAY_MS = 86_400_000;
export const CANCEL_REASON_MAX = 500;

/**
 * The committee asked to close a vote before its closing time while the voters who have not voted could
 * still turn the outcome: the decision says how (the confirmation page shows it, 409).
 */
export class EarlyCloseRefused extends Conflict {
  constructor(readonly decision: Extract<EarlyCloseDecision, { allowed: false }>) {
    super('votes.close.refused');
  }
}

/**
 * Whether the vote may be closed now and why (docs/domain.md, Procedure decisions): at or after its
 * closing time, on time; before it, only if every voter has voted or no remaining ballot could change
 * the outcome on either basis.
 */
export async function closingDecision(
  db: DbTx,
  proposal: { id: number; matter: string; closesAt: Date | null },
  now: Date,
): Promise<{ early: false } | { early: true; decision: EarlyCloseDecision }> {
  if (!proposal.closesAt || now >= proposal.closesAt) return { early: false };
  const { units, ballots } = await electorateRows(db, proposal.id);
  return { early: true, decision: lawfully(() => canCloseEarly(units, ballots, proposal.matter as VoteMatter)) };
}

/**
 * Closes an open vote, by the committee or by the system at its closing time: the tally is frozen into
 * resultJson, the result is published with its matter's own text, the issue moves (passed ->
 * in_progress; failed -> awaiting_meeting), only a passed use_fund vote writes its approved amount to
 * the ledger, and the owners are told. A close before the closing time is refused unless the outcome is
 * fixed (EarlyCloseRefused). The close is audited: the committee member's, or the system's.
 */
export async function closeProposal(tx: DbTx, by: ChangedBy, id: number, now: Date) {
  const who: Actor | 'system' = by === 'system' ? 'system' : by.actor;
  const proposal = who === 'system' ? await tx.fundProposal.findUnique({ where: { id } }) : await loadProposal(tx, who, id);
  if (!proposal) throw new NotFound();
  if (who !== 'system') requireCommittee(who, proposal.estateId);
  if (proposal.status !== PROPOSAL_STATUS.open) throw new Conflict('votes.errors.notOpen');
  const timing = await closingDecision(tx, proposal, now);
  if (timing.early && !timing.decision.allowed) throw new EarlyCloseRefused(timing.decision);
  const closeReason: CloseReason = timing.early && timing.decision.allowed ? timing.decision.reason : 'on_time';
  // The claim comes first, so a ballot racing the close either lands before it or is refused.
  const claimed = await tx.fundProposal.updateMany({
    where: { id, status: PROPOSAL_STATUS.open },
    data: { closedAt: now, closeReason, updatedAt: now },
  });
  if (claimed.count !== 1) throw new Conflict('votes.errors.notOpen');
  const tally = await tallyOf(tx, proposal);
  const result = voteResult(tally, proposal.matter as VoteMatter);
  const passed = result.outcome === 'passed';
  const next = transitionProposal(PROPOSAL_STATUS.open, passed ? 'pass' : 'fail');
  if (!next.ok) throw new Conflict('votes.errors.notOpen');
  await tx.fundProposal.update({
    where: { id },
    data: { status: next.to, resultJson: JSON.stringify(tally), closedById: who === 'system' ? null : who.userId },
  });
  const ledgerAmount = approvedLedgerAmount(result, proposal.amountFen);
  await auditVote(tx, by, now, proposal.estateId, {
    action: 'vote.close',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: {
      status: next.to,
      closeReason,
      closesAt: proposal.closesAt ? formatShanghai(proposal.closesAt, 'zh-CN') : null,
      closedAt: formatShanghai(now, 'zh-CN'),
      matter: proposal.matter,
      failedOn: result.failedOn,
      participatingHeadcount: tally.participatingHeadcount,
      totalHeadcount: tally.totalHeadcount,
      agreeHeadcount: tally.agreeHeadcount,
      disagreeHeadcount: tally.disagreeHeadcount,
      abstainHeadcount: tally.abstainHeadcount,
      participatingArea: formatArea(tally.participatingArea),
      agreeArea: formatArea(tally.agreeArea),
      disagreeArea: formatArea(tally.disagreeArea),
      abstainArea: formatArea(tally.abstainArea),
      totalArea: formatArea(tally.totalArea),
      ledgerAmount: ledgerAmount === null ? null : formatFen(ledgerAmount),
    },
    note: proposal.title,
  });
  const electorate = await electorateFacts(tx, proposal);
  const notice = resultNotice(proposal, result, electorate, { reason: closeReason, at: now });
  await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'vote_result',
    title: notice.title,
    body: notice.body,
    proposalId: id,
    createdById: who === 'system' ? null : who.userId,
    publishedAt: now,
  });
  if (ledgerAmount !== null) {
    await recordApprovedAmount(tx, {
      estateId: proposal.estateId,
      proposalId: id,
      amountFen: ledgerAmount,
      note: recordText('votes.ledger.approvedByVote', {}),
      recordedById: who === 'system' ? proposal.createdById : who.userId,
      at: now,
    });
  }
  const issue = proposal.issueId ? await issueStateForVote(tx, proposal.issueId) : null;
  if (issue?.state === 'awaiting_vote') {
    // A passed vote on another matter moves the issue on too, without an amount (docs/domain.md).
    await performIssueAction(
      tx,
      'system',
      issue.id,
      passed ? 'vote_passed' : 'vote_failed',
      { proposalId: id, note: notice.title, ...(ledgerAmount !== null ? { approvedAmountFen: ledgerAmount } : {}) },
      { now },
    );
  }
  await tellElectorateTheResult(tx, id, proposal.title, result.outcome);
  return { passed, tally, closeReason };
}

/** The cancel form's reason: required, at most CANCEL_REASON_MAX characters, trimmed. */
function checkedReason(reason: string): string {
  const text = reason.trim();
  if (text === '') throw new ValidationFailed([{ field: 'cancelReason', code: 'required' }]);
  if (Array.from(text).length > CANCEL_REASON_MAX)
    throw new ValidationFailed([{ field: 'cancelReason', code: 'too_long', params: { max: CANCEL_REASON_MAX } }]);
  return text;
}

/**
 * Cancels a draft or an open vote, with a reason (docs/domain.md, Procedure decisions). An open vote's
 * cancellation is published and its owners told (its ballots decide nothing); a draft was never public,
 * so its withdrawal is only logged. Either way the issue returns to the state it came from, unless
 * another live proposal still holds it awaiting the vote.
 */
export async function cancelProposal(tx: DbTx, actor: Actor, id: number, reason: string, now: Date, ctx: { ip: string }) {
  const proposal = await loadProposal(tx, actor, id);
  requireCommittee(actor, proposal.estateId);
  const next = transitionProposal(proposal.status, 'cancel');
  if (!next.ok) throw new Conflict(next.error === 'not_draft' ? 'votes.errors.notDraft' : 'votes.errors.notOpen');
  const text = checkedReason(reason);
  const claimed = await tx.fundProposal.updateMany({
    where: { id, status: { in: statusesAllowing('cancel') } },
    data: {
      status: next.to,
      closedAt: now,
      closedById: actor.userId,
      closeReason: 'cancelled',
      cancelReason: text,
      updatedAt: now,
    },
  });
  if (claimed.count !== 1) throw new Conflict('votes.errors.notOpen');
  const wasOpen = proposal.status === PROPOSAL_STATUS.open;
  const notice = cancelNotice(proposal, text, now);
  const published = wasOpen
    ? await publishNotice(tx, {
        estateId: proposal.estateId,
        kind: 'vote_cancelled',
        title: notice.title,
        body: notice.body,
        proposalId: id,
        createdById: actor.userId,
        publishedAt: now,
      })
    : null;
  const issueMove = await returnIssue(tx, proposal, notice.title, now);
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.cancel',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status, ...(issueMove ? { issueState: issueMove.from } : {}) },
    after: {
      status: next.to,
      ...(issueMove ? { issueState: issueMove.to } : {}),
      ...(published ? { noticeId: published.id } : {}),
    },
    note: text,
  });
  if (wasOpen) {
    const users = await electorateUsers(tx, id);
    await notify(
      tx,
      users.map((userId) => ({
        userId,
        kind: 'vote_cancelled',
        params: { title: proposal.title },
        link: `/votes/${id}`,
        proposalId: id,
      })),
    );
  }
  return { published: published !== null };
}

/** Moves the cancelled vote's issue back to where it came from, if nothing else holds it awaiting a vote. */
async function returnIssue(
  tx: DbTx,
  proposal: { id: number; issueId: number | null; returnIssueState: string },
  note: string,
  now: Date,
) {
  if (!proposal.issueId) return null;
  const issue = await issueStateForVote(tx, proposal.issueId);
  if (issue?.state !== 'awaiting_vote') return null;
  const live = await tx.fundProposal.count({
    where: { issueId: issue.id, id: { not: proposal.id }, status: { in: [PROPOSAL_STATUS.draft, PROPOSAL_STATUS.open] } },
  });
  if (live > 0) return null;
  const action = proposal.returnIssueState === 'in_progress' ? 'vote_cancelled' : 'vote_cancelled_to_meeting';
  return performIssueAction(tx, 'system', issue.id, action, { proposalId: proposal.id, note }, { now });
}

/** Open votes past their closing time (the job closes each in its own transaction). */
export async function proposalsDueForClosing(db: DbTx, now: Date): Promise<number[]> {
  const due = await db.fundProposal.findMany({ where: { status: 'open', closesAt: { lte: now } }, select: { id: true } });
  return due.map((p) => p.id);
}

/** Open votes closing within a day whose owners have not been reminded yet. */
export function proposalsDueForReminder(db: DbTx, now: Date) {
  return db.fundProposal.findMany({
    where: { status: 'open', closingReminderSentAt: null, closesAt: { gt: now, lte: new Date(now.getTime() + DAY_MS) } },
    select: { id: true, title: true, closesAt: true },
  });
}

/** A day before the close, the owners who have not voted are reminded, once per vote. */
export async function remindClosingVoters(
  tx: DbTx,
  proposal: { id: number; title: string; closesAt: Date | null },
  now: Date,
): Promise<void> {
  const claimed = await tx.fundProposal.updateMany({
    where: { id: proposal.id, closingReminderSentAt: null },
    data: { closingReminderSentAt: now },
  });
  if (claimed.count !== 1) return;
  const [units, ballots] = await Promise.all([
    tx.voteUnit.findMany({ where: { proposalId: proposal.id }, select: { voterKey: true }, distinct: ['voterKey'] }),
    tx.ballot.findMany({ where: { proposalId: proposal.id }, select: { voterKey: true } }),
  ]);
  const voted = new Set(ballots.map((b) => b.voterKey));
  const pending = new Set(units.map((u) => u.voterKey).filter((k) => !voted.has(k)));
  const users = await electorateUsers(tx, proposal.id, pending);
  await notify(
    tx,
    users.map((userId) => ({
      userId,
      kind: 'vote_closing',
      params: { title: proposal.title, closesAt: proposal.closesAt ? formatShanghai(proposal.closesAt, 'zh-CN') : '' },
      link: `/votes/${proposal.id}`,
      proposalId: proposal.id,
      dedupeKey: `vote_closing:${proposal.id}`,
    })),
  );
}

/** Every linked owner of the electorate hears how the vote ended (closed by its tally or by the emergency path). */
export async function tellElectorateTheResult(tx: DbTx, proposalId: number, title: string, result: string): Promise<void> {
  const users = await electorateUsers(tx, proposalId);
  await notify(
    tx,
    users.map((userId) => ({ userId, kind: 'vote_result', params: { title, result }, link: `/votes/${proposalId}`, proposalId })),
  );
}

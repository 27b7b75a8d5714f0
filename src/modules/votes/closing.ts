import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound } from '../../errors.ts';
import { formatArea, formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { transitionProposal } from '../../domain/proposal-workflow.ts';
import { notify } from '../notifications/index.ts';
import { publishNotice } from '../notices/index.ts';
import { issueStateForVote, performIssueAction } from '../issues/index.ts';
import { recordApprovedAmount } from '../ledger/index.ts';
import { electorateUsers, tallyOf } from './electorate.ts';
import { loadProposal, requireCommittee } from './scope.ts';
import { recordText } from './commands.ts';
import { auditVote, type ChangedBy } from './audit.ts';

const DAY_MS = 86_400_000;

/**
 * Closes an open vote, by the committee or by the system at its closing time: the tally is frozen into
 * resultJson, the result is published on the notice board, the issue moves (passed -> in_progress with
 * the approved amount; failed -> awaiting_meeting), a passed vote writes its approved amount to the
 * ledger, and the owners are told. The close is audited: the committee member's, or the system's.
 */
export async function closeProposal(tx: DbTx, by: ChangedBy, id: number, now: Date) {
  const who: Actor | 'system' = by === 'system' ? 'system' : by.actor;
  const proposal = who === 'system' ? await tx.fundProposal.findUnique({ where: { id } }) : await loadProposal(tx, who, id);
  if (!proposal) throw new NotFound();
  if (who !== 'system') requireCommittee(who, proposal.estateId);
  // The claim comes first, so a ballot racing the close either lands before it or is refused.
  const claimed = await tx.fundProposal.updateMany({ where: { id, status: 'open' }, data: { closedAt: now, updatedAt: now } });
  if (claimed.count !== 1) throw new Conflict('votes.errors.notOpen');
  const tally = await tallyOf(tx, proposal);
  const passed = tally.approved;
  const next = transitionProposal('open', passed ? 'pass' : 'fail');
  if (!next.ok) throw new Conflict('votes.errors.notOpen');
  await tx.fundProposal.update({
    where: { id },
    data: { status: next.to, resultJson: JSON.stringify(tally), closedById: who === 'system' ? null : who.userId },
  });
  await auditVote(tx, by, now, proposal.estateId, {
    action: 'vote.close',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: {
      status: next.to,
      participatingHeadcount: tally.participatingHeadcount,
      totalHeadcount: tally.totalHeadcount,
      agreeHeadcount: tally.agreeHeadcount,
      disagreeHeadcount: tally.disagreeHeadcount,
      abstainHeadcount: tally.abstainHeadcount,
      participatingArea: formatArea(tally.participatingArea),
      agreeArea: formatArea(tally.agreeArea),
      totalArea: formatArea(tally.totalArea),
    },
    note: proposal.title,
  });
  const params = {
    title: proposal.title,
    amount: formatFen(proposal.amountFen),
    participatingArea: formatArea(tally.participatingArea),
    totalArea: formatArea(tally.totalArea),
    participatingHeadcount: tally.participatingHeadcount,
    totalHeadcount: tally.totalHeadcount,
    agreeArea: formatArea(tally.agreeArea),
    agreeHeadcount: tally.agreeHeadcount,
    disagreeHeadcount: tally.disagreeHeadcount,
    abstainHeadcount: tally.abstainHeadcount,
  };
  const title = recordText(passed ? 'votes.notice.passedTitle' : 'votes.notice.failedTitle', params);
  await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'vote_result',
    title,
    body: recordText(
      passed ? 'votes.notice.passedBody' : tally.quorumReached ? 'votes.notice.failedBody' : 'votes.notice.noQuorumBody',
      params,
    ),
    proposalId: id,
    createdById: who === 'system' ? null : who.userId,
    publishedAt: now,
  });
  if (passed) {
    await recordApprovedAmount(tx, {
      estateId: proposal.estateId,
      proposalId: id,
      amountFen: proposal.amountFen,
      note: recordText('votes.ledger.approvedByVote', params),
      recordedById: who === 'system' ? proposal.createdById : who.userId,
      at: now,
    });
  }
  const issue = proposal.issueId ? await issueStateForVote(tx, proposal.issueId) : null;
  if (issue?.state === 'awaiting_vote') {
    await performIssueAction(
      tx,
      'system',
      issue.id,
      passed ? 'vote_passed' : 'vote_failed',
      { proposalId: id, note: title, ...(passed ? { approvedAmountFen: proposal.amountFen } : {}) },
      { now },
    );
  }
  const users = await electorateUsers(tx, id);
  await notify(
    tx,
    users.map((userId) => ({
      userId,
      kind: 'vote_result',
      params: { title: proposal.title, result: passed ? 'passed' : 'failed' },
      link: `/votes/${id}`,
      proposalId: id,
    })),
  );
  return { passed, tally };
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

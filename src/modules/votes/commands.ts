import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { BadRequest, Conflict, Forbidden, ValidationFailed, type FieldError } from '../../errors.ts';
import { VOTE_CHOICES } from '../../domain/vote-tally.ts';
import { formatFen } from '../../domain/money.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import {
  refusalOf,
  statusesAllowing,
  transitionProposal,
  type ProposalAction,
  type ProposalTransitionError,
} from '../../domain/proposal-workflow.ts';
import { translate } from '../../i18n/index.ts';
import { notify } from '../notifications/index.ts';
import { publishNotice } from '../notices/index.ts';
import { issueStateForVote, performIssueAction } from '../issues/index.ts';
import { recordApprovedAmount } from '../ledger/index.ts';
import { electorateUsers, myVoterKeys, snapshotElectorate } from './electorate.ts';
import { loadProposal, requireCommittee } from './scope.ts';
import { auditVote, type AuditContext } from './audit.ts';

/** State changes of a fund vote. Each takes the caller's transaction (the route or job opens it). */

export const RECORDED_CHANNELS = ['paper', 'door_to_door', 'proxy'] as const;
export type Channel = 'online' | (typeof RECORDED_CHANNELS)[number];
const RECORDER_MAX = 40;

const REFUSED: Readonly<Record<ProposalTransitionError, string>> = {
  not_draft: 'votes.errors.notDraft',
  not_open: 'votes.errors.notOpen',
};

/** Notices and ledger notes are the public record, written in the estate's language. */
export function recordText(key: string, params: Record<string, string | number>): string {
  return translate('zh-CN', key, params);
}

/**
 * Moves a proposal by `action` (the transition table decides) and writes `data` with the new status.
 * The update is also the claim: it only succeeds while the proposal is still in a status the action may
 * be taken from, so a concurrent change makes this one a Conflict rather than a double move.
 */
async function moveProposal(
  tx: DbTx,
  proposal: { id: number; status: string },
  action: ProposalAction,
  data: Prisma.FundProposalUpdateManyMutationInput = {},
): Promise<string> {
  const next = transitionProposal(proposal.status, action);
  if (!next.ok) throw new Conflict(REFUSED[next.error]);
  const claimed = await tx.fundProposal.updateMany({
    where: { id: proposal.id, status: { in: statusesAllowing(action) } },
    data: { ...data, status: next.to },
  });
  // Moved meanwhile by someone else: refused as if it had already been in its new status.
  if (claimed.count !== 1) throw new Conflict(REFUSED[refusalOf(action)]);
  return next.to;
}

/** Opens a draft: the electorate is snapshotted and its owners are told. */
export async function openProposal(tx: DbTx, actor: Actor, id: number, now: Date, ctx: AuditContext) {
  const proposal = await loadProposal(tx, actor, id);
  requireCommittee(actor, proposal.estateId);
  if (!transitionProposal(proposal.status, 'open').ok) throw new Conflict('votes.errors.notDraft');
  if (!proposal.closesAt || proposal.closesAt <= now) throw new Conflict('votes.errors.closesInPast');
  const opensAt = proposal.opensAt && proposal.opensAt > now ? proposal.opensAt : now;
  await moveProposal(tx, proposal, 'open', { openedAt: now, opensAt });
  const units = await snapshotElectorate(tx, proposal);
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.open',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: {
      status: 'open',
      title: proposal.title,
      amount: formatFen(proposal.amountFen),
      opensAt: formatShanghai(opensAt, 'zh-CN'),
      closesAt: formatShanghai(proposal.closesAt, 'zh-CN'),
      electorateUnits: units,
    },
  });
  const users = await electorateUsers(tx, id);
  await notify(
    tx,
    users.map((userId) => ({
      userId,
      kind: 'vote_opened',
      params: { title: proposal.title, closesAt: proposal.closesAt ? formatShanghai(proposal.closesAt, 'zh-CN') : '' },
      link: `/votes/${id}`,
      proposalId: id,
    })),
  );
  return { units };
}

interface BallotInput {
  voterKey: string;
  choice: string;
  channel: Channel;
  recorderName?: string;
}

function checkRecorded(input: BallotInput, recorderName: string): void {
  const errors: FieldError[] = [];
  if (!(RECORDED_CHANNELS as readonly string[]).includes(input.channel))
    errors.push({ field: 'ballotChannel', code: 'required' });
  if (recorderName === '') errors.push({ field: 'recorderName', code: 'required' });
  else if (Array.from(recorderName).length > RECORDER_MAX)
    errors.push({ field: 'recorderName', code: 'too_long', params: { max: RECORDER_MAX } });
  if (input.voterKey === '') errors.push({ field: 'ballotVoter', code: 'required' });
  if (errors.length > 0) throw new ValidationFailed(errors);
}

/**
 * Casts or changes one voter's ballot: online by the owner, or recorded (paper, door to door, proxy) by
 * the committee. The claim on the proposal row succeeds only while it is open and inside its window, so
 * a close racing this ballot either sees it or refuses it; the tally is always derived from the Ballot
 * rows. Every cast and change leaves a BallotChange row and an audit entry (`ballot.cast` by the owner
 * online, `ballot.record` by the committee).
 */
export async function castBallot(tx: DbTx, actor: Actor, id: number, input: BallotInput, now: Date, ctx: AuditContext) {
  if (!(VOTE_CHOICES as readonly string[]).includes(input.choice)) throw new BadRequest('votes.errors.badChoice');
  const recorded = input.channel !== 'online';
  const recorderName = recorded ? (input.recorderName ?? '').trim() : '';
  if (recorded) checkRecorded(input, recorderName);
  const proposal = await loadProposal(tx, actor, id);
  if (recorded) requireCommittee(actor, proposal.estateId);
  else {
    const mine = await myVoterKeys(tx, actor, proposal);
    if (mine.reason === 'tenant') throw new Forbidden('votes.errors.tenant');
    if (mine.reason === 'unverified') throw new Forbidden('registrations.gate.unverifiedVote');
    if (mine.reason === 'notLinked' || mine.reason === 'notResident') throw new Forbidden('votes.errors.notLinked');
    if (mine.reason === 'notInElectorate') throw new Forbidden('votes.errors.notInElectorate');
    if (!mine.keys.includes(input.voterKey)) throw new Forbidden('votes.errors.notYourBallot');
  }
  const claimed = await tx.fundProposal.updateMany({
    where: { id, status: 'open', opensAt: { lte: now }, closesAt: { gt: now } },
    data: { updatedAt: now },
  });
  if (claimed.count !== 1) {
    if (proposal.status === 'open' && proposal.opensAt && now < proposal.opensAt) throw new Conflict('votes.errors.notYetOpen');
    throw new Conflict('votes.errors.closed');
  }
  const inElectorate = await tx.voteUnit.findFirst({
    where: { proposalId: id, voterKey: input.voterKey },
    select: { unitId: true },
  });
  if (!inElectorate) throw new BadRequest('votes.errors.unknownVoter');

  const existing = await tx.ballot.findUnique({ where: { proposalId_voterKey: { proposalId: id, voterKey: input.voterKey } } });
  const data = {
    choice: input.choice,
    channel: input.channel,
    recordedById: recorded ? actor.userId : null,
    recorderName,
    updatedAt: now,
  };
  const ballot = existing
    ? await tx.ballot.update({ where: { id: existing.id }, data })
    : await tx.ballot.create({ data: { ...data, proposalId: id, voterKey: input.voterKey, castAt: now } });
  await tx.ballotChange.create({
    data: {
      ballotId: ballot.id,
      proposalId: id,
      voterKey: input.voterKey,
      fromChoice: existing?.choice ?? null,
      toChoice: input.choice,
      channel: input.channel,
      actorId: actor.userId,
      recorderName,
      createdAt: now,
    },
  });
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: recorded ? 'ballot.record' : 'ballot.cast',
    entityType: 'ballot',
    entityId: ballot.id,
    before: {
      proposalId: id,
      voterKey: input.voterKey,
      choice: existing?.choice ?? null,
      channel: existing?.channel ?? null,
      recorder: existing?.recorderName ?? '',
    },
    after: { proposalId: id, voterKey: input.voterKey, choice: input.choice, channel: input.channel, recorder: recorderName },
  });
  return { changed: existing !== null };
}

/**
 * Runs a ballot's transaction again once if two first ballots for one voter raced: the unique key
 * refused the second, which on the second run finds the first and is a change.
 */
export async function retryOnDuplicateBallot<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return attempt();
    throw error;
  }
}

/**
 * 危及房屋安全等紧急情况: for an issue of an emergency category the community confirms the fund use
 * without a vote. The issue must be awaiting the vote (a draft from an in-progress issue has already
 * moved it there); an open vote on it is ended, its ballots kept. Recorded, published and written to
 * the ledger like a passed vote.
 */
export async function confirmEmergency(tx: DbTx, actor: Actor, id: number, note: string, now: Date, ctx: AuditContext) {
  const proposal = await loadProposal(tx, actor, id);
  if (actor.role !== 'community' || !actor.estateIds.includes(proposal.estateId))
    throw new Forbidden('votes.errors.communityOnly');
  const issue = proposal.issueId ? await issueStateForVote(tx, proposal.issueId) : null;
  if (!issue || !issue.emergency) throw new Conflict('votes.errors.notEmergency');
  if (issue.state !== 'awaiting_vote') throw new Conflict('votes.errors.issueNotAwaitingVote');
  const moved = await moveProposal(tx, proposal, 'confirm_emergency', {
    emergency: true,
    confirmedById: actor.userId,
    closedAt: now,
    closedById: actor.userId,
    updatedAt: now,
  });
  const params = {
    title: proposal.title,
    amount: formatFen(proposal.amountFen),
    name: actor.displayName,
    org: actor.orgName,
    note: note.trim(),
  };
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.emergency',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: { status: moved, amount: params.amount, issueId: issue.id },
    note: params.note,
  });
  await publishNotice(tx, {
    estateId: proposal.estateId,
    kind: 'emergency_repair',
    title: recordText('votes.notice.emergencyTitle', params),
    body: recordText('votes.notice.emergencyBody', params),
    proposalId: id,
    createdById: actor.userId,
    publishedAt: now,
  });
  await recordApprovedAmount(tx, {
    estateId: proposal.estateId,
    proposalId: id,
    amountFen: proposal.amountFen,
    note: recordText('votes.ledger.approvedEmergency', params),
    recordedById: actor.userId,
    at: now,
  });
  await performIssueAction(
    tx,
    'system',
    issue.id,
    'emergency_fund_confirmed',
    { proposalId: id, approvedAmountFen: proposal.amountFen, note: recordText('votes.notice.emergencyTitle', params) },
    { now },
  );
}

/** The committee withdraws a draft (nothing was decided, nothing is published; the log keeps it). */
export async function cancelDraft(tx: DbTx, actor: Actor, id: number, now: Date, ctx: AuditContext) {
  const proposal = await loadProposal(tx, actor, id);
  requireCommittee(actor, proposal.estateId);
  const moved = await moveProposal(tx, proposal, 'cancel', { closedAt: now, closedById: actor.userId });
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'vote.cancel',
    entityType: 'fund_proposal',
    entityId: id,
    before: { status: proposal.status },
    after: { status: moved },
    note: proposal.title,
  });
}

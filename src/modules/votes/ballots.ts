import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { BadRequest, Conflict, Forbidden, ValidationFailed, type FieldError } from '../../errors.ts';
import { VOTE_CHOICES, type VoteChoice } from '../../domain/vote-tally.ts';
import { formatShanghai, formatShanghaiLocal, parseShanghaiLocal } from '../../domain/deadlines.ts';
import {
  PROXY_AGENT_NAME_MAX,
  ownerOnlineBallotMayReplace,
  recordedBallotMayReplace,
  type ExistingBallot,
  type RecordedBallotDecision,
  type RecordedChannel,
} from '../../domain/vote-procedure.ts';
import { notify } from '../notifications/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import { electorateUsers, myVoterKeys } from './electorate.ts';
import { loadProposal, requireCommittee } from './scope.ts';
import { auditVote, type AuditContext } from './audit.ts';
import { countBallot, voterShare, type VoterShare } from './tally-counts.ts';

/**
 * Ballots: the owner's own online ballot, and the paper, door-to-door and proxy ballots a committee
 * member records from signed evidence. Which ballot counts under one voter key is decided by the pure
 * rules in domain/vote-procedure.ts (docs/domain.md, Procedure decisions). Every cast and change keeps a
 * BallotChange row (with the evidence), an audit entry, and tells the owners under the key.
 */

export const RECORDED_CHANNELS = ['paper', 'door_to_door', 'proxy'] as const satisfies readonly RecordedChannel[];
export type Channel = 'online' | RecordedChannel;

/** What the owner's own ballot form sends. */
export interface OnlineBallotInput {
  voterKey: string;
  choice: string;
}

/** What the committee's record form sends, as typed (checked by `checkRecordedBallot`). */
export interface RecordedBallotForm {
  voterKey: string;
  choice: string;
  channel: string;
  /** The date on the signed paper ("2026-11-21"), or a datetime-local value. */
  signedAt: string;
  /** The time on the paper, when it states one ("15:30"); empty: the start of the day. */
  signedTime: string;
  agentName: string;
}

interface RecordedBallot {
  voterKey: string;
  choice: VoteChoice;
  channel: RecordedChannel;
  signedAt: Date;
  agentName: string;
}

const isChoice = (c: string): c is VoteChoice => (VOTE_CHOICES as readonly string[]).includes(c);
const isRecordedChannel = (c: string): c is RecordedChannel => (RECORDED_CHANNELS as readonly string[]).includes(c);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

/** The signature date as Shanghai wall-clock time; a date without a time is the start of that day. */
function parseSignedAt(date: string, time: string): Date | null {
  const d = date.trim();
  const tm = time.trim();
  if (d.includes('T')) return tm === '' ? parseShanghaiLocal(d) : null;
  if (!DATE.test(d) || (tm !== '' && !TIME.test(tm))) return null;
  return parseShanghaiLocal(`${d}T${tm === '' ? '00:00' : tm}`);
}

/** The start (00:00 in Shanghai) of the day a moment falls on. */
function startOfShanghaiDay(at: Date): Date {
  return parseShanghaiLocal(`${formatShanghaiLocal(at).slice(0, 10)}T00:00`) ?? at;
}

/**
 * Checks a recorded ballot as the form sent it, every field at once, so the form says everything that
 * is missing: the household, the choice, the channel, the signature date (not in the future), the agent
 * of a written proxy, and the photo or scan. `fileErrors` are the upload check's (a refused file).
 */
export function checkRecordedBallot(
  form: RecordedBallotForm,
  evidenceCount: number,
  now: Date,
  fileErrors: FieldError[] = [],
): { ok: true; value: RecordedBallot } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const voterKey = form.voterKey.trim();
  if (voterKey === '') errors.push({ field: 'ballotVoter', code: 'ballot_voter_required' });
  if (!isChoice(form.choice)) errors.push({ field: 'ballotChoice', code: 'ballot_choice_required' });
  if (!isRecordedChannel(form.channel)) errors.push({ field: 'ballotChannel', code: 'ballot_channel_required' });
  const signedAt = form.signedAt.trim() === '' ? undefined : parseSignedAt(form.signedAt, form.signedTime);
  if (signedAt === undefined) errors.push({ field: 'ballotSignedAt', code: 'ballot_signed_required' });
  else if (signedAt === null) errors.push({ field: 'ballotSignedAt', code: 'invalid' });
  else if (signedAt > now) errors.push({ field: 'ballotSignedAt', code: 'ballot_signed_in_future' });
  const agentName = form.channel === 'proxy' ? form.agentName.trim() : '';
  if (form.channel === 'proxy') {
    if (agentName === '') errors.push({ field: 'ballotAgent', code: 'ballot_agent_required' });
    else if ([...agentName].length > PROXY_AGENT_NAME_MAX)
      errors.push({ field: 'ballotAgent', code: 'too_long', params: { max: PROXY_AGENT_NAME_MAX } });
  }
  errors.push(...fileErrors);
  if (evidenceCount === 0 && fileErrors.length === 0)
    errors.push({
      field: 'ballotEvidence',
      code: form.channel === 'proxy' ? 'ballot_proxy_scan_required' : 'ballot_scan_required',
    });
  if (errors.length > 0 || !signedAt || !isChoice(form.choice) || !isRecordedChannel(form.channel)) return { ok: false, errors };
  return { ok: true, value: { voterKey, choice: form.choice, channel: form.channel, signedAt, agentName } };
}

type StoredBallot = {
  id: number;
  choice: string;
  channel: string;
  recorderName: string;
  agentName: string;
  signedAt: Date | null;
  updatedAt: Date;
};

/** A ballot row as the precedence rules see it: when the current choice was cast online or entered. */
const existingOf = (b: StoredBallot): ExistingBallot => ({
  channel: b.channel as Channel,
  ...(b.signedAt ? { signedAt: b.signedAt } : {}),
  castAt: b.updatedAt,
});

/** The inline refusal for a recorded ballot the precedence rules turn down, with the standing ballot's time. */
function refusal(
  reason: Extract<RecordedBallotDecision, { allowed: false }>['reason'],
  existing: StoredBallot | null,
): FieldError {
  const standing = existing ? formatShanghai(existing.signedAt ?? existing.updatedAt, 'zh-CN') : '';
  switch (reason) {
    case 'owner_voted_online_later':
      return {
        field: 'ballotSignedAt',
        code: 'ballot_owner_online_later',
        params: { at: existing ? formatShanghai(existing.updatedAt, 'zh-CN') : '' },
      };
    case 'recorded_ballot_later':
      return { field: 'ballotSignedAt', code: 'ballot_recorded_later', params: { at: standing } };
    case 'evidence_required':
      return { field: 'ballotEvidence', code: 'ballot_scan_required' };
    case 'agent_name_required':
      return { field: 'ballotAgent', code: 'ballot_agent_required' };
    case 'agent_name_too_long':
      return { field: 'ballotAgent', code: 'too_long', params: { max: PROXY_AGENT_NAME_MAX } };
    case 'signed_in_future':
      return { field: 'ballotSignedAt', code: 'ballot_signed_in_future' };
    case 'signed_at_invalid':
      return { field: 'ballotSignedAt', code: 'invalid' };
    case 'not_a_recorded_channel':
      return { field: 'ballotChannel', code: 'ballot_channel_required' };
  }
}

/**
 * Claims the proposal row for this ballot: it succeeds only while the vote is open and inside its window,
 * so a close racing the ballot either sees it or refuses it (and the write lock orders racing ballots).
 */
async function claimOpenWindow(tx: DbTx, proposal: { id: number; status: string; opensAt: Date | null }, now: Date) {
  const claimed = await tx.fundProposal.updateMany({
    where: { id: proposal.id, status: 'open', opensAt: { lte: now }, closesAt: { gt: now } },
    data: { updatedAt: now },
  });
  if (claimed.count === 1) return;
  if (proposal.status === 'open' && proposal.opensAt && now < proposal.opensAt) throw new Conflict('votes.errors.notYetOpen');
  throw new Conflict('votes.errors.closed');
}

const findBallot = (tx: DbTx, proposalId: number, voterKey: string) =>
  tx.ballot.findUnique({ where: { proposalId_voterKey: { proposalId, voterKey } } });

interface BallotWrite {
  voterKey: string;
  choice: string;
  channel: Channel;
  recorderName: string;
  agentName: string;
  signedAt: Date | null;
}

/**
 * Writes the ballot as it now stands and the BallotChange that keeps the step (the history is never
 * rewritten), and moves the voter's share in the vote's running tally (tally-counts.ts).
 */
async function writeBallot(
  tx: DbTx,
  actor: Actor,
  proposalId: number,
  existing: StoredBallot | null,
  w: BallotWrite & { choice: VoteChoice },
  share: VoterShare,
  now: Date,
) {
  const data = {
    choice: w.choice,
    channel: w.channel,
    recordedById: w.channel === 'online' ? null : actor.userId,
    recorderName: w.recorderName,
    agentName: w.agentName,
    signedAt: w.signedAt,
    updatedAt: now,
  };
  const ballot = existing
    ? await tx.ballot.update({ where: { id: existing.id }, data })
    : await tx.ballot.create({ data: { ...data, proposalId, voterKey: w.voterKey, castAt: now } });
  const change = await tx.ballotChange.create({
    data: {
      ballotId: ballot.id,
      proposalId,
      voterKey: w.voterKey,
      fromChoice: existing?.choice ?? null,
      toChoice: w.choice,
      channel: w.channel,
      actorId: actor.userId,
      recorderName: w.recorderName,
      agentName: w.agentName,
      signedAt: w.signedAt,
      createdAt: now,
    },
  });
  await countBallot(tx, proposalId, share, existing?.choice ?? null, w.choice);
  return { ballot, change };
}

/** Tells every linked account under the voter key (the owner, each co-owner) but the one who acted. */
async function tellOwners(
  tx: DbTx,
  actor: Actor,
  proposalId: number,
  voterKey: string,
  kind: string,
  params: Record<string, string | number>,
) {
  const users = (await electorateUsers(tx, proposalId, new Set([voterKey]))).filter((userId) => userId !== actor.userId);
  await notify(
    tx,
    users.map((userId) => ({ userId, kind, params, link: `/votes/${proposalId}#my-ballot`, proposalId })),
  );
}

/**
 * The owner casts or changes their own ballot online. It replaces any ballot under their key, recorded
 * or online, until the close (`ownerOnlineBallotMayReplace`); the co-owners are told. Audited as `ballot.cast`.
 */
export async function castBallot(tx: DbTx, actor: Actor, id: number, input: OnlineBallotInput, now: Date, ctx: AuditContext) {
  if (!isChoice(input.choice)) throw new ValidationFailed([{ field: 'ballotChoice', code: 'ballot_choice_required' }]);
  const proposal = await loadProposal(tx, actor, id);
  const mine = await myVoterKeys(tx, actor, proposal);
  if (mine.reason === 'tenant') throw new Forbidden('votes.errors.tenant');
  if (mine.reason === 'unverified') throw new Forbidden('registrations.gate.unverifiedVote');
  if (mine.reason === 'notLinked' || mine.reason === 'notResident') throw new Forbidden('votes.errors.notLinked');
  if (mine.reason === 'notInElectorate') throw new Forbidden('votes.errors.notInElectorate');
  if (!mine.keys.includes(input.voterKey)) throw new Forbidden('votes.errors.notYourBallot');
  await claimOpenWindow(tx, proposal, now);
  const share = await voterShare(tx, id, input.voterKey);
  if (share.units === 0) throw new BadRequest('votes.errors.unknownVoter');

  const existing = await findBallot(tx, id, input.voterKey);
  const { replaces } = ownerOnlineBallotMayReplace(existing ? existingOf(existing) : null);
  const w = {
    voterKey: input.voterKey,
    choice: input.choice,
    channel: 'online' as const,
    recorderName: '',
    agentName: '',
    signedAt: null,
  };
  const { ballot } = await writeBallot(tx, actor, id, existing, w, share, now);
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'ballot.cast',
    entityType: 'ballot',
    entityId: ballot.id,
    before: {
      proposalId: id,
      voterKey: input.voterKey,
      choice: existing?.choice ?? null,
      channel: existing?.channel ?? null,
      recorder: existing?.recorderName ?? '',
    },
    after: { proposalId: id, voterKey: input.voterKey, choice: input.choice, channel: 'online', recorder: '', replaces },
  });
  await tellOwners(tx, actor, id, input.voterKey, 'ballot_cast_online', {
    title: proposal.title,
    by: actor.displayName,
    choice: input.choice,
    at: formatShanghai(now, 'zh-CN'),
  });
  return { changed: existing !== null };
}

/**
 * A committee member records a paper, door-to-door or proxy ballot from the signed paper or written
 * proxy, whose photo or scan is attached (`evidence`, stored by the caller) to the BallotChange. The
 * recorder is the signed-in user. It replaces a standing ballot only as `recordedBallotMayReplace` allows:
 * never the owner's own online ballot unless the paper was signed after it. A paper or door-to-door
 * ballot signed before the day the vote opened is refused (the owner had not had the notice). Audited as
 * `ballot.record`; the owner and co-owners are told who recorded what, how and when.
 */
export async function recordBallot(
  tx: DbTx,
  actor: Actor,
  id: number,
  form: RecordedBallotForm,
  evidence: StoredFile[],
  now: Date,
  ctx: AuditContext,
) {
  const checked = checkRecordedBallot(form, evidence.length, now);
  if (!checked.ok) throw new ValidationFailed(checked.errors);
  const input = checked.value;
  const proposal = await loadProposal(tx, actor, id);
  requireCommittee(actor, proposal.estateId);
  await claimOpenWindow(tx, proposal, now);
  const share = await voterShare(tx, id, input.voterKey);
  if (share.units === 0) throw new ValidationFailed([{ field: 'ballotVoter', code: 'ballot_voter_unknown' }]);
  if (input.channel !== 'proxy' && proposal.openedAt && input.signedAt < startOfShanghaiDay(proposal.openedAt)) {
    const opened = formatShanghai(proposal.openedAt, 'zh-CN');
    throw new ValidationFailed([{ field: 'ballotSignedAt', code: 'ballot_signed_before_open', params: { at: opened } }]);
  }

  const existing = await findBallot(tx, id, input.voterKey);
  const decision = recordedBallotMayReplace(
    existing ? existingOf(existing) : null,
    { channel: input.channel, signedAt: input.signedAt, hasEvidence: evidence.length > 0, agentName: input.agentName },
    now,
  );
  if (!decision.allowed) throw new ValidationFailed([refusal(decision.reason, existing)]);

  const recorderName = actor.displayName;
  const w = { ...input, recorderName, signedAt: input.signedAt };
  const { ballot, change } = await writeBallot(tx, actor, id, existing, w, share, now);
  await recordAttachments(
    tx,
    evidence,
    actor.userId,
    { ballotChangeId: change.id },
    now,
    input.channel === 'proxy' ? 'proxy' : 'ballot',
  );
  const signed = formatSignedAt(input.signedAt);
  await auditVote(tx, { actor, ctx }, now, proposal.estateId, {
    action: 'ballot.record',
    entityType: 'ballot',
    entityId: ballot.id,
    before: {
      proposalId: id,
      voterKey: input.voterKey,
      choice: existing?.choice ?? null,
      channel: existing?.channel ?? null,
      recorder: existing?.recorderName ?? '',
      agent: existing?.agentName ?? '',
      signedAt: existing?.signedAt ? formatSignedAt(existing.signedAt) : null,
    },
    after: {
      proposalId: id,
      voterKey: input.voterKey,
      choice: input.choice,
      channel: input.channel,
      recorder: recorderName,
      agent: input.agentName,
      signedAt: signed,
      evidence: evidence.length,
      replaces: decision.replaces,
    },
  });
  const params = { title: proposal.title, recorder: recorderName, channel: input.channel, choice: input.choice, at: signed };
  if (existing)
    await tellOwners(tx, actor, id, input.voterKey, 'ballot_recorded_changed', { ...params, fromChoice: existing.choice });
  else await tellOwners(tx, actor, id, input.voterKey, 'ballot_recorded', params);
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

/** A signed date entered without a time is stored as that day's 00:00 in Shanghai: show it as a date. */
function formatSignedAt(at: Date): string {
  const local = formatShanghaiLocal(at);
  return local.endsWith('T00:00') ? local.slice(0, 10) : formatShanghai(at, 'zh-CN');
}

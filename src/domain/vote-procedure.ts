/**
 * The procedure around an owners' vote (业主共同决定) that makes its result hold up if an owner challenges it
 * under Civil Code art. 280: when the committee may close it early, how long it must run, and which ballot
 * counts when a recorded ballot meets one already under the same voter key. Pure: the caller loads the
 * rows and passes dates. The arithmetic of the tally is in vote-tally.ts; the published result in
 * vote-result.ts. The decisions are written down in docs/domain.md (Fund-use votes, Procedure decisions).
 */
import { conditionsOf, tallyVote, type VoteBallot, type VoteMatter, type VoteTally, type VoteUnit } from './vote-tally.ts';

export type VoteOutcome = 'passed' | 'failed';

const outcomeOf = (tally: VoteTally): VoteOutcome => (tally.approved ? 'passed' : 'failed');

// ───────────────────────────── closing early ─────────────────────────────

/**
 * How the voters who have not voted could still defeat the vote:
 * - quorum: by all staying away, participation stays below 2/3 (area or headcount);
 * - approval_area / approval_headcount: by all voting against, agreement falls short on that basis.
 */
export type FailPath = 'quorum' | 'approval_area' | 'approval_headcount';

interface Outstanding {
  /** Voters of the electorate without a ballot, and their area (0.01 m²). */
  readonly headcount: number;
  readonly area: number;
}

export type EarlyCloseDecision =
  | {
      readonly allowed: true;
      readonly reason: 'all_voted' | 'outcome_fixed';
      /** The result whatever the outstanding voters would have done; also the result of closing now. */
      readonly outcome: VoteOutcome;
      readonly outstanding: Outstanding;
    }
  | {
      readonly allowed: false;
      readonly reason: 'outcome_open';
      /** The result if the vote closed now (the outstanding voters counted as absent). */
      readonly ifClosedNow: VoteOutcome;
      readonly outstanding: Outstanding;
      /**
       * How it could still pass (all outstanding agreeing does): the least area and number of outstanding
       * voters that must still take part. Lower bounds on each basis (every completion that passes adds at
       * least this much participation), from VoteTally.needed: max(participation, approval).
       */
      readonly toPass: { readonly area: number; readonly headcount: number };
      /** How it could still fail; never empty while the outcome is open. */
      readonly couldFailBy: readonly FailPath[];
    };

/**
 * May the committee close the vote now, before its closing time?
 *
 * Only when every voter has voted, or when no combination of choices by the voters who have NOT voted
 * (each may agree, disagree, abstain or stay away) could change the result on either basis. Ballots
 * already cast are taken as they stand: closing ends every owner's right to change a ballot, and the
 * result notice says that the vote closed early and why (docs/domain.md, Procedure decisions).
 *
 * Method: three tallies, with every outstanding voter (1) agreeing, (2) staying away, (3) disagreeing.
 *   The vote can pass  <=>  (1) passes.
 *   The vote can fail  <=>  (2) fails or (3) fails.
 * The outcome is fixed iff it cannot both pass and fail: (1) fails (fixed: failed), or (2) and (3) both
 * pass (fixed: passed).
 *
 * Proof. Write T for the electorate totals, P for participating, A for agreeing (on one basis, area or
 * heads; each condition below holds on both bases separately, and every voter has area > 0 and one head).
 * Quorum: P*3 >= T*2, increasing in P (T is fixed). Approval: A*den > P*num (majority, 1/2) or
 * A*den >= P*num (3/4), increasing in A and decreasing in P; note num <= den.
 *   Can pass. Take any assignment that passes and move one outstanding voter v (area a > 0 on the area
 *   basis, 1 on the head basis) to agree. From disagree or abstain: P is unchanged, A grows, so quorum
 *   and approval still hold. From absent: P grows (quorum still holds) and A grows by the same a, so
 *   A*den - P*num changes by a*(den - num) >= 0 and approval still holds. Repeating for every outstanding
 *   voter reaches (1), which therefore passes. Conversely (1) is one of the assignments.
 *   Can fail. Take any assignment s that fails. If its quorum fails on a basis, (2) has P no larger on
 *   that basis (the outstanding add nothing), so (2) fails. Otherwise its quorum holds and its approval
 *   fails on a basis; (3) has P as large as any assignment (every voter participates), so its quorum
 *   holds, and its A is the cast agreeing only (no larger than in s) while its P is no smaller than in s,
 *   so A*den - P*num is no larger and approval fails on that basis: (3) fails. Conversely (2) and (3)
 *   are assignments.
 * Abstaining needs no tally of its own: in every condition it counts exactly as disagreeing does (it
 * takes part and does not approve).
 * Mixed choices (some away to deny the quorum, some against) are covered by the case split above, and
 * tests/unit/vote-procedure.test.ts checks the method against every assignment on small electorates.
 *
 * Throws what tallyVote throws (a unit without area, an empty electorate, duplicate ballots); ballots
 * from outside the electorate are ignored.
 */
export function canCloseEarly(
  units: readonly VoteUnit[],
  ballots: readonly VoteBallot[],
  matter: VoteMatter,
): EarlyCloseDecision {
  const now = tallyVote(units, ballots, matter);
  const outstanding: Outstanding = {
    headcount: now.totalHeadcount - now.participatingHeadcount,
    area: now.totalArea - now.participatingArea,
  };
  if (outstanding.headcount === 0) return { allowed: true, reason: 'all_voted', outcome: outcomeOf(now), outstanding };

  const voted = new Set(ballots.map((b) => b.voterKey));
  const missing = [...new Set(units.map((u) => u.voterKey))].filter((key) => !voted.has(key));
  const ifAll = (choice: 'agree' | 'disagree'): VoteTally =>
    tallyVote(units, [...ballots, ...missing.map((voterKey) => ({ voterKey, choice }))], matter);

  const allAgree = ifAll('agree');
  if (!allAgree.approved) return { allowed: true, reason: 'outcome_fixed', outcome: 'failed', outstanding };

  const allAway = now; // the outstanding voters stay away: the ballots as they stand
  const allAgainst = ifAll('disagree');
  const couldFailBy: FailPath[] = [];
  if (!allAway.quorumReached) couldFailBy.push('quorum');
  // (2) failing on approval with its quorum met implies (3) fails on the same basis (see the proof).
  const against = conditionsOf(allAgainst).approval;
  if (!against.area) couldFailBy.push('approval_area');
  if (!against.headcount) couldFailBy.push('approval_headcount');
  if (couldFailBy.length === 0) return { allowed: true, reason: 'outcome_fixed', outcome: 'passed', outstanding };

  return {
    allowed: false,
    reason: 'outcome_open',
    ifClosedNow: outcomeOf(now),
    outstanding,
    toPass: {
      area: Math.max(now.needed.participationArea, now.needed.approvalArea),
      headcount: Math.max(now.needed.participationHeadcount, now.needed.approvalHeadcount),
    },
    couldFailBy,
  };
}

// ───────────────────────────── voting period ─────────────────────────────

/** The owners' rules of procedure (议事规则) may set another minimum; this is the estate's default. */
export const DEFAULT_MIN_VOTING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type VotingPeriodCheck =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly code: 'invalid_date'; readonly field: 'opensAt' | 'closesAt' }
  /** The closing time is not after the opening time (an empty period is refused here too). */
  | { readonly ok: false; readonly code: 'closes_before_opens' }
  | { readonly ok: false; readonly code: 'too_short'; readonly minDays: number; readonly shortByMs: number };

/**
 * Whether a vote may run from opensAt to closesAt under an estate's minimum voting period. A day is 24
 * hours (China keeps no daylight saving time) and the comparison is in exact milliseconds: a period of 7
 * days minus one millisecond is too short. minDays comes from the estate setting (1..180); anything else
 * is a programming error (RangeError).
 */
export function checkVotingPeriod(opensAt: Date, closesAt: Date, minDays: number = DEFAULT_MIN_VOTING_DAYS): VotingPeriodCheck {
  if (!Number.isSafeInteger(minDays) || minDays < 1)
    throw new RangeError(`minDays must be a positive integer, got ${String(minDays)}`);
  const opens = opensAt instanceof Date ? opensAt.getTime() : Number.NaN;
  const closes = closesAt instanceof Date ? closesAt.getTime() : Number.NaN;
  if (Number.isNaN(opens)) return { ok: false, code: 'invalid_date', field: 'opensAt' };
  if (Number.isNaN(closes)) return { ok: false, code: 'invalid_date', field: 'closesAt' };
  const durationMs = closes - opens;
  if (durationMs <= 0) return { ok: false, code: 'closes_before_opens' };
  const minMs = minDays * DAY_MS;
  if (durationMs < minMs) return { ok: false, code: 'too_short', minDays, shortByMs: minMs - durationMs };
  return { ok: true, durationMs };
}

// ───────────────────────────── recorded ballots ─────────────────────────────

export const BALLOT_CHANNELS = ['online', 'paper', 'door_to_door', 'proxy'] as const;
export type BallotChannel = (typeof BALLOT_CHANNELS)[number];
/** Channels by which a committee member records a ballot on the owner's behalf. */
export type RecordedChannel = Exclude<BallotChannel, 'online'>;

export const PROXY_AGENT_NAME_MAX = 50;

export interface ExistingBallot {
  readonly channel: BallotChannel;
  /** When the owner signed the paper ballot or the written proxy (recorded ballots). */
  readonly signedAt?: Date;
  /** When the ballot was cast online or entered by the recorder. */
  readonly castAt: Date;
}

export interface IncomingRecordedBallot {
  readonly channel: RecordedChannel;
  /** The date (and time, if the paper has one) on the signed ballot or written proxy. */
  readonly signedAt: Date;
  /** A photo or scan of the signed ballot (paper, door to door) or of the written proxy is attached. */
  readonly hasEvidence: boolean;
  /** The agent who voted under the written proxy (书面委托); required for a proxy. */
  readonly agentName?: string;
}

type RecordedBallotRefusal =
  | 'not_a_recorded_channel'
  | 'evidence_required'
  | 'agent_name_required'
  | 'agent_name_too_long'
  | 'signed_at_invalid'
  | 'signed_in_future'
  /** The owner voted online on or after the date of the signed paper: their own later act stands. */
  | 'owner_voted_online_later'
  /** Another recorded ballot under the key bears the same or a later signature date. */
  | 'recorded_ballot_later';

export type RecordedBallotDecision =
  | { readonly allowed: true; readonly replaces: 'nothing' | BallotChannel }
  | { readonly allowed: false; readonly reason: RecordedBallotRefusal };

const validDate = (d: Date | undefined): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

/**
 * May a committee member record this ballot under a voter key that has `existing` (null: none yet)?
 * - The recorded ballot carries evidence (a photo or scan) and, for a proxy, the agent's name.
 * - It never replaces the owner's own online ballot unless the signed paper is dated strictly after that
 *   online ballot was cast. A paper dated by the day only is entered as the start of that day, so a paper
 *   of the same day as the online ballot does not override it: when the order cannot be told, the
 *   owner's own act stands.
 * - It replaces another recorded ballot only if it was signed strictly later (the owner's latest signed
 *   will counts); a recorded ballot without a signature date (entered before evidence was required) is
 *   dated by when it was entered.
 * - `now` (optional) refuses a signature date in the future.
 * The owner and co-owners are told of every ballot recorded or changed under their key (the caller).
 * The owner's own online ballot replaces a recorded one at any time before the close: ownerOnlineBallotMayReplace.
 */
export function recordedBallotMayReplace(
  existing: ExistingBallot | null,
  incoming: IncomingRecordedBallot,
  now?: Date,
): RecordedBallotDecision {
  const refuse = (reason: RecordedBallotRefusal): RecordedBallotDecision => ({ allowed: false, reason });
  if (!(BALLOT_CHANNELS as readonly string[]).includes(incoming.channel) || (incoming.channel as BallotChannel) === 'online') {
    return refuse('not_a_recorded_channel');
  }
  if (incoming.hasEvidence !== true) return refuse('evidence_required');
  if (incoming.channel === 'proxy') {
    const agent = incoming.agentName?.trim() ?? '';
    if (agent === '') return refuse('agent_name_required');
    if ([...agent].length > PROXY_AGENT_NAME_MAX) return refuse('agent_name_too_long');
  }
  if (!validDate(incoming.signedAt)) return refuse('signed_at_invalid');
  if (now !== undefined && incoming.signedAt.getTime() > now.getTime()) return refuse('signed_in_future');

  if (existing === null) return { allowed: true, replaces: 'nothing' };
  if (existing.channel === 'online') {
    return incoming.signedAt.getTime() > existing.castAt.getTime()
      ? { allowed: true, replaces: 'online' }
      : refuse('owner_voted_online_later');
  }
  const existingSigned = validDate(existing.signedAt) ? existing.signedAt : existing.castAt;
  return incoming.signedAt.getTime() > existingSigned.getTime()
    ? { allowed: true, replaces: existing.channel }
    : refuse('recorded_ballot_later');
}

/**
 * The owner's own online ballot may replace any ballot under their key, recorded or online, at any time
 * while the vote is open (the caller checks that it is): the owner's own act is the best evidence of
 * their will, and an owner may change their ballot until the close. What it replaced is kept (audited).
 */
export function ownerOnlineBallotMayReplace(existing: ExistingBallot | null): {
  readonly allowed: true;
  readonly replaces: 'nothing' | BallotChannel;
} {
  return { allowed: true, replaces: existing === null ? 'nothing' : existing.channel };
}

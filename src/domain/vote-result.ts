/**
 * The published result of a closed owners' vote, by matter. Pure: the caller tallies the frozen ballots
 * (vote-tally.ts) and publishes what this returns. Decisions in docs/domain.md (Fund-use votes).
 *
 * Each matter has its own consequence and its own notice text: only a passed vote to USE the maintenance
 * fund (use_fund) approves an amount that may be spent, so only it creates an approved amount in the
 * estate's ledger. A passed raise_fund vote decides that owners will pay in (续筹), rebuild and change_use
 * decide on the building or common parts, and ordinary matters decide nothing about money.
 */
import { MATTERS, conditionsOf, thresholdFor, type VoteMatter, type VoteTally } from './vote-tally.ts';
import type { VoteOutcome } from './vote-procedure.ts';

/** Only using the fund puts an approved amount in the ledger, to be spent against evidence. */
export function createsLedgerAmount(matter: VoteMatter): boolean {
  thresholdFor(matter); // throws RangeError on an unknown matter
  return matter === 'use_fund';
}

/** The message key of the result notice: `votes.result.<matter>.<passed|failed>`. */
export type ResultNoticeKey = `votes.result.${VoteMatter}.${VoteOutcome}`;

export function resultNoticeKey(matter: VoteMatter, outcome: VoteOutcome): ResultNoticeKey {
  thresholdFor(matter);
  return `votes.result.${matter}.${outcome}`;
}

/** Every result notice key, for checking the message catalogue. */
export const RESULT_NOTICE_KEYS: readonly ResultNoticeKey[] = MATTERS.flatMap((m) => [
  resultNoticeKey(m, 'passed'),
  resultNoticeKey(m, 'failed'),
]);

/** Why a vote failed: the first condition not met, in the order the law states them. */
type FailedOn = 'quorum_area' | 'quorum_headcount' | 'approval_area' | 'approval_headcount';

interface Figures {
  readonly agree: number;
  readonly disagree: number;
  readonly abstain: number;
  readonly participating: number;
  readonly electorate: number;
}

export interface VoteResult {
  readonly matter: VoteMatter;
  readonly outcome: VoteOutcome;
  readonly noticeKey: ResultNoticeKey;
  /** 'majority' (> 1/2) or 'three_quarters' (>= 3/4) of the participating, on both bases. */
  readonly threshold: VoteTally['threshold'];
  /** Headcounts (voters) and areas (0.01 m²). */
  readonly heads: Figures;
  readonly areas: Figures;
  readonly quorumReached: boolean;
  /** Every condition not met (empty when passed), in the order quorum area, quorum heads, approval area, approval heads. */
  readonly failedOn: readonly FailedOn[];
  /** Whether the result puts an approved amount in the ledger: a passed use_fund vote only. */
  readonly createsLedgerAmount: boolean;
}

/**
 * The result to publish. The tally must be of this matter (its threshold is the matter's); a mismatch
 * is a caller bug and throws RangeError.
 */
export function voteResult(tally: VoteTally, matter: VoteMatter): VoteResult {
  if (thresholdFor(matter) !== tally.threshold) {
    throw new RangeError(`the tally was made under the ${tally.threshold} threshold, not that of ${matter}`);
  }
  const outcome: VoteOutcome = tally.approved ? 'passed' : 'failed';
  const c = conditionsOf(tally);
  const failedOn: FailedOn[] = [];
  if (!c.quorum.area) failedOn.push('quorum_area');
  if (!c.quorum.headcount) failedOn.push('quorum_headcount');
  if (!c.approval.area) failedOn.push('approval_area');
  if (!c.approval.headcount) failedOn.push('approval_headcount');
  return {
    matter,
    outcome,
    noticeKey: resultNoticeKey(matter, outcome),
    threshold: tally.threshold,
    heads: {
      agree: tally.agreeHeadcount,
      disagree: tally.disagreeHeadcount,
      abstain: tally.abstainHeadcount,
      participating: tally.participatingHeadcount,
      electorate: tally.totalHeadcount,
    },
    areas: {
      agree: tally.agreeArea,
      disagree: tally.disagreeArea,
      abstain: tally.abstainArea,
      participating: tally.participatingArea,
      electorate: tally.totalArea,
    },
    quorumReached: tally.quorumReached,
    failedOn,
    createsLedgerAmount: outcome === 'passed' && createsLedgerAmount(matter),
  };
}

/**
 * The amount (fen) that enters the ledger when the vote closes: the proposal's amount for a passed
 * use_fund vote, else null (nothing may be spent on the strength of this vote).
 */
export function approvedLedgerAmount(result: Pick<VoteResult, 'createsLedgerAmount'>, amountFen: number): number | null {
  if (!result.createsLedgerAmount) return null;
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
    throw new RangeError(`amountFen must be a positive integer, got ${String(amountFen)}`);
  return amountFen;
}

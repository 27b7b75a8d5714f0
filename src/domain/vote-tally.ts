/**
 * Tally of an owners' vote (业主共同决定), e.g. on using the housing maintenance fund.
 *
 * Law: PRC Civil Code art. 278 and the Supreme People's Court interpretation on building ownership
 * (arts. 8-9):
 * - Participation (quorum): owners holding at least 2/3 of the total exclusive area AND at least 2/3 of
 *   the owner headcount take part. "以上" includes the bound, hence >=.
 * - Using the fund and every ordinary matter: agreed by more than half (strictly >) of the participating
 *   area AND more than half of the participating headcount.
 * - Raising the fund, rebuilding, changing the use of common parts: at least 3/4 (>=) of the
 *   participating area AND of the participating headcount.
 * - Headcount: one per person. A person owning several units counts once (with all their area); the
 *   developer's unsold units count as one person together. The caller expresses both by giving those
 *   units the same voterKey.
 * - Abstentions participate but do not approve.
 * - Every unit of the electorate has a recorded exclusive area (> 0) and there is at least one unit;
 *   otherwise there is no lawful tally and tallyVote throws VoteInputError (see electorateProblems).
 *
 * All comparisons are cross-multiplied in BigInt: an area sum times 3 or 4 may exceed 2^53 and a
 * floating-point ratio could put a vote that sits exactly on a bound on the wrong side.
 */

export const MATTERS = ['use_fund', 'raise_fund', 'rebuild', 'change_use', 'ordinary'] as const;
export type VoteMatter = (typeof MATTERS)[number];

export const VOTE_CHOICES = ['agree', 'disagree', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

type VoteThreshold = 'majority' | 'three_quarters';

export interface VoteUnit {
  readonly unitId: string;
  /** Exclusive area in 0.01 m². */
  readonly areaCentiM2: number;
  /** The person who votes for this unit; shared by one person's units and by all unsold developer units. */
  readonly voterKey: string;
}

export interface VoteBallot {
  readonly voterKey: string;
  readonly choice: VoteChoice;
}

export interface VoteTally {
  /** Areas in 0.01 m²; headcounts in distinct voterKeys. */
  readonly totalArea: number;
  readonly totalHeadcount: number;
  readonly participatingArea: number;
  readonly participatingHeadcount: number;
  readonly agreeArea: number;
  readonly agreeHeadcount: number;
  readonly disagreeArea: number;
  readonly disagreeHeadcount: number;
  readonly abstainArea: number;
  readonly abstainHeadcount: number;
  readonly quorumReached: boolean;
  readonly approved: boolean;
  readonly threshold: VoteThreshold;
  /**
   * What is still missing, from the present state:
   * - participationArea / participationHeadcount: the least additional participating area (0.01 m²) and
   *   the least number of additional participating voters that make the quorum conditions hold; 0 if
   *   they already hold.
   * - approvalArea / approvalHeadcount: the least additional area and voters that, joining the vote and
   *   all agreeing, make the approval conditions hold (each newcomer raises both the agreeing and the
   *   participating figure); 0 if they already hold. Existing voters changing their ballot are not
   *   considered.
   * Area and headcount figures are independent lower bounds: real voters come with their whole area,
   * so the units actually canvassed must cover both. Because agreeing newcomers also participate,
   * the vote passes once newcomers cover max(participation, approval) on each basis. While nobody has
   * voted, the 3/4 conditions hold vacuously (0 >= 0) and their figures are 0: the participation
   * figures carry the need.
   */
  readonly needed: {
    readonly participationArea: number;
    readonly participationHeadcount: number;
    readonly approvalArea: number;
    readonly approvalHeadcount: number;
  };
}

/**
 * Thrown for inputs that are well-typed but cannot make a lawful tally: the same unit twice, two ballots
 * for one voter, a unit without a recorded area (zero or negative), or an electorate with no unit.
 */
export class VoteInputError extends Error {
  override readonly name = 'VoteInputError';
  constructor(
    readonly code: 'duplicate_unit' | 'duplicate_ballot' | 'unit_without_area' | 'empty_electorate',
    message: string,
  ) {
    super(message);
  }
}

/** Why a unit cannot enter an electorate. */
export type ElectorateProblem = { readonly unitId: string; readonly problem: 'no_area' | 'area_not_integer' };

/**
 * The units that cannot enter an electorate, in the given order, so that opening a vote can list the units
 * to fix. A unit's exclusive area decides its weight (SPC interpretation art. 8: the property register,
 * else the survey, else the sale contract); a unit without one (0, negative) would count as a head but
 * weigh nothing, which skews the area basis and, with every area 0, makes `0 >= 0` hold vacuously on it.
 * An area that is not a safe integer of 0.01 m² (fractional, NaN, Infinity) is a data error, listed too.
 * An empty list means the electorate may be snapshotted (an empty electorate is refused separately).
 */
export function electorateProblems(units: readonly Pick<VoteUnit, 'unitId' | 'areaCentiM2'>[]): ElectorateProblem[] {
  const problems: ElectorateProblem[] = [];
  for (const { unitId, areaCentiM2: area } of units) {
    if (typeof area !== 'number' || !Number.isSafeInteger(area)) problems.push({ unitId, problem: 'area_not_integer' });
    else if (area <= 0) problems.push({ unitId, problem: 'no_area' });
  }
  return problems;
}

const THRESHOLD_BY_MATTER: Readonly<Record<VoteMatter, VoteThreshold>> = {
  use_fund: 'majority',
  ordinary: 'majority',
  raise_fund: 'three_quarters',
  rebuild: 'three_quarters',
  change_use: 'three_quarters',
};

export function thresholdFor(matter: VoteMatter): VoteThreshold {
  if (!Object.hasOwn(THRESHOLD_BY_MATTER, matter)) {
    throw new RangeError(`unknown vote matter ${JSON.stringify(matter)}; expected one of ${MATTERS.join(', ')}`);
  }
  return THRESHOLD_BY_MATTER[matter];
}

/** part / whole must reach num / den; strict means "more than", otherwise "at least". */
interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
  readonly strict: boolean;
}

const QUORUM: Ratio = { num: 2n, den: 3n, strict: false };
const APPROVAL: Readonly<Record<VoteThreshold, Ratio>> = {
  majority: { num: 1n, den: 2n, strict: true },
  three_quarters: { num: 3n, den: 4n, strict: false },
};

function reaches(part: bigint, whole: bigint, r: Ratio): boolean {
  return r.strict ? part * r.den > whole * r.num : part * r.den >= whole * r.num;
}

/** Least integer x >= 0 with x * step >= deficit (step > 0): ceil division, clamped at 0. */
function leastCovering(deficit: bigint, step: bigint): bigint {
  return deficit <= 0n ? 0n : (deficit + step - 1n) / step;
}

/** Least x >= 0 with (part + x) / whole reaching r, the whole fixed (quorum: the electorate). */
function neededToReach(part: bigint, whole: bigint, r: Ratio): bigint {
  // (part + x) * den >= whole * num (+1 when strict)  <=>  x * den >= whole * num (+1) - part * den
  return leastCovering(whole * r.num + (r.strict ? 1n : 0n) - part * r.den, r.den);
}

/** Least x >= 0 with (agree + x) / (participating + x) reaching r: x newcomers who all agree. */
function neededAgreeing(agree: bigint, participating: bigint, r: Ratio): bigint {
  // (agree + x) * den >= (participating + x) * num (+1)  <=>  x * (den - num) >= participating * num (+1) - agree * den
  return leastCovering(participating * r.num + (r.strict ? 1n : 0n) - agree * r.den, r.den - r.num);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${what} exceeds Number.MAX_SAFE_INTEGER and cannot be reported exactly`);
  }
  return Number(value);
}

function requireKey(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

interface Bucket {
  area: bigint;
  headcount: bigint;
}

export function tallyVote(units: readonly VoteUnit[], ballots: readonly VoteBallot[], matter: VoteMatter): VoteTally {
  const threshold = thresholdFor(matter);

  // Electorate: each voter's whole area, summed over their units.
  const areaByVoter = new Map<string, bigint>();
  const seenUnits = new Set<string>();
  for (const unit of units) {
    const unitId = requireKey(unit.unitId, 'unitId');
    const voterKey = requireKey(unit.voterKey, `voterKey of unit ${unitId}`);
    const area = unit.areaCentiM2;
    if (typeof area !== 'number' || !Number.isSafeInteger(area)) {
      throw new RangeError(`areaCentiM2 of unit ${unitId} must be a safe integer, got ${String(area)}`);
    }
    // A unit without an area weighs nothing on the area basis; see electorateProblems.
    if (area <= 0)
      throw new VoteInputError(
        'unit_without_area',
        `unit ${unitId} has no recorded area (${area}); it cannot enter an electorate`,
      );
    // A unit listed twice would count its area twice.
    if (seenUnits.has(unitId)) throw new VoteInputError('duplicate_unit', `unit ${unitId} is listed twice in the electorate`);
    seenUnits.add(unitId);
    areaByVoter.set(voterKey, (areaByVoter.get(voterKey) ?? 0n) + BigInt(area));
  }

  // With nobody entitled to vote the quorum would hold vacuously (0 >= 0): there is nothing to decide.
  if (areaByVoter.size === 0)
    throw new VoteInputError('empty_electorate', 'the electorate has no unit; there is nothing to tally');
  let totalArea = 0n;
  for (const area of areaByVoter.values()) totalArea += area;
  const totalHeadcount = BigInt(areaByVoter.size);

  const byChoice: Record<VoteChoice, Bucket> = {
    agree: { area: 0n, headcount: 0n },
    disagree: { area: 0n, headcount: 0n },
    abstain: { area: 0n, headcount: 0n },
  };
  const seenBallots = new Set<string>();
  for (const ballot of ballots) {
    const voterKey = requireKey(ballot.voterKey, 'ballot voterKey');
    if (!(VOTE_CHOICES as readonly string[]).includes(ballot.choice)) {
      throw new RangeError(`ballot of ${voterKey}: unknown choice ${JSON.stringify(ballot.choice)}`);
    }
    // Checked before the electorate filter: two ballots for one key is a caller bug wherever the key is.
    if (seenBallots.has(voterKey)) {
      throw new VoteInputError(
        'duplicate_ballot',
        `two ballots for voterKey ${voterKey}; a voter casts one ballot covering all their units`,
      );
    }
    seenBallots.add(voterKey);
    const area = areaByVoter.get(voterKey);
    if (area === undefined) continue; // not in this vote's electorate
    byChoice[ballot.choice].area += area;
    byChoice[ballot.choice].headcount += 1n;
  }

  return decide(totalArea, totalHeadcount, byChoice, threshold);
}

/**
 * What a tally is made of once the units and ballots are added up: the electorate's area and heads, and
 * each choice's area and heads. The vote page keeps these as running counts (votes/tally-counts.ts) and
 * asks `tallyFromSums` what they mean; the result at close is still `tallyVote` over the rows. Both end
 * in the same `decide`, so the page and the close apply one rule.
 */
export interface VoteSums {
  readonly totalArea: number;
  readonly totalHeadcount: number;
  readonly agreeArea: number;
  readonly agreeHeadcount: number;
  readonly disagreeArea: number;
  readonly disagreeHeadcount: number;
  readonly abstainArea: number;
  readonly abstainHeadcount: number;
}

/** The tally of sums already made; throws VoteInputError('empty_electorate') when there is no voter. */
export function tallyFromSums(sums: VoteSums, matter: VoteMatter): VoteTally {
  const threshold = thresholdFor(matter);
  for (const [name, value] of Object.entries(sums)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
    }
  }
  if (sums.totalHeadcount === 0)
    throw new VoteInputError('empty_electorate', 'the electorate has no unit; there is nothing to tally');
  // Each unit has a positive area (electorateProblems), so voters without any area mean a unit without one.
  if (sums.totalArea === 0) throw new VoteInputError('unit_without_area', 'the electorate has no recorded area');
  const b = (value: number) => BigInt(value);
  const byChoice: Record<VoteChoice, Bucket> = {
    agree: { area: b(sums.agreeArea), headcount: b(sums.agreeHeadcount) },
    disagree: { area: b(sums.disagreeArea), headcount: b(sums.disagreeHeadcount) },
    abstain: { area: b(sums.abstainArea), headcount: b(sums.abstainHeadcount) },
  };
  const participatingArea = byChoice.agree.area + byChoice.disagree.area + byChoice.abstain.area;
  const participatingHeadcount = byChoice.agree.headcount + byChoice.disagree.headcount + byChoice.abstain.headcount;
  if (participatingArea > b(sums.totalArea) || participatingHeadcount > b(sums.totalHeadcount)) {
    throw new RangeError('more area or voters take part than the electorate holds');
  }
  return decide(b(sums.totalArea), b(sums.totalHeadcount), byChoice, threshold);
}

/** The figures, the quorum and the approval from the electorate's totals and each choice's bucket. */
function decide(
  totalArea: bigint,
  totalHeadcount: bigint,
  byChoice: Record<VoteChoice, Bucket>,
  threshold: VoteThreshold,
): VoteTally {
  const { agree, disagree, abstain } = byChoice;
  const participatingArea = agree.area + disagree.area + abstain.area;
  const participatingHeadcount = agree.headcount + disagree.headcount + abstain.headcount;

  // Both callers made sure there is a voter and a positive area (tallyVote per unit), so neither total is 0.
  const quorumReached = reaches(participatingArea, totalArea, QUORUM) && reaches(participatingHeadcount, totalHeadcount, QUORUM);
  const rule = APPROVAL[threshold];
  const approved =
    quorumReached && reaches(agree.area, participatingArea, rule) && reaches(agree.headcount, participatingHeadcount, rule);

  const n = (value: bigint, what: string) => toSafeNumber(value, what);
  return {
    totalArea: n(totalArea, 'totalArea'),
    totalHeadcount: n(totalHeadcount, 'totalHeadcount'),
    participatingArea: n(participatingArea, 'participatingArea'),
    participatingHeadcount: n(participatingHeadcount, 'participatingHeadcount'),
    agreeArea: n(agree.area, 'agreeArea'),
    agreeHeadcount: n(agree.headcount, 'agreeHeadcount'),
    disagreeArea: n(disagree.area, 'disagreeArea'),
    disagreeHeadcount: n(disagree.headcount, 'disagreeHeadcount'),
    abstainArea: n(abstain.area, 'abstainArea'),
    abstainHeadcount: n(abstain.headcount, 'abstainHeadcount'),
    quorumReached,
    approved,
    threshold,
    needed: {
      participationArea: n(neededToReach(participatingArea, totalArea, QUORUM), 'needed.participationArea'),
      participationHeadcount: n(neededToReach(participatingHeadcount, totalHeadcount, QUORUM), 'needed.participationHeadcount'),
      approvalArea: n(neededAgreeing(agree.area, participatingArea, rule), 'needed.approvalArea'),
      approvalHeadcount: n(neededAgreeing(agree.headcount, participatingHeadcount, rule), 'needed.approvalHeadcount'),
    },
  };
}

interface BasisFlags {
  readonly area: boolean;
  readonly headcount: boolean;
}

/**
 * Which conditions of a tally hold, on each basis: the quorum (2/3 of the electorate) and the approval
 * (of the participating, by the tally's threshold). `tally.approved` is all four together. Used to say
 * why a vote failed, or how it could still fail.
 */
export function conditionsOf(tally: VoteTally): { readonly quorum: BasisFlags; readonly approval: BasisFlags } {
  const b = (value: number) => BigInt(value);
  const rule = APPROVAL[tally.threshold];
  return {
    quorum: {
      area: reaches(b(tally.participatingArea), b(tally.totalArea), QUORUM),
      headcount: reaches(b(tally.participatingHeadcount), b(tally.totalHeadcount), QUORUM),
    },
    approval: {
      area: reaches(b(tally.agreeArea), b(tally.participatingArea), rule),
      headcount: reaches(b(tally.agreeHeadcount), b(tally.participatingHeadcount), rule),
    },
  };
}

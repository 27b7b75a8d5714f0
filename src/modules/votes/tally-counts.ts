import type { DbTx } from '../../plugins/db.ts';
import { VOTE_CHOICES, type VoteChoice, type VoteSums } from '../../domain/vote-tally.ts';

/**
 * The running tally of a vote (the VoteCount row), kept for the vote page (issue #11).
 *
 * Why counts: the page is read a thousand times a second while a vote is open. Re-adding a 3,000-unit
 * electorate and its ballots on every view cost 4.6 ms a request in SQLite and JavaScript (measured on the
 * bench machine), against 0.02 ms for one row; a ballot is written a few thousand times per vote. So the
 * electorate's totals are written with the snapshot, each ballot moves its voter's area and head between the
 * choices in its own transaction, and tests/integration/votes-tally-counts.test.ts checks the counts
 * against a recount from the rows. The counts only show the vote as it stands: the result at close is
 * tallied from the VoteUnit and Ballot rows by src/domain/vote-tally.ts (closing.ts).
 */

/** The VoteCount columns of each choice. */
const COLUMNS = {
  agree: { area: 'agreeArea', voters: 'agreeVoters' },
  disagree: { area: 'disagreeArea', voters: 'disagreeVoters' },
  abstain: { area: 'abstainArea', voters: 'abstainVoters' },
} as const satisfies Record<VoteChoice, { area: string; voters: string }>;

export interface VoteCountRow {
  electorateArea: number;
  electorateVoters: number;
  electorateUnits: number;
  unitsWithoutArea: number;
  agreeArea: number;
  agreeVoters: number;
  disagreeArea: number;
  disagreeVoters: number;
  abstainArea: number;
  abstainVoters: number;
  votedUnits: number;
}

/** What one voter brings to the tally: the area of their units and how many units (0: not in the electorate). */
export interface VoterShare {
  area: number;
  units: number;
}

/** The counts as the domain's tally takes them. */
export function sumsOf(c: VoteCountRow): VoteSums {
  return {
    totalArea: c.electorateArea,
    totalHeadcount: c.electorateVoters,
    agreeArea: c.agreeArea,
    agreeHeadcount: c.agreeVoters,
    disagreeArea: c.disagreeArea,
    disagreeHeadcount: c.disagreeVoters,
    abstainArea: c.abstainArea,
    abstainHeadcount: c.abstainVoters,
  };
}

const isChoice = (c: string | null | undefined): c is VoteChoice => (VOTE_CHOICES as readonly string[]).includes(c ?? '');

/** The voter's units in this electorate, added up (the ballot's check that the voter is in it, too). */
export async function voterShare(tx: DbTx, proposalId: number, voterKey: string): Promise<VoterShare> {
  const row = await tx.voteUnit.aggregate({
    where: { proposalId, voterKey },
    _sum: { areaCentiM2: true },
    _count: { _all: true },
  });
  return { area: row._sum.areaCentiM2 ?? 0, units: row._count._all };
}

/**
 * Moves a voter from the choice their ballot stood at (null: a first ballot) to the new one, in the
 * ballot's transaction. A vote without a VoteCount row (made by a bulk import that did not recount) is
 * left without one: the page then tallies it from the rows.
 */
export async function countBallot(
  tx: DbTx,
  proposalId: number,
  share: VoterShare,
  from: string | null,
  to: VoteChoice,
): Promise<void> {
  if (share.units === 0 || from === to) return;
  const data: Record<string, { increment: number } | { decrement: number }> = {
    [COLUMNS[to].area]: { increment: share.area },
    [COLUMNS[to].voters]: { increment: 1 },
  };
  if (isChoice(from)) {
    data[COLUMNS[from].area] = { decrement: share.area };
    data[COLUMNS[from].voters] = { decrement: 1 };
  } else data.votedUnits = { increment: share.units };
  await tx.voteCount.updateMany({ where: { proposalId }, data });
}

/** The counts of an electorate and its ballots, added up from the rows as `tallyVote` reads them. */
export function countRows(
  units: readonly { areaCentiM2: number; voterKey: string }[],
  ballots: readonly { voterKey: string; choice: string }[],
): VoteCountRow {
  const shares = new Map<string, VoterShare>();
  let electorateArea = 0;
  let unitsWithoutArea = 0;
  for (const u of units) {
    const share = shares.get(u.voterKey) ?? { area: 0, units: 0 };
    share.area += u.areaCentiM2;
    share.units += 1;
    shares.set(u.voterKey, share);
    electorateArea += u.areaCentiM2;
    if (u.areaCentiM2 <= 0) unitsWithoutArea += 1;
  }
  const counts: VoteCountRow = {
    electorateArea,
    electorateVoters: shares.size,
    electorateUnits: units.length,
    unitsWithoutArea,
    agreeArea: 0,
    agreeVoters: 0,
    disagreeArea: 0,
    disagreeVoters: 0,
    abstainArea: 0,
    abstainVoters: 0,
    votedUnits: 0,
  };
  for (const b of ballots) {
    const share = shares.get(b.voterKey);
    if (!share || !isChoice(b.choice)) continue;
    counts[COLUMNS[b.choice].area] += share.area;
    counts[COLUMNS[b.choice].voters] += 1;
    counts.votedUnits += share.units;
  }
  return counts;
}

/** Writes the counts of a freshly snapshotted electorate (no ballot yet), in the opening's transaction. */
export async function startCounts(tx: DbTx, proposalId: number, units: readonly { areaCentiM2: number; voterKey: string }[]) {
  await tx.voteCount.create({ data: { proposalId, ...countRows(units, []) } });
}

/**
 * Recounts a vote from its rows and stores the result: for whoever writes ballots other than through
 * ballots.ts (the demo seed, a bulk import, a benchmark's generator), and to repair.
 */
export async function recountVoteCounts(tx: DbTx, proposalId: number): Promise<VoteCountRow> {
  const [units, ballots] = await Promise.all([
    tx.voteUnit.findMany({ where: { proposalId }, select: { areaCentiM2: true, voterKey: true } }),
    tx.ballot.findMany({ where: { proposalId }, select: { voterKey: true, choice: true } }),
  ]);
  const counts = countRows(units, ballots);
  await tx.voteCount.upsert({ where: { proposalId }, create: { proposalId, ...counts }, update: counts });
  return counts;
}

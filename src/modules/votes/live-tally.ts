import type { Actor } from '../../actor.ts';
import { Conflict, NotFound } from '../../errors.ts';
import type { Sql } from '../../plugins/sql.ts';
import { tallyFromSums, type VoteMatter, type VoteTally } from '../../domain/vote-tally.ts';
import { lawfully } from './electorate.ts';
import { visibleProposalSql } from './scope-sql.ts';
import { countRows, sumsOf, type VoteCountRow } from './tally-counts.ts';

/**
 * The figures of a vote as the vote page shows them (issue #11): frozen at close, else from the running
 * counts (VoteCount, tally-counts.ts) through the domain's `tallyFromSums`, so a view reads one row
 * instead of re-adding the electorate and its ballots. The htmx poll of the figures is one statement.
 */

/** Figures for the page: each basis against each threshold, as fractions the template prints. */
export function tallyView(tally: VoteTally) {
  const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.floor((part * 1000) / whole) / 10);
  const approvalRatio = tally.threshold === 'majority' ? '> 1/2' : '≥ 3/4';
  return {
    ...tally,
    participationAreaPct: pct(tally.participatingArea, tally.totalArea),
    participationHeadPct: pct(tally.participatingHeadcount, tally.totalHeadcount),
    approvalAreaPct: pct(tally.agreeArea, tally.participatingArea),
    approvalHeadPct: pct(tally.agreeHeadcount, tally.participatingHeadcount),
    quorumAreaOk: tally.needed.participationArea === 0 && tally.totalHeadcount > 0,
    quorumHeadOk: tally.needed.participationHeadcount === 0 && tally.totalHeadcount > 0,
    approvalAreaOk: tally.participatingHeadcount > 0 && tally.needed.approvalArea === 0,
    approvalHeadOk: tally.participatingHeadcount > 0 && tally.needed.approvalHeadcount === 0,
    approvalRatio,
  };
}

const COUNT_COLUMNS = [
  'vc.electorateArea',
  'vc.electorateVoters',
  'vc.electorateUnits',
  'vc.unitsWithoutArea',
  'vc.agreeArea',
  'vc.agreeVoters',
  'vc.disagreeArea',
  'vc.disagreeVoters',
  'vc.abstainArea',
  'vc.abstainVoters',
  'vc.votedUnits',
] as const;

type CountColumns = { [K in (typeof COUNT_COLUMNS)[number] extends `vc.${infer C}` ? C : never]: number | null };

/** The VoteCount row read beside the proposal, or null when the vote has none (see `countsOrRecount`). */
export function countsOf(row: CountColumns & { countsOf: number | null }): VoteCountRow | null {
  if (row.countsOf === null) return null;
  const n = (v: number | null) => v ?? 0;
  return {
    electorateArea: n(row.electorateArea),
    electorateVoters: n(row.electorateVoters),
    electorateUnits: n(row.electorateUnits),
    unitsWithoutArea: n(row.unitsWithoutArea),
    agreeArea: n(row.agreeArea),
    agreeVoters: n(row.agreeVoters),
    disagreeArea: n(row.disagreeArea),
    disagreeVoters: n(row.disagreeVoters),
    abstainArea: n(row.abstainArea),
    abstainVoters: n(row.abstainVoters),
    votedUnits: n(row.votedUnits),
  };
}

/**
 * A vote without a VoteCount row (its ballots were bulk-written without `recountVoteCounts`) is counted
 * from its rows, as before: slower, never wrong.
 */
export async function countsOrRecount(sql: Sql, proposalId: number, counts: VoteCountRow | null): Promise<VoteCountRow> {
  if (counts) return counts;
  const [units, ballots] = await Promise.all([
    sql.selectFrom('VoteUnit').select(['areaCentiM2', 'voterKey']).where('proposalId', '=', proposalId).execute(),
    sql.selectFrom('Ballot').select(['voterKey', 'choice']).where('proposalId', '=', proposalId).execute(),
  ]);
  return countRows(units, ballots);
}

/**
 * The tally the page shows: frozen at close (resultJson), else from the running counts; data no lawful
 * tally can be made of (a unit without area from before the rule) is a problem shown on the page.
 */
export function tallyOrProblem(proposal: { matter: string; resultJson: string | null }, counts: VoteCountRow | null) {
  try {
    if (proposal.resultJson) return { tally: tallyView(JSON.parse(proposal.resultJson) as VoteTally), tallyProblem: '' };
    if (!counts) return { tally: null, tallyProblem: '' };
    if (counts.unitsWithoutArea > 0) throw new Conflict('votes.errors.tally.unit_without_area');
    return { tally: tallyView(lawfully(() => tallyFromSums(sumsOf(counts), proposal.matter as VoteMatter))), tallyProblem: '' };
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    return { tally: null, tallyProblem: error.messageKey };
  }
}

/** The proposal visible to the actor, its estate's name and its counts (the page adds the rest). */
export function proposalQuery(sql: Sql, actor: Actor, id: number) {
  return sql
    .selectFrom('FundProposal as p')
    .innerJoin('Estate as es', 'es.id', 'p.estateId')
    .leftJoin('VoteCount as vc', 'vc.proposalId', 'p.id')
    .where('p.id', '=', id)
    .where(visibleProposalSql(actor, 'p'))
    .select(['p.id', 'p.estateId', 'p.matter', 'p.status', 'p.openedAt', 'p.resultJson', 'es.name as estateName'])
    .select(['vc.proposalId as countsOf', ...COUNT_COLUMNS]);
}

/** The htmx poll of the open vote's figures (votes/_tally.njk): the proposal and its counts, one statement. */
export async function liveTally(sql: Sql, actor: Actor, id: number) {
  const row = await proposalQuery(sql, actor, id).executeTakeFirst();
  if (!row) throw new NotFound();
  // a tally exists once the electorate was snapshotted; a closed vote's is frozen in resultJson
  const counts = row.openedAt !== null && !row.resultJson ? await countsOrRecount(sql, row.id, countsOf(row)) : null;
  const { tally, tallyProblem } = tallyOrProblem(row, counts);
  return { proposal: { id: row.id, matter: row.matter, status: row.status }, tally, tallyProblem };
}

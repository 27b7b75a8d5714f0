import { BENCH_ESTATE, DAY, HISTORY_DAYS, HOUR, type BuildingInfo, type City, type EstateInfo } from './city.ts';
import type { IssueWriter } from './issue-rows.ts';
import type { Meetings } from './meetings.ts';
import { Weighted } from './random.ts';
import { issueText } from './text.ts';
import { planIssue, type VoteSlot } from './timeline.ts';
import type { Votes } from './votes.ts';

/** Categories whose repairs may need the maintenance fund: their issues are the ones that go to a vote. */
const FUND_CATEGORIES = new Set(['roof_leak', 'lift_fault', 'water_drainage', 'facade_risk', 'fire_safety']);
/** How much busier the city is at the end of its history than at the start (linear growth). */
const GROWTH_BASE = 0.6;
export const BENCH_RESIDENT_ISSUES = 40;
const OPEN_STATES = new Set(['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote']);

/** Where in [0, 1] of the history the u-th quantile of issues falls, for a density growing as (a + x). */
function growthQuantile(u: number): number {
  const a = GROWTH_BASE;
  return -a + Math.sqrt(a * a + 2 * u * (a + 0.5));
}

export interface IssueStream {
  /** Issues written by the stream (ids 1..count). */
  count: number;
  /** A public, open issue of the bench estate that someone other than bench_resident filed (0: none). */
  publicIssueId: number;
}

/**
 * Files `count` issues in the order they were filed over the last three years (ids follow time), spread
 * over the estates by their weight, each living the life planIssue gives it; some go to a joint meeting,
 * some wait on a fund vote opened for them. bench_resident files about 40 of those in the bench estate,
 * a few of them recent.
 */
export function writeIssues(
  city: City,
  writer: IssueWriter,
  meetings: Meetings,
  votes: Votes,
  count: number,
  linkedVotes: number,
): IssueStream {
  const { rng, now, people, units } = city;
  const estates = new Weighted(city.estates.map((e) => e.issueWeight));
  const categories = new Weighted(city.categories.map((c) => c.weight));
  const start = now - HISTORY_DAYS * DAY;
  const span = HISTORY_DAYS * DAY - HOUR;

  const benchIssues = new Set<number>();
  const recent = Math.floor(count * cdf(1 - 30 / HISTORY_DAYS));
  while (benchIssues.size < Math.min(count, BENCH_RESIDENT_ISSUES - 8)) benchIssues.add(rng.int(0, count - 1));
  while (benchIssues.size < Math.min(count, BENCH_RESIDENT_ISSUES))
    benchIssues.add(rng.int(Math.min(recent, count - 1), count - 1));

  const fundShare =
    city.categories.filter((c) => FUND_CATEGORIES.has(c.code)).reduce((s, c) => s + c.weight, 0) /
    city.categories.reduce((s, c) => s + c.weight, 0);
  // Nearly every issue drawn for a vote gets one (a few are rejected first, or filed too recently).
  const linkChance = linkedVotes / Math.max(1, count * fundShare * 0.95);
  let linked = 0;
  let publicIssueId = 0;
  const t0 = Date.now();

  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const created = start + growthQuantile((i + rng.next()) / count) * span;
    const mine = benchIssues.has(i);
    const estate = mine ? (city.estates[BENCH_ESTATE] as EstateInfo) : (city.estates[estates.index(rng)] as EstateInfo);
    const reporterId = mine
      ? people.benchResident
      : (estate.residents[Math.floor(estate.residents.length * rng.next() ** 1.3)] as number);
    const reporterUnit = (people.unitOf[reporterId] as number) - 1;
    const building = city.buildings[units.building[reporterUnit] as number] as BuildingInfo;
    const category = city.categories[categories.index(rng)] as (typeof city.categories)[number];
    const l = rng.next();
    let locationType: 'unit' | 'building' | 'estate' = l < 0.4 ? 'unit' : l < 0.75 ? 'building' : 'estate';
    const toVote = linked < linkedVotes && FUND_CATEGORIES.has(category.code) && !mine && rng.chance(linkChance);
    if (toVote && locationType === 'unit') locationType = 'building';
    const text = issueText(
      rng,
      category.code,
      locationType === 'building' ? building.name : locationType === 'estate' ? '小区' : '',
    );
    const openVote = toVote
      ? (openedAt: number): VoteSlot => {
          linked += 1;
          const vote = votes.create({
            estate,
            openedAt,
            issue: { id, building: locationType === 'building' ? (units.building[reporterUnit] as number) : null },
          });
          return {
            id: vote.id,
            closedAt: vote.status === 'open' ? null : vote.closedAt,
            approvedAmountFen: vote.approvedAmountFen,
            title: vote.title,
          };
        }
      : null;
    const steps = planIssue(rng, {
      created,
      now,
      category,
      meetingAfter: (after, latest) =>
        meetings.after(estate.community, after, latest, { issueId: id, title: text.title, estate: estate.index }),
      openVote,
    });
    const isPublic = locationType !== 'unit';
    const outcome = writer.write({
      id,
      estate,
      reporterId,
      reporterUnit,
      category,
      locationType,
      title: text.title,
      description: text.description,
      created,
      steps,
      supporters: isPublic && rng.chance(0.2) ? 1 + Math.floor(29 * rng.next() ** 2.5) : 0,
      photos: rng.chance(0.3) ? rng.int(1, 3) : 0,
      comments: rng.chance(0.15) ? rng.int(1, 3) : 0,
    });
    if (estate.index === BENCH_ESTATE && isPublic && reporterId !== people.benchResident && OPEN_STATES.has(outcome.state)) {
      publicIssueId = id;
    }
    if (id % 100_000 === 0) city.log(`  ${id} issues (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return { count, publicIssueId };
}

/** The share of issues filed before the point x in [0, 1] of the history. */
function cdf(x: number): number {
  const a = GROWTH_BASE;
  return (a * x + (x * x) / 2) / (a + 0.5);
}

import { BENCH_ESTATE, DAY, HOUR, type BuildingInfo, type CategoryInfo, type City, type EstateInfo } from './city.ts';
import type { IssueWriter } from './issue-rows.ts';
import { HANDOFF_REASONS, RESOLVE_NOTES } from './text.ts';
import { newStep, type Step } from './timeline.ts';
import type { Votes } from './votes.ts';

/** The fixed things the bench runner aims at, the same at every size (besides the accounts, made with the people). */
export interface Fixtures {
  longIssueId: number;
  publicIssueId: number;
  proposalId: number;
  categoryId: number;
  buildingId: number;
}

const LONG_HANDOFFS = 60;
const LONG_REOPENS = 88;

/** Steps in a row, `gap` apart, each a move the workflow allows from the state the previous one left. */
function stepper(start: number, gap: number) {
  const steps: Step[] = [];
  let state = 'submitted';
  let party: string | null = null;
  return {
    steps,
    add(who: Step['who'], action: string, to: string, extra: Partial<Step> = {}) {
      steps.push(newStep(start + steps.length * gap, who, action, state, to, party, extra));
      state = to;
      if (extra.party) party = extra.party;
    },
  };
}

export function writeFixtures(
  city: City,
  writer: IssueWriter,
  votes: Votes,
  nextIssueId: number,
  publicIssueId: number,
): Fixtures {
  const { now, people, rng } = city;
  const estate = city.estates[BENCH_ESTATE] as EstateInfo;
  const home = (people.unitOf[people.benchResident] as number) - 1;
  const building = city.buildings[city.units.building[home] as number] as BuildingInfo;
  const category = (code: string) => city.categories.find((c) => c.code === code) as CategoryInfo;

  // The long issue: public, bench_resident's, bounced between property and committee, resolved and reopened
  // again and again for forty days; about 300 events, 40 comments, 20 photos, still in progress.
  const longIssueId = nextIssueId++;
  const created = now - 40 * DAY;
  const events = 3 + 2 * LONG_HANDOFFS + 2 * LONG_REOPENS;
  const long = stepper(created, Math.floor((39.5 * DAY) / events));
  long.add('reporter', 'submit', 'submitted');
  long.add('community', 'accept', 'accepted', { party: 'property', dueAt: created + 15 * DAY });
  for (let i = 0; i < LONG_HANDOFFS; i++) {
    long.add('party', 'start', 'in_progress');
    const to = i % 2 === 0 ? 'committee' : 'property';
    long.add('party', 'handoff', 'accepted', { party: to, note: rng.pick(HANDOFF_REASONS) });
  }
  long.add('party', 'start', 'in_progress');
  for (let i = 0; i < LONG_REOPENS; i++) {
    long.add('party', 'resolve', 'resolved', { note: rng.pick(RESOLVE_NOTES) });
    long.add('reporter', 'reopen', 'in_progress');
  }
  writer.write({
    id: longIssueId,
    estate,
    reporterId: people.benchResident,
    reporterUnit: home,
    category: category('roof_leak'),
    locationType: 'building',
    title: `${building.name}屋面反复漏水，修了又漏`,
    description: `${building.name}顶楼屋面防水层老化，每次维修后下雨又漏，已经反复报修多次，请三方协调彻底解决。`,
    created,
    steps: long.steps,
    supporters: 30,
    photos: 20,
    comments: 40,
  });

  // A public, open issue of the bench estate filed by someone else, if the stream left none.
  if (publicIssueId === 0) {
    publicIssueId = nextIssueId++;
    const reporterId = estate.residents[0] as number;
    const unit = (people.unitOf[reporterId] as number) - 1;
    const at = now - 5 * DAY;
    const open = stepper(at, 6 * HOUR);
    open.add('reporter', 'submit', 'submitted');
    open.add('community', 'accept', 'accepted', { party: 'property', dueAt: at + 7 * DAY });
    open.add('party', 'start', 'in_progress');
    writer.write({
      id: publicIssueId,
      estate,
      reporterId,
      reporterUnit: unit,
      category: category('sanitation'),
      locationType: 'estate',
      title: '小区南门垃圾站周末无人清运',
      description: '周六周日垃圾堆到路边，气味很大，请尽快处理。',
      created: at,
      steps: open.steps,
      supporters: 5,
      photos: 1,
      comments: 1,
    });
  }

  // The open vote: the whole bench estate (3,000 units), a week in, two weeks to go, about half the units
  // already voted — none of the bench accounts' units.
  const reserved = estate.firstUnit + people.reserved;
  const vote = votes.create({
    estate,
    openedAt: now - 7 * DAY,
    closesAt: now + 14 * DAY,
    wholeEstate: true,
    matter: 'use_fund',
    ballotUnits: 1500,
    notVoted: (u) => u < reserved,
    notifyElectorate: true,
  });
  return {
    longIssueId,
    publicIssueId,
    proposalId: vote.id,
    categoryId: category('other').id,
    buildingId: building.id,
  };
}

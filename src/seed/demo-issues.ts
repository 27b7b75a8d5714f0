import type { DbTx } from '../plugins/db.ts';
import { dueDates } from '../domain/deadlines.ts';
import { performIssueAction, type IssueActionInput } from '../modules/issues/index.ts';
import type { DemoRandom } from './demo-random.ts';
import { buildingIdOf, type DemoPlaces } from './demo-places.ts';
import type { DemoActors, DemoPeople } from './demo-people.ts';
import { fixedStories, type DemoStory, type StoryStep } from './demo-issue-stories.ts';

const DAY = 86_400_000;

export interface DemoIssuesContext {
  now: Date;
  random: DemoRandom;
  places: DemoPlaces;
  people: DemoPeople;
  actors: DemoActors;
}

/** Files the demo's issues in order: the fixed stories, then sixteen drawn from the PRNG. */
export async function seedDemoIssues(tx: DbTx, ctx: DemoIssuesContext): Promise<void> {
  const { now, random, places, people } = ctx;
  const { pick } = random;
  const story = storyTeller(tx, ctx);

  const me = {
    id: people.resident.id,
    estateId: places.senjia.id,
    unitId: people.home.id,
    buildingId: await buildingIdOf(tx, people.home.id),
  };
  const me2 = {
    id: people.resident2.id,
    estateId: places.senjia.id,
    unitId: people.home2.id,
    buildingId: await buildingIdOf(tx, people.home2.id),
  };
  const R = people.otherResidents;
  const r = (i: number) => R[i % R.length] as (typeof R)[number];
  const inDays = (d: number, from = now) => new Date(from.getTime() + d * DAY);
  const assign = (party: string, days: number, from: Date): IssueActionInput => ({ party, dueAt: inDays(days, from) });
  const ago = (d: number) => new Date(now.getTime() - d * DAY);

  for (const s of fixedStories({ me, me2, r, assign, ago })) await story(s);

  for (let i = 0; i < 16; i++) {
    const who = r(i + 1);
    const code = pick([
      'sanitation',
      'greening',
      'property_service',
      'parking',
      'noise',
      'water_drainage',
      'lift_fault',
      'other',
    ]);
    const titles: Record<string, string> = {
      sanitation: '楼下绿化带有建筑垃圾',
      greening: '草坪长期没人修剪',
      property_service: '物业电话总是打不通',
      parking: '电动车在楼道里充电',
      noise: '装修时间超出规定',
      water_drainage: '雨水井盖松动',
      lift_fault: '电梯按钮失灵',
      other: '单元门口路灯不亮',
    };
    const start = 3 + i * 2;
    const steps: StoryStep[] =
      i % 4 === 0
        ? []
        : i % 4 === 1
          ? [['accept', 'community', assign(code === 'noise' ? 'community' : 'property', 7, ago(start)), 6]]
          : i % 4 === 2
            ? [
                ['accept', 'community', assign('property', 7, ago(start)), 6],
                ['start', 'property', {}, 6],
                ['resolve', 'property', { note: '已处理完毕。' }, 40],
              ]
            : [
                ['accept', 'community', assign('property', 7, ago(start)), 30],
                ['start', 'property', {}, 12],
                ['resolve', 'property', { note: '已处理。' }, 60],
                ['confirm', 'reporter', { rating: i % 8 === 3 ? 'satisfied' : 'basically_satisfied' }, 12],
              ];
    await story({
      reporter: who,
      code,
      location: i % 3 === 0 ? 'unit' : 'building',
      title: titles[code] as string,
      description: `${titles[code]}，请尽快处理。`,
      daysAgo: start,
      steps,
    });
  }
}

/** Returns the function that files one story; it numbers the submissions as it goes. */
function storyTeller(tx: DbTx, ctx: DemoIssuesContext) {
  const { now, places, actors } = ctx;
  let submission = 0;
  return async function story(opts: DemoStory) {
    const cat = places.category(opts.code);
    let at = new Date(now.getTime() - opts.daysAgo * DAY);
    const due = dueDates(cat, at);
    submission += 1;
    const issue = await tx.issue.create({
      data: {
        estateId: opts.reporter.estateId,
        buildingId: opts.location === 'estate' ? null : opts.reporter.buildingId,
        unitId: opts.location === 'unit' ? opts.reporter.unitId : null,
        locationType: opts.location,
        isPublic: opts.location !== 'unit',
        categoryId: cat.id,
        emergency: cat.emergency,
        title: opts.title,
        description: opts.description,
        reporterId: opts.reporter.id,
        submissionKey: `demo-seed-${submission}`,
        channel: opts.channel ?? 'app',
        filedById: opts.channel ? actors.community.userId : null,
        respondBy: due.respondBy,
        resolveBy: due.resolveBy,
        createdAt: at,
        updatedAt: at,
      },
    });
    await tx.issueEvent.create({
      data: {
        issueId: issue.id,
        actorId: opts.channel ? actors.community.userId : opts.reporter.id,
        actorRole: opts.channel ? 'community' : 'resident',
        action: 'submit',
        toState: 'submitted',
        note:
          opts.channel === 'phone'
            ? '电话受理，由工作人员代为登记'
            : opts.channel === 'desk'
              ? '窗口受理，由工作人员代为登记'
              : '',
        createdAt: at,
      },
    });
    for (const [action, who, input = {}, hoursLater = 5] of opts.steps) {
      at = new Date(at.getTime() + hoursLater * 3_600_000);
      const actor =
        who === 'system'
          ? 'system'
          : who === 'reporter'
            ? actors.resident(opts.reporter)
            : who === 'property' && opts.reporter.estateId === places.gjw.id
              ? actors.gjwProperty
              : actors[who];
      await performIssueAction(tx, actor, issue.id, action, input, { now: at });
    }
    for (const userId of opts.supporters ?? []) {
      await tx.support.create({ data: { issueId: issue.id, userId, createdAt: at } });
    }
    if (opts.supporters?.length) {
      await tx.issue.update({ where: { id: issue.id }, data: { supportCount: opts.supporters.length } });
    }
    return issue.id;
  };
}

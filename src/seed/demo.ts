import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DbTx } from '../plugins/db.ts';
import { hashPassword } from '../lib/password.ts';
import { createDemoRandom } from './demo-random.ts';
import { seedDemoPlaces } from './demo-places.ts';
import { demoActors, seedDemoPeople } from './demo-people.ts';
import { seedDemoIssues } from './demo-issues.ts';
import { seedDemoMeetings } from './demo-meetings.ts';
import { seedDemoVotes } from './demo-votes.ts';
import { endOfShanghaiDay, shanghaiDayInput } from '../domain/notice-dates.ts';

/**
 * The demo replays the story of docs/domain.md: 龚家湾社区 with two estates; 森嘉幸福里 has 8 buildings and 300
 * units; the top-floor residents of building 5 report a roof leak that needs the maintenance fund.
 * Everything is generated deterministically (a seeded PRNG), so every fresh clone shows the same estate.
 * The parts run in a fixed order and share the one PRNG: reordering them changes every generated name.
 */
export const DEMO_PASSWORD = 'demo12345';
export const DEMO_ACCOUNTS = [
  { username: 'resident', role: 'resident', description: '居民 王秀英 — 森嘉幸福里 5号楼 1单元 601（顶楼，反映屋面漏水）' },
  { username: 'property', role: 'property', description: '物业 刘建国 — 森嘉物业服务中心主任' },
  { username: 'committee', role: 'committee', description: '业委会 陈志强 — 森嘉幸福里业委会主任' },
  { username: 'community', role: 'community', description: '社区 赵丽 — 龚家湾社区党委委员' },
  { username: 'admin', role: 'admin', description: '管理员 — 账户与设置' },
  { username: 'resident2', role: 'resident', description: '居民 孙明 — 森嘉幸福里 3号楼（可附议公共诉求）' },
] as const;

export async function seedDemoIfEmpty(db: PrismaClient, now: Date): Promise<boolean> {
  if ((await db.community.count()) > 0) return false;
  await seedDemo(db, now);
  return true;
}

export async function seedDemo(db: PrismaClient, now: Date): Promise<void> {
  const demoHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx) => {
      await seedInTransaction(tx, now, demoHash);
    },
    { timeout: 300_000, maxWait: 10_000 },
  );
}

async function seedInTransaction(tx: DbTx, now: Date, demoHash: string) {
  const random = createDemoRandom(20261127);
  const places = await seedDemoPlaces(tx, random);
  const people = await seedDemoPeople(tx, { places, random, demoHash });
  const actors = demoActors(places, people);
  await seedDemoIssues(tx, { now, random, places, people, actors });
  await seedDemoMeetings(tx, {
    now,
    estate: places.senjia,
    communityActor: actors.community,
    users: {
      community: people.communityUser,
      property: people.property,
      committee: people.committee,
      resident: people.resident,
      resident2: people.resident2,
    },
  });
  await seedDemoVotes(tx, { now });
  // A staff notice pinned at the head of 森嘉幸福里's board, with its notice period (公示期) and end date.
  const day = (days: number) => endOfShanghaiDay(shanghaiDayInput(new Date(now.getTime() + days * 86_400_000)));
  await tx.notice.create({
    data: {
      estateId: places.senjia.id,
      kind: 'general',
      title: '二次供水水箱清洗消毒公示',
      body: '物业将于下周二 9:00–15:00 清洗消毒二次供水水箱，期间高区（10 层以上）停水，请提前储水。\n清洗单位资质和上次水质检测报告在物业服务中心备查；对安排有意见的，请在公示期内向物业或业委会提出。',
      createdById: people.property.id,
      publishedAt: new Date(now.getTime() - 86_400_000),
      pinnedAt: new Date(now.getTime() - 86_400_000),
      publicUntil: day(6),
      endsAt: day(14),
    },
  });
  // The demo's notifications are history: they sit in the inboxes but are not sent to outside channels.
  await tx.notification.updateMany({ where: { deliveredAt: null }, data: { deliveredAt: now } });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { publishNotice } from '../../src/modules/notices/index.ts';

let t: TestApp;
let world: World;
let voteNoticeId: number;
let meetingNoticeId: number;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const db = t.app.db;
  const at = (h: number) => new Date(t.clock.now.getTime() - h * 3_600_000);
  const vote = await publishNotice(db, {
    estateId: world.estateA.id,
    kind: 'vote_result',
    title: '5号楼屋面维修表决通过',
    body: '参与面积 80%，同意 70%。',
    publishedAt: at(2),
  });
  voteNoticeId = vote.id;
  await publishNotice(db, {
    estateId: world.estateB.id,
    kind: 'general',
    title: '乙小区停水通知',
    body: '周五停水。',
    publishedAt: at(1),
  });
  const meeting = await db.meeting.create({
    data: {
      communityId: world.community.id,
      kind: 'regular',
      title: '十一月联席会议',
      place: '社区会议室',
      startsAt: at(30),
      endsAt: at(29),
      status: 'closed',
      convenerId: world.users.community.id,
      estates: { create: [{ estateId: world.estateA.id }] },
      participants: {
        create: [
          { userId: world.users.community.id, party: 'community', attended: true },
          { userId: world.users.residentA2.id, party: 'resident_rep', attended: true },
        ],
      },
    },
  });
  meetingNoticeId = (
    await publishNotice(db, {
      estateId: world.estateA.id,
      kind: 'meeting_decision',
      title: '联席会议决定',
      body: '决定如下。',
      meetingId: meeting.id,
      publishedAt: at(0.5),
    })
  ).id;
  for (let i = 0; i < 21; i++) {
    await publishNotice(db, {
      estateId: world.estateA.id,
      kind: 'fund_use',
      title: `资金使用 ${i}`,
      body: 'x',
      publishedAt: at(100 + i),
    });
  }
});
afterAll(async () => t.close());

describe('the notice board', () => {
  it('shows a resident their own estate’s notices, newest first, and not another estate’s', async () => {
    const c = await loginAs(t.app, 'residenta');
    const res = await c.get('/notices');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('5号楼屋面维修表决通过');
    expect(res.body).not.toContain('乙小区停水通知');
    expect(res.body.indexOf('联席会议决定')).toBeLessThan(res.body.indexOf('5号楼屋面维修表决通过'));
    // 23 notices of estate A: the newest 20, then the older ones by keyset (#11), and back
    expect(res.body).not.toContain('资金使用 18');
    const older = /href="(\/notices\?before=[^"]+)" rel="next"/.exec(res.body)?.[1];
    expect(older).toBeDefined();
    const next = await c.get(String(older).replaceAll('&amp;', '&'));
    expect(next.statusCode).toBe(200);
    for (const title of ['资金使用 18', '资金使用 19', '资金使用 20']) expect(next.body).toContain(title);
    expect(next.body).not.toContain('5号楼屋面维修表决通过');
    expect(next.body).not.toMatch(/rel="next"/);
    const newer = /href="(\/notices\?after=[^"]+)" rel="prev"/.exec(next.body)?.[1];
    const back = await c.get(String(newer).replaceAll('&amp;', '&'));
    expect(back.body).toContain('联席会议决定');
    expect(back.body).not.toContain('资金使用 18');
    expect(back.body).not.toMatch(/rel="prev"/);
  });

  it('filters by kind, with an htmx partial', async () => {
    const c = await loginAs(t.app, 'residenta');
    const res = await c.get('/notices?kind=vote_result', { 'hx-request': 'true' });
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('5号楼屋面维修表决通过');
    expect(res.body).not.toContain('资金使用');
  });

  it('lets community staff read every estate of their community, and filter by estate', async () => {
    const c = await loginAs(t.app, 'community');
    const all = await c.get('/notices');
    expect(all.body).toContain('乙小区停水通知');
    const onlyB = await c.get(`/notices?estate=${world.estateB.id}`);
    expect(onlyB.body).toContain('乙小区停水通知');
    expect(onlyB.body).not.toContain('5号楼屋面维修表决通过');
  });

  it('answers another estate’s notice with a 404', async () => {
    const c = await loginAs(t.app, 'residentb');
    expect((await c.get(`/notices/${voteNoticeId}`)).statusCode).toBe(404);
    expect((await c.get('/notices/abc')).statusCode).toBe(400);
  });

  it.each(['0', '1.5', '2147483648', '99999999999999999999'])(
    'answers a notice id of %s with a 400 page, not a 500',
    async (id) => {
      const c = await loginAs(t.app, 'residenta');
      const res = await c.get(`/notices/${id}`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('提交的内容有误');
      expect((await c.get(`/notices?estate=${id}`)).statusCode).toBe(400);
    },
  );

  it('links a meeting decision to the meeting only for those who may open the meeting', async () => {
    const participant = await loginAs(t.app, 'residenta2');
    const page = await participant.get(`/notices/${meetingNoticeId}`);
    expect(page.statusCode).toBe(200);
    const link = /href="(\/meetings\/\d+)"/.exec(page.body)?.[1];
    expect(link).toBeDefined();
    expect((await participant.get(link as string)).statusCode).toBe(200);

    const neighbour = await loginAs(t.app, 'residenta');
    const theirs = await neighbour.get(`/notices/${meetingNoticeId}`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).toContain('决定如下');
    expect(theirs.body).not.toMatch(/href="\/meetings\/\d+"/);
  });

  it('needs a login', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/notices' });
    expect(res.statusCode).toBe(303);
  });
});

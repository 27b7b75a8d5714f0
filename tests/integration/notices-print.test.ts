import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { publishNotice } from '../../src/modules/notices/index.ts';

/**
 * The printable A4 pages for the lobby board (issue #12): a notice, a closed vote's result and a meeting's
 * minutes, each in Chinese with a QR code carrying the absolute URL of its online version, for whoever
 * may read the thing printed and nobody else.
 */

const HOST = { host: 'board.example.cn' };

let t: TestApp;
let w: World;
const c: Record<string, Client> = {};
let noticeId: number;
let passedVote: number;
let openVote: number;
let closedMeeting: number;
let scheduledMeeting: number;

/** The QR code the page should carry for this URL, as the qrcode package draws it. */
async function qrPathsOf(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
}

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  const db = t.app.db;
  const now = t.clock.now;
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const notice = await db.notice.create({
    data: {
      estateId: w.estateA.id,
      kind: 'general',
      title: '外墙清洗公示',
      body: '12月1日起清洗外墙，请关好窗户。',
      createdById: w.users.propertyA.id,
      publishedAt: now,
      publicUntil: new Date('2026-11-27T15:59:59.999Z'),
    },
  });
  noticeId = notice.id;
  const vote = (status: string) =>
    db.fundProposal.create({
      data: {
        estateId: w.estateA.id,
        matter: 'use_fund',
        title: status === 'passed' ? '5号楼屋面防水维修' : '电梯更换',
        scope: 'estate',
        amountFen: 12_000_000,
        status,
        opensAt: hoursAgo(24 * 10),
        closesAt: hoursAgo(24 * 3),
        openedAt: hoursAgo(24 * 10),
        ...(status === 'passed' ? { closedAt: hoursAgo(24 * 3), closeReason: 'on_time' } : {}),
        createdById: w.users.committeeA.id,
      },
    });
  passedVote = (await vote('passed')).id;
  openVote = (await vote('open')).id;
  await publishNotice(db, {
    estateId: w.estateA.id,
    kind: 'vote_result',
    title: '表决结果',
    body: '通过',
    proposalId: passedVote,
    publishedAt: now,
  });
  const meeting = (status: string) =>
    db.meeting.create({
      data: {
        communityId: w.community.id,
        kind: 'regular',
        title: status === 'closed' ? '十一月联席会议' : '十二月联席会议',
        place: '社区会议室',
        startsAt: hoursAgo(30),
        endsAt: hoursAgo(29),
        status,
        minutes: status === 'closed' ? '会议决定：5号楼屋面由物业负责维修。' : '',
        convenerId: w.users.community.id,
        estates: { create: [{ estateId: w.estateA.id }] },
        participants: {
          create: [
            { userId: w.users.community.id, party: 'community', attended: true },
            { userId: w.users.residentA2.id, party: 'resident_rep', attended: true },
          ],
        },
      },
    });
  closedMeeting = (await meeting('closed')).id;
  scheduledMeeting = (await meeting('scheduled')).id;
  for (const who of ['residenta', 'residenta2', 'residentb', 'propertya', 'community', 'community2'])
    c[who] = await loginAs(t.app, who);
});
afterAll(async () => t.close());

describe('the printable page of a notice', () => {
  it('is one A4 sheet in Chinese with the notice period and a QR code of the notice’s absolute URL', async () => {
    const res = await c.residenta!.get(`/notices/${noticeId}/print`, HOST);
    expect(res.statusCode).toBe(200);
    const url = `http://board.example.cn/notices/${noticeId}`;
    expect(res.body).toContain('/public/css/notice-print.css');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('公示期：至 2026年11月27日');
    expect(res.body).toContain('12月1日起清洗外墙');
    expect(res.body).toContain(url);
    expect(res.body).toMatch(/<svg class="qr" role="img" aria-label="[^"]+"/);
    expect(res.body).toContain(await qrPathsOf(url));
    // the page is printed as it is: no site navigation, no script
    expect(res.body).not.toContain('class="main-nav"');
    expect(res.body).not.toContain('<script');
  });

  it('is linked from the notice page as “打印公示”', async () => {
    const page = await c.residenta!.get(`/notices/${noticeId}`);
    expect(page.body).toContain(`href="/notices/${noticeId}/print"`);
    expect(page.body).toContain('打印公示');
  });

  it('is not there for another estate’s resident or staff', async () => {
    expect((await c.residentb!.get(`/notices/${noticeId}/print`)).statusCode).toBe(404);
    expect((await c.community2!.get(`/notices/${noticeId}/print`)).statusCode).toBe(404);
    expect((await c.residenta!.get('/notices/999999/print')).statusCode).toBe(404);
  });
});

describe('the printable result of a vote', () => {
  it('states the result and its facts, with a QR code of the vote’s absolute URL', async () => {
    const res = await c.residenta!.get(`/votes/${passedVote}/result/print`, HOST);
    expect(res.statusCode).toBe(200);
    const url = `http://board.example.cn/votes/${passedVote}`;
    expect(res.body).toContain('表决通过：使用住宅专项维修资金');
    expect(res.body).toContain('5号楼屋面防水维修');
    expect(res.body).toContain('¥120,000.00');
    expect(res.body).toContain(url);
    expect(res.body).toContain(await qrPathsOf(url));
  });

  it('is linked from a closed vote’s page only', async () => {
    expect((await c.residenta!.get(`/votes/${passedVote}`)).body).toContain(`href="/votes/${passedVote}/result/print"`);
    expect((await c.residenta!.get(`/votes/${openVote}`)).body).not.toContain(`/votes/${openVote}/result/print`);
  });

  it('does not exist before the vote has a result, nor for another estate', async () => {
    expect((await c.residenta!.get(`/votes/${openVote}/result/print`)).statusCode).toBe(404);
    expect((await c.residentb!.get(`/votes/${passedVote}/result/print`)).statusCode).toBe(404);
    expect((await c.residenta!.get('/votes/0/result/print')).statusCode).toBe(400);
  });
});

describe('the printable minutes of a meeting', () => {
  it('carries the minutes and a QR code of the minutes’ absolute URL', async () => {
    const res = await c.community!.get(`/meetings/${closedMeeting}/minutes/print`, HOST);
    expect(res.statusCode).toBe(200);
    const url = `http://board.example.cn/meetings/${closedMeeting}/minutes`;
    expect(res.body).toContain('十一月联席会议');
    expect(res.body).toContain('会议决定：5号楼屋面由物业负责维修。');
    expect(res.body).toContain(url);
    expect(res.body).toContain(await qrPathsOf(url));
    expect((await c.residenta2!.get(`/meetings/${closedMeeting}/minutes/print`)).statusCode).toBe(200);
  });

  it('is linked from the meeting and its minutes once it has been held', async () => {
    const href = `href="/meetings/${closedMeeting}/minutes/print"`;
    expect((await c.community!.get(`/meetings/${closedMeeting}`)).body).toContain(href);
    expect((await c.community!.get(`/meetings/${closedMeeting}/minutes`)).body).toContain(href);
    expect((await c.community!.get(`/meetings/${scheduledMeeting}`)).body).not.toContain(
      `/meetings/${scheduledMeeting}/minutes/print`,
    );
  });

  it('does not exist before the meeting is held, nor for those who may not open the meeting', async () => {
    expect((await c.community!.get(`/meetings/${scheduledMeeting}/minutes/print`)).statusCode).toBe(404);
    expect((await c.community2!.get(`/meetings/${closedMeeting}/minutes/print`)).statusCode).toBe(404);
    expect((await c.residentb!.get(`/meetings/${closedMeeting}/minutes/print`)).statusCode).toBe(404);
  });
});

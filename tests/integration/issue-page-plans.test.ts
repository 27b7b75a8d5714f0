import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../helpers/client.ts';
import { RICH, makeCrowd, makeRichIssue } from './issue-page-fixture.ts';
import { BIG_TABLES, scansOf } from '../helpers/plans.ts';
import { planHarness, type PlanHarness } from './pages-at-scale.ts';

/**
 * The issue page at scale (issue #11): on a generated city with thousands of issues and one issue with a
 * long timeline, the page is a fixed handful of statements whoever reads it, each an index search, and
 * it still shows everything it showed when it was read through Prisma.
 */

const START = new Date('2026-11-20T02:00:00Z');
const CROWD = 5000;
/** Tables the page reads that grow too, if more slowly: held to the same rule. */
const GROWING_TOO = ['AgendaItem', 'Meeting', 'Decision', 'FundProposal', 'User', 'Session'];

let databaseFile: string;
let rich: Awaited<ReturnType<typeof makeRichIssue>>;
let otherEstateIssue: number;
let publicFollowUp: number;
let privateFollowUp: number;
const clients: Record<string, Client> = {};

const captured = <T>(act: () => Promise<T>) => harness.captured(act);

/** The lines of a statement's query plan that read a growing table whole (a covering-index scan too). */
const scansOfBigTables = (statement: string) => scansOf(databaseFile, statement, [...BIG_TABLES, ...GROWING_TOO]);

let harness: PlanHarness;

beforeAll(async () => {
  // The city is written by one app, analysed, and read by a fresh one, as a server started on it would.
  harness = await planHarness(
    START,
    async (_file, made, setup) => {
      const crowd = await makeCrowd(setup.db, made, CROWD, START);
      rich = await makeRichIssue(setup.db, made, START);
      // makeCrowd deals the issues to estates A, B and C in turn
      const ofEstateB = await setup.db.issue.findUniqueOrThrow({ where: { id: crowd[1]! } });
      if (ofEstateB.estateId !== made.estateB.id) throw new Error('the crowd is dealt differently');
      otherEstateIssue = ofEstateB.id;
      const followUps = await setup.db.issue.findMany({ where: { linkedFromId: rich.issueId }, orderBy: { id: 'asc' } });
      publicFollowUp = followUps.find((f) => f.isPublic)!.id;
      privateFollowUp = followUps.find((f) => !f.isPublic)!.id;
    },
    ['residenta', 'residenta2', 'residentb', 'propertya', 'committeea', 'community', 'admin'],
  );
  ({ databaseFile } = harness);
  Object.assign(clients, harness.clients);
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('the issue page of a long-running issue in a city of thousands', () => {
  it.each(['residenta', 'propertya', 'community', 'admin'])(
    'is at most five statements for %s (the session load included), none scanning a growing table',
    async (username) => {
      const { result: res, statements: ran } = await captured(() => clients[username]!.get(`/issues/${rich.issueId}`));
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(RICH.lastNote);
      expect(ran.length).toBeGreaterThan(0);
      expect(ran.length).toBeLessThanOrEqual(5);
      for (const statement of ran) expect(scansOfBigTables(statement), statement).toEqual([]);
    },
  );

  it('runs as many statements for 300 events, 40 comments and 30 photos as for an issue with none', async () => {
    const long = await captured(() => clients.propertya!.get(`/issues/${rich.issueId}`));
    const bare = await captured(() => clients.propertya!.get(`/issues/${rich.earlierId}`));
    expect(long.result.statusCode).toBe(200);
    expect(bare.result.statusCode).toBe(200);
    expect(long.statements.length).toBe(bare.statements.length);
  });

  it('authorises a form on another estate’s issue with one index search, and answers 404', async () => {
    const client = clients.residenta!;
    await client.get(`/issues/${rich.issueId}`); // a page with a CSRF token
    const { result: res, statements: ran } = await captured(() =>
      client.post(`/issues/${otherEstateIssue}/comments`, { body: '我也遇到了' }),
    );
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('我也遇到了');
    expect(ran.length).toBeLessThanOrEqual(3);
    for (const statement of ran) expect(scansOfBigTables(statement), statement).toEqual([]);
  });

  it('catches a scan when there is one (the check itself works)', () => {
    expect(scansOfBigTables('select "i"."id" from "Issue" as "i" where "i"."title" = \'x\'')).toHaveLength(1);
    expect(scansOfBigTables('select count(*) from "Support"')).toHaveLength(1);
    expect(scansOfBigTables('select "id" from "Issue" where "id" = 1')).toEqual([]);
  });
});

describe('what the issue page shows of a rich issue', () => {
  const photos = (body: string) => body.match(/<img src="\/attachments\/\d+"/g)?.length ?? 0;

  it('shows a neighbour the facts, the whole timeline, comments, photos, meetings, votes and links, with the reporter masked', async () => {
    const res = await clients.residenta!.get(`/issues/${rich.issueId}?timeline=all`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).not.toContain('显示全部办理记录');
    for (const text of [
      RICH.title,
      RICH.description,
      '环境卫生',
      '甲小区',
      '5号楼',
      '甲物业维修部',
      RICH.firstNote,
      RICH.lastNote,
    ])
      expect(body).toContain(text);
    expect(body.match(/时间线第 \d+ 条记录/g)).toHaveLength(299);
    expect(body).toContain(`href="/meetings/${rich.meetingId}">${RICH.meetingTitle}</a>`); // an event from the meeting
    expect(body.match(/第 \d+ 条留言/g)).toHaveLength(40);
    expect(body.indexOf(RICH.firstComment)).toBeLessThan(body.indexOf(RICH.lastComment));
    expect(photos(body)).toBe(20 + 6 + 4); // the issue's own, the events', the comments'
    // the reporter (residentA2, 李四 13900001111) masked for a neighbour, in the facts and the timeline
    expect(body).toContain('李*');
    expect(body).toContain('139****1111');
    expect(body).not.toContain('13900001111');
    // meetings panel: both meetings, the decision and that it was applied
    for (const text of [RICH.meetingTitle, RICH.laterMeetingTitle, RICH.decisionReason, '交由责任方办理', '已执行'])
      expect(body).toContain(text);
    // votes: the open one; never the committee's drafts
    expect(body).toContain(RICH.openProposal);
    expect(body).not.toContain(RICH.draftProposal);
    expect(body).not.toContain(RICH.withdrawnDraft);
    // linked issues: where it came from, and the follow-ups the neighbour may see
    expect(body).toContain(`href="/issues/${rich.earlierId}">#${rich.earlierId} ${RICH.linkedFromTitle}</a>`);
    expect(body).toContain(`href="/issues/${publicFollowUp}"`);
    expect(body).not.toContain(`href="/issues/${privateFollowUp}"`);
    // "me too": the count column, and that this neighbour already said it
    expect(body).toMatch(/class="support-count">1 人附议/);
    expect(body).toContain('您已附议');
  });

  it('shows staff the reporter in full, every proposal and every follow-up, in events order', async () => {
    const res = await clients.committeea!.get(`/issues/${rich.issueId}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('李四 · 13900001111');
    for (const text of [RICH.openProposal, RICH.draftProposal, RICH.withdrawnDraft, RICH.cancelledAfterOpening])
      expect(body).toContain(text);
    expect(body).toContain(`href="/issues/${publicFollowUp}"`);
    expect(body).toContain(`href="/issues/${privateFollowUp}"`);
    // the latest 50 steps, oldest of them first, and a link to the whole timeline
    const notes = [...body.matchAll(/时间线第 (\d+) 条记录/g)].map((m) => Number(m[1]));
    expect(notes).toEqual(Array.from({ length: 50 }, (_, n) => 250 + n));
    expect(body).toContain('这里是最近的 50 条记录。');
    expect(body).toContain(`href="/issues/${rich.issueId}?timeline=all#timeline">显示全部办理记录</a>`);
    expect(body).not.toContain('您已附议');
    const all = await clients.committeea!.get(`/issues/${rich.issueId}?timeline=all`);
    const allNotes = [...all.body.matchAll(/时间线第 (\d+) 条记录/g)].map((m) => Number(m[1]));
    expect(allNotes).toEqual(Array.from({ length: 299 }, (_, n) => n + 1));
  });

  it('shows a short timeline whole, with no link to more', async () => {
    const res = await clients.propertya!.get(`/issues/${rich.earlierId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('显示全部办理记录');
  });

  it('shows the reporter their own private follow-up, and a neighbour a 404 for it', async () => {
    expect((await clients.residenta2!.get(`/issues/${privateFollowUp}`)).statusCode).toBe(200);
    expect((await clients.residenta!.get(`/issues/${privateFollowUp}`)).statusCode).toBe(404);
  });

  it('answers another estate’s issue with a 404, and a bad or missing id with a 400 or 404', async () => {
    expect((await clients.residenta!.get(`/issues/${otherEstateIssue}`)).statusCode).toBe(404);
    expect((await clients.residentb!.get(`/issues/${rich.issueId}`)).statusCode).toBe(404);
    expect((await clients.propertya!.get(`/issues/${otherEstateIssue}`)).statusCode).toBe(404);
    expect((await clients.community!.get(`/issues/${otherEstateIssue}`)).statusCode).toBe(200);
    expect((await clients.admin!.get(`/issues/${otherEstateIssue}`)).statusCode).toBe(200);
    expect((await clients.residenta!.get('/issues/2147483648')).statusCode).toBe(400);
    expect((await clients.residenta!.get('/issues/0')).statusCode).toBe(400);
    expect((await clients.residenta!.get('/issues/2147483647')).statusCode).toBe(404);
  });
});

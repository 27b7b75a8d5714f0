import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';

/**
 * #12 item 9, phone comfort, as the server renders it: the progress stepper on the issue page, the
 * compact header's menu and the residents' tab bar, the bell's accessible name, and the dashboard link.
 * (The vote title prompt is in votes-title.test.ts; the browser checks in tests/e2e/phone-comfort.test.ts.)
 */
let t: TestApp;
let w: World;
let resident: Client;
let community: Client;

const FILED = new Date('2026-11-10T02:00:00Z');
const ACCEPTED = new Date('2026-11-10T06:00:00Z');
const STARTED = new Date('2026-11-11T01:00:00Z');
const RESOLVED = new Date('2026-11-14T09:00:00Z');
const CLOSED = new Date('2026-11-16T09:00:00Z');
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  resident = await loginAs(t.app, 'residenta');
  community = await loginAs(t.app, 'community');
});
afterAll(async () => t.close());

async function issue(state: string, data: Record<string, unknown> = {}) {
  seq += 1;
  return t.app.db.issue.create({
    data: {
      estateId: w.estateA.id,
      buildingId: w.buildingA.id,
      locationType: 'building',
      isPublic: true,
      categoryId: w.cat('roof_leak').id,
      title: `屋面渗水 ${seq}`,
      description: '楼顶渗水。',
      reporterId: w.users.residentA.id,
      submissionKey: `progress-${seq}-xxxxxxxxxxxx`,
      state,
      assignedParty: state === 'submitted' ? null : 'property',
      respondBy: new Date('2026-11-11T02:00:00Z'),
      resolveBy: new Date('2026-11-30T02:00:00Z'),
      createdAt: FILED,
      ...data,
    },
  });
}

/** The stepper as "key:status" pairs (the step it is at starred), read back from the page. */
function stepsOf(body: string): string {
  const list = /<ol class="progress"[^>]*>([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? '';
  return [
    ...list.matchAll(
      /<li class="progress-step is-(\w+)[^"]*"( aria-current="step")?>\s*<span[^>]*><\/span>\s*<span class="progress-name">([^<]+)<\/span>/g,
    ),
  ]
    .map((m) => `${m[3]}:${m[1]}${m[2] ? '*' : ''}`)
    .join(' ');
}

describe('the progress stepper on the issue page', () => {
  it.each<[string, string, Record<string, unknown>, string]>([
    [
      'a new issue waits to be accepted',
      'submitted',
      {},
      '提交:current* 受理:upcoming 处理中:upcoming 办结:upcoming 评价/关闭:upcoming',
    ],
    [
      'an issue being handled',
      'in_progress',
      { acceptedAt: ACCEPTED, startedAt: STARTED },
      '提交:done 受理:done 处理中:current* 办结:upcoming 评价/关闭:upcoming',
    ],
    [
      'an issue waiting for the joint meeting shows the detour',
      'awaiting_meeting',
      { acceptedAt: ACCEPTED },
      '提交:done 受理:done 待联席议事:current* 处理中:upcoming 办结:upcoming 评价/关闭:upcoming',
    ],
    [
      'an issue waiting for the owners’ vote shows the vote',
      'awaiting_vote',
      { acceptedAt: ACCEPTED, startedAt: STARTED },
      '提交:done 受理:done 待业主表决:current* 处理中:upcoming 办结:upcoming 评价/关闭:upcoming',
    ],
    [
      'a resolved issue waits for the rating',
      'resolved',
      { acceptedAt: ACCEPTED, startedAt: STARTED, resolvedAt: RESOLVED },
      '提交:done 受理:done 处理中:done 办结:current* 评价/关闭:upcoming',
    ],
    [
      'a closed issue has walked the whole road',
      'closed',
      { acceptedAt: ACCEPTED, startedAt: STARTED, resolvedAt: RESOLVED, closedAt: CLOSED, rating: 'satisfied' },
      '提交:done 受理:done 处理中:done 办结:done 评价/关闭:done*',
    ],
    [
      'a rejected issue ends at 不予受理',
      'rejected',
      { rejectedAt: ACCEPTED, rejectReason: '不属于受理范围' },
      '提交:done 不予受理:done*',
    ],
  ])('%s', async (_name, state, data, expected) => {
    const { id } = await issue(state, data);
    const page = await resident.get(`/issues/${id}`);
    expect(page.statusCode).toBe(200);
    expect(stepsOf(page.body)).toBe(expected);
  });

  it('a duplicate is shown closed as a duplicate, not as resolved', async () => {
    const original = await issue('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED });
    const { id } = await issue('closed', { duplicateOfId: original.id, closedAt: CLOSED });
    const body = (await community.get(`/issues/${id}`)).body;
    expect(stepsOf(body)).toBe('提交:done 按重复诉求关闭:done*');
    expect(body).toContain('（已结束）');
  });

  it('a meeting the issue went through is a done step, dated by the meeting', async () => {
    const { id } = await issue('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED });
    const meeting = await t.app.db.meeting.create({
      data: {
        communityId: w.community.id,
        kind: 'regular',
        title: '十一月联席会议',
        place: '社区会议室',
        startsAt: new Date('2026-11-12T06:00:00Z'),
        endsAt: new Date('2026-11-12T08:00:00Z'),
        convenerId: w.users.community.id,
      },
    });
    await t.app.db.agendaItem.create({ data: { meetingId: meeting.id, issueId: id, title: '屋面渗水', position: 1 } });
    const body = (await resident.get(`/issues/${id}`)).body;
    expect(stepsOf(body)).toBe('提交:done 受理:done 待联席议事:done 处理中:current* 办结:upcoming 评价/关闭:upcoming');
    expect(body).toMatch(
      /待联席议事<\/span>\s*<span class="visually-hidden">（已完成）<\/span>\s*<time class="progress-date" datetime="2026-11-12T14:00">11-12<\/time>/,
    );
  });

  it('is an ordered list whose current step is marked for assistive technology, with dates of the steps behind', async () => {
    const { id } = await issue('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED });
    const body = (await resident.get(`/issues/${id}`)).body;
    expect(body).toContain('<ol class="progress" aria-label="办理进度">');
    expect(body.match(/aria-current="step"/g)).toHaveLength(1);
    expect(body).toContain('<time class="progress-date" datetime="2026-11-10T10:00">11-10</time>');
    expect(body).toContain('（进行中）');
    expect(body).toContain('（未开始）');
  });

  it('is in English for an English reader', async () => {
    const { id } = await issue('accepted', { acceptedAt: ACCEPTED });
    const body = (await resident.get(`/issues/${id}`, { cookie: `${resident.cookieHeader()}; lang=en` })).body;
    expect(body).toContain('aria-label="Progress"');
    expect(body).toContain('Being handled');
  });
});

describe('the compact header', () => {
  it('gives a resident the bottom tab bar with real links, the current one marked', async () => {
    const body = (await resident.get('/notices')).body;
    expect(body).toContain('<body hx-headers=');
    expect(body).toMatch(/<body[^>]* class="with-tabs"/);
    const bar = /<nav class="tab-bar"[^>]*>([\s\S]*?)<\/nav>/.exec(body)?.[1] ?? '';
    const tabs = [...bar.matchAll(/<a href="([^"]+)" class="tab [^"]*"([^>]*)>/g)].map((m) => [
      m[1],
      m[2]?.includes('aria-current="page"'),
    ]);
    expect(tabs).toEqual([
      ['/issues/mine', false],
      ['/issues/new', false],
      ['/notices', true],
      ['/notifications', false],
      ['/profile', false],
    ]);
  });

  it('gives staff no tab bar, and folds their nav and account links into a menu that opens without JS', async () => {
    const body = (await community.get('/issues')).body;
    expect(body).not.toContain('class="tab-bar"');
    const menu = /<details class="phone-menu">([\s\S]*?)<\/details>/.exec(body)?.[1] ?? '';
    expect(menu).toContain('<summary>菜单</summary>');
    for (const href of ['/issues', '/meetings', '/dashboard', '/account/password', '/logout'])
      expect(menu).toContain(`"${href}"`);
    expect(menu).toContain('name="_csrf"');
  });

  it('names the bell with its unread count, not a bare number, in the header and in the tab bar', async () => {
    await t.app.db.notification.createMany({
      data: [1, 2, 3].map((i) => ({ userId: w.users.residentA.id, kind: 'issue.accepted', link: `/x/${i}` })),
    });
    const body = (await resident.get('/issues/mine')).body;
    expect(body).toMatch(/<a href="\/notifications" class="nav-bell" aria-label="通知（3 条未读）">/);
    expect(body).toMatch(/class="tab tab-notifications" aria-label="通知（3 条未读）">/);
    expect(body).toContain('<span class="badge" aria-hidden="true">3</span>');
  });

  it.each(['propertya', 'committeea', 'community'])('shows %s the 统计 link', async (username) => {
    const staff = await loginAs(t.app, username);
    const nav = /<nav class="main-nav"[^>]*>([\s\S]*?)<\/nav>/.exec((await staff.get('/issues')).body)?.[1] ?? '';
    expect(nav).toContain('<a href="/dashboard">统计</a>');
  });

  it('keeps the account links together, notification settings among them, in the header and in the menu', async () => {
    const body = (await resident.get('/issues/mine')).body;
    const who = /<div class="who">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '';
    const menuWho = /<div class="menu-who">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '';
    for (const links of [who, menuWho]) {
      expect([...links.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual([
        '/profile',
        '/account/password',
        '/notifications/preferences',
      ]);
      expect(links).toContain('action="/logout"');
    }
  });

  it('does not show a resident the 统计 link', async () => {
    expect((await resident.get('/issues/mine')).body).not.toContain('href="/dashboard"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

/**
 * The staff queue's sorts and the filters the dashboard links to (issue #12): every sort pages by keyset
 * over the whole tab, forward and back, with no row twice and none missing, ties broken by id; a cursor of
 * one sort is refused by another; estate, filing dates and flags filter as named, and bad ones are a 400.
 */
let t: TestApp;
let world: World;
let community: Client;
let propertyA: Client;
const HOUR = 3_600_000;
const STATES = ['submitted', 'accepted', 'in_progress', 'submitted', 'resolved', 'closed', 'awaiting_meeting'];

const idsOf = (body: string) =>
  [...body.matchAll(/<li class="issue-row[^"]*">\s*<a href="\/issues\/(\d+)"/g)].map((m) => Number(m[1]));
const link = (body: string, rel: 'next' | 'prev') =>
  new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(body)?.[1]?.replaceAll('&amp;', '&') ?? null;

interface Row {
  id: number;
  state: string;
  emergency: boolean;
  supportCount: number;
  createdAt: Date;
  respondBy: Date;
  resolveBy: Date;
}
const OPEN = ['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote'];
const ms = (d: Date) => d.getTime();
const due = (r: Row) => ms(r.state === 'submitted' ? r.respondBy : r.resolveBy);
const ORDERS: Record<string, (a: Row, b: Row) => number> = {
  open: (a, b) =>
    Number(b.emergency) - Number(a.emergency) ||
    b.supportCount - a.supportCount ||
    ms(a.createdAt) - ms(b.createdAt) ||
    a.id - b.id,
  history: (a, b) => ms(b.createdAt) - ms(a.createdAt) || b.id - a.id,
  age: (a, b) => ms(a.createdAt) - ms(b.createdAt) || a.id - b.id,
  supports: (a, b) => b.supportCount - a.supportCount || ms(a.createdAt) - ms(b.createdAt) || a.id - b.id,
  due: (a, b) => due(a) - due(b) || a.id - b.id,
};

/** Every page of a queue from `url`: the ids forward, then back again from the last page by "previous". */
async function walk(client: Client, url: string) {
  const forward: number[] = [];
  const pages: string[] = [];
  let at: string | null = url;
  while (at) {
    const res = await client.get(at);
    expect(res.statusCode, at).toBe(200);
    pages.push(res.body);
    forward.push(...idsOf(res.body));
    at = link(res.body, 'next');
  }
  const backward: number[][] = [];
  let body = pages[pages.length - 1]!;
  for (let back = link(body, 'prev'); back; back = link(body, 'prev')) {
    const res = await client.get(back);
    expect(res.statusCode, back).toBe(200);
    body = res.body;
    backward.unshift(idsOf(body));
  }
  return { forward, backward: [...backward.flat(), ...idsOf(pages[pages.length - 1]!)], pages: pages.length };
}

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const start = t.clock.now.getTime() - 30 * 24 * HOUR;
  // 60 issues over both estates of the community: shared filing times, shared support counts, emergencies,
  // every kind of state, so each order has ties that only the id breaks.
  for (let n = 0; n < 60; n++) {
    const inB = n % 4 === 3;
    const issue = await makeIssue(t.app, world, {
      title: `排序诉求 ${n}`,
      state: STATES[n % STATES.length]!,
      category: n % 11 === 0 ? 'lift_entrapment' : n % 5 === 0 ? 'parking' : 'sanitation',
      createdAt: new Date(start + (n % 13) * 7 * HOUR),
      ...(inB ? { estateId: world.estateB.id, buildingId: world.buildingB.id } : {}),
      handoffCount: n % 10 === 0 ? 2 : 0,
      reopenCount: n % 9 === 0 ? 1 : 0,
      rating: n % 8 === 0 ? 'dissatisfied' : null,
    });
    // the list reads the column (what supportIssue keeps equal to the Support rows)
    await t.app.db.issue.update({ where: { id: issue.id }, data: { supportCount: n % 4 } });
  }
  community = await loginAs(t.app, 'community');
  propertyA = await loginAs(t.app, 'propertya');
});
afterAll(() => t.close());

async function rowsOf(where: object): Promise<Row[]> {
  return t.app.db.issue.findMany({
    where: { communityId: world.community.id, ...where },
    select: { id: true, state: true, emergency: true, supportCount: true, createdAt: true, respondBy: true, resolveBy: true },
  });
}

describe('sorting the staff queue', () => {
  it.each([
    ['open', '', 'open'],
    ['open', 'due', 'due'],
    ['open', 'age', 'age'],
    ['open', 'supports', 'supports'],
    ['all', '', 'history'],
    ['all', 'due', 'due'],
    ['all', 'age', 'age'],
    ['all', 'supports', 'supports'],
    ['triage', 'due', 'due'],
  ])('the %s tab sorted by “%s” pages through every issue once, forward and back', async (view, sort, order) => {
    const states = view === 'open' ? OPEN : view === 'triage' ? ['submitted'] : undefined;
    const expected = (await rowsOf(states ? { state: { in: states } } : {})).sort(ORDERS[order]).map((r) => r.id);
    const { forward, backward, pages } = await walk(community, `/issues?view=${view}${sort ? `&sort=${sort}` : ''}`);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    if (expected.length > 20) expect(pages).toBeGreaterThan(1);
  });

  it('keeps the emergencies-only filter under each sort', async () => {
    for (const sort of ['supports', 'due', 'age']) {
      const expected = (await rowsOf({ state: { in: OPEN }, emergency: true })).sort(ORDERS[sort]).map((r) => r.id);
      expect((await walk(community, `/issues?view=open&emergency=1&sort=${sort}`)).forward, sort).toEqual(expected);
    }
  });

  it('refuses a cursor of another sort, or a sort it does not know', async () => {
    const first = await community.get('/issues?view=all&sort=age');
    const next = link(first.body, 'next')!;
    expect(next).toContain('sort=age');
    expect((await community.get(next)).statusCode).toBe(200);
    for (const other of ['supports', 'due', ''])
      expect((await community.get(next.replace('sort=age', `sort=${other}`))).statusCode, other).toBe(400);
    expect((await community.get('/issues?view=all&sort=title')).statusCode).toBe(400);
  });

  it('offers the sort in a GET form that works without JavaScript', async () => {
    const page = await community.get('/issues?view=all&sort=due');
    expect(page.body).toMatch(/<form method="get" action="\/issues"[^>]*>/);
    expect(page.body).toMatch(/<option value="due" selected>/);
    expect(page.body).toContain('<button type="submit">');
    expect(page.body).toMatch(/rel="next"[^>]*>下一页</); // the pager speaks of pages, not of newer and older
    expect(page.body).not.toContain('issues.list.');
  });
});

describe('the filters the dashboard links to', () => {
  it('narrows to one of the actor’s estates, and refuses an estate out of scope', async () => {
    const expected = (await rowsOf({ estateId: world.estateB.id })).sort(ORDERS.history).map((r) => r.id);
    expect((await walk(community, `/issues?view=all&estate=${world.estateB.id}`)).forward).toEqual(expected);
    expect((await community.get(`/issues?view=all&estate=${world.estateC.id}`)).statusCode).toBe(400);
    expect((await propertyA.get(`/issues?view=all&estate=${world.estateB.id}`)).statusCode).toBe(400);
    expect((await community.get('/issues.csv?view=all&estate=' + world.estateC.id)).statusCode).toBe(400);
  });

  it('filters by filing date, both days included, in Shanghai time', async () => {
    const all = await rowsOf({});
    const day = (d: Date) => new Date(d.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const days = [...new Set(all.map((r) => day(r.createdAt)))].sort();
    const from = days[1]!;
    const to = days[3]!;
    const expected = all.filter((r) => day(r.createdAt) >= from && day(r.createdAt) <= to);
    expect(expected.length).toBeGreaterThan(0);
    for (const sort of ['', 'age', 'due']) {
      const { forward } = await walk(community, `/issues?view=all&from=${from}&to=${to}${sort ? `&sort=${sort}` : ''}`);
      expect(
        forward.sort((a, b) => a - b),
        sort,
      ).toEqual(expected.map((r) => r.id).sort((a, b) => a - b));
    }
    const one = all.filter((r) => day(r.createdAt) === from).map((r) => r.id);
    expect(idsOf((await community.get(`/issues?view=all&from=${from}&to=${from}`)).body).sort((a, b) => a - b)).toEqual(
      one.sort((a, b) => a - b),
    );
  });

  it('refuses dates that are not calendar days with a 400', async () => {
    for (const bad of ['from=2026-02-30', 'to=2026-13-01', 'from=yesterday', 'to=2026-1-5', 'from=20261105']) {
      const res = await community.get(`/issues?view=all&${bad}`);
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it.each([
    ['bouncing', { handoffCount: { gte: 2 } }],
    ['reopened', { reopenCount: { gte: 1 } }],
    ['dissatisfied', { rating: 'dissatisfied' }],
  ])('flag=%s shows exactly those issues', async (flag, where) => {
    const expected = (await rowsOf(where)).sort(ORDERS.history).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect((await walk(community, `/issues?view=all&flag=${flag}`)).forward).toEqual(expected);
  });

  it('refuses a flag it does not know', async () => {
    expect((await community.get('/issues?view=all&flag=angry')).statusCode).toBe(400);
  });

  it('shows the active filters, each with a link that clears it', async () => {
    const page = await community.get(`/issues?view=all&flag=reopened&estate=${world.estateA.id}&sort=age`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('class="active-filters"');
    expect(page.body).toContain(`href="/issues?view=all&amp;estate=${world.estateA.id}&amp;sort=age"`); // flag cleared
    expect(page.body).toContain('href="/issues?view=all&amp;sort=age&amp;flag=reopened"'); // estate cleared
    expect(page.body).toContain('href="/issues?view=all&amp;sort=age"'); // all cleared
    expect(page.body).toContain('重新打开过');
    expect(page.body).toContain('甲小区');
  });
});

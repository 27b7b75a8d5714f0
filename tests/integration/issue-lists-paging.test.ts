import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueFilterOptionsCache } from '../../src/modules/issues/list-options.ts';
import { actorFor, type World } from '../helpers/world.ts';
import type { Client } from '../helpers/client.ts';
import { makeListCity, type ListCity } from './issue-lists-fixture.ts';
import { planHarness, type PlanHarness } from './pages-at-scale.ts';

/**
 * Keyset paging of the issue lists (issue #11): walking a list's "next" links returns every issue it
 * holds exactly once and in its order, whatever is filed meanwhile; the "previous" links walk the same
 * pages back; a filter that matches few issues still finds them all, a window at a time; and a cursor
 * that is not one of ours is a 400, never a 500. What a list "holds" is computed here from the rows
 * with the visibility rule, independently of the app's SQL.
 */

const START = new Date('2026-11-20T02:00:00Z');
const COUNT = 4000;
const OPEN = ['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote'];

let databaseFile: string;
let app: FastifyInstance;
let world: World;
let city: ListCity;
const clients: Record<string, Client> = {};

interface Row {
  id: number;
  estateId: number;
  state: string;
  emergency: number;
  supportCount: number;
  createdAt: string;
  isPublic: number;
  reporterId: number;
  categoryId: number;
  assignedParty: string | null;
  title: string;
}

function rows(): Row[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT id, estateId, state, emergency, supportCount, createdAt, isPublic, reporterId, categoryId, assignedParty, title FROM Issue',
      )
      .all() as Row[];
  } finally {
    db.close();
  }
}

const openOrder = (a: Row, b: Row) =>
  b.emergency - a.emergency ||
  b.supportCount - a.supportCount ||
  (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
  a.id - b.id;
const newestFirst = (a: Row, b: Row) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0) || b.id - a.id;
const expected = (keep: (r: Row) => boolean, order: (a: Row, b: Row) => number) =>
  rows()
    .filter(keep)
    .sort(order)
    .map((r) => r.id);

const ids = (body: string) =>
  [...body.matchAll(/<li class="issue-row[^"]*">\s*<a href="\/issues\/(\d+)"/g)].map((m) => Number(m[1]));
const link = (body: string, rel: 'next' | 'prev') =>
  new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(body)?.[1]?.replaceAll('&amp;', '&') ?? null;

/** Follows the "next" links from `url` to the end: the ids of every page, and the pages' URLs. */
async function walk(client: Client, url: string, between?: (page: number) => Promise<void>) {
  const pages: { url: string; ids: number[]; body: string }[] = [];
  for (let at: string | null = url; at !== null;) {
    const res = await client.get(at);
    expect(res.statusCode, at).toBe(200);
    pages.push({ url: at, ids: ids(res.body), body: res.body });
    at = link(res.body, 'next');
    if (pages.length > 500) throw new Error('the walk does not end');
    await between?.(pages.length);
  }
  return pages;
}

let harness: PlanHarness;

beforeAll(async () => {
  harness = await planHarness(
    START,
    (file, made) => {
      city = makeListCity(file, made, COUNT, START);
    },
    ['residenta', 'propertya', 'committeea', 'community', 'community2'],
  );
  ({ app, world, databaseFile } = harness);
  Object.assign(clients, harness.clients);
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('walking a list page by page', () => {
  const inCommunity = (r: Row) => city.communityEstates.includes(r.estateId);
  const committeeEstates = () => [world.estateA.id, city.estateA2];

  it.each([
    ['community', '/issues?view=triage', (r: Row) => inCommunity(r) && r.state === 'submitted', openOrder],
    ['community', '/issues?view=open', (r: Row) => inCommunity(r) && OPEN.includes(r.state), openOrder],
    ['community', '/issues?view=all', inCommunity, newestFirst],
    ['community', '/issues?view=all&state=closed', (r: Row) => inCommunity(r) && r.state === 'closed', newestFirst],
    [
      'community',
      '/issues?view=open&emergency=1',
      (r: Row) => inCommunity(r) && OPEN.includes(r.state) && r.emergency === 1,
      openOrder,
    ],
    [
      'community2',
      '/issues?view=resolved',
      (r: Row) => city.otherEstates.includes(r.estateId) && r.state === 'resolved',
      newestFirst,
    ],
    [
      'committeea',
      '/issues?view=assigned',
      (r: Row) => committeeEstates().includes(r.estateId) && OPEN.includes(r.state) && r.assignedParty === 'committee',
      openOrder,
    ],
    ['committeea', '/issues?view=all', (r: Row) => committeeEstates().includes(r.estateId), newestFirst],
    [
      'residenta',
      '/issues/public?state=open',
      (r: Row) => r.estateId === world.estateA.id && r.isPublic === 1 && OPEN.includes(r.state),
      openOrder,
    ],
    [
      'residenta',
      '/issues/public?state=all',
      (r: Row) => r.estateId === world.estateA.id && r.isPublic === 1 && r.state !== 'rejected',
      newestFirst,
    ],
    [
      'residenta',
      '/issues/mine',
      (r: Row) => r.reporterId === world.users.residentA.id && r.estateId === world.estateA.id,
      newestFirst,
    ],
  ] as const)('%s %s: every issue once, in order', async (username, url, keep, order) => {
    const want = expected(keep, order);
    expect(want.length).toBeGreaterThan(20); // more than one page
    const pages = await walk(clients[username]!, url);
    expect(pages.flatMap((p) => p.ids)).toEqual(want);
    expect(pages.slice(0, -1).every((p) => p.ids.length === 20)).toBe(true);
  });

  it('walks the same pages back with the "previous" links', async () => {
    const client = clients.community!;
    const forward = await walk(client, '/issues?view=open');
    expect(forward.length).toBeGreaterThan(3);
    const backward: number[][] = [];
    for (let at = link(forward[forward.length - 1]!.body, 'prev'); at !== null;) {
      const res = await client.get(at);
      backward.unshift(ids(res.body));
      at = link(res.body, 'prev');
    }
    expect(backward).toEqual(forward.slice(0, -1).map((p) => p.ids));
  });

  it('issues filed during the walk do not repeat or push out the issues already listed', async () => {
    const client = clients.community!;
    const want = expected(inCommunity, newestFirst);
    let filed = 0;
    const pages = await walk(client, '/issues?view=all', async (page) => {
      if (page % 5 !== 1) return;
      // newer than everything listed, and in every open state group: they sort before the cursor
      for (let n = 0; n < 3; n++, filed++)
        await app.db.issue.create({
          data: {
            estateId: world.estateA.id,
            locationType: 'estate',
            isPublic: true,
            categoryId: world.cat('sanitation').id,
            title: `走查时新报的 ${filed}`,
            description: '描述',
            reporterId: world.users.residentA2.id,
            submissionKey: randomUUID(),
            respondBy: START,
            resolveBy: START,
            createdAt: new Date(START.getTime() + (filed + 1) * 1000),
          },
        });
    });
    expect(filed).toBeGreaterThan(0);
    const seen = pages.flatMap((p) => p.ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(want);
    // and the first page now starts with them
    expect(ids((await client.get('/issues?view=all')).body).slice(0, 3)).toEqual(expected(inCommunity, newestFirst).slice(0, 3));
  });

  it('in the open order too: issues filed meanwhile come once, after those already listed', async () => {
    const client = clients.community!;
    const want = expected((r) => inCommunity(r) && r.state === 'submitted', openOrder);
    const filedIds: number[] = [];
    const pages = await walk(client, '/issues?view=triage', async (page) => {
      if (page > 3) return;
      const issue = await app.db.issue.create({
        data: {
          estateId: city.estateA2,
          locationType: 'estate',
          isPublic: true,
          categoryId: world.cat('sanitation').id,
          title: `排队时新报的 ${page}`,
          description: '描述',
          reporterId: world.users.residentA2.id,
          submissionKey: randomUUID(),
          respondBy: START,
          resolveBy: START,
          createdAt: new Date(START.getTime() + 3_600_000 + page * 1000),
        },
      });
      filedIds.push(issue.id);
    });
    const seen = pages.flatMap((p) => p.ids);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !filedIds.includes(id))).toEqual(want);
    // the newest of the least supported come last: every one filed during the walk is on a later page
    expect(seen.slice(-filedIds.length)).toEqual(filedIds);
  });
});

describe('filters that match few issues', () => {
  const inCommunity = (r: Row) => city.communityEstates.includes(r.estateId);

  it('finds every issue of a rare category, looking through a window of issues a page', async () => {
    const want = expected((r) => inCommunity(r) && r.categoryId === city.rareCategoryId, newestFirst);
    expect(want.length).toBe(city.rareCount);
    const pages = await walk(clients.community!, `/issues?view=all&category=${city.rareCategoryId}`);
    expect(pages.flatMap((p) => p.ids)).toEqual(want);
    expect(pages.length).toBeGreaterThan(1); // the history is longer than one window
    expect(pages[0]!.body).toContain('这一页只查看了 1000 件诉求');
    expect(pages[0]!.body).not.toContain('共 '); // no total for a windowed list
  });

  it('searches titles for the words typed, % and _ included, within the actor’s issues', async () => {
    const words = '100%_';
    const want = expected((r) => inCommunity(r) && r.title.includes(words), newestFirst);
    const decoys = expected((r) => inCommunity(r) && r.title.includes('100分'), newestFirst);
    expect(want.length).toBeGreaterThan(0);
    expect(decoys.length).toBeGreaterThan(0); // what `100%_` would match as a pattern
    const pages = await walk(clients.community!, `/issues?view=all&q=${encodeURIComponent(` ${words} `)}`);
    expect(pages.flatMap((p) => p.ids)).toEqual(want);
    expect(pages[0]!.body).toContain(`value="${words}"`);
  });

  it('finds an issue by its number, only in the actor’s scope and the current tab', async () => {
    const all = rows();
    const ours = all.find((r) => r.estateId === world.estateB.id && r.state === 'closed')!;
    const theirs = all.find((r) => city.otherEstates.includes(r.estateId))!;
    const community = clients.community!;
    expect(ids((await community.get(`/issues?view=all&q=%23${ours.id}`)).body)).toEqual([ours.id]);
    expect(ids((await community.get(`/issues?view=all&q=${ours.id}`)).body)).toEqual([ours.id]);
    expect(ids((await community.get(`/issues?view=triage&q=%23${ours.id}`)).body)).toEqual([]);
    expect(ids((await community.get(`/issues?view=all&q=%23${theirs.id}`)).body)).toEqual([]);
    expect(ids((await clients.propertya!.get(`/issues?view=all&q=%23${ours.id}`)).body)).toEqual([]);
  });
});

describe('a cursor that is not one of ours', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const open = (key: unknown[]) => encode(['o', ...key]);

  it.each([
    ['not base64 JSON', 'bm90LWpzb24'],
    ['JSON of another shape', encode({ o: 1 })],
    ['a history cursor on an open list', encode(['h', '2026-11-19T00:00:00.000+00:00', 5])],
    ['an emergency flag of 2', open([2, 0, '2026-11-19T00:00:00.000+00:00', 5])],
    ['a negative "me too" count', open([0, -1, '2026-11-19T00:00:00.000+00:00', 5])],
    ['an id of 0', open([0, 0, '2026-11-19T00:00:00.000+00:00', 0])],
    ['a time that is not one', open([0, 0, "2026' or 1=1 --", 5])],
    ['characters outside base64url', 'abc$def'],
    ['an overlong cursor', 'A'.repeat(400)],
  ])('is a 400 page, not a 500: %s', async (_what, cursor) => {
    const res = await clients.community!.get(`/issues?view=open&after=${encodeURIComponent(cursor)}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<html');
  });

  it('is a 400 on every list, and so is asking for both directions at once', async () => {
    const valid = encode(['h', '2026-11-19T00:00:00.000+00:00', 5]);
    expect((await clients.residenta!.get('/issues/mine?after=bm9wZQ')).statusCode).toBe(400);
    expect((await clients.residenta!.get('/issues/public?state=open&before=bm9wZQ')).statusCode).toBe(400);
    expect((await clients.residenta!.get(`/issues/mine?after=${valid}`)).statusCode).toBe(200);
    expect((await clients.residenta!.get(`/issues/mine?after=${valid}&before=${valid}`)).statusCode).toBe(400);
    expect(
      (await clients.community!.get(`/issues?view=open&emergency=1&after=${open([0, 0, '2026-11-19T00:00:00.000+00:00', 5])}`))
        .statusCode,
    ).toBe(400);
    expect((await clients.community!.get(`/issues?q=${'长'.repeat(51)}`)).statusCode).toBe(400);
  });
});

describe('the queue’s filter menus', () => {
  it('are served from memory for a minute, then read again', async () => {
    let now = 0;
    const optionsFor = queueFilterOptionsCache(app.db, { clock: () => now });
    const actor = actorFor(world.users.propertyA, [world.estateA.id]);
    const before = await optionsFor(actor);
    expect(before.buildings.map((b) => b.estateId)).toEqual(before.buildings.map(() => world.estateA.id));
    const added = await app.db.building.create({ data: { estateId: world.estateA.id, name: '新楼', floors: 3 } });
    now += 59_000;
    expect((await optionsFor(actor)).buildings.map((b) => b.id)).not.toContain(added.id);
    now += 2_000;
    expect((await optionsFor(actor)).buildings.map((b) => b.id)).toContain(added.id);
    // another estate set is its own entry
    const other = await optionsFor(actorFor(world.users.propertyB, [world.estateB.id]));
    expect(other.buildings.every((b) => b.estateId === world.estateB.id)).toBe(true);
  });
});

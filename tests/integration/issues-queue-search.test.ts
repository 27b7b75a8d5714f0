import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';
import { searchConditions } from '../../src/modules/issues/search-sql.ts';
import { sqlDialect } from '../../src/plugins/sql.ts';

/**
 * The staff queue's search (issue #12, "queues people can work"): full text over the title, description
 * and location note through the trigram index (search-sql.ts), Chinese substrings included; words shorter
 * than a trigram on the bounded window; every word required; what is typed taken literally; the list's
 * scope kept.
 */
let t: TestApp;
let world: World;
let community: Client;
let propertyA: Client;
let admin: Client;
const found: Record<string, number> = {};

const ids = (body: string) =>
  [...body.matchAll(/<li class="issue-row[^"]*">\s*<a href="\/issues\/(\d+)"/g)].map((m) => Number(m[1]));
const search = async (client: Client, q: string, extra = '') => {
  const res = await client.get(`/issues?view=all&q=${encodeURIComponent(q)}${extra}`);
  expect(res.statusCode, q).toBe(200);
  return ids(res.body).sort((a, b) => a - b);
};
const sorted = (...list: number[]) => [...list].sort((a, b) => a - b);

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const add = async (
    name: string,
    opts: Parameters<typeof makeIssue>[2],
    text: { description?: string; locationNote?: string } = {},
  ) => {
    found[name] = (await makeIssue(t.app, world, opts)).id;
    // an update of the text: the index follows it (the update trigger)
    if (text.description !== undefined || text.locationNote !== undefined)
      await t.app.db.issue.update({ where: { id: found[name] }, data: text });
  };
  await add('bedroom', { title: '卧室天花板漏水，下雨就滴' });
  await add('stairLight', { title: '楼道灯坏了' }, { description: '三楼天花板的灯不亮，晚上看不见' });
  await add('doorway', { title: '门口积水' }, { locationNote: '一单元天花板下方' });
  await add('estateB', { title: '电梯井漏水', estateId: world.estateB.id, buildingId: world.buildingB.id });
  await add('otherCommunity', {
    title: '天花板掉灰',
    estateId: world.estateC.id,
    buildingId: null,
    reporterId: world.users.residentC.id,
  });
  await add('quoted', { title: 'Quote "test" * OR NEAR(x) 100%_done' });
  community = await loginAs(t.app, 'community');
  propertyA = await loginAs(t.app, 'propertya');
  admin = await loginAs(t.app, 'admin');
});
afterAll(() => t.close());

describe('searching the staff queue', () => {
  it('finds a Chinese substring in the title, the description and the location note', async () => {
    expect(await search(community, '天花板')).toEqual(sorted(found.bedroom!, found.stairLight!, found.doorway!));
    expect(await search(community, '下雨就滴')).toEqual([found.bedroom]);
    expect(await search(community, '一单元天花')).toEqual([found.doorway]);
  });

  it('falls back to a bounded LIKE for words of one or two characters', async () => {
    expect(await search(community, '漏水')).toEqual(sorted(found.bedroom!, found.estateB!));
    expect(await search(community, '灯')).toEqual([found.stairLight]);
  });

  it('requires every word, whether long or short', async () => {
    expect(await search(community, '天花板 漏水')).toEqual([found.bedroom]);
    expect(await search(community, '天花板　灯')).toEqual([found.stairLight]); // a full-width space
    expect(await search(community, '天花板 电梯')).toEqual([]);
  });

  it('takes quotes, stars, OR and wildcards literally, never as syntax', async () => {
    for (const q of ['"', '*', 'OR', '"天花板', 'NEAR(', 'a"b*c', '天花板 OR 电梯', '-天花板', '^abc', '(((', '%_%'])
      expect(Array.isArray(await search(community, q)), q).toBe(true);
    expect(await search(community, '"test"')).toEqual([found.quoted]);
    expect(await search(community, 'OR NEAR(x)')).toEqual([found.quoted]);
    expect(await search(community, '100%_')).toEqual([found.quoted]);
    expect(await search(community, 'or')).toEqual([found.quoted]); // short: LIKE, case-insensitive as the index is
    expect(await search(community, '天花板 OR')).toEqual([]);
  });

  it('keeps to the list’s scope: another community’s or estate’s issue never appears', async () => {
    expect(await search(community, '天花板')).not.toContain(found.otherCommunity);
    expect(await search(propertyA, '漏水')).toEqual([found.bedroom]);
    expect(await search(admin, '天花板')).toContain(found.otherCommunity);
    expect(await search(community, '天花板', `&estate=${world.estateB.id}`)).toEqual([]);
  });

  it('follows an edited title, and forgets the old one', async () => {
    await t.app.db.issue.update({ where: { id: found.quoted! }, data: { title: '垃圾房门坏了' } });
    expect(await search(community, '垃圾房门')).toEqual([found.quoted]);
    expect(await search(community, '"test"')).toEqual([]);
    await t.app.db.issue.update({ where: { id: found.quoted! }, data: { title: 'Quote "test" * OR NEAR(x) 100%_done' } });
  });

  it('still finds an issue by its number', async () => {
    expect(await search(community, `#${found.doorway}`)).toEqual([found.doorway]);
    expect(await search(community, String(found.doorway))).toEqual([found.doorway]);
  });

  it('pages through more matches than fit on a page, forward and back, in the order asked for', async () => {
    const start = t.clock.now.getTime() - 40 * 3_600_000;
    const made: number[] = [];
    for (let n = 0; n < 45; n++)
      made.push((await makeIssue(t.app, world, { title: `外墙渗水 ${n}`, createdAt: new Date(start + (n % 9) * 3_600_000) })).id);
    const rows = await t.app.db.issue.findMany({ where: { id: { in: made } }, select: { id: true, createdAt: true } });
    const expected = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id).map((r) => r.id);
    const forward: number[] = [];
    const pages: string[] = [];
    let url: string | null = `/issues?view=all&sort=age&q=${encodeURIComponent('外墙渗水')}`;
    while (url) {
      pages.push(url);
      const res = await community.get(url);
      expect(res.statusCode).toBe(200);
      forward.push(
        ...[...res.body.matchAll(/<li class="issue-row[^"]*">\s*<a href="\/issues\/(\d+)"/g)].map((m) => Number(m[1])),
      );
      url = /<a href="([^"]+)" rel="next"/.exec(res.body)?.[1]?.replaceAll('&amp;', '&') ?? null;
    }
    expect(forward).toEqual(expected);
    expect(pages.length).toBe(3);
    const last = await community.get(pages[2]!);
    const back = /<a href="([^"]+)" rel="prev"/.exec(last.body)?.[1]?.replaceAll('&amp;', '&');
    const previous = await community.get(back!);
    expect(ids(previous.body)).toEqual(ids((await community.get(pages[1]!)).body));
    expect(ids(previous.body)).toEqual(expected.slice(20, 40));
  });
});

describe('how many matches decide an exact search (searchConditions)', () => {
  it('PostgreSQL counts the matches within the list’s scope; SQLite’s full-text index counts the city’s', async () => {
    for (let i = 0; i < 3; i++)
      await makeIssue(t.app, world, { estateId: world.estateB.id, buildingId: world.buildingB.id, title: `乙小区的琉璃瓦${i}` });
    await makeIssue(t.app, world, { title: '甲小区的琉璃瓦' });
    const inA = { column: 'estateId' as const, values: [world.estateA.id] };
    const result = await searchConditions(t.app.sql, '琉璃瓦', 2, inA);
    // four matches in the city, one in estate A: at most two are "few"
    if (sqlDialect() === 'postgresql') {
      expect(result?.driven).not.toBeNull();
      expect(result?.window).toEqual([]);
    } else {
      expect(result?.driven).toBeNull();
      expect(result?.window.length).toBe(1);
    }
    // the city (an administrator): four are too many on both
    expect((await searchConditions(t.app.sql, '琉璃瓦', 2, null))?.driven).toBeNull();
    // a scope with nothing in it matches nothing, and asks nothing of the database
    expect((await searchConditions(t.app.sql, '琉璃瓦', 2, { column: 'estateId', values: [] }))?.driven).not.toBeNull();
  });
});

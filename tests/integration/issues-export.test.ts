import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

/**
 * The staff queue as CSV (GET /issues.csv, issue #12 "exports"): the same issues, scope, filters and order
 * the queue pages through, in a file Excel reads (UTF-8 with a BOM), formula-like cells neutralised, a
 * page at a time. Parsed back with csv-parse.
 */
let t: TestApp;
let world: World;
let community: Client;
const HOUR = 3_600_000;
const ids = { estateA: [] as number[], otherCommunity: [] as number[], formula: 0 };

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const start = t.clock.now.getTime() - 60 * 24 * HOUR;
  // More than two queue pages (20 a page) in the community's estate A, filed an hour apart.
  for (let n = 0; n < 45; n++) {
    const issue = await makeIssue(t.app, world, {
      title: `甲小区诉求 ${n}`,
      state: n % 3 === 0 ? 'submitted' : 'closed',
      createdAt: new Date(start + n * HOUR),
    });
    ids.estateA.push(issue.id);
  }
  const formula = await makeIssue(t.app, world, { title: '=HYPERLINK("http://x","点我")', createdAt: new Date(start) });
  ids.formula = formula.id;
  ids.estateA.push(formula.id);
  for (let n = 0; n < 3; n++) {
    const issue = await makeIssue(t.app, world, {
      estateId: world.estateC.id,
      buildingId: null,
      reporterId: world.users.residentC.id,
      title: `另一社区诉求 ${n}`,
    });
    ids.otherCommunity.push(issue.id);
  }
  community = await loginAs(t.app, 'community');
});
afterAll(() => t.close());

function rowsOf(body: string): string[][] {
  return parse(body, { bom: true, relaxQuotes: false }) as string[][];
}

describe('exporting the staff queue', () => {
  it('writes every issue of the tab, in the queue’s order, as UTF-8 with a BOM and Chinese headers', async () => {
    const res = await community.get('/issues.csv?view=all');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="issues-\d{8}\.csv"$/);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = rowsOf(res.body);
    expect(header?.slice(0, 4)).toEqual(['编号', '标题', '状态', '紧急']);
    const exported = rows.map((r) => Number(r[0]));
    // the community's issues (estate A's and any of its other estates), none of another community
    for (const id of ids.estateA) expect(exported).toContain(id);
    for (const id of ids.otherCommunity) expect(exported).not.toContain(id);
    expect(new Set(exported).size).toBe(exported.length);
    // "all" is newest first, as on the queue's pages
    const filed = rows.map((r) => r[9]!);
    expect([...filed].sort().reverse()).toEqual(filed);
  });

  it('matches the rows the queue shows page by page', async () => {
    const shown: number[] = [];
    let url: string | null = '/issues?view=all';
    while (url) {
      const page = await community.get(url);
      shown.push(...[...page.body.matchAll(/href="\/issues\/(\d+)"/g)].map((m) => Number(m[1])));
      url = /<a href="([^"]+)" rel="next"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&') ?? null;
    }
    const exported = rowsOf((await community.get('/issues.csv?view=all')).body)
      .slice(1)
      .map((r) => Number(r[0]));
    expect(exported).toEqual([...new Set(shown)]);
  });

  it('applies the filters and the search, and names states and parties in the reader’s words', async () => {
    const triage = rowsOf((await community.get('/issues.csv?view=triage')).body).slice(1);
    expect(triage.length).toBe(ids.estateA.filter((_, n) => n % 3 === 0 && n < 45).length + 1); // + the formula one
    expect(new Set(triage.map((r) => r[2]))).toEqual(new Set(['待受理']));
    // two words: both must be found (诉求 and 4), anywhere in the text
    const searched = rowsOf((await community.get(`/issues.csv?view=all&q=${encodeURIComponent('诉求 4')}`)).body).slice(1);
    const withFour = Array.from({ length: 45 }, (_, n) => `甲小区诉求 ${n}`).filter(
      (title) => title.endsWith('4') || / 4/.test(title),
    );
    expect(searched.map((r) => r[1]).sort()).toEqual(withFour.sort());
    // a word of three characters and more is read from the full-text index
    const indexed = rowsOf((await community.get(`/issues.csv?view=all&q=${encodeURIComponent('小区诉求 42')}`)).body).slice(1);
    expect(indexed.map((r) => r[1])).toEqual(['甲小区诉求 42']);
    const reader = await loginAs(t.app, 'community');
    reader.setCookie('lang', 'en');
    const english = rowsOf((await reader.get('/issues.csv?view=triage')).body);
    expect(english[0]?.slice(0, 3)).toEqual(['No.', 'Title', 'State']);
    expect(new Set(english.slice(1).map((r) => r[2]))).toEqual(new Set(['Submitted']));
  });

  it('follows the sort and the filters the queue is shown with', async () => {
    const oldest = rowsOf((await community.get('/issues.csv?view=all&sort=age')).body).slice(1);
    const filed = oldest.map((r) => r[9]!);
    expect(filed).toEqual([...filed].sort());
    expect(oldest.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([...ids.estateA].sort((a, b) => a - b));
    const due = rowsOf((await community.get('/issues.csv?view=triage&sort=due')).body).slice(1);
    const respondBy = due.map((r) => r[10]!);
    expect(respondBy.length).toBeGreaterThan(1);
    expect(respondBy).toEqual([...respondBy].sort());
    const searched = rowsOf((await community.get(`/issues.csv?view=all&sort=age&q=${encodeURIComponent('诉求 4')}`)).body).slice(
      1,
    );
    expect(searched[0]?.[1]).toBe('甲小区诉求 4');
    expect(searched.map((r) => r[9]!)).toEqual(searched.map((r) => r[9]!).sort());
    const none = await community.get('/issues.csv?view=all&from=2026-02-30');
    expect(none.statusCode).toBe(400);
  });

  it('neutralises a title that a spreadsheet would run as a formula', async () => {
    const rows = rowsOf((await community.get('/issues.csv?view=all')).body);
    const row = rows.find((r) => Number(r[0]) === ids.formula);
    expect(row?.[1]).toBe(`'=HYPERLINK("http://x","点我")`);
  });

  it('links the export from the queue with the filters in force', async () => {
    const page = await community.get('/issues?view=all&emergency=1');
    expect(page.body).toContain('href="/issues.csv?view=all&amp;emergency=1"');
  });

  it('is for staff only, and refuses bad filters with a 400', async () => {
    const resident = await loginAs(t.app, 'residenta');
    const refused = await resident.get('/issues.csv');
    expect(refused.statusCode).toBe(404);
    expect(refused.headers['content-type']).not.toMatch(/csv/);
    expect((await t.app.inject({ method: 'GET', url: '/issues.csv' })).statusCode).toBe(303);
    for (const bad of ['category=abc', 'building=-1', 'building=2147483648', `q=${'字'.repeat(51)}`]) {
      const res = await community.get(`/issues.csv?view=all&${bad}`);
      expect(res.statusCode, bad).toBe(400);
    }
  });
});

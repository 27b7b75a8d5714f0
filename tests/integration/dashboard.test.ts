import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';
import { svgElements, wellFormedXml } from './dashboard-svg.ts';

/**
 * The dashboards of issue #12 on a small, hand-counted city. The clock stands at Friday 2026-11-20 10:00
 * in Shanghai, so "this week" is Monday 11-16 to Friday 11-20 and is compared with 11-09 to 11-13.
 */

let t: TestApp;
let world: World;
let community: Client;
let committee: Client;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
let bouncingId: number;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  const now = t.clock.now.getTime();
  const at = (days: number) => new Date(now - days * DAY);
  // Estate A, filed three days ago (sanitation: respond in 24 h, resolve in 7 days).
  const base = at(3);
  const after = (hours: number) => new Date(base.getTime() + hours * HOUR);
  const first = await makeIssue(t.app, world, {
    createdAt: base,
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: after(2),
    resolvedAt: after(24),
    rating: 'satisfied',
  });
  await makeIssue(t.app, world, {
    createdAt: base,
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: after(2),
    resolvedAt: after(48),
    rating: 'basically_satisfied',
  });
  bouncingId = (
    await makeIssue(t.app, world, {
      title: '踢皮球的诉求',
      createdAt: base,
      state: 'accepted',
      assignedParty: 'committee',
      acceptedAt: after(30),
      handoffCount: 2,
    })
  ).id;
  await makeIssue(t.app, world, { createdAt: base, state: 'submitted', buildingId: world.buildingA2.id });
  await makeIssue(t.app, world, { createdAt: base, state: 'rejected' });
  // resolved on time but rated dissatisfied; resolved on time but reopened as "not fixed"
  await makeIssue(t.app, world, {
    createdAt: base,
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: after(1),
    resolvedAt: after(24),
    rating: 'dissatisfied',
  });
  await makeIssue(t.app, world, {
    createdAt: base,
    state: 'in_progress',
    assignedParty: 'property',
    acceptedAt: after(1),
    resolvedAt: after(24),
    reopenCount: 1,
  });
  // closed as a duplicate of the first: not a valid issue
  const duplicate = await makeIssue(t.app, world, { createdAt: base, state: 'closed', acceptedAt: after(100) });
  await t.app.db.issue.update({ where: { id: duplicate.id }, data: { duplicateOfId: first.id } });
  // last week (Tuesday 11-10): solved on time, satisfied
  await makeIssue(t.app, world, {
    createdAt: at(10),
    state: 'closed',
    assignedParty: 'property',
    acceptedAt: new Date(at(10).getTime() + HOUR),
    resolvedAt: new Date(at(10).getTime() + DAY),
    rating: 'satisfied',
  });
  // Estate B (the same community): this week, and twenty days ago
  await makeIssue(t.app, world, {
    title: '乙小区本周',
    createdAt: base,
    estateId: world.estateB.id,
    buildingId: world.buildingB.id,
    reporterId: world.users.residentB.id,
  });
  await makeIssue(t.app, world, {
    title: '二十天前的',
    createdAt: at(20),
    estateId: world.estateB.id,
    buildingId: world.buildingB.id,
    reporterId: world.users.residentB.id,
  });
  // another community's, never counted but by an administrator
  await makeIssue(t.app, world, {
    title: '别的社区',
    createdAt: base,
    estateId: world.estateC.id,
    buildingId: null,
    reporterId: world.users.residentC.id,
    handoffCount: 5,
  });
  community = await loginAs(t.app, 'community');
  committee = await loginAs(t.app, 'committeea');
});
afterAll(async () => t.close());

/** The headline figure's value as the card shows it. */
function figure(body: string, key: string): string {
  const m = new RegExp(`data-figure="${key}">([^<]*)</a>`).exec(body);
  if (!m) throw new Error(`no figure ${key}`);
  return m[1]!.trim();
}

describe('the dashboard’s figures', () => {
  it('counts estate A’s week by hand for its committee: rejected and duplicate issues are not valid', async () => {
    const body = (await committee.get('/dashboard?period=week')).body;
    expect(body).toContain('2026-11-16 至 2026-11-20 提交的诉求，有效 6 件');
    expect(figure(body, 'responseRate')).toBe('66.7%'); // 4 of 6 accepted within 24 h
    expect(body).toContain('(4 / 6)');
    // resolved: 4; solved: 2 (one rated dissatisfied, one reopened do not count)
    expect(figure(body, 'resolutionRate')).toBe('50%');
    expect(body).toContain('(2 / 4)');
    expect(figure(body, 'satisfactionRate')).toBe('63.3%'); // (1 + 0.9) / 3
    expect(figure(body, 'overdueOpen')).toBe('1');
    expect(figure(body, 'reopened')).toBe('1');
    expect(figure(body, 'bouncing')).toBe('1');
  });

  it('shows last week’s figure beside each, with the change in words and an arrow', async () => {
    const body = (await committee.get('/dashboard?period=week')).body;
    expect(body).toContain('与上期同期（2026-11-09 至 2026-11-13）比较');
    const card = /data-figure="resolutionRate"[\s\S]*?<\/li>/.exec(body)![0];
    expect(card).toMatch(/上期 <a href="[^"]*from=2026-11-09&amp;to=2026-11-13">100%<\/a>/);
    expect(card).toContain('▼');
    expect(card).toContain('降 50 个百分点 · 变差');
  });

  it('links every headline figure to the queue of the same days and filter', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    expect(body).toContain(
      'href="/issues?view=open&amp;overdue=1&amp;from=2026-11-16&amp;to=2026-11-20" data-figure="overdueOpen"',
    );
    expect(body).toContain(
      'href="/issues?view=all&amp;flag=reopened&amp;from=2026-11-16&amp;to=2026-11-20" data-figure="reopened"',
    );
    expect(body).toContain(
      'href="/issues?view=all&amp;flag=bouncing&amp;from=2026-11-16&amp;to=2026-11-20" data-figure="bouncing"',
    );
    expect(body).toContain('href="/issues?view=all&amp;flag=dissatisfied&amp;from=2026-11-16&amp;to=2026-11-20"');
    expect(body).toContain(`href="/issues?view=all&amp;estate=${world.estateB.id}&amp;from=2026-11-16&amp;to=2026-11-20"`);
    // only tabs every staff role's queue has
    const views = [...body.matchAll(/href="\/issues\?view=(\w+)/g)].map((m) => m[1]);
    expect(new Set(views)).toEqual(new Set(['all', 'open']));
  });

  it('each count leads to a queue listing exactly that many issues', async () => {
    const body = (await committee.get('/dashboard?period=week')).body;
    const listed = async (href: string) => {
      const queue = await committee.get(href.replaceAll('&amp;', '&'));
      expect(queue.statusCode, href).toBe(200);
      return new Set([...queue.body.matchAll(/href="\/issues\/(\d+)"/g)].map((m) => m[1])).size;
    };
    for (const key of ['overdueOpen', 'reopened', 'bouncing']) {
      const href = new RegExp(`href="([^"]+)" data-figure="${key}"`).exec(body)![1]!;
      expect(await listed(href), key).toBe(Number(figure(body, key)));
    }
    const dissatisfied = /href="([^"]+)">不满意 (\d+) 件/.exec(body)!;
    expect(await listed(dissatisfied[1]!)).toBe(Number(dissatisfied[2]));
  });

  it('ranks the parties by resolution rate, then response, satisfaction and overdue', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    const ranking = /id="ranking"[\s\S]*?<\/section>/.exec(body)![0];
    const parties = [...ranking.matchAll(/data-party="(\w+)"/g)].map((m) => m[1]);
    // property: 2 solved of 4 due; committee: none due yet (no rate) comes after
    expect(parties).toEqual(['property', 'committee']);
    expect(ranking).toContain('href="/issues?view=all&amp;party=property&amp;from=2026-11-16&amp;to=2026-11-20"');
  });

  it('lists bouncing issues and keeps the detail tables folded', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    expect(body).toMatch(new RegExp(`href="/issues/${bouncingId}"[^>]*>[\\s\\S]*?踢皮球的诉求`));
    for (const caption of ['按责任方', '按小区', '按楼栋', '按类别']) expect(body).toContain(`<caption>${caption}</caption>`);
    expect(body.match(/<details class="card dash-data"/g)).toHaveLength(5);
    expect(body).toContain('甲小区 6号楼');
    expect(body).not.toContain('别的社区');
  });

  it('a longer period takes in older issues; an htmx request gets only the figures', async () => {
    expect((await community.get('/dashboard?period=week')).body).toContain('有效 7 件');
    expect((await community.get('/dashboard?period=30d')).body).toContain('2026-10-22 至 2026-11-20 提交的诉求，有效 9 件');
    const partial = await community.get('/dashboard?period=quarter', { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    expect(partial.body).toContain('2026-10-01 至 2026-11-20');
  });
});

describe('who sees which figures', () => {
  it('a committee member sees only their estate’s figures', async () => {
    const body = (await committee.get('/dashboard?period=30d')).body;
    expect(body).toContain('有效 7 件'); // estate A: six this week, one last week
    expect(body).not.toContain('乙小区');
    const csv = (await committee.get('/dashboard.csv?period=30d')).body;
    expect(csv).not.toContain('乙小区');
  });

  it('property staff see the estates they serve', async () => {
    const propertyB = await loginAs(t.app, 'propertyb');
    const body = (await propertyB.get('/dashboard?period=30d')).body;
    expect(body).toContain('有效 2 件');
    expect(body).not.toContain('甲小区');
    expect(body).toContain('乙小区');
  });

  it('community staff see their community, an administrator the city', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    expect(body).toContain('甲小区');
    expect(body).toContain('乙小区');
    expect(body).not.toContain('丙小区');
    const other = await loginAs(t.app, 'community2');
    expect((await other.get('/dashboard?period=week')).body).toContain('有效 1 件');
    const admin = await loginAs(t.app, 'admin');
    const city = (await admin.get('/dashboard?period=week')).body;
    expect(city).toContain('有效 8 件');
    expect(city).toContain('别的社区');
  });

  it('residents get a 404 for the page and the export', async () => {
    const resident = await loginAs(t.app, 'residenta');
    expect((await resident.get('/dashboard')).statusCode).toBe(404);
    expect((await resident.get('/dashboard.csv')).statusCode).toBe(404);
  });

  it('an unknown period is a 400 page in the reader’s language', async () => {
    for (const url of ['/dashboard?period=year', '/dashboard?period=', '/dashboard.csv?period=7']) {
      const res = await community.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain('<html');
    }
  });
});

describe('the charts', () => {
  it('are well-formed SVG images with a title and a description', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    const svgs = svgElements(body).filter((s) => s.includes('role="img"'));
    expect(svgs.length).toBeGreaterThanOrEqual(4); // trend, categories, a grid per estate
    for (const svg of svgs) {
      expect(wellFormedXml(svg), svg.slice(0, 200)).toBe(true);
      expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
      expect(svg).toMatch(/<title id="[^"]+">[^<]+<\/title>\s*<desc id="[^"]+">[^<]+<\/desc>/);
      expect(svg).not.toContain('style=');
    }
  });

  it('draw the numbers of the tables beside them', async () => {
    const body = (await community.get('/dashboard?period=week')).body;
    const cells = (html: string, cls: string) =>
      [...html.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1]!.trim());
    const values = (svg: string, cls: string) =>
      [...svg.matchAll(new RegExp(`class="${cls}"[^>]*data-value="(\\d+)"`, 'g'))].map((m) => m[1]);
    const trendSvg = /<svg[^>]*aria-labelledby="trend-chart-title[\s\S]*?<\/svg>/.exec(body)![0];
    const trendTable = /id="trend-table"[\s\S]*?<\/table>/.exec(body)![0];
    expect(values(trendSvg, 'dash-point-filed')).toEqual(cells(trendTable, 'dash-filed'));
    expect(values(trendSvg, 'dash-point-resolved')).toEqual(cells(trendTable, 'dash-resolved'));
    expect(cells(trendTable, 'dash-filed').at(-1)).toBe('7'); // this week's valid issues
    expect(cells(trendTable, 'dash-filed').at(-2)).toBe('1');

    const barSvg = /<svg[^>]*aria-labelledby="category-chart-title[\s\S]*?<\/svg>/.exec(body)![0];
    const barTable = /id="category-table"[\s\S]*?<\/table>/.exec(body)![0];
    expect(cells(barSvg, 'dash-bar-value')).toEqual(cells(barTable, 'dash-count'));

    const gridSvg = new RegExp(`<svg[^>]*aria-labelledby="grid-${world.estateA.id}-title[\\s\\S]*?</svg>`).exec(body)![0];
    const gridTable = new RegExp(`id="grid-${world.estateA.id}-table"[\\s\\S]*?</table>`).exec(body)![0];
    const gridCounts = [...gridSvg.matchAll(/data-building="(\d+)"[\s\S]*?class="dash-cell-count"[^>]*>(\d+)</g)].map((m) => [
      m[1],
      m[2],
    ]);
    const tableCounts = [...gridTable.matchAll(/data-building="(\d+)"[\s\S]*?<a [^>]*>(\d+)</g)].map((m) => [m[1], m[2]]);
    expect(gridCounts).toEqual(tableCounts);
    // building 5: the bouncing one and the reopened one are open; building 6: the one not yet accepted
    expect(tableCounts).toEqual([
      [String(world.buildingA.id), '2'],
      [String(world.buildingA2.id), '1'],
    ]);
  });
});

describe('the metrics table as CSV', () => {
  it('parses back to the page’s numbers, with a BOM and headers in the reader’s language', async () => {
    const page = (await community.get('/dashboard?period=week')).body;
    const res = await community.get('/dashboard.csv?period=week');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('dashboard-2026-11-16-2026-11-20.csv');
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const total = rows.find((r) => r['维度'] === '合计' && r['分组'] === '本期')!;
    const previous = rows.find((r) => r['维度'] === '合计' && r['分组'] === '上期')!;
    expect(total['有效诉求']).toBe('7');
    expect(`${total['响应率（%）']}%`).toBe(figure(page, 'responseRate'));
    expect(`${total['解决率（%）']}%`).toBe(figure(page, 'resolutionRate'));
    expect(`${total['满意率（%）']}%`).toBe(figure(page, 'satisfactionRate'));
    expect(total['超期未办结']).toBe(figure(page, 'overdueOpen'));
    expect(total['重新办理']).toBe(figure(page, 'reopened'));
    expect(total['推诿']).toBe(figure(page, 'bouncing'));
    expect(previous['提交起']).toBe('2026-11-09');
    expect(previous['解决率（%）']).toBe('100');
    const estates = rows.filter((r) => r['维度'] === '小区').map((r) => [r['分组'], r['有效诉求']]);
    expect(estates).toEqual([
      ['甲小区', '6'],
      ['乙小区', '1'],
    ]);
    expect(page).toContain('href="/dashboard.csv?period=week"');
  });

  it('speaks English to an English reader', async () => {
    const english = await loginAs(t.app, 'community');
    english.setCookie('lang', 'en');
    const rows = parse((await english.get('/dashboard.csv?period=week')).body, { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(Object.keys(rows[0]!)).toContain('Resolution rate (%)');
    expect(rows[0]!['Dimension']).toBe('Total');
  });
});

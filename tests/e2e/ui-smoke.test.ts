import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { makeIssue, seedOwners } from '../integration/votes-fixtures.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { CATALOGUE } from '../../src/i18n/index.ts';

/**
 * One pass over the main pages of every role on a 390 px phone, in Chinese and in English: each page
 * answers 200, logs no console error (so the CSP holds), shows no untranslated catalogue key, does not
 * scroll sideways, and has no serious or critical axe violation.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;
let ids: { issue: number; vote: number; meeting: number };

const KEYS = new Set([...Object.keys(CATALOGUE['zh-CN']), ...Object.keys(CATALOGUE.en)]);
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  await seedOwners(server.app.db, w);
  const issue = await makeIssue(server.app.db, w, 'awaiting_vote');
  await makeIssue(server.app.db, w, 'in_progress', { party: 'property', code: 'sanitation' });

  const committee = await loginAs(server.app, 'committeea');
  await committee.get('/votes/new');
  const vote = await committee.post('/votes', {
    estateId: String(w.estateA.id),
    issueId: String(issue.id),
    matter: 'use_fund',
    title: '5号楼屋面防水翻修',
    description: '整体翻修屋面防水层。',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '386,000.00',
    opensAt: '',
    closesAt: formatShanghaiLocal(new Date(Date.now() + 8 * DAY)), // at least the estate's 7-day minimum
  });
  expect(vote.statusCode, vote.body.slice(0, 500)).toBe(303);
  const voteId = Number(/\/votes\/(\d+)/.exec(String(vote.headers.location))?.[1]);
  await committee.get(`/votes/${voteId}`);
  expect((await committee.post(`/votes/${voteId}/open`)).statusCode).toBe(303);

  const staff = await loginAs(server.app, 'community');
  await staff.get('/meetings/new');
  const u = w.users;
  const meeting = await staff.post('/meetings', {
    kind: 'regular',
    title: '甲小区三方联席会议',
    place: '社区会议室',
    startsAt: formatShanghaiLocal(new Date(Date.now() + 2 * DAY)),
    endsAt: formatShanghaiLocal(new Date(Date.now() + 2 * DAY + 2 * 3600_000)),
    estateIds: [String(w.estateA.id)],
    participantIds: [u.community.id, u.propertyA.id, u.committeeA.id, u.residentA.id].map(String),
  });
  expect(meeting.statusCode, meeting.body.slice(0, 500)).toBe(303);
  ids = { issue: issue.id, vote: voteId, meeting: Number(/\/meetings\/(\d+)/.exec(String(meeting.headers.location))?.[1]) };

  chromium = await launchBrowser();
  browser = chromium.browser;
}, 30_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function problemsOn(page: Page, path: string, consoleProblems: string[], axe: boolean): Promise<string[]> {
  const before = consoleProblems.length;
  const res = await page.goto(`${server.url}${path}`);
  const found: string[] = [];
  if (res?.status() !== 200) found.push(`status ${res?.status()}`);
  const { text, width } = await page.evaluate(() => ({
    text: `${document.title} ${document.body.innerText} ${[...document.querySelectorAll('[aria-label],[placeholder]')].map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('placeholder') ?? ''}`).join(' ')}`,
    width: document.documentElement.scrollWidth,
  }));
  const raw = [...new Set(text.match(/\b[a-z]+(\.[a-zA-Z_]+)+\b/g) ?? [])].filter((k) => KEYS.has(k));
  if (raw.length) found.push(`untranslated ${raw.join(', ')}`);
  if (width > 390) found.push(`scrolls sideways (${width}px)`);
  if (axe) {
    const violations = (await new AxeBuilder(page).analyze()).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of violations) found.push(`axe ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  found.push(...consoleProblems.slice(before));
  return found.map((f) => `${path}: ${f}`);
}

const pagesFor = (): Record<string, string[]> => ({
  residenta: [
    '/issues/mine',
    '/issues/new',
    '/issues/public',
    `/issues/${ids.issue}`,
    '/votes',
    `/votes/${ids.vote}`,
    '/notices',
    '/notifications',
    '/account/password',
    '/ledger',
  ],
  propertya: [
    '/issues',
    '/issues?view=overdue',
    `/issues/${ids.issue}`,
    '/meetings',
    `/meetings/${ids.meeting}`,
    '/notifications',
  ],
  committeea: [
    '/issues',
    `/issues/${ids.issue}`,
    '/votes',
    '/votes/new',
    `/votes/${ids.vote}`,
    `/votes/${ids.vote}/canvass`,
    '/roster',
    '/ledger',
    '/meetings/calendar',
  ],
  community: ['/issues', '/dashboard', '/meetings', '/meetings/new', `/meetings/${ids.meeting}`, '/notices'],
  admin: ['/issues', '/dashboard', '/votes'],
});

describe('every role on a 390 px phone', () => {
  it('sees its main pages answer, translated, without console errors, sideways scrolling or serious axe violations', async () => {
    const problems: string[] = [];
    let visited = 0;
    for (const [username, paths] of Object.entries(pagesFor())) {
      const ctx: BrowserContext = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      const page = await ctx.newPage();
      const consoleProblems = watchConsole(page);
      await browserLogin(page, server.url, username);
      // Chinese first, with axe on every page; then the same pages in English (same layout, so axe is
      // not run twice), switched by the language cookie the footer button sets.
      for (const locale of ['zh-CN', 'en'] as const) {
        await ctx.addCookies([{ name: 'lang', value: locale, url: server.url }]);
        for (const path of paths) {
          problems.push(
            ...(await problemsOn(page, path, consoleProblems, locale === 'zh-CN')).map((p) => `${username} ${locale} ${p}`),
          );
          visited += 1;
        }
      }
      await ctx.close();
    }
    expect(problems).toEqual([]);
    expect(visited).toBeGreaterThan(60);
  }, 90_000);

  it('shows every navigation destination without sideways scrolling, as tap targets of at least 44 px', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'residenta');
    await page.goto(`${server.url}/issues/mine`);
    // every destination is in the header's menu, the five most used also in the tab bar at the bottom
    await page.click('.phone-menu > summary');
    const links = await page.$$eval('.tab-bar a, .menu-nav a', (as) =>
      as.map((a) => {
        const r = a.getBoundingClientRect();
        return {
          text: (a.querySelector('.tab-label') ?? a).textContent?.trim(),
          right: r.right,
          height: r.height,
          current: a.getAttribute('aria-current'),
        };
      }),
    );
    expect(links.map((l) => l.text)).toEqual([
      '我的诉求',
      '我要反映',
      '小区公共诉求',
      '业主表决',
      '公示栏',
      '通知',
      '首页',
      '报事',
      '公示',
      '通知',
      '我的',
    ]);
    for (const l of links) {
      expect(l.right).toBeLessThanOrEqual(390);
      expect(l.height).toBeGreaterThanOrEqual(44);
    }
    expect(links.filter((l) => l.current === 'page').map((l) => l.text)).toEqual(['我的诉求', '首页']);
    await ctx.close();
  });
});

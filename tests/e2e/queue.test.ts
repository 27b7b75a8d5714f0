import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue } from '../integration/issues-fixtures.ts';

/**
 * #12 item 4 in Chromium: the staff queue at 1280 × 800 shows well over three issues (compact rows from
 * 900 px), stays cards on a 390 px phone, searches and sorts through its GET form (htmx swapping the list),
 * and passes axe.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  const now = server.app.now().getTime();
  for (let n = 0; n < 24; n++)
    await makeIssue(server.app, w, {
      title: n === 5 ? '卧室天花板漏水，下雨就滴' : `楼道诉求 ${n}，请尽快处理`,
      createdAt: new Date(now - (n + 1) * 3_600_000),
      category: n % 7 === 0 ? 'lift_entrapment' : 'sanitation',
    });
  chromium = await launchBrowser();
  browser = chromium.browser;
}, 30_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

/** The queue rows whose whole box lies inside the viewport. */
const rowsInView = (page: Page) =>
  page.$$eval(
    '#queue-list .issue-row',
    (rows) => rows.filter((r) => r.getBoundingClientRect().bottom <= window.innerHeight).length,
  );

describe('the staff queue in a browser', () => {
  it('fits well over three issues on a 1280 × 800 screen, and keeps cards on a phone', async () => {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await desktop.newPage();
    await browserLogin(page, server.url, 'community');
    await page.goto(`${server.url}/issues`);
    const shown = await rowsInView(page);
    expect(shown).toBeGreaterThanOrEqual(8); // 11 measured under today's header (three cards before #12)
    await desktop.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'zh-CN' });
    const mobile = await phone.newPage();
    await browserLogin(mobile, server.url, 'community');
    await mobile.goto(`${server.url}/issues`);
    const card = await mobile.$eval('#queue-list .issue-row a', (a) => ({
      radius: getComputedStyle(a).borderTopLeftRadius,
      gap: getComputedStyle(a).marginBottom,
    }));
    expect(card.radius).not.toBe('0px');
    expect(card.gap).not.toBe('0px');
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();
  });

  it('searches and sorts through the form, htmx replacing the list, and passes axe', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'community');
    await page.goto(`${server.url}/issues`);
    await page.fill('#f-q', '天花板');
    await Promise.all([page.waitForURL(/q=/), page.press('#f-q', 'Enter')]);
    await page.waitForFunction(() => document.querySelectorAll('#queue-list .issue-row').length === 1);
    expect(await page.textContent('#queue-list .issue-row strong')).toBe('卧室天花板漏水，下雨就滴');
    expect(await page.locator('.active-filters a').first().textContent()).toContain('天花板');

    await page.fill('#f-q', '');
    await page.selectOption('#f-sort', 'age');
    await page.waitForURL(/sort=age/);
    await page.waitForFunction(() => document.querySelectorAll('#queue-list .issue-row').length === 20);
    expect(await page.textContent('#queue-list .issue-row strong')).toBe('楼道诉求 23，请尽快处理');

    const found = await new AxeBuilder(page).analyze();
    expect(found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue } from '../integration/issues-fixtures.ts';
import { dashboardPeriod } from '../../src/domain/dashboard-periods.ts';

/**
 * The dashboard on a 375 px phone (issue #12): it fits the width, its charts are drawn, a figure leads to
 * the queue behind it with the filter applied, and axe finds nothing serious.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;
const HOUR = 3600_000;
/** When the issues were filed: three hours before the server's clock, today or (after midnight) yesterday. */
let filedAt: Date;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  const now = server.app.now().getTime();
  // filed three hours ago: past the response deadline of an emergency (2 h) but not of a sanitation issue
  const earlier = new Date(now - 3 * HOUR);
  filedAt = earlier;
  await makeIssue(server.app, w, { title: '电梯困人没人管', category: 'lift_entrapment', createdAt: earlier });
  await makeIssue(server.app, w, { title: '垃圾桶满了', createdAt: earlier, buildingId: w.buildingA2.id });
  await makeIssue(server.app, w, {
    title: '楼道灯修好了',
    createdAt: earlier,
    state: 'resolved',
    assignedParty: 'property',
    acceptedAt: new Date(now - 2 * HOUR),
    resolvedAt: new Date(now - HOUR),
  });
  chromium = await launchBrowser();
  browser = chromium.browser;
}, 30_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('the dashboard on a phone', () => {
  it('fits 375 px, draws its charts, passes axe, and a figure opens the queue behind it', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'community');
    const res = await page.goto(`${server.url}/dashboard?period=30d`);
    expect(res?.status()).toBe(200);

    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      charts: [...document.querySelectorAll('svg[role="img"]')].map((svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, title: svg.querySelector('title')?.textContent ?? '' };
      }),
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.charts.length).toBeGreaterThanOrEqual(3);
    for (const chart of layout.charts) {
      expect(chart.title).not.toBe('');
      // scaled to the phone, not drawn at a fixed width wider than it
      expect(chart.width).toBeGreaterThan(250);
      expect(chart.width).toBeLessThanOrEqual(375);
    }
    // the SVG parses as XML in the browser too
    const parseErrors = await page.evaluate(
      () =>
        [...document.querySelectorAll('svg[role="img"]')].filter(
          (svg) => new DOMParser().parseFromString(svg.outerHTML, 'image/svg+xml').querySelector('parsererror') !== null,
        ).length,
    );
    expect(parseErrors).toBe(0);

    const violations = (await new AxeBuilder(page).analyze()).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    expect(await page.textContent('[data-figure="overdueOpen"]')).toBe('1');
    await Promise.all([page.waitForURL((u) => u.pathname === '/issues'), page.click('[data-figure="overdueOpen"]')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('view')).toBe('open');
    expect(url.searchParams.get('overdue')).toBe('1');
    expect(await page.isChecked('input[name="overdue"]')).toBe(true);
    const list = (await page.textContent('main')) ?? '';
    expect(list).toContain('电梯困人没人管');
    expect(list).not.toContain('垃圾桶满了');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('gives a committee member their estate’s dashboard in English, fitting the phone and passing axe', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'committeea');
    await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
    const res = await page.goto(`${server.url}/dashboard?period=30d`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Issue statistics');
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const violations = (await new AxeBuilder(page).analyze()).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    // the period picker works without a page of its own: choosing another period redraws the figures
    await page.selectOption('#f-period', 'week');
    await page.waitForURL((u) => u.searchParams.get('period') === 'week');
    // this week holds the three issues unless they were filed before its Monday's midnight
    const week = dashboardPeriod('week', server.app.now()).current;
    const valid = filedAt.getTime() >= week.start.getTime() ? 3 : 0;
    expect(await page.textContent('#dash-scope')).toContain(`Issues filed ${week.from} to ${week.to}: ${valid} valid`);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue } from '../integration/votes-fixtures.ts';

/**
 * #12 item 9 in Chromium at 390 × 844: the header no longer takes a third of the screen, residents reach
 * their five main places from a bottom tab bar, staff open their menu without JavaScript, and the
 * header, the bell and the issue page's progress stepper pass axe.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;
let issueId: number;

/** "Well under 100 px": the header was 244 px of the phone's 812 px. */
const HEADER_MAX = 64;
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  issueId = (await makeIssue(server.app.db, w, 'awaiting_vote')).id;
  await server.app.db.notification.createMany({
    data: [w.users.residentA.id, w.users.residentA.id, w.users.community.id].map((userId, i) => ({
      userId,
      kind: 'issue.accepted',
      link: `/issues/${issueId}?n=${i}`,
    })),
  });
  chromium = await launchBrowser();
  browser = chromium.browser;
}, 30_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function violations(page: Page): Promise<string[]> {
  return (await new AxeBuilder(page).analyze()).map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

const headerHeight = (page: Page) => page.$eval('.site-header', (h) => h.getBoundingClientRect().height);

describe('a resident on a 390 px phone', () => {
  it('has a one-line header and a bottom tab bar that stays in reach and hides nothing', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'residenta');
    await page.goto(`${server.url}/issues/mine`);

    expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX);
    const tabs = await page.$$eval('.tab-bar a', (as) =>
      as.map((a) => {
        const r = a.getBoundingClientRect();
        return {
          text: a.querySelector('.tab-label')?.textContent,
          bottom: r.bottom,
          right: r.right,
          height: r.height,
          current: a.getAttribute('aria-current'),
        };
      }),
    );
    expect(tabs.map((t) => t.text)).toEqual(['首页', '报事', '公示', '通知', '我的']);
    for (const t of tabs) {
      expect(t.bottom).toBe(844); // on the bottom edge of the screen
      expect(t.right).toBeLessThanOrEqual(390);
      expect(t.height).toBeGreaterThanOrEqual(44);
    }
    expect(tabs.filter((t) => t.current === 'page').map((t) => t.text)).toEqual(['首页']);

    // the bell in the tab bar says how many are unread in its name
    expect(await page.getByRole('link', { name: '通知（2 条未读）' }).count()).toBe(1);

    // scrolled to the end, the footer ends above the tab bar rather than behind it
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const { footerBottom, barTop } = await page.evaluate(() => ({
      footerBottom: document.querySelector('.site-footer')!.getBoundingClientRect().bottom,
      barTop: document.querySelector('.tab-bar')!.getBoundingClientRect().top,
    }));
    expect(footerBottom).toBeLessThanOrEqual(barTop + 1);

    await Promise.all([page.waitForURL(/\/issues\/new$/), page.getByRole('link', { name: '报事' }).click()]);
    expect(await page.locator('.tab-bar a[aria-current="page"] .tab-label').textContent()).toBe('报事');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('sees the header, the tab bar and the issue page with its progress stepper pass axe', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'residenta');
    await page.goto(`${server.url}/issues/${issueId}`);
    const steps = await page.$$eval('ol.progress > li', (lis) =>
      lis.map((li) => `${li.querySelector('.progress-name')?.textContent}${li.getAttribute('aria-current') ? '*' : ''}`),
    );
    expect(steps).toEqual(['提交', '受理', '待业主表决*', '处理中', '办结', '评价/关闭']);
    expect(await violations(page)).toEqual([]);
    await page.goto(`${server.url}/issues/mine`);
    expect(await violations(page)).toEqual([]);
    await ctx.close();
  });
});

describe('staff on a 390 px phone', () => {
  it('open the menu without JavaScript, beside the named bell', async () => {
    const ctx = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'community');
    await page.goto(`${server.url}/issues`);

    expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX);
    expect(await page.locator('.tab-bar').count()).toBe(0);
    const bell = page.locator('.phone-bell');
    expect(await bell.isVisible()).toBe(true);
    expect(await bell.getAttribute('aria-label')).toBe('通知（1 条未读）');

    const meetings = page.locator('.menu-nav a[href="/meetings"]');
    expect(await meetings.isVisible()).toBe(false);
    await page.click('.phone-menu > summary');
    expect(await meetings.isVisible()).toBe(true);
    expect(await page.locator('.menu-nav a[href="/dashboard"]').isVisible()).toBe(true);
    expect(await page.locator('.menu-who button[type=submit]').isVisible()).toBe(true);

    await Promise.all([page.waitForURL(/\/meetings$/), meetings.click()]);
    expect(await page.locator('.menu-nav a[href="/meetings"]').getAttribute('aria-current')).toBe('page');
    await ctx.close();
  });

  it('see the header, the bell and the open menu pass axe', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'propertya');
    await page.goto(`${server.url}/issues/${issueId}`);
    expect(await violations(page)).toEqual([]);
    await page.click('.phone-menu > summary');
    expect(await page.locator('.menu-nav').isVisible()).toBe(true);
    expect(await violations(page)).toEqual([]);
    // with JS it also closes like a menu: Escape, focus back on its button
    await page.keyboard.press('Escape');
    expect(await page.locator('.menu-nav').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.matches('.phone-menu > summary'))).toBe(true);
    await ctx.close();
  });

  it('keep keyboard focus visible on the bell and the menu', async () => {
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'community');
    await page.goto(`${server.url}/issues`);
    await page.focus('.brand');
    // focus moved by the keyboard shows the ring (:focus-visible)
    await page.keyboard.press('Tab');
    const ringOf = (selector: string) =>
      page.$eval(selector, (el) => ({ focused: el === document.activeElement, outline: getComputedStyle(el).outlineStyle }));
    expect(await ringOf('.phone-bell')).toEqual({ focused: true, outline: 'solid' });
    await page.keyboard.press('Tab');
    expect(await ringOf('.phone-menu > summary')).toEqual({ focused: true, outline: 'solid' });
    await ctx.close();
  });
});

describe('on a 1280 px desktop', () => {
  it('keeps the full header nav with the named bell, and no tab bar or phone menu', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await browserLogin(page, server.url, 'residenta');
    await page.goto(`${server.url}/issues/${issueId}`);
    expect(await page.locator('.main-nav').isVisible()).toBe(true);
    expect(await page.locator('.tab-bar').isVisible()).toBe(false);
    expect(await page.locator('.phone-tools').isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: '通知（2 条未读）' }).count()).toBe(1);
    expect(await violations(page)).toEqual([]);
    await ctx.close();
  });
});

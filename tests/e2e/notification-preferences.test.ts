import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';

/**
 * #12 item 8 in Chromium at 375 px: a property manager goes from the inbox to the notification settings,
 * moves assigned work to the daily digest and turns meetings off; the page passes axe and fits the phone.
 */
let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  chromium = await launchBrowser();
  browser = chromium.browser;
}, 30_000);
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('notification settings on a phone', () => {
  it('a staff member chooses a daily digest for assigned work from the inbox, and the choice is kept', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'propertya');
    await page.goto(`${server.url}/notifications`);
    await page.click('.filters a[href="/notifications/preferences"]');
    await page.waitForURL(/\/notifications\/preferences$/);

    const axe = await new AxeBuilder(page).analyze();
    expect(axe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.getByRole('group', { name: '分派给我方的工作' }).getByLabel('每日汇总（早 8 点）').check();
    await page.getByRole('group', { name: '联席会议' }).getByLabel('不通知').check();
    await page.getByRole('button', { name: '保存设置' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.getByRole('status').textContent()).toContain('通知设置已保存');
    expect(await page.getByRole('group', { name: '分派给我方的工作' }).getByLabel('每日汇总（早 8 点）').isChecked()).toBe(true);

    const saved = await server.app.db.notificationPreference.findMany({
      where: { userId: w.users.propertyA.id, mode: { not: 'instant' } },
      orderBy: { topic: 'asc' },
      select: { topic: true, mode: true },
    });
    expect(saved).toEqual([
      { topic: 'assigned_work', mode: 'digest' },
      { topic: 'meetings', mode: 'off' },
    ]);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

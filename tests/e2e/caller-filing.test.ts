import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, waitForText, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';

/** Issue #12, item 6: community staff register a phone call for the resident who made it. */

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let world: World;

beforeAll(async () => {
  server = await startServer();
  world = await makeWorld(server.app.db);
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('community staff taking a phone call', () => {
  it('find the caller’s account as they type, register the issue under it, and the page says how it came in', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'community');
    await page.goto(`${server.url}/issues/new-for-caller`);
    await page.selectOption('#f-estate', { label: '甲小区' });
    await Promise.all([page.waitForURL(/estate=/), page.click('button[type=submit].primary')]);

    const axe = await new AxeBuilder(page).analyze();
    expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.check('input[name=channel][value=phone]');
    await page.fill('#f-residentQuery', '王秀');
    await waitForText(page.locator('#caller-residents'), '王秀英');
    await page.check(`input[name=residentId][value="${world.users.residentA.id}"]`);
    await page.selectOption('#f-categoryId', { label: '环境卫生' });
    await page.check('input[name=locationType][value=building]');
    await page.selectOption('#f-buildingId', { label: '5号楼' });
    await page.fill('#f-title', '5号楼垃圾桶满了');
    await page.fill('#f-description', '王阿姨来电：垃圾桶三天没清。');
    await Promise.all([page.waitForURL(/\/issues\/\d+\?filed=1/), page.click('#caller-form button[type=submit].primary')]);

    await waitForText(page.locator('.channel'), '电话受理 · 由 community 代为登记');
    const id = Number(/\/issues\/(\d+)/.exec(page.url())?.[1]);
    const issue = await server.app.db.issue.findUniqueOrThrow({ where: { id } });
    expect(issue).toMatchObject({ reporterId: world.users.residentA.id, filedById: world.users.community.id, channel: 'phone' });
    expect(problems).toEqual([]);
    await context.close();
  });
});

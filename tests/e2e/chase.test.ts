import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue } from '../integration/issues-fixtures.ts';
import AxeBuilder from './axe.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let world: World;
const contexts: BrowserContext[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServer();
  world = await makeWorld(server.app.db);
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await chromium?.close();
  await server?.close();
});

describe('催办 on a phone', () => {
  it('a resident chases an overdue issue from its page at 375 px, then sees it is done for today', async () => {
    // Filed 8 days ago, in progress with the property: a day past its 7-day deadline.
    const issue = await makeIssue(server.app, world, {
      category: 'sanitation',
      state: 'in_progress',
      assignedParty: 'property',
      title: '楼道垃圾一周没人清',
      createdAt: new Date(server.clock.now.getTime() - 8 * DAY),
    });
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'residenta');

    await page.goto(`${server.url}/issues/${issue.id}`);
    const button = page.locator('#form-chase button[type=submit]');
    expect(await button.isVisible()).toBe(true);
    const box = await button.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
    expect(await new AxeBuilder(page).analyze()).toEqual([]);

    await Promise.all([page.waitForURL(/done=chase/), button.click()]);
    expect(await page.locator('.notice[role=status]').first().textContent()).toContain('已催办，责任方和社区已收到提醒。');
    expect(await page.locator('#chase').textContent()).toContain('今天已经催办过，明天可再次催办。');
    expect(await page.locator('#form-chase').count()).toBe(0);
    expect(await page.locator('#timeline').textContent()).toContain('催办');
    expect(await new AxeBuilder(page).analyze()).toEqual([]);
    expect(problems).toEqual([]);
    expect((await server.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).chaseCount).toBe(1);
  });
});

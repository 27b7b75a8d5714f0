import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, waitForText, watchConsole } from '../helpers/browser.ts';
import { makeWorld } from '../helpers/world.ts';

/** Issue #12, item 5: a resident about to report a problem a neighbour already reported adds a "me too" instead. */

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  await makeWorld(server.app.db);
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function phone(username: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await browserLogin(page, server.url, username);
  return { page, problems, close: () => context.close() };
}

async function chooseLiftInBuilding(page: Page) {
  await page.goto(`${server.url}/issues/new`);
  await page.selectOption('#f-categoryId', { label: '电梯故障' });
  await page.check('input[name=locationType][value=building]');
}

describe('a resident about to report a problem the neighbour already reported', () => {
  it('is offered the neighbour’s report of the same building and category, and adds a “me too” instead', async () => {
    // the neighbour (5号楼 602) reports the lift first
    const neighbour = await phone('residenta2');
    await chooseLiftInBuilding(neighbour.page);
    await neighbour.page.fill('#f-title', '5号楼电梯停在三楼');
    await neighbour.page.fill('#f-description', '电梯门打不开，按钮没反应。');
    await Promise.all([neighbour.page.waitForURL(/\/issues\/\d+\?filed=1/), neighbour.page.click('button[type=submit].primary')]);
    const originalId = Number(/\/issues\/(\d+)/.exec(neighbour.page.url())?.[1]);
    expect(neighbour.problems).toEqual([]);
    await neighbour.close();

    const issuesBefore = await server.app.db.issue.count();
    const resident = await phone('residenta');
    const { page } = resident;
    await chooseLiftInBuilding(page);
    // htmx asks for similar issues as the category and place are chosen
    const offer = page.locator('#similar');
    await waitForText(offer, '5号楼电梯停在三楼');
    await waitForText(offer, '0 人附议');
    await waitForText(offer, '待受理');
    const axe = await new AxeBuilder(page).analyze();
    expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    await page.fill('#f-title', '电梯又坏了');
    await Promise.all([
      page.waitForURL(new RegExp(`/issues/${originalId}$`)),
      page.getByRole('button', { name: '我也遇到了（附议）' }).click(),
    ]);
    await waitForText(page.locator('.support-count'), '1 人附议');
    expect(await page.locator('h1').textContent()).toBe('5号楼电梯停在三楼');

    const original = await server.app.db.issue.findUniqueOrThrow({ where: { id: originalId } });
    expect(original.supportCount).toBe(1);
    expect(await server.app.db.issue.count()).toBe(issuesBefore);
    expect(resident.problems).toEqual([]);
    await resident.close();
  });

  it('files a different problem anyway once the resident has seen the offer', async () => {
    const resident = await phone('residenta');
    const { page } = resident;
    const before = await server.app.db.issue.count();
    await chooseLiftInBuilding(page);
    await waitForText(page.locator('#similar'), '5号楼电梯停在三楼');
    await page.fill('#f-title', '电梯轿厢灯不亮');
    await page.fill('#f-description', '轿厢里一片黑。');
    await Promise.all([page.waitForURL(/\/issues\/\d+\?filed=1/), page.click('button[type=submit].primary')]);
    expect(await page.locator('h1').textContent()).toBe('电梯轿厢灯不亮');
    expect(await server.app.db.issue.count()).toBe(before + 1);
    expect(resident.problems).toEqual([]);
    await resident.close();
  });
});

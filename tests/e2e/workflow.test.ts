import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld } from '../helpers/world.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startServer();
  await makeWorld(server.app.db);
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await chromium?.close();
  await server?.close();
});

/** A signed-in user in their own browser context, with console problems collected. */
async function as(username: string, mobile = false): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(
    mobile ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' } : { locale: 'zh-CN' },
  );
  contexts.push(context);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await browserLogin(page, server.url, username);
  return { page, problems };
}

async function submit(page: Page, formSelector: string, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.click(`${formSelector} button[type=submit]`)]);
}

const stateOf = async (page: Page) => (await page.locator('header .state').first().textContent())?.trim();

/** The resident files through the real form; returns the new issue's id. */
async function fileIssue(page: Page, title: string): Promise<number> {
  await page.goto(`${server.url}/issues/new`);
  await page.selectOption('#f-categoryId', { label: '环境卫生' });
  await page.check('input[name=locationType][value=building]');
  await page.fill('#f-title', title);
  await page.fill('#f-description', '垃圾桶三天没人清理，气味很大。');
  await Promise.all([page.waitForURL(/\/issues\/\d+\?filed=1/), page.click('button[type=submit].primary')]);
  const m = /\/issues\/(\d+)/.exec(page.url());
  return Number(m?.[1]);
}

/** Community staff accept it for the property company from the triage queue, keeping the default due date. */
async function acceptForProperty(page: Page, id: number, title: string) {
  await page.goto(`${server.url}/issues`);
  await page.click(`a[href="/issues/${id}"]`);
  await page.waitForURL(new RegExp(`/issues/${id}$`));
  expect(await page.locator('h1').textContent()).toBe(title);
  expect(await page.inputValue('#f-accept-dueAt')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  await page.selectOption('#f-accept-party', 'property');
  await page.fill('#f-accept-note', '请物业今天处理');
  await submit(page, '#form-accept', /done=accept/);
  expect(await stateOf(page)).toBe('已受理');
}

async function startAndResolve(page: Page, id: number) {
  await page.goto(`${server.url}/issues`);
  await page.click(`a[href="/issues/${id}"]`);
  await page.waitForURL(new RegExp(`/issues/${id}$`));
  await submit(page, '#form-start', /done=start/);
  expect(await stateOf(page)).toBe('处理中');
  await page.fill('#f-resolve-note', '已清运并消毒');
  await submit(page, '#form-resolve', /done=resolve/);
  expect(await stateOf(page)).toBe('已办结');
}

describe('the 三方联动 journey in the browser', () => {
  it('a resident files, the community assigns it to the property company, property resolves, the resident confirms and rates', async () => {
    const resident = await as('residenta', true);
    const community = await as('community');
    const property = await as('propertya');
    const title = '5号楼垃圾没人清';

    const id = await fileIssue(resident.page, title);
    await acceptForProperty(community.page, id, title);
    await startAndResolve(property.page, id);

    // The resident sees the news in the header and in the inbox, then confirms.
    await resident.page.goto(`${server.url}/issues/mine`);
    expect(Number(await resident.page.locator('.nav-bell .badge').textContent())).toBeGreaterThan(0);
    await resident.page.goto(`${server.url}/notifications`);
    expect(await resident.page.locator('.notification-list').textContent()).toContain('已办结');
    await resident.page.goto(`${server.url}/issues/${id}`);
    const timeline = await resident.page.locator('.timeline').textContent();
    for (const step of ['提交诉求', '受理并分派', '开始处理', '办结', '已清运并消毒']) expect(timeline).toContain(step);
    await resident.page.check('input[name=rating][value=basically_satisfied]');
    await resident.page.fill('#f-confirm-ratingComment', '处理及时');
    await submit(resident.page, '#form-confirm', /done=confirm/);
    expect(await stateOf(resident.page)).toBe('已关闭');
    expect(await resident.page.locator('.facts').textContent()).toContain('基本满意');
    expect(await resident.page.locator('#actions').count()).toBe(1); // only the "still not fixed" form remains
    expect(await resident.page.locator('#form-confirm').count()).toBe(0);

    const row = await server.app.db.issue.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: 'closed', rating: 'basically_satisfied', assignedParty: 'property' });
    expect([...resident.problems, ...community.problems, ...property.problems]).toEqual([]);
  });

  it('"not fixed" sends a resolved issue back to the property company, which sees it reopened', async () => {
    const resident = await as('residenta2', true);
    const community = await as('community');
    const property = await as('propertya');
    const title = '6号楼门口积水';

    const id = await fileIssue(resident.page, title);
    await acceptForProperty(community.page, id, title);
    await startAndResolve(property.page, id);

    await resident.page.goto(`${server.url}/issues/${id}`);
    await resident.page.fill('#f-reopen-note', '下雨又积水了');
    await submit(resident.page, '#form-reopen', /done=reopen/);
    expect(await stateOf(resident.page)).toBe('处理中');

    await property.page.goto(`${server.url}/notifications`);
    expect(await property.page.locator('.notification-list').textContent()).toContain(`#${id}「${title}」未解决`);
    await property.page.goto(`${server.url}/issues/${id}`);
    expect(await property.page.locator('.facts').textContent()).toContain('重新办理 1 次');
    expect(await property.page.locator('#form-resolve').count()).toBe(1);

    expect((await server.app.db.issue.findUniqueOrThrow({ where: { id } })).reopenCount).toBe(1);
    expect([...resident.problems, ...community.problems, ...property.problems]).toEqual([]);
  });
});

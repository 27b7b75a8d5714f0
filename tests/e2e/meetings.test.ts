import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, waitForText, watchConsole } from '../helpers/browser.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { performIssueAction } from '../../src/modules/issues/index.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let world: World;
let issueId: number;

const MINUTE = 60_000;

/** An issue of estate A escalated to a joint meeting through the real workflow. */
async function escalatedIssue(title: string): Promise<number> {
  const db = server.app.db;
  const now = server.clock.now;
  const cat = world.cat('roof_leak');
  const issue = await db.issue.create({
    data: {
      estateId: world.estateA.id,
      buildingId: world.buildingA.id,
      locationType: 'building',
      isPublic: true,
      categoryId: cat.id,
      title,
      description: '顶楼多户天花板渗水，需要动用维修资金。',
      reporterId: world.users.residentA.id,
      submissionKey: 'e2e-meeting-issue',
      respondBy: new Date(now.getTime() + 24 * 60 * MINUTE),
      resolveBy: new Date(now.getTime() + 15 * 24 * 60 * MINUTE),
      createdAt: new Date(now.getTime() - 48 * 60 * MINUTE),
    },
  });
  const staff = actorFor(world.users.community, [world.estateA.id, world.estateB.id], { communityId: world.community.id });
  await performIssueAction(
    db,
    staff,
    issue.id,
    'accept',
    { party: 'property', dueAt: new Date(now.getTime() + 10 * 24 * 60 * MINUTE) },
    { now: new Date(now.getTime() - 47 * 60 * MINUTE) },
  );
  await performIssueAction(
    db,
    staff,
    issue.id,
    'escalate',
    { note: '需三方议定' },
    { now: new Date(now.getTime() - 24 * 60 * MINUTE) },
  );
  return issue.id;
}

beforeAll(async () => {
  server = await startServer();
  world = await makeWorld(server.app.db);
  issueId = await escalatedIssue('5号楼顶楼屋面漏水');
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe('community staff run a joint meeting', () => {
  it('convene it, hold it, record attendance and a decision, apply it, and the escalated issue moves', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'community');

    // convene
    await page.goto(`${server.url}/meetings`);
    await page.getByRole('link', { name: '召集会议' }).click();
    await page.waitForURL(/\/meetings\/new/);
    const start = new Date(server.clock.now.getTime() + 30 * MINUTE);
    await page.selectOption('#f-meetingKind', 'ad_hoc');
    await page.fill('#f-meetingTitle', '5号楼屋面维修三方联席会议');
    await page.fill('#f-meetingPlace', '社区会议室');
    await page.fill('#f-meetingStartsAt', formatShanghaiLocal(start));
    await page.fill('#f-meetingEndsAt', formatShanghaiLocal(new Date(start.getTime() + 120 * MINUTE)));
    await page.click('details.party-group summary'); // resident representatives are folded away
    for (const user of [world.users.propertyA, world.users.committeeA, world.users.residentA]) {
      await page.check(`input[name=participantIds][value="${user.id}"]`);
    }
    await Promise.all([page.waitForURL(/\/meetings\/\d+\?created=1/), page.click('button[type=submit].primary')]);
    await waitForText(page.locator('#agenda'), '5号楼顶楼屋面漏水');
    const meetingUrl = page.url().replace(/\?.*$/, '');

    const axe = await new AxeBuilder(page).analyze();
    expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // the meeting starts: record attendance and minutes
    server.clock.now = new Date(start.getTime() + 10 * MINUTE);
    await page.goto(meetingUrl);
    for (const box of await page.locator('input[name=attended]').all()) await box.check();
    await page.fill('#f-meetingMinutes', '三方到会，议定屋面维修由物业负责。');
    await Promise.all([page.waitForURL(/held=1/), page.click('#attendance button[type=submit]')]);
    await waitForText(page.locator('#attendance'), '三方均有人出席');

    // the decision on the escalated issue
    const item = page.locator('.agenda-item').filter({ hasText: '5号楼顶楼屋面漏水' });
    await item.locator('summary').click();
    await item.locator('select[name=kind]').selectOption('assign');
    await item.locator('select[name=party]').selectOption('property');
    await item.locator('input[name=dueAt]').fill(formatShanghaiLocal(new Date(start.getTime() + 7 * 24 * 60 * MINUTE)));
    await Promise.all([page.waitForURL(/saved=1/), item.locator('button[type=submit]', { hasText: '保存决定' }).click()]);
    await waitForText(page.locator('#agenda'), '交由责任方办理');

    // apply the minutes: the confirmation page says what will happen, its form applies them
    await Promise.all([page.waitForURL(/\/apply$/), page.click('#apply a.button')]);
    await waitForText(page.locator('main'), '交由物业办理');
    await Promise.all([page.waitForURL(/applied=1/), page.click('form[action$="/apply"] button[type=submit]')]);
    await waitForText(page.locator('[role=status]'), '会议决定已应用');

    // the issue moved, and its page shows the meeting it went through
    await page.goto(`${server.url}/issues/${issueId}`);
    await waitForText(page.locator('.state').first(), '已受理');
    await waitForText(page.locator('.meeting-panel'), '5号楼屋面维修三方联席会议');
    expect(await page.locator(`.timeline a[href="${new URL(meetingUrl).pathname}"]`).count()).toBeGreaterThan(0);

    expect(problems).toEqual([]);
    await context.close();
  });
});

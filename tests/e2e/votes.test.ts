import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue, seedOwners, type Owners } from '../integration/votes-fixtures.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { IMAGES } from '../helpers/client.ts';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;
let o: Owners;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  o = await seedOwners(server.app.db, w);
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder(page).analyze();
  return results
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function submit(page: Page, form: string, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.click(`${form} button[type=submit]`)]);
}

describe('the building-5 roof vote', () => {
  it('is opened, voted online and door to door, closed as passed, published, and the issue is back in progress', async () => {
    const issue = await makeIssue(server.app.db, w, 'awaiting_vote');
    const committeeCtx = await browser.newContext({ locale: 'zh-CN' });
    const committee = await committeeCtx.newPage();
    const committeeProblems = watchConsole(committee);
    await browserLogin(committee, server.url, 'committeea');

    // The committee drafts the vote from the issue and opens it.
    await committee.goto(`${server.url}/issues/${issue.id}`);
    await Promise.all([
      committee.waitForURL(/\/votes\/new\?issue=/),
      committee.getByRole('link', { name: '发起维修资金使用表决' }).click(),
    ]);
    expect(await seriousViolations(committee)).toEqual([]);
    // the title is asked for, not prefilled: one tap takes the neutral suggestion
    expect(await committee.locator('#f-title').inputValue()).toBe('');
    await committee.click('button[data-fill-target="f-title"]');
    expect(await committee.locator('#f-title').inputValue()).toBe('使用维修资金维修5号楼屋面/外墙渗漏');
    await committee.fill('#f-fundAmount', '38.6万');
    await committee.fill('#f-fundClosesAt', formatShanghaiLocal(new Date(Date.now() + 8 * 86_400_000)));
    await committee.click('form[action="/votes"] button[type=submit]');
    await committee.waitForSelector('#err-fundAmount');
    expect(await committee.locator('#err-fundAmount').textContent()).toContain('不是有效的金额');
    await committee.fill('#f-fundAmount', '386,000');
    await committee.fill('#f-fundClosesAt', formatShanghaiLocal(new Date(Date.now() + 8 * 86_400_000)));
    await submit(committee, 'form[action="/votes"]', /\/votes\/\d+$/);
    const id = Number(/\/votes\/(\d+)/.exec(committee.url())?.[1]);
    await submit(committee, `form[action="/votes/${id}/open"]`, /done=opened/);
    expect(await committee.locator('.tally-table').textContent()).toContain('540.00 m²');
    expect(await seriousViolations(committee)).toEqual([]);

    // 王秀英 sees "needs my vote" and votes online.
    const ownerCtx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const owner = await ownerCtx.newPage();
    const ownerProblems = watchConsole(owner);
    await browserLogin(owner, server.url, 'residenta');
    await owner.goto(`${server.url}/votes`);
    // the title the form suggested: neutral (the works and the building), not the complaint's headline
    expect(await owner.locator('.vote-needs').textContent()).toContain('使用维修资金维修5号楼屋面/外墙渗漏');
    await Promise.all([owner.waitForURL(/\/votes\/\d+$/), owner.click('.vote-needs a')]);
    expect(await seriousViolations(owner)).toEqual([]);
    await owner.check('#my-ballot input[name=choice][value=agree]');
    await submit(owner, '#my-ballot form', /done=cast/);
    expect(await owner.locator('.my-choice').textContent()).toContain('您已投：同意');

    // The committee records the door-to-door round.
    for (const [key, choice] of [
      [o.keys.zhang, 'agree'],
      [o.keys.couple, 'agree'],
      [o.keys.li, 'disagree'],
    ] as const) {
      // from the canvass list's link: the record form with the household chosen
      await committee.goto(`${server.url}/votes/${id}/record?voter=${encodeURIComponent(key)}`);
      expect(await committee.locator('#f-ballotVoter').inputValue()).toBe(key);
      if (key === o.keys.zhang) expect(await seriousViolations(committee)).toEqual([]);
      await committee.check(`#record input[name=choice][value=${choice}]`);
      await committee.selectOption('#f-ballotChannel', 'door_to_door');
      await committee.fill('#f-ballotSignedAt', formatShanghaiLocal(new Date()).slice(0, 10));
      await committee.setInputFiles('#f-ballotEvidence', { name: '入户征询表.png', mimeType: 'image/png', buffer: IMAGES.png });
      await submit(committee, '#record form', /done=recorded/);
    }
    expect(await committee.locator('.tally-result').textContent()).toContain('目前已达到通过条件');

    // The canvass list still names the developer's unit, which nobody visited.
    await committee.goto(`${server.url}/votes/${id}/canvass`);
    expect(await committee.locator('.canvass').textContent()).toContain('402');

    // closing asks first: every household but the developer's has voted, so no remaining ballot can
    // change the outcome and the confirmation page allows an early close
    await committee.goto(`${server.url}/votes/${id}/close`);
    expect(await committee.locator('main').textContent()).toContain('不能改变结果');
    await submit(committee, `form[action="/votes/${id}/close"]`, /done=closed/);
    expect(await committee.locator('.tally-result').textContent()).toContain('表决通过');

    // Published on the notice board, and the issue is back in progress with the approved amount.
    await owner.goto(`${server.url}/notices`);
    expect(await owner.locator('main').textContent()).toContain('表决通过');
    await owner.goto(`${server.url}/issues/${issue.id}`);
    expect(await owner.locator('.page-head .state').textContent()).toContain('处理中');
    const after = await server.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(after).toMatchObject({ state: 'in_progress', approvedAmountFen: 38_600_000 });

    await owner.goto(`${server.url}/ledger`);
    expect(await owner.locator('.ledger-totals').textContent()).toContain('¥386,000.00');

    // The one 400 is the form re-rendered with the inline amount error, on purpose.
    expect(committeeProblems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    expect(ownerProblems).toEqual([]);
    await committeeCtx.close();
    await ownerCtx.close();
  });
});

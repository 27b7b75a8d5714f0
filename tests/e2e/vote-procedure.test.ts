import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES } from '../helpers/client.ts';
import { seedOwners, type Owners } from '../integration/votes-fixtures.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { closeDueVotesJob } from '../../src/modules/votes/index.ts';

/**
 * Issue #10's browser journey: a door-to-door ballot recorded with a photo of the signed paper, the
 * owner told on her phone, an early close refused while the outcome is open, the vote closed on time by
 * the scheduled job (the server's clock moved, never waited for), and the owner inspecting the register.
 */

/** Screenshots for a person to look at (git-ignored); nothing is compared against them. */
const SHOTS = path.resolve(import.meta.dirname, '../../tmp');
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const DAY = 86_400_000;
const RECORDER = '陈志强';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;
let o: Owners;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  o = await seedOwners(server.app.db, w);
  await server.app.db.user.update({ where: { id: w.users.committeeA.id }, data: { displayName: RECORDER } });
  mkdirSync(SHOTS, { recursive: true });
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

/** Whether the page scrolls sideways (a phone layout that breaks). */
const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

async function submit(page: Page, form: string, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.click(`${form} button[type=submit]`)]);
}

describe('a vote that holds up in court', () => {
  it('records a door-to-door ballot with its signed paper, tells the owner, refuses an early close, closes on time and opens its register to the owner', async () => {
    const db = server.app.db;
    const start = server.clock.now;
    const closesAt = new Date(start.getTime() + 8 * DAY); // longer than the estate's 7-day minimum
    // A draft made by factories (drafting through the form is votes.test.ts's journey).
    const draft = await db.fundProposal.create({
      data: {
        estateId: w.estateA.id,
        matter: 'use_fund',
        title: '5号楼屋面防水翻修',
        description: '屋面防水层老化，顶楼渗水。',
        scope: 'buildings',
        amountFen: 38_600_000,
        closesAt,
        createdById: w.users.committeeA.id,
        buildings: { create: [{ buildingId: w.buildingA.id }] },
      },
    });
    const id = draft.id;

    // The committee member opens the vote from its page.
    // on a phone too: the door-to-door round is walked with one in hand
    const committeeCtx = await browser.newContext(PHONE);
    const committee = await committeeCtx.newPage();
    const committeeProblems = watchConsole(committee);
    await browserLogin(committee, server.url, 'committeea');
    await committee.goto(`${server.url}/votes/${id}`);
    await submit(committee, `form[action="/votes/${id}/open"]`, /done=opened/);

    // From the canvass list, 登记 next to 王秀英's 601 leads to the record form with her household chosen.
    await committee.goto(`${server.url}/votes/${id}/canvass`);
    const wangRow = committee.locator('.canvass li', { hasText: '王秀英' });
    expect(await wangRow.textContent()).toContain('601');
    await Promise.all([
      committee.waitForURL(/\/votes\/\d+\/record\?voter=/),
      wangRow.getByRole('link', { name: '登记' }).click(),
    ]);
    expect(await committee.locator('#f-ballotVoter').inputValue()).toBe(o.keys.wang);
    expect(await committee.locator('.standing-ballot').textContent()).toMatch(/\S/);
    expect(await committee.locator('#record form').textContent()).toContain(RECORDER); // the recorder is the signed-in user
    expect(await seriousViolations(committee)).toEqual([]);

    await committee.check('#record input[name=choice][value=agree]');
    expect(await committee.locator('#f-ballotChannel').inputValue()).toBe('door_to_door');
    await committee.fill('#f-ballotSignedAt', formatShanghaiLocal(server.clock.now).slice(0, 10));
    await committee.setInputFiles('#f-ballotEvidence', {
      name: '王秀英入户征询表.jpg',
      mimeType: 'image/jpeg',
      buffer: IMAGES.jpeg,
    });
    expect(await overflowsSideways(committee)).toBe(false);
    await committee.screenshot({ path: path.join(SHOTS, 'vote-record-phone.png'), fullPage: true });
    await submit(committee, '#record form', /done=recorded/);

    const ballot = await db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.wang } });
    expect(ballot).toMatchObject({ choice: 'agree', channel: 'door_to_door', recorderName: RECORDER });
    const change = await db.ballotChange.findFirstOrThrow({
      where: { proposalId: id, voterKey: o.keys.wang },
      include: { evidence: true },
    });
    expect(change.evidence).toHaveLength(1);
    expect(change.evidence[0]).toMatchObject({ purpose: 'ballot', mime: 'image/jpeg' });

    // 王秀英 sees, on her phone, the ballot recorded under her key.
    const ownerCtx = await browser.newContext(PHONE);
    const owner = await ownerCtx.newPage();
    const ownerProblems = watchConsole(owner);
    await browserLogin(owner, server.url, 'residenta');
    // on a phone the bell is the tab bar's 通知, named with its count
    expect(await owner.locator('.tab-notifications').getAttribute('aria-label')).toMatch(/^通知（\d+ 条未读）$/);
    await Promise.all([owner.waitForURL(/\/notifications/), owner.locator('.tab-notifications').click()]);
    const told = owner.locator('.notification', { hasText: '为您登记了表决票' });
    expect(await told.count()).toBe(1);
    const toldText = (await told.textContent()) ?? '';
    expect(toldText).toContain(RECORDER);
    expect(toldText).toContain('5号楼屋面防水翻修');
    expect(toldText).toContain('入户征询');
    expect(toldText).toContain('同意');
    expect(await told.locator('a').first().getAttribute('href')).toMatch(new RegExp(`^/votes/${id}(#|$)`));
    expect(await overflowsSideways(owner)).toBe(false);
    await owner.screenshot({ path: path.join(SHOTS, 'vote-notification-phone.png'), fullPage: true });

    // The committee member tries to close early: one head of five has voted, so the rest could still
    // turn the outcome; the confirmation page says how and offers no close button.
    await committee.goto(`${server.url}/votes/${id}`);
    await Promise.all([committee.waitForURL(/\/votes\/\d+\/close$/), committee.getByRole('link', { name: '结束表决…' }).click()]);
    const refusal = committee.locator('.confirm-page .error-summary');
    expect(await refusal.textContent()).toContain('现在不能提前结束');
    expect(await refusal.textContent()).toContain('尚未投票的 4 位业主（440.00 m²）仍可能改变结果');
    expect(await refusal.locator('li').count()).toBeGreaterThan(0);
    expect(await committee.locator(`form[action="/votes/${id}/close"]`).count()).toBe(0);
    expect(await seriousViolations(committee)).toEqual([]);
    expect(await overflowsSideways(committee)).toBe(false);
    await committee.screenshot({ path: path.join(SHOTS, 'vote-close-refused-phone.png'), fullPage: true });
    // A close posted anyway (an old tab, a replayed form) is refused the same way, with nothing written.
    const csrf = await committee.evaluate(() => {
      const meta = document.querySelector<HTMLMetaElement>('meta[name=csrf-token]');
      const input = document.querySelector<HTMLInputElement>('input[name=_csrf]');
      return meta?.content ?? input?.value ?? '';
    });
    const forced = await committee.request.post(`${server.url}/votes/${id}/close`, { form: { _csrf: csrf } });
    expect(forced.status()).toBe(409);
    expect(await forced.text()).toContain('现在不能提前结束');
    expect(await db.fundProposal.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'open', closedAt: null });

    // The closing time passes (the server's clock moves; nobody waits) and the scheduled job closes it.
    server.clock.now = new Date(closesAt.getTime() + 60_000);
    expect(await closeDueVotesJob.run(server.app, server.clock.now)).toBe(1);
    const closed = await db.fundProposal.findUniqueOrThrow({ where: { id } });
    expect(closed).toMatchObject({ status: 'failed', closeReason: 'on_time', closedById: null });

    // Eight days on, her session has lapsed: she signs in again and opens the register from the vote.
    await browserLogin(owner, server.url, 'residenta');
    await owner.goto(`${server.url}/votes/${id}`);
    await Promise.all([owner.waitForURL(/\/votes\/\d+\/register$/), owner.getByRole('link', { name: '查看表决登记册' }).click()]);
    expect(await owner.locator('.facts').textContent()).toContain('到截止时间结束');
    const mine = owner.locator('.register-table tr.register-mine');
    expect(await mine.count()).toBe(1);
    const cells = await mine.locator('td').allTextContents();
    expect(cells[2]).toContain('601');
    expect(cells[4]).toContain('我的');
    expect(cells[5]).toBe('是');
    expect(cells[6]).toContain('入户征询');
    expect(cells[6]).toContain(RECORDER);
    expect(cells[7]).toBe('同意');
    // the others who have not voted are listed too, as not taking part
    expect(await owner.locator('.register-table tbody tr').count()).toBe(6);
    expect(await owner.locator('.register-table tbody tr', { hasText: '否' }).count()).toBe(5);
    expect(await seriousViolations(owner)).toEqual([]);
    expect(await overflowsSideways(owner)).toBe(false);
    await owner.screenshot({ path: path.join(SHOTS, 'vote-register-phone.png'), fullPage: true });
    // the table scrolls inside its own region on a phone: the channel and choice columns, scrolled to
    await owner.locator('.register .table-wrap').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await owner.locator('.register .table-wrap').screenshot({ path: path.join(SHOTS, 'vote-register-phone-scrolled.png') });

    expect(committeeProblems).toEqual([]);
    expect(ownerProblems).toEqual([]);
    await committeeCtx.close();
    await ownerCtx.close();
  });
});

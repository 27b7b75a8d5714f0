import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, waitForText, watchConsole } from '../helpers/browser.ts';
import { makeWorld, type World } from '../helpers/world.ts';

/** Screenshots for a person to look at (git-ignored); nothing is compared against them. */
const SHOTS = path.resolve(import.meta.dirname, '../../tmp');
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };

const JOIN_CODE = 'jia2026lobby';
const RESIDENT_NAME = '周敏';
const RESIDENT_PHONE = '13612345678';
const RESIDENT_PASSWORD = 'lobby poster 7';
const BANNER = '您的住户身份正在审核中';

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
let w: World;

beforeAll(async () => {
  server = await startServer();
  w = await makeWorld(server.app.db);
  const db = server.app.db;
  // The estate has a join code (as its staff would have generated it) and a duty phone for the poster.
  await db.estate.update({ where: { id: w.estateA.id }, data: { joinCode: JOIN_CODE, dutyPhone: '027-88886666' } });
  await db.user.update({ where: { id: w.users.committeeA.id }, data: { displayName: '陈志强' } });
  // A room nobody lives in yet, whose owner of record on the roster has the number the resident will give.
  const unit = await db.unit.create({ data: { buildingId: w.buildingA.id, room: '501', floor: 5, areaCentiM2: 9800 } });
  const owner = await db.owner.create({
    data: { estateId: w.estateA.id, ownerKey: 'K-ZHOU', name: RESIDENT_NAME, phone: RESIDENT_PHONE },
  });
  await db.ownerUnit.create({ data: { ownerId: owner.id, unitId: unit.id } });
  mkdirSync(SHOTS, { recursive: true });
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

/** The poster as its estate's committee member sees it, and the join URL printed under its QR code. */
async function readPoster(page: Page): Promise<string> {
  await page.goto(`${server.url}/estates/${w.estateA.id}/join-poster`);
  expect(await page.locator('.poster-estate').textContent()).toBe('甲小区');
  expect(await page.locator('.poster-qr svg').count()).toBe(1);
  return ((await page.locator('.poster-url').textContent()) ?? '').trim();
}

describe('a resident joining from the lobby poster', () => {
  it('scans the QR code, registers on a phone, is approved by the committee as the owner of record, and files an issue', async () => {
    // (a) The committee member opens the poster and reads the URL under the QR code.
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const staff = await staffContext.newPage();
    const staffProblems = watchConsole(staff);
    await browserLogin(staff, server.url, 'committeea');
    const joinUrl = await readPoster(staff);
    expect(joinUrl).toBe(`${server.url}/join/${JOIN_CODE}`);
    await staff.screenshot({ path: path.join(SHOTS, 'join-poster.png'), fullPage: true });
    // Printed, the poster is one A4 page (headless Chromium prints with the print stylesheet).
    const pdf = (await staff.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b(?!s)/g)?.length).toBe(1);
    await staff.setViewportSize({ width: 390, height: 844 });
    await staff.screenshot({ path: path.join(SHOTS, 'join-poster-phone.png'), fullPage: true });
    await staff.setViewportSize({ width: 1280, height: 900 });

    // (b) A fresh phone opens that URL and registers; the room picker follows the building (htmx).
    const phoneContext = await browser.newContext(PHONE);
    const resident = await phoneContext.newPage();
    const residentProblems = watchConsole(resident);
    await resident.goto(joinUrl);
    expect(await resident.locator('h1').textContent()).toBe('加入甲小区');
    const axe = await new AxeBuilder(resident).analyze();
    expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await resident.screenshot({ path: path.join(SHOTS, 'join-page.png'), fullPage: true });
    // Nothing is wider than the phone's screen.
    expect(await resident.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await resident.selectOption('#f-joinBuilding', { label: '5号楼' });
    await resident.locator('#f-joinUnit option', { hasText: '1单元 501' }).waitFor({ state: 'attached' });
    await resident.selectOption('#f-joinUnit', { label: '1单元 501' });
    await resident.fill('#f-joinName', RESIDENT_NAME);
    await resident.fill('#f-joinPhone', '136 1234 5678'); // as people write it; the server keeps the digits
    await resident.check('input[name=joinRelation][value=owner]');
    await resident.fill('#f-joinPassword', RESIDENT_PASSWORD);
    await resident.fill('#f-joinConfirm', RESIDENT_PASSWORD);
    await resident.screenshot({ path: path.join(SHOTS, 'join-page-filled.png'), fullPage: true });
    await Promise.all([resident.waitForURL(/\/registration\?joined=1/), resident.click('button[type=submit].primary')]);
    await waitForText(resident.locator('main'), '注册成功，您已登录');
    await waitForText(resident.locator('main'), '正在审核中');
    await waitForText(resident.locator('main'), '5号楼 1单元 501');
    await resident.screenshot({ path: path.join(SHOTS, 'join-status.png'), fullPage: true });

    // Waiting, the resident sees the unverified banner on other pages.
    await resident.goto(`${server.url}/issues/mine`);
    await waitForText(resident.locator('body'), BANNER);

    // (c) The committee member opens the queue, then the request, sees the roster evidence, approves as owner.
    await staff.goto(`${server.url}/registrations`);
    await waitForText(staff.locator('main'), '待审核（1）');
    await waitForText(staff.locator('main table').first(), `花名册匹配：${RESIDENT_NAME}（业主）`);
    await Promise.all([
      staff.waitForURL(/\/registrations\/\d+$/),
      staff.getByRole('link', { name: RESIDENT_NAME }).first().click(),
    ]);
    await waitForText(staff.locator('main'), `花名册匹配：${RESIDENT_NAME}（业主）`);
    await staff.screenshot({ path: path.join(SHOTS, 'join-review.png'), fullPage: true });
    const matching = staff.locator('label.choice', { hasText: '手机号一致' });
    expect(await matching.count()).toBe(1);
    expect(await matching.locator('input[name=regOwner]').isChecked()).toBe(true); // the match is preselected
    await Promise.all([
      staff.waitForURL(/\/registrations\/\d+\?done=owner/),
      staff.getByRole('button', { name: '确认并关联这位业主' }).click(),
    ]);
    await waitForText(staff.locator('main'), '已确认为业主');
    await waitForText(staff.locator('main'), '已通过（业主）');

    // (d) The resident reloads: the banner is gone; they file an issue and find it under "my issues".
    await resident.reload();
    await waitForText(resident.locator('body'), BANNER, { absent: true });
    await resident.goto(`${server.url}/registration`);
    await waitForText(resident.locator('main'), '已核实（业主）');

    await resident.goto(`${server.url}/issues/new`);
    await resident.selectOption('#f-categoryId', { index: 1 });
    await resident.check('input[name=locationType][value=building]');
    await resident.fill('#f-title', '5号楼电梯异响');
    await resident.fill('#f-description', '电梯运行时有很大的摩擦声，已经三天了。');
    await Promise.all([resident.waitForURL(/\/issues\/\d+\?filed=1/), resident.click('button[type=submit].primary')]);
    expect(await resident.locator('h1').textContent()).toBe('5号楼电梯异响');
    await resident.getByRole('link', { name: '首页' }).click(); // the tab bar, on a phone
    await waitForText(resident.locator('.issue-list'), '5号楼电梯异响');

    // The account is the owner of record now: linked by the approver's decision, not by the number alone.
    const account = await server.app.db.user.findUniqueOrThrow({ where: { username: RESIDENT_PHONE }, include: { owner: true } });
    expect(account.verified).toBe(true);
    expect(account.isTenant).toBe(false);
    expect(account.owner?.ownerKey).toBe('K-ZHOU');

    expect(residentProblems).toEqual([]);
    expect(staffProblems).toEqual([]);
    await phoneContext.close();
    await staffContext.close();
  });

  it('lists the rooms of the chosen building without JavaScript, keeping what was typed', async () => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/join/${JOIN_CODE}`);
    expect(await page.locator('#f-joinUnit').isDisabled()).toBe(true);
    await page.fill('#f-joinName', '李雷');
    await page.selectOption('#f-joinBuilding', { label: '6号楼' });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '列出这栋楼的房间' }).click()]);
    await page.locator('#f-joinUnit option', { hasText: '1单元 101' }).waitFor({ state: 'attached' });
    expect(await page.locator('#f-joinUnit').isDisabled()).toBe(false);
    expect(await page.locator('#f-joinUnit option', { hasText: '1单元 601' }).count()).toBe(0); // a room of 5号楼
    expect(await page.locator('#f-joinName').inputValue()).toBe('李雷');
    await context.close();
  });
});

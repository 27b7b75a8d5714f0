import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, watchConsole } from '../helpers/browser.ts';
import { makeWorld } from '../helpers/world.ts';
import { endOfShanghaiDay, formatNoticeDay, shanghaiDayInput } from '../../src/domain/notice-dates.ts';

/** Screenshots for a person to look at (git-ignored); nothing is compared against them. */
const SHOTS = path.resolve(import.meta.dirname, '../../tmp');
const PHONE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };

let server: Awaited<ReturnType<typeof startServer>>;
let chromium: Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  await makeWorld(server.app.db);
  mkdirSync(SHOTS, { recursive: true });
  chromium = await launchBrowser();
  browser = chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

const serious = (violations: { impact: string | null; id: string }[]) =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);

describe('a notice for the lobby board', () => {
  it('is posted by the property on a phone with a photo, pinned, read by a resident, and printed on one A4 sheet', async () => {
    const inDays = (days: number) => shanghaiDayInput(new Date(server.clock.now.getTime() + days * 86_400_000));
    const publicUntil = inDays(7);
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 140, b: 200 } } })
      .jpeg()
      .toBuffer();

    // (a) The property's staff post the notice on a phone, pinned, with its notice period and a photo.
    const staffContext = await browser.newContext(PHONE);
    const staff = await staffContext.newPage();
    const staffProblems = watchConsole(staff);
    await browserLogin(staff, server.url, 'propertya');
    await staff.goto(`${server.url}/notices`);
    await staff.click('a[href="/notices/new"]');
    expect(serious(await new AxeBuilder(staff).analyze())).toEqual([]);
    await staff.fill('#f-noticeTitle', '二次供水水箱清洗公示');
    await staff.fill('#f-noticeBody', '下周二 9:00–15:00 清洗水箱，高区停水，请提前储水。');
    await staff.fill('#f-noticePublicUntil', publicUntil);
    await staff.fill('#f-noticeEndsAt', inDays(14));
    await staff.setInputFiles('#f-noticeFiles', { name: '水箱.jpg', mimeType: 'image/jpeg', buffer: photo });
    await staff.check('input[name="pin"]');
    expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await staff.screenshot({ path: path.join(SHOTS, 'notice-new-phone.png'), fullPage: true });
    await Promise.all([staff.waitForURL(/\/notices\/\d+\?done=posted$/), staff.click('button[type=submit].primary')]);
    const noticeUrl = staff.url().replace(/\?.*$/, '');
    const day = formatNoticeDay(endOfShanghaiDay(publicUntil)!, 'zh-CN');
    expect(await staff.locator('.notice-public-until').textContent()).toContain(`公示期：至 ${day}`);
    expect(await staff.locator('.notice-files img').count()).toBe(1);
    expect(serious(await new AxeBuilder(staff).analyze())).toEqual([]);
    await staff.screenshot({ path: path.join(SHOTS, 'notice-show-phone.png'), fullPage: true });

    // (b) A resident of the estate finds it pinned at the head of the board, and its photo shows.
    const residentContext = await browser.newContext(PHONE);
    const resident = await residentContext.newPage();
    const residentProblems = watchConsole(resident);
    await browserLogin(resident, server.url, 'residenta');
    await resident.goto(`${server.url}/notices`);
    expect(await resident.locator('li.is-pinned').first().textContent()).toContain('二次供水水箱清洗公示');
    expect(serious(await new AxeBuilder(resident).analyze())).toEqual([]);
    await resident.screenshot({ path: path.join(SHOTS, 'notice-board-phone.png'), fullPage: true });
    await resident.goto(noticeUrl);
    const loaded = await resident.locator('.notice-files img').evaluate((img: HTMLImageElement) => img.naturalWidth);
    expect(loaded).toBe(40);

    // (c) The staff print it: a sheet without the site's chrome, the QR code carrying the notice's URL.
    await staff.setViewportSize({ width: 1280, height: 900 });
    await staff.click(`a[href="${new URL(noticeUrl).pathname}/print"]`);
    expect(await staff.locator('.print-url').textContent()).toBe(noticeUrl);
    expect(await staff.locator('.print-qr svg.qr').count()).toBe(1);
    expect(await staff.locator('.print-photos img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);
    expect(serious(await new AxeBuilder(staff).analyze())).toEqual([]);
    await staff.screenshot({ path: path.join(SHOTS, 'notice-print.png'), fullPage: true });
    await staff.emulateMedia({ media: 'print' });
    expect(await staff.locator('.print-bar').isVisible()).toBe(false);
    expect(await staff.locator('.print-public-until').isVisible()).toBe(true);
    const pdf = (await staff.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b(?!s)/g)?.length).toBe(1);
    // A4 portrait (@page size): 595 × 842 points
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
    expect(box?.slice(1).map((n) => Math.round(Number(n)))).toEqual([595, 842]);
    await staff.emulateMedia({ media: 'screen' });
    await staff.setViewportSize({ width: 375, height: 812 });
    expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await staff.screenshot({ path: path.join(SHOTS, 'notice-print-phone.png'), fullPage: true });

    // No CSP violation or script error on any page.
    expect(staffProblems).toEqual([]);
    expect(residentProblems).toEqual([]);
    await staffContext.close();
    await residentContext.close();
  });
});

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import AxeBuilder from './axe.ts';
import { browserLogin, launchBrowser, startServer, waitForText, watchConsole } from '../helpers/browser.ts';
import { makeWorld } from '../helpers/world.ts';
import { IMAGES } from '../helpers/client.ts';

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

describe('a resident on a phone', () => {
  it('logs in, files an issue with a photo, and sees it in their list', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await browserLogin(page, server.url, 'residenta');
    await page.waitForURL(/\/issues\/mine/);

    await page.getByRole('link', { name: '我要反映' }).first().click();
    await page.waitForURL(/\/issues\/new/);
    await page.selectOption('#f-categoryId', { label: '屋面/外墙渗漏' });
    await page.check('input[name=locationType][value=building]');
    await page.fill('#f-title', '5号楼顶楼漏水');
    await page.fill('#f-description', '下雨后 601 卧室天花板渗水。');
    const photo = path.join(mkdtempSync(path.join(tmpdir(), 'sanfang-photo-')), 'leak.png');
    writeFileSync(photo, IMAGES.png);
    await page.setInputFiles('#f-photos', photo);
    await Promise.all([page.waitForURL(/\/issues\/\d+\?filed=1/), page.click('button[type=submit].primary')]);

    expect(await page.locator('h1').textContent()).toBe('5号楼顶楼漏水');
    expect(await page.locator('.photos img').count()).toBe(1);
    const loaded = await page.locator('.photos img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    expect(loaded).toBe(true);

    // on a phone, the residents' tab bar leads home to their issues
    await page.getByRole('link', { name: '首页' }).click();
    await waitForText(page.locator('.issue-list'), '5号楼顶楼漏水');
    await waitForText(page.locator('.issue-list'), '待受理');

    // htmx filtering swaps the list in place
    await page.selectOption('#f-state', 'closed');
    await waitForText(page.locator('#my-list'), '5号楼顶楼漏水', { absent: true });
    await page.waitForURL(/state=closed/);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows inline errors on the form, in the page language, without losing what was typed', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await browserLogin(page, server.url, 'residenta2');
    await page.goto(`${server.url}/issues/new`);
    await page.selectOption('#f-categoryId', { index: 1 });
    await page.fill('#f-title', '楼道灯不亮');
    // bypass the browser's own required check to see the server's message
    await page.evaluate(() => document.querySelectorAll('[required]').forEach((el) => el.removeAttribute('required')));
    await page.click('button[type=submit].primary');
    await waitForText(page.locator('.error-summary'), '问题描述');
    expect(await page.locator('#f-title').inputValue()).toBe('楼道灯不亮');
    expect(await page.locator('#f-description').getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('has no serious accessibility violations on the login and filing pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    const loginResults = await new AxeBuilder(page).analyze();
    expect(loginResults.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await browserLogin(page, server.url, 'residenta');
    await page.goto(`${server.url}/issues/new`);
    const formResults = await new AxeBuilder(page).analyze();
    expect(formResults.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  });
});

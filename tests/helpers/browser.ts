import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from './app.ts';
import { PASSWORD } from './world.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with no background traffic (TOOLCHAIN.md). Playwright gives every launch
 * a fresh temporary profile of its own (it refuses --user-data-dir), and removes it on close.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** The real app on a fresh database, listening on a free loopback port. */
export async function startServer(): Promise<TestApp & { url: string }> {
  const testApp = await createTestApp({}, new Date());
  await testApp.app.listen({ host: '127.0.0.1', port: 0 });
  const address = testApp.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { ...testApp, url: `http://127.0.0.1:${address.port}` };
}

/** Logs in through the real form. */
export async function browserLogin(page: Page, url: string, username: string, password = PASSWORD) {
  await page.goto(`${url}/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit].primary')]);
}

/** Collects CSP violations and page errors, so a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} ${m.location().url}`);
  });
  return problems;
}

export type { FastifyInstance };

/**
 * Waits until a locator's text contains (or, with `absent`, no longer contains) a string. Playwright's
 * own web-first `expect` is not available under Vitest, so tests poll through this instead.
 */
export async function waitForText(
  locator: import('playwright-core').Locator,
  text: string,
  options: { absent?: boolean; timeout?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeout ?? 5000);
  let last = '';
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    if (last.includes(text) !== Boolean(options.absent)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${options.absent ? 'no ' : ''}"${text}" in ${String(locator)}, got "${last.slice(0, 300)}"`);
}

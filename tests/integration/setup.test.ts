import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { Client } from '../helpers/client.ts';
import { firstStartSetupLink, newSetupLink } from '../../src/modules/auth/index.ts';
import { hashToken } from '../../src/modules/auth/tokens.ts';

const ORIGIN = 'http://127.0.0.1:3000';
const GOOD = 'first admin 2026';
let t: TestApp;

// An empty database, as a fresh install without the demo (SEED_DEMO=false) has it.
beforeAll(async () => {
  t = await createTestApp({ seedDemo: false });
});
afterAll(async () => t.close());

const pathOf = (url: string) => new URL(url).pathname;

async function openSetup(url: string) {
  const client = new Client(t.app);
  const page = await client.get(pathOf(url));
  return { client, page };
}

describe('first start: the one-time setup link', () => {
  it('a database without users gets a setup link; only the token’s hash is stored, for 24 hours', async () => {
    const link = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    expect(link?.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/setup\/[A-Za-z0-9_-]{43}$/);
    const token = pathOf(link!.url).split('/').at(-1)!;
    const rows = await t.app.db.accountToken.findMany({ where: { purpose: 'setup' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(hashToken(token));
    expect(rows[0]?.tokenHash).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - t.clock.now.getTime()).toBe(24 * 3_600_000);
  });

  it('a new setup link voids the older unused one', async () => {
    const first = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    const second = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    expect((await new Client(t.app).get(pathOf(first!.url))).statusCode).toBe(404);
    expect((await new Client(t.app).get(pathOf(second!.url))).statusCode).toBe(200);
  });

  it('refuses a common password, a mismatch and a bad username inline, and creates nobody', async () => {
    const link = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    const { client, page } = await openSetup(link!.url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('创建第一个管理员');
    const weak = await client.post(pathOf(link!.url), {
      username: 'chief',
      displayName: '刘主任',
      password: '12345678',
      confirm: '12345678',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('这个密码太常见');
    const mismatch = await client.post(pathOf(link!.url), {
      username: 'chief',
      displayName: '刘主任',
      password: GOOD,
      confirm: 'other 2026 x',
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('两次输入的密码不一致');
    const badName = await client.post(pathOf(link!.url), {
      username: '刘',
      displayName: '刘主任',
      password: GOOD,
      confirm: GOOD,
    });
    expect(badName.statusCode).toBe(400);
    expect(badName.body).toContain('aria-describedby="err-username"');
    expect(await t.app.db.user.count()).toBe(0);
  });

  it('an expired or wrong link is a 404 page', async () => {
    const link = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 24 * 3_600_000 + 1000);
    try {
      expect((await new Client(t.app).get(pathOf(link!.url))).statusCode).toBe(404);
    } finally {
      t.clock.now = start;
    }
    expect((await new Client(t.app).get('/setup/not-a-token')).statusCode).toBe(404);
    expect((await new Client(t.app).get(`/setup/${'x'.repeat(43)}`)).statusCode).toBe(404);
    const junk = (await new Client(t.app).get(`/setup/${'x'.repeat(300)}`)).statusCode;
    expect(junk >= 400 && junk < 500).toBe(true);
  });

  it('creates the first administrator with the password they chose, signs them in, uses the link up and audits it', async () => {
    const link = await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now);
    const { client } = await openSetup(link!.url);
    const res = await client.post(pathOf(link!.url), { username: 'Chief', displayName: '刘主任', password: GOOD, confirm: GOOD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const admin = await t.app.db.user.findUniqueOrThrow({ where: { username: 'chief' } });
    expect(admin.role).toBe('admin');
    expect(admin.passwordHash).not.toContain(GOOD);
    expect((await client.get('/accounts')).statusCode).toBe(200);
    const token = await t.app.db.accountToken.findUniqueOrThrow({
      where: { tokenHash: hashToken(pathOf(link!.url).split('/').at(-1)!) },
    });
    expect(token.usedAt).not.toBeNull();
    const audit = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'setup.admin' } });
    expect(audit.actorId).toBe(admin.id);
    expect(JSON.parse(audit.afterJson)).toMatchObject({ username: 'chief', role: 'admin' });
    // the shared categories come with the install, so the first resident can file before any configuration
    const categories = await t.app.db.category.findMany({ where: { communityId: null } });
    expect(categories.length).toBeGreaterThanOrEqual(10);
    expect(categories.find((c) => c.code === 'lift_entrapment')?.responseHours).toBe(2);
    // used: a second visit is a 404, and nobody else can use it
    expect((await new Client(t.app).get(pathOf(link!.url))).statusCode).toBe(404);
    const again = new Client(t.app);
    await again.get('/login');
    const reuse = await again.post(pathOf(link!.url), { username: 'intruder', displayName: 'x', password: GOOD, confirm: GOOD });
    expect(reuse.statusCode).toBe(404);
    expect(await t.app.db.user.count()).toBe(1);
    // the new administrator logs in with the password they chose
    const fresh = new Client(t.app);
    await fresh.get('/login');
    expect((await fresh.post('/login', { username: 'chief', password: GOOD })).statusCode).toBe(303);
  });

  it('once a user exists, start-up prints no link; on demand one is refused while an admin exists unless forced', async () => {
    expect(await firstStartSetupLink(t.app.db, ORIGIN, t.clock.now)).toBeNull();
    expect(await newSetupLink(t.app.db, ORIGIN, t.clock.now, false)).toBeNull();
    const forced = await newSetupLink(t.app.db, ORIGIN, t.clock.now, true);
    expect(forced?.url).toContain('/setup/');
  });

  it('`npm run setup-admin` prints a link on an empty database and refuses once an admin exists', async () => {
    const empty = await createTestApp({ seedDemo: false });
    const run = (args: string[]) =>
      promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['src/cli/setup-admin.ts', ...args], {
        env: { ...process.env, DATABASE_URL: `file:${empty.config.databaseFile}`, PORT: '3999', NODE_ENV: 'test' },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    try {
      const first = await run([]);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/http:\/\/127\.0\.0\.1:3999\/setup\/[A-Za-z0-9_-]{43}/);
      await empty.app.db.user.create({ data: { username: 'boss', displayName: 'boss', passwordHash: 'x', role: 'admin' } });
      const refused = await run([]);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('already exists');
      const forced = await run(['--force']);
      expect(forced.code).toBe(0);
      expect(forced.out).toContain('/setup/');
    } finally {
      await empty.close();
    }
  }, 30_000);
});

describe('no default password anywhere', () => {
  it('the example configuration names no administrator password', async () => {
    const { readFileSync } = await import('node:fs');
    const env = readFileSync(path.resolve('.env.example'), 'utf8');
    expect(env).not.toMatch(/ADMIN_PASSWORD|DEFAULT_PASSWORD/i);
  });
});

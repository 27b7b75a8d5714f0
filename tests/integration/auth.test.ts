import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, PASSWORD, type World } from '../helpers/world.ts';
import { Client, loginAs } from '../helpers/client.ts';
import { runJobsOnce } from '../../src/scheduler.ts';
import { ACCOUNT_POLICY } from '../../src/domain/login-delay.ts';

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

describe('health and login page', () => {
  it('answers /healthz with status ok once the database is reachable', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('shows a login form posting username and password with a hidden CSRF field', async () => {
    const res = await new Client(t.app).get('/login');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<form method="post" action="\/login"/);
    expect(res.body).toContain('name="username"');
    expect(res.body).toContain('name="password"');
    expect(res.body).toMatch(/type="hidden" name="_csrf" value="[^"]+"/);
  });

  it('sends strict security headers with a CSP that allows no inline script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/login' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('serves htmx from the app itself, not a CDN', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/vendor/htmx/htmx.min.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('htmx');
  });

  it('sends someone who is not logged in from a page to the login form', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/issues/mine' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?reason=required&next=%2Fissues%2Fmine');
  });
});

describe('logging in and out', () => {
  it('logs in with the right password and lands on the role’s start page', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    const res = await c.post('/login', { username: 'residenta', password: PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await c.get('/');
    expect(home.headers.location).toBe('/issues/mine');
  });

  it('refuses a wrong password with a clear message and no session', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    const res = await c.post('/login', { username: 'propertya', password: 'wrong password' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('用户名或密码不正确');
    expect(c.cookie('sid')).toBeUndefined();
  });

  it('stores a new session id at login and destroys the one the browser had', async () => {
    const c = await loginAs(t.app, 'committeea');
    const first = c.cookie('sid');
    expect(first).toBeTruthy();
    const before = await t.app.db.session.count({ where: { userId: world.users.committeeA.id } });
    await c.post('/login', { username: 'committeea', password: PASSWORD });
    const second = c.cookie('sid');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(await t.app.db.session.count({ where: { userId: world.users.committeeA.id } })).toBe(before);
    // the old cookie no longer works
    const stale = new Client(t.app);
    stale.setCookie('sid', first as string);
    const res = await stale.get('/issues');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('reason=expired');
  });

  it('stores only a hash of the session token', async () => {
    const c = await loginAs(t.app, 'community');
    const token = c.cookie('sid') as string;
    const rows = await t.app.db.session.findMany({ where: { userId: world.users.community.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.id === token)).toBe(false);
  });

  it('destroys the session at logout', async () => {
    const c = await loginAs(t.app, 'propertya');
    const token = c.cookie('sid') as string;
    const res = await c.post('/logout');
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.session.count({ where: { userId: world.users.propertyA.id } })).toBe(0);
    const again = new Client(t.app);
    again.setCookie('sid', token);
    expect((await again.get('/issues')).statusCode).toBe(303);
  });

  it('ends a session that has been idle too long', async () => {
    const c = await loginAs(t.app, 'residenta2');
    expect((await c.get('/issues/mine')).statusCode).toBe(200);
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + (t.config.sessionIdleMinutes + 1) * 60_000);
    try {
      const res = await c.get('/issues/mine');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toContain('reason=expired');
    } finally {
      t.clock.now = start;
    }
  });

  it('rejects a form posted without its CSRF token', async () => {
    const c = await loginAs(t.app, 'residenta');
    const res = await c.post('/account/password', {
      _csrf: '',
      current: PASSWORD,
      next: 'another password',
      confirm: 'another password',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('表单已失效');
  });

  it('answers a login form with a missing field with the form and a message (400)', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    const res = await c.post('/login', { username: 'residenta' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请输入用户名和密码');
    expect(res.body).toContain('value="residenta"');
    expect(c.cookie('sid')).toBeUndefined();
  });

  it('redirects only to local paths after login', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    const res = await c.post('/login', { username: 'residentb', password: PASSWORD, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });
});

describe('login rate limit', () => {
  it('slows an account after repeated failures with a wait in seconds, even for the right password, then lets it in', async () => {
    const c = new Client(t.app);
    await c.get('/login');
    for (let i = 0; i <= ACCOUNT_POLICY.free; i++) {
      expect((await c.post('/login', { username: 'admin', password: `nope ${i}` })).statusCode).toBe(401);
    }
    const waiting = await c.post('/login', { username: 'admin', password: PASSWORD });
    expect(waiting.statusCode).toBe(429);
    expect(waiting.body).toMatch(/请 \d+ 秒后再试/);
    expect(waiting.headers['retry-after']).toBeDefined();
    // the wait passes (never more than a minute)
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 61_000);
    try {
      expect((await c.post('/login', { username: 'admin', password: PASSWORD })).statusCode).toBe(303);
    } finally {
      t.clock.now = start;
    }
  });
});

describe('changing the password', () => {
  it('refuses an over-long field inline with a 400, before checking anything', async () => {
    const c = await loginAs(t.app, 'tenanta');
    const res = await c.post('/account/password', {
      current: 'x'.repeat(501),
      next: 'a brand new secret',
      confirm: 'a brand new secret',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('aria-invalid="true" aria-describedby="err-current"');
    expect(res.body).toContain('格式不正确');
  });

  it('refuses a wrong current password and a short new one inline, and changes nothing', async () => {
    const c = await loginAs(t.app, 'tenanta');
    const before = (await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.tenantA.id } })).passwordHash;
    const res = await c.post('/account/password', { current: 'wrong', next: 'short', confirm: 'other' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('当前密码不正确');
    const res2 = await c.post('/account/password', { current: PASSWORD, next: 'short', confirm: 'short' });
    expect(res2.statusCode).toBe(400);
    expect(res2.body).toContain('至少 8 个字符');
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.tenantA.id } })).passwordHash).toBe(before);
  });

  it('changes the password, ends other sessions and keeps this one', async () => {
    const other = await loginAs(t.app, 'residentc');
    const c = await loginAs(t.app, 'residentc');
    const res = await c.post('/account/password', {
      current: PASSWORD,
      next: 'a brand new secret',
      confirm: 'a brand new secret',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('密码已修改');
    expect((await other.get('/issues/mine')).statusCode).toBe(303);
    expect((await c.get('/issues/mine')).statusCode).toBe(200);
    const fresh = new Client(t.app);
    await fresh.get('/login');
    expect((await fresh.post('/login', { username: 'residentc', password: 'a brand new secret' })).statusCode).toBe(303);
  });
});

describe('ending sessions on schedule', () => {
  it('a run of the scheduler purges sessions past their idle expiry and keeps live ones', async () => {
    expect(t.app.jobs.map((j) => j.name)).toContain('purge-expired-sessions');
    const c = await loginAs(t.app, 'residentb');
    const sessions = () => t.app.db.session.count({ where: { userId: world.users.residentB.id } });
    await runJobsOnce(t.app, t.clock.now);
    expect(await sessions()).toBeGreaterThan(0);
    await runJobsOnce(t.app, new Date(t.clock.now.getTime() + (t.config.sessionIdleMinutes + 1) * 60_000));
    expect(await sessions()).toBe(0);
    expect((await c.get('/issues/mine')).statusCode).toBe(303);
  });
});

describe('language', () => {
  it('switches the whole page to English and back', async () => {
    const c = await loginAs(t.app, 'residentb');
    const zh = await c.get('/issues/mine');
    expect(zh.body).toContain('我的诉求');
    const res = await c.post('/locale', { locale: 'en', back: '/issues/mine' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/issues/mine');
    const en = await c.get('/issues/mine');
    expect(en.body).toContain('My issues');
    expect(en.body).toContain('<html lang="en">');
    await c.post('/locale', { locale: 'zh-CN', back: '/' });
    expect((await c.get('/issues/mine')).body).toContain('我的诉求');
  });

  it('refuses a language it does not have with a 400 and keeps the current one', async () => {
    const c = await loginAs(t.app, 'residentb');
    const res = await c.post('/locale', { locale: 'fr', back: '/issues/mine' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请求无效');
    expect(c.cookie('lang')).toBeUndefined();
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.residentB.id } })).locale).toBe('zh-CN');
  });
});

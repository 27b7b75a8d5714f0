import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { trustProxy } from '../../src/config.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, PASSWORD, type World } from '../helpers/world.ts';
import { Client } from '../helpers/client.ts';

let t: TestApp;
let w: World;

// Behind a trusted proxy at 127.0.0.1 (app.inject's address), X-Forwarded-For names the client: each
// test plays browsers at different addresses.
beforeAll(async () => {
  t = await createTestApp({ trustProxy: ['127.0.0.1'] });
  w = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

/** A browser at `ip` that has opened the login page. */
async function browserAt(ip: string, app = t.app) {
  const client = new Client(app);
  await client.get('/login');
  const login = (username: string, password: string) => client.post('/login', { username, password }, { 'x-forwarded-for': ip });
  return { client, login };
}

describe('login throttling that cannot be turned against a user', () => {
  it('the right password still works after many wrong ones from another address when the browser is a known device', async () => {
    const owner = await browserAt('198.51.100.10');
    expect((await owner.login('committeea', PASSWORD)).statusCode).toBe(303);
    expect(owner.client.cookie('kd')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await t.app.db.knownDevice.count({ where: { userId: w.users.committeeA.id } })).toBe(1);
    // only the token's hash is stored
    expect(await t.app.db.knownDevice.count({ where: { tokenHash: owner.client.cookie('kd') } })).toBe(0);

    const attacker = await browserAt('203.0.113.66');
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) answers.push((await attacker.login('committeea', `guess ${i}`)).statusCode);
    expect(answers.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(answers.at(-1)).toBe(429);

    // a stranger's browser with the right password waits (a delay, not a lock-out)…
    const fresh = await browserAt('192.0.2.44');
    const waiting = await fresh.login('committeea', PASSWORD);
    expect(waiting.statusCode).toBe(429);
    expect(waiting.body).toMatch(/请 \d+ 秒后再试/);
    expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(60);
    // …while the owner's known browser (logged out since) goes straight in, even from the attacker's address
    for (const ip of ['198.51.100.10', '203.0.113.66']) {
      const ownersBrowser = new Client(t.app);
      ownersBrowser.setCookie('kd', owner.client.cookie('kd') as string);
      await ownersBrowser.get('/login');
      expect(
        (await ownersBrowser.post('/login', { username: 'committeea', password: PASSWORD }, { 'x-forwarded-for': ip }))
          .statusCode,
      ).toBe(303);
    }
    // the cookie counts for its own account only
    const other = new Client(t.app);
    other.setCookie('kd', owner.client.cookie('kd') as string);
    await other.get('/login');
    for (let i = 0; i < 5; i++)
      await other.post('/login', { username: 'residenta', password: `guess ${i}` }, { 'x-forwarded-for': '203.0.113.67' });
    expect(
      (await other.post('/login', { username: 'residenta', password: PASSWORD }, { 'x-forwarded-for': '203.0.113.67' }))
        .statusCode,
    ).toBe(429);
  });

  it('while a key must wait, the password is not even checked: a wrong one gets the same 429, and is not counted', async () => {
    const attacker = await browserAt('203.0.113.70');
    for (let i = 0; i < 5; i++) await attacker.login('propertya', `guess ${i}`);
    const before = await t.app.db.loginThrottle.findUniqueOrThrow({ where: { key: 'account:propertya' } });
    const fresh = await browserAt('192.0.2.45');
    expect((await fresh.login('propertya', 'still guessing')).statusCode).toBe(429);
    const after = await t.app.db.loginThrottle.findUniqueOrThrow({ where: { key: 'account:propertya' } });
    expect(after.failures).toBe(before.failures);
  });

  it('the English page says how many seconds to wait', async () => {
    const fresh = await browserAt('192.0.2.46');
    const res = await fresh.client.post(
      '/login',
      { username: 'propertya', password: PASSWORD },
      { 'x-forwarded-for': '192.0.2.46', 'accept-language': 'en' },
    );
    expect(res.statusCode).toBe(429);
    expect(res.body).toMatch(/try again in \d+ seconds/);
  });

  it('an address’s failures slow that address but not a different one', async () => {
    const noisy = await browserAt('203.0.113.200');
    // one wrong password each for many accounts: no account key waits, the address does
    for (let i = 0; i < 12; i++) await noisy.login(`nobody${i}`, 'wrong');
    const blocked = await noisy.login('residentb', PASSWORD);
    expect(blocked.statusCode).toBe(429);
    const neighbour = await browserAt('203.0.113.201');
    expect((await neighbour.login('residentb', PASSWORD)).statusCode).toBe(303);
    expect(await t.app.db.loginThrottle.count({ where: { key: 'address:203.0.113.200' } })).toBe(1);
    expect(await t.app.db.loginThrottle.count({ where: { key: 'address:203.0.113.201' } })).toBe(0);
  });

  it('a success clears the account’s failures', async () => {
    const owner = await browserAt('198.51.100.20');
    for (let i = 0; i < 2; i++) expect((await owner.login('residenta2', 'typo')).statusCode).toBe(401);
    expect(await t.app.db.loginThrottle.count({ where: { key: 'account:residenta2' } })).toBe(1);
    expect((await owner.login('residenta2', PASSWORD)).statusCode).toBe(303);
    expect(await t.app.db.loginThrottle.count({ where: { key: 'account:residenta2' } })).toBe(0);
  });

  it('counts survive an app restart (they live in the database, not in one process)', async () => {
    const attacker = await browserAt('203.0.113.99');
    for (let i = 0; i < 6; i++) await attacker.login('propertyb', `guess ${i}`);
    const second = await buildApp(t.config, { now: () => t.clock.now, logger: false });
    try {
      await second.ready();
      const fresh = await browserAt('192.0.2.99', second);
      expect((await fresh.login('propertyb', PASSWORD)).statusCode).toBe(429);
    } finally {
      await second.close();
    }
    // and the wait ends: at most a minute later the right password works
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 61_000);
    try {
      const later = await browserAt('192.0.2.100');
      expect((await later.login('propertyb', PASSWORD)).statusCode).toBe(303);
    } finally {
      t.clock.now = start;
    }
  });

  it('a deactivated account cannot log in, even with the right password', async () => {
    await t.app.db.user.update({ where: { id: w.users.tenantA.id }, data: { active: false, deactivatedAt: t.clock.now } });
    const browser = await browserAt('198.51.100.30');
    const res = await browser.login('tenanta', PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(browser.client.cookie('sid')).toBeUndefined();
  });

  it('logins and failed logins are audited: who, the username, from which address', async () => {
    const browser = await browserAt('198.51.100.40');
    await browser.login('residentc', 'wrong password');
    await browser.login('residentc', PASSWORD);
    const failure = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'login.failure', ip: '198.51.100.40' } });
    expect(failure.actorId).toBeNull();
    expect(failure.note).toContain('residentc');
    expect(failure.communityId).toBe(w.otherCommunity.id);
    const success = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'login.success', ip: '198.51.100.40' } });
    expect(success.actorId).toBe(w.users.residentC.id);
    expect(success.note).toContain('residentc');
  });

  it('forgotten failures are purged by the scheduled job', async () => {
    expect(t.app.jobs.map((j) => j.name)).toContain('purge-login-throttle');
    const job = t.app.jobs.find((j) => j.name === 'purge-login-throttle');
    await job?.run(t.app, new Date(t.clock.now.getTime() + 2 * 3_600_000));
    expect(await t.app.db.loginThrottle.count()).toBe(0);
  });
});

describe('the client address and the trusted proxy', () => {
  it('without a trusted proxy, X-Forwarded-For is ignored: the connection’s address counts', async () => {
    const plain = await createTestApp();
    try {
      await makeWorld(plain.app.db);
      const browser = await browserAt('203.0.113.5', plain.app);
      await browser.login('residenta', 'wrong');
      expect(await plain.app.db.loginThrottle.count({ where: { key: 'address:203.0.113.5' } })).toBe(0);
      expect(await plain.app.db.loginThrottle.count({ where: { key: 'address:127.0.0.1' } })).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it.each([
    ['', false],
    ['false', false],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
    ['loopback', ['loopback']],
  ])('TRUST_PROXY=%j is read as %j', (raw, expected) => {
    expect(trustProxy(raw)).toEqual(expected);
  });

  it.each(['true', '1', '2', 'proxy.example', '10.0.0.0/99'])('TRUST_PROXY=%j is refused at start-up', (raw) => {
    expect(() => trustProxy(raw)).toThrow(/TRUST_PROXY/);
  });
});

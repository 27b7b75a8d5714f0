import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

/**
 * Issue #11, item 5: the session, the user, their scope and their unread count are one statement, read
 * afresh on every request. No cache: a change made by another process (a second app on the same file)
 * holds on the very next request.
 */
let t: TestApp;
let world: World;
let other: FastifyInstance;
const statements: string[] = [];

beforeAll(async () => {
  t = await createTestApp({}, new Date(), (sql) => statements.push(sql));
  world = await makeWorld(t.app.db);
  other = await buildApp(t.config, { logger: false });
  await other.ready();
});
afterAll(async () => {
  await other.close();
  await t.close();
});

/** The statements one request runs (requests here are sequential). */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  statements.length = 0;
  const result = await fn();
  return { result, sql: [...statements] };
}

describe('loading the session', () => {
  it.each(['residenta', 'propertya', 'committeea', 'community', 'admin'])(
    'is one statement for %s, session, user, scope and unread count together',
    async (username) => {
      const client = await loginAs(t.app, username);
      const { result, sql: all } = await counted(() => client.get('/healthz'));
      expect(result.statusCode).toBe(200);
      // /healthz itself asks the database `SELECT 1`; everything else is the session's
      const sql = all.filter((s) => s !== 'SELECT 1');
      expect(all).toHaveLength(2);
      expect(sql, sql.join('\n')).toHaveLength(1);
      expect(sql[0]).toMatch(/from "Session"/);
      expect(sql[0]).toMatch(/"Notification"/);
    },
  );

  it('reads every table of that statement by key or index, never by scanning', async () => {
    const client = await loginAs(t.app, 'community');
    const { sql } = await counted(() => client.get('/healthz'));
    const statement = sql.find((s) => s.includes('from "Session"'))!;
    const sqlite = new Database(t.config.databaseFile, { readonly: true });
    const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[]).map((r) => r.detail);
    sqlite.close();
    expect(plan.join('\n')).toMatch(/SEARCH Session USING INDEX/);
    expect(plan.join('\n')).toMatch(/SEARCH Notification USING (COVERING )?INDEX Notification_userId_readAt_createdAt_idx/);
    expect(plan.filter((line) => /^SCAN (Session|User|Notification|UserEstate|Unit)\b/.test(line))).toEqual([]);
  });

  it('gives each role its scope from that one statement', async () => {
    const community = await loginAs(t.app, 'community');
    // community staff see every estate of their community: estate A's issues queue is theirs, another
    // community's estate C is not
    const page = await community.get('/issues?view=all');
    expect(page.statusCode).toBe(200);
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get('/issues')).statusCode).toBe(200);
  });

  it('shows the unread count in the header and sees a notification written by another process at once', async () => {
    const resident = await loginAs(t.app, 'residenta');
    const before = await resident.get('/issues/mine');
    expect(before.body).not.toMatch(/nav-bell[^>]*\(/);
    await other.db.notification.createMany({
      data: [1, 2, 3].map((i) => ({ userId: world.users.residentA.id, kind: 'issue.accepted', link: `/x/${i}` })),
    });
    const after = await resident.get('/issues/mine');
    expect(after.body).toMatch(/aria-label="[^"]*3[^"]*"/);
    const bell = /<a href="\/notifications" class="nav-bell"[^>]*aria-label="([^"]*)"/.exec(after.body);
    expect(bell?.[1]).toContain('3');
  });

  it('signs out at once a user another process deactivated (no cached session)', async () => {
    const client = await loginAs(t.app, 'residentb');
    expect((await client.get('/issues/mine')).statusCode).toBe(200);
    await other.db.user.update({ where: { id: world.users.residentB.id }, data: { active: false } });
    const res = await client.get('/issues/mine');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    await other.db.user.update({ where: { id: world.users.residentB.id }, data: { active: true } });
  });

  it('ends at once a session another process deleted (logout elsewhere, password reset)', async () => {
    const client = await loginAs(t.app, 'residentc');
    expect((await client.get('/issues/mine')).statusCode).toBe(200);
    await other.db.session.deleteMany({ where: { userId: world.users.residentC.id } });
    const res = await client.get('/issues/mine');
    expect(res.statusCode).toBe(303);
  });

  it('applies a change of scope made by another process on the next request', async () => {
    const client = await loginAs(t.app, 'propertyb');
    const c = world.estateC;
    const issue = await makeIssue(t.app, world, {
      estateId: c.id,
      reporterId: world.users.residentC.id,
      buildingId: null,
      title: '丙小区的井盖松了',
    });
    const served = async () => (await client.get('/issues?view=all')).body;
    const before = await served();
    await other.db.userEstate.create({ data: { userId: world.users.propertyB.id, estateId: c.id } });
    const after = await served();
    expect(before).not.toContain('丙小区的井盖松了');
    expect(after).toContain('丙小区的井盖松了');
    expect(after).toContain(`/issues/${issue.id}`);
    // the queue's building filter lists the new estate's buildings either way
    const buildings = await t.app.db.building.findMany({ where: { estateId: c.id }, select: { name: true } });
    for (const b of buildings) expect(after).toContain(b.name);
    await other.db.userEstate.delete({
      where: { userId_estateId: { userId: world.users.propertyB.id, estateId: c.id } },
    });
  });
});

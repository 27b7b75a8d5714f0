import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSql, type Sql } from '../../src/plugins/sql.ts';
import { reportReads } from '../../src/plugins/report-reads.ts';
import { hashPassword } from '../../src/lib/password.ts';
import { createTestApp, freshPostgresqlDatabase, type TestApp } from '../helpers/app.ts';
import { loginAs } from '../helpers/client.ts';
import { startCluster, withClient, type PgCluster } from '../helpers/postgres.ts';
import { startStandby } from '../helpers/postgres-standby.ts';
import { makeWorld, PASSWORD, type World } from '../helpers/world.ts';
import { makeIssue } from './issues-fixtures.ts';

/**
 * Read replicas for dashboards and exports (issue #13, item 6). The dashboards and the queue's and
 * metrics' CSV exports read DATABASE_READ_URL; logins, sessions, the queue and every page a user acts on
 * read the primary. First with a frozen copy of the database as the "replica" (a replica that lags
 * forever: which reads went where is then plain from the numbers), then with a real hot standby made by
 * pg_basebackup, paused and resumed. This file starts its own clusters (it is left out of the suite's
 * PostgreSQL pass, which would only run it twice).
 */

let cluster: PgCluster;
let primaryUrl: string;
let world: World;
const apps: TestApp[] = [];
const silent = { warn() {}, info() {} } as never;

const admin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(cluster.url('postgres'), work);

const databaseOf = (url: string) => new URL(url).pathname.slice(1);

/** The dashboard's "valid issues" of the period for community staff, from its CSV. */
async function dashboardValid(t: TestApp): Promise<string> {
  const community = await loginAs(t.app, 'community');
  const res = await community.get('/dashboard.csv?period=30d');
  expect(res.statusCode).toBe(200);
  const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
  return rows.find((r) => r['维度'] === '合计' && r['分组'] === '本期')?.['有效诉求'] ?? 'none';
}

beforeAll(async () => {
  cluster = await startCluster();
  primaryUrl = await freshPostgresqlDatabase(cluster.url('postgres'));
  const setup = await createTestApp({ databaseFile: primaryUrl });
  world = await makeWorld(setup.app.db);
  for (let i = 0; i < 2; i++) await makeIssue(setup.app, world, { title: `复制前的诉求${i}` });
  await setup.close();
}, 120_000);

afterAll(async () => {
  for (const t of apps) await t.close();
  cluster?.stop();
});

describe('a replica that lags (a frozen copy)', () => {
  let t: TestApp;
  let copyUrl: string;

  beforeAll(async () => {
    const copy = `${databaseOf(primaryUrl)}_copy`;
    await admin((c) => c.query(`CREATE DATABASE "${copy}" TEMPLATE "${databaseOf(primaryUrl)}"`));
    copyUrl = cluster.url(copy);
    t = await createTestApp({ databaseFile: primaryUrl, readDatabaseUrl: copyUrl });
    apps.push(t);
    // Written after the copy: on the primary only.
    for (let i = 0; i < 3; i++) await makeIssue(t.app, world, { title: `复制后的诉求${i}` });
    await t.app.db.user.create({
      data: {
        username: 'newstaff',
        displayName: '新来的社区干部',
        passwordHash: await hashPassword(PASSWORD),
        role: 'community',
        communityId: world.community.id,
      },
    });
  });

  it('dashboards and their export read the replica', async () => {
    expect(await dashboardValid(t)).toBe('2');
    const page = (await (await loginAs(t.app, 'community')).get('/dashboard?period=30d')).body;
    expect(page).toContain('有效 2 件');
    expect(t.app.reports.status()).toEqual({ replica: true, source: 'replica', lagSeconds: 0, reason: 'current' });
  });

  it('the queue export reads the replica, the queue itself the primary', async () => {
    const community = await loginAs(t.app, 'community');
    const exported = parse((await community.get('/issues.csv?view=all')).body, { bom: true, columns: true }) as unknown[];
    expect(exported).toHaveLength(2);
    const queue = (await community.get('/issues?view=all')).body;
    expect(queue).toContain('复制后的诉求2');
  });

  it('a login the replica has never seen works: sessions live on the primary', async () => {
    const newcomer = await loginAs(t.app, 'newstaff');
    const res = await newcomer.get('/issues?view=all');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('复制后的诉求0');
  });

  it('reads run as named prepared statements, planned once per session', async () => {
    const count = sql<{ n: number }>`SELECT count(*) AS n FROM "Issue" WHERE "estateId" = ${world.estateA.id}`;
    expect((await count.execute(t.app.sql)).rows[0]?.n).toBe(5);
    // (the pool hands back the session it was just given: the statement above was prepared in it)
    const prepared = await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(
      t.app.sql,
    );
    const mine = prepared.rows.filter((r) => r.statement.includes('count(*) AS n FROM "Issue"'));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.name).toMatch(/^k[0-9a-f]{40}$/);
  });

  it('sessions the primary ends (a restart, an administrator) cost nothing but a reconnection', async () => {
    const community = await loginAs(t.app, 'community');
    const ended = await admin((c) =>
      c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        databaseOf(primaryUrl),
      ]),
    );
    expect(ended.rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    const res = await community.get('/issues?view=all');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('复制后的诉求1');
  });

  it('when the replica goes away, dashboards read the primary instead of failing', async () => {
    await admin((c) => c.query(`DROP DATABASE "${databaseOf(copyUrl)}" WITH (FORCE)`));
    expect(await dashboardValid(t)).toBe('5');
    expect(t.app.reports.status()).toMatchObject({ source: 'primary', reason: 'unreachable' });
    // and the export too: the next check finds it gone and sends reads to the primary
    const gone = openSql(copyUrl, undefined, { size: 1, connectTimeoutMs: 2000 });
    const fresh = reportReads(t.app.sql, gone.sql, 30, silent);
    expect(await fresh.pick()).toBe(t.app.sql);
    expect(fresh.status().reason).toBe('unreachable');
    await gone.close();
  });
});

describe('a hot standby (pg_basebackup -R)', () => {
  let standby: PgCluster;
  let t: TestApp;
  let primarySql: Sql;
  let replicaSql: Sql;
  let standbyUrl: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    standby = await startStandby(cluster);
    standbyUrl = standby.url(databaseOf(primaryUrl));
    t = await createTestApp({ databaseFile: primaryUrl, readDatabaseUrl: standbyUrl });
    apps.push(t);
    const primary = openSql(primaryUrl, undefined, { size: 2 });
    const replica = openSql(standbyUrl, undefined, { size: 2 });
    closers.push(primary.close, replica.close);
    primarySql = primary.sql;
    replicaSql = replica.sql;
  }, 120_000);

  afterAll(async () => {
    for (const close of closers) await close();
    standby?.stop();
  });

  const standbyIssues = () =>
    withClient(standbyUrl, async (client) => Number((await client.query('SELECT count(*) AS n FROM "Issue"')).rows[0].n));
  const onStandby = (statement: string) => withClient(standby.url('postgres'), (client) => client.query(statement));
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await condition()).toBe(true);
  };

  it('streams what the app writes, and the dashboard reads it there', async () => {
    await makeIssue(t.app, world, { title: '经由主库写入的诉求' });
    const onPrimary = await t.app.db.issue.count();
    await until(async () => (await standbyIssues()) === onPrimary);
    expect(await dashboardValid(t)).toBe(String(onPrimary));
    expect(t.app.reports.status()).toEqual({ replica: true, source: 'replica', lagSeconds: 0, reason: 'current' });
  });

  it('a standby whose replay stopped is read no longer once past the limit, and again once caught up', async () => {
    await onStandby('SELECT pg_wal_replay_pause()');
    await makeIssue(t.app, world, { title: '副本暂停时写入的诉求' });
    await new Promise((r) => setTimeout(r, 1500));
    const behind = reportReads(primarySql, replicaSql, 1, silent);
    expect(await behind.pick()).toBe(primarySql);
    expect(behind.status()).toMatchObject({ source: 'primary', reason: 'lagging' });
    expect(behind.status().lagSeconds).toBeGreaterThan(1);
    // within a generous limit the same standby is still good enough for a dashboard
    const tolerant = reportReads(primarySql, replicaSql, 3600, silent);
    expect(await tolerant.pick()).toBe(replicaSql);

    await onStandby('SELECT pg_wal_replay_resume()');
    await until(async () => (await reportReads(primarySql, replicaSql, 1, silent).pick()) === replicaSql);
  });

  it('nothing can be written through it', async () => {
    await expect(sql`CREATE TABLE "Intruder" (id int)`.execute(await t.app.reports.pick())).rejects.toThrow(/read-only/);
  });
});

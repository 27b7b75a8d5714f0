import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';
import { snapshotElectorate } from '../../src/modules/votes/index.ts';

/**
 * The register of a vote (issue #10, item 6): owners of the electorate inspect it once the vote has
 * ended; the committee and community staff export it (CSV, printable page) for a court, each export
 * audited. Anyone else is told it does not exist.
 */

let t: TestApp;
let w: World;
let o: Owners;
let evilKey: string;
let committee: Client;
let wang: Client;

const START = new Date('2026-11-20T02:00:00Z');
const EVIL_NAME = '=HYPERLINK("http://evil.example","点我")';

beforeAll(async () => {
  t = await createTestApp({}, START);
  w = await makeWorld(t.app.db);
  o = await seedOwners(t.app.db, w);
  const u301 = await t.app.db.unit.create({ data: { buildingId: w.buildingA.id, room: '301', floor: 3, areaCentiM2: 9200 } });
  const evil = await t.app.db.owner.create({ data: { estateId: w.estateA.id, ownerKey: 'A9', name: EVIL_NAME } });
  await t.app.db.ownerUnit.create({ data: { ownerId: evil.id, unitId: u301.id } });
  evilKey = `o:${evil.id}`;
  committee = await loginAs(t.app, 'committeea');
  wang = await loginAs(t.app, 'residenta');
});
afterAll(async () => t.close());

let seq = 0;
/**
 * A vote of building 5 made by factories, its electorate snapshotted: 王 agrees online, 张三 disagrees on
 * paper (recorded), the couple abstain by written proxy, the formula-named owner agrees online.
 */
async function vote(opts: { status?: string; secret?: boolean } = {}) {
  seq += 1;
  const status = opts.status ?? 'passed';
  const p = await t.app.db.fundProposal.create({
    data: {
      estateId: w.estateA.id,
      matter: 'use_fund',
      title: `5号楼屋面翻修 ${seq}`,
      scope: 'buildings',
      amountFen: 38_600_000,
      status,
      secretBallots: opts.secret ?? false,
      opensAt: new Date('2026-11-10T02:00:00Z'),
      closesAt: new Date('2026-11-18T02:00:00Z'),
      openedAt: new Date('2026-11-10T02:00:00Z'),
      closedAt: status === 'open' ? null : new Date('2026-11-18T02:00:00Z'),
      closeReason: status === 'open' ? '' : 'on_time',
      createdById: w.users.committeeA.id,
      buildings: { create: [{ buildingId: w.buildingA.id }] },
    },
  });
  await snapshotElectorate(t.app.db, p);
  const ballot = (voterKey: string, choice: string, channel: string, extra: Record<string, unknown> = {}) =>
    t.app.db.ballot.create({ data: { proposalId: p.id, voterKey, choice, channel, ...extra } });
  await ballot(o.keys.wang, 'agree', 'online');
  await ballot(o.keys.zhang, 'disagree', 'paper', { recordedById: w.users.committeeA.id, recorderName: '委员甲' });
  await ballot(o.keys.couple, 'abstain', 'proxy', {
    recordedById: w.users.committeeA.id,
    recorderName: '委员甲',
    agentName: '钱小二',
  });
  await ballot(evilKey, 'agree', 'online');
  return p.id;
}

/** The register's table only (the facts above it name the choices as totals). */
const table = (html: string) => html.slice(html.indexOf('<table class="register-table'), html.indexOf('</table>'));

describe('inspecting the register', () => {
  it('owners of the electorate read a closed vote’s register: channel and choice per unit, other owners’ names masked', async () => {
    const id = await vote();
    const res = await wang.get(`/votes/${id}/register`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const rows = table(res.body);
    expect(rows).toContain('王秀英'); // their own name
    expect(rows).toContain('张*');
    expect(rows).not.toContain('张三');
    expect(rows).toContain('纸质表决票');
    expect(rows).toContain('书面委托');
    expect(rows).toContain('受托人 钱**');
    expect(rows).not.toContain('钱小二');
    expect(rows).toContain('反对');
    expect(rows).toContain('弃权');
    expect(res.body).toContain('登记日（业主名册锁定）');
    expect(res.body).not.toContain('/register.csv'); // owners inspect; the committee exports
  });

  it('the committee and community staff see every name', async () => {
    const id = await vote();
    const res = await committee.get(`/votes/${id}/register`);
    expect(res.statusCode).toBe(200);
    expect(table(res.body)).toContain('张三');
    expect(table(res.body)).toContain('钱小二');
    expect(res.body).toContain(`/votes/${id}/register.csv`);
    const staff = await loginAs(t.app, 'community');
    expect((await staff.get(`/votes/${id}/register`)).statusCode).toBe(200);
  });

  it('with secret ballots owners see who took part but no choice but their own; the committee sees them all', async () => {
    const id = await vote({ secret: true });
    const res = await wang.get(`/votes/${id}/register`);
    expect(res.statusCode).toBe(200);
    const rows = table(res.body);
    expect(rows).toContain('纸质表决票'); // who took part, and how, stays public
    expect(rows).toContain('同意'); // their own choice
    expect(rows).not.toContain('反对');
    expect(rows).not.toContain('弃权');
    expect(res.body).toContain('各户表决意见不公开');
    const full = table((await committee.get(`/votes/${id}/register`)).body);
    expect(full).toContain('反对');
    expect(full).toContain('弃权');
  });

  it('a resident of another building, not in the electorate, gets 404; so do other estates, tenants and property staff', async () => {
    const id = await vote();
    for (const username of ['outsider', 'residentb', 'tenanta', 'propertya', 'residentc']) {
      const client = await loginAs(t.app, username);
      expect((await client.get(`/votes/${id}/register`)).statusCode, username).toBe(404);
    }
  });

  it('an open vote’s register is 404 for owners; the committee reads it marked not final', async () => {
    const id = await vote({ status: 'open' });
    expect((await wang.get(`/votes/${id}/register`)).statusCode).toBe(404);
    const res = await committee.get(`/votes/${id}/register`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('不是最终结果');
  });

  it('a bad or out-of-range id is a 400 page, not a 500', async () => {
    for (const bad of ['0', '1.5', '99999999999999999999', 'abc']) {
      expect((await committee.get(`/votes/${bad}/register`)).statusCode, bad).toBe(400);
      expect((await committee.get(`/votes/${bad}/register.csv`)).statusCode, bad).toBe(400);
    }
  });
});

describe('exporting the register for a court', () => {
  const exports = () => t.app.db.auditEntry.findMany({ where: { action: 'vote.export' }, orderBy: { id: 'asc' } });

  it('the CSV is UTF-8 with BOM, not cached, parses back, neutralises a formula-like name, and is audited', async () => {
    const id = await vote();
    const before = (await exports()).length;
    const res = await committee.get(`/votes/${id}/register.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.startsWith('\uFEFF')).toBe(true);

    const records = parse(res.body, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    expect(records[0]).toEqual(['表决登记册', '5号楼屋面翻修 ' + String(seq)]);
    const fact = (label: string) => records.find((r) => r[0] === label)?.[1];
    expect(fact('表决事项')).toBe('使用维修资金');
    expect(fact('表决期间')).toBe('2026-11-10 10:00 — 2026-11-18 10:00');
    expect(fact('登记日（业主名册锁定）')).toBe('2026-11-10 10:00');
    expect(fact('结果')).toBe('已通过');
    expect(fact('表决范围合计')).toBe('7 套房屋，6 人，632.00 m²');
    expect(fact('参与表决')).toBe('4 人，467.00 m²');
    const head = records.findIndex((r) => r[0] === '表决人序号');
    expect(head).toBeGreaterThan(0);
    const rows = records.slice(head + 1);
    expect(rows).toHaveLength(7);
    const col = (name: string) => (records[head] as string[]).indexOf(name);
    const evil = rows.find((r) => r[col('房号')] === '301') as string[];
    expect(evil[col('业主')]).toBe(`'${EVIL_NAME}`);
    expect(evil[col('表决意见')]).toBe('同意');
    const zhang = rows.filter((r) => r[col('业主')] === '张三');
    expect(zhang.map((r) => r[col('方式')])).toEqual(['纸质表决票', '纸质表决票']);
    expect(zhang[0]?.[col('表决人序号')]).toBe(zhang[1]?.[col('表决人序号')]); // one person, one head
    expect(rows.find((r) => r[col('房号')] === '402')?.[col('参与表决')]).toBe('否');

    const logged = await exports();
    expect(logged).toHaveLength(before + 1);
    expect(logged.at(-1)).toMatchObject({ actorId: w.users.committeeA.id, entityId: String(id), estateId: w.estateA.id });
    expect(JSON.parse(logged.at(-1)?.afterJson ?? '{}')).toEqual({ format: 'csv' });
  });

  it('owners cannot export; community staff can', async () => {
    const id = await vote();
    const before = (await exports()).length;
    expect((await wang.get(`/votes/${id}/register.csv`)).statusCode).toBe(404);
    expect((await wang.get(`/votes/${id}/register/print`)).statusCode).toBe(404);
    expect(await exports()).toHaveLength(before);
    const staff = await loginAs(t.app, 'community');
    expect((await staff.get(`/votes/${id}/register.csv`)).statusCode).toBe(200);
    const other = await loginAs(t.app, 'community2');
    expect((await other.get(`/votes/${id}/register.csv`)).statusCode).toBe(404);
    expect(await exports()).toHaveLength(before + 1);
  });

  it('the printable A4 page carries the same facts, every unit and a place for the seal; printing is audited', async () => {
    const id = await vote();
    const before = (await exports()).length;
    const res = await committee.get(`/votes/${id}/register/print`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/public/css/register-print.css');
    expect(res.body).toContain('业主委员会（盖章）');
    expect(res.body).toContain('登记日（业主名册锁定）');
    expect(table(res.body)).toContain('张三');
    expect(table(res.body).match(/<tr/g)).toHaveLength(8); // the head and seven units
    const logged = await exports();
    expect(logged).toHaveLength(before + 1);
    expect(JSON.parse(logged.at(-1)?.afterJson ?? '{}')).toEqual({ format: 'print' });
  });

  it('the register page is in English too, without raw message keys', async () => {
    const id = await vote();
    committee.setCookie('lang', 'en');
    const res = await committee.get(`/votes/${id}/register`);
    committee.setCookie('lang', 'zh-CN');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Register of the vote');
    expect(res.body).not.toMatch(/\b(votes|field|fieldError)\.[a-zA-Z_.]+/);
  });
});

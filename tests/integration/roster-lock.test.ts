import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';

/**
 * Issue #10, item 4: during the open roof vote of building 5, the property edited a building-5 owner's
 * roster row and put another resident's phone number on it. While a vote is open, the rows of its
 * electorate cannot be edited, by hand or by an import; every roster edit is audited; a phone number
 * never links an account.
 */

let t: TestApp;
let w: World;
let o: Owners;
let property: Client;
let committee: Client;
let voteId: number;

const CLOSES_AT = new Date('2026-11-27T10:00:00Z'); // 2026-11-27 18:00 in Shanghai
const VOTE_TITLE = '5号楼屋面防水维修';

beforeAll(async () => {
  t = await createTestApp();
  const db = t.app.db;
  w = await makeWorld(db);
  o = await seedOwners(db, w);
  // The open vote of building 5, made directly: its electorate is the building's six units as they were.
  const vote = await db.fundProposal.create({
    data: {
      estateId: w.estateA.id,
      matter: 'use_fund',
      title: VOTE_TITLE,
      scope: 'buildings',
      amountFen: 18_600_000,
      status: 'open',
      opensAt: new Date('2026-11-19T02:00:00Z'),
      openedAt: new Date('2026-11-19T02:00:00Z'),
      closesAt: CLOSES_AT,
      createdById: w.users.committeeA.id,
      buildings: { create: [{ buildingId: w.buildingA.id }] },
    },
  });
  voteId = vote.id;
  const units = await db.unit.findMany({ where: { buildingId: w.buildingA.id } });
  await db.voteUnit.createMany({
    data: units.map((u) => ({
      proposalId: vote.id,
      unitId: u.id,
      areaCentiM2: u.areaCentiM2,
      voterKey: `u:${u.id}`,
      buildingName: '5号楼',
      floor: u.floor,
      room: u.room,
    })),
  });
  property = await loginAs(t.app, 'propertya');
  committee = await loginAs(t.app, 'committeea');
});
afterAll(async () => t.close());

/** Every roster and audit row, so "nothing written" means exactly that. */
async function rosterState(): Promise<string> {
  const db = t.app.db;
  const [units, owners, links, buildings, audit] = await Promise.all([
    db.unit.findMany({ orderBy: { id: 'asc' } }),
    db.owner.findMany({ orderBy: { id: 'asc' } }),
    db.ownerUnit.findMany({ orderBy: [{ unitId: 'asc' }, { ownerId: 'asc' }] }),
    db.building.findMany({ orderBy: { id: 'asc' } }),
    db.auditEntry.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify({ units, owners, links, buildings, audit });
}

async function editUnit(client: Client, unitId: number, form: Record<string, string>) {
  await client.get('/roster');
  return client.post(`/roster/units/${unitId}`, form);
}

async function importFile(client: Client, text: string) {
  await client.get('/roster');
  return client.postMultipart(
    '/roster/import',
    { estateId: String(w.estateA.id) },
    { file: [{ filename: 'roster.csv', contentType: 'text/csv', data: Buffer.from(text, 'utf8') }] },
  );
}

const HEADER = '楼栋,单元,房号,楼层,专有面积,业主姓名,手机号,业主编号,开发商未售';

describe('the roster during an open vote', () => {
  it('refuses the hand edit of a unit in the electorate, naming the vote and its closing time, and writes nothing', async () => {
    const before = await rosterState();
    // the attack: another resident's phone number put on a building-5 owner's row
    const res = await editUnit(property, w.unitA.id, {
      area: '100.00',
      floor: '6',
      owners: `A1, 王秀英, ${w.users.residentB.phone}`,
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(VOTE_TITLE);
    expect(res.body).toContain('2026-11-27 18:00');
    expect(res.body).toContain('本次没有保存任何修改');
    expect(await rosterState()).toBe(before);
  });

  it('refuses the same unit’s change of area in the places administration, and writes nothing', async () => {
    const staff = await loginAs(t.app, 'community');
    const form = await staff.get(`/admin/units/${w.unitA.id}`);
    expect(form.statusCode).toBe(200);
    const before = await t.app.db.unit.findUniqueOrThrow({ where: { id: w.unitA.id } });
    const res = await staff.post(`/admin/units/${w.unitA.id}`, {
      unitEntrance: before.entrance,
      unitRoom: before.room,
      unitFloor: String(before.floor),
      unitArea: '1.00',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(VOTE_TITLE);
    expect(await t.app.db.unit.findUniqueOrThrow({ where: { id: w.unitA.id } })).toEqual(before);
  });

  it('refuses a change of area or owners by the committee just the same', async () => {
    const before = await rosterState();
    const res = await editUnit(committee, o.units.u501.id, { area: '1.00', floor: '5', owners: 'A3, 张三' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(VOTE_TITLE);
    expect(await rosterState()).toBe(before);
  });

  it('says so on the unit page before anyone types, and offers no form', async () => {
    const page = await property.get(`/roster/units/${w.unitA.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(VOTE_TITLE);
    expect(page.body).toContain('2026-11-27 18:00');
    expect(page.body).not.toContain(`action="/roster/units/${w.unitA.id}"`);
  });

  it('marks the locked units on the roster page and keeps the others editable', async () => {
    const page = await property.get(`/roster?estate=${w.estateA.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('表决中，暂不能修改');
    expect(page.body).not.toContain(`href="/roster/units/${w.unitA.id}"`);
    expect(page.body).toContain(`href="/roster/units/${w.unitA3.id}"`);
  });

  it('refuses a whole import that touches a unit of the electorate, listing the vote and the unit, and writes nothing', async () => {
    const before = await rosterState();
    const res = await importFile(
      property,
      [
        HEADER,
        '9号楼,1,101,1,88.00,新业主,13811112222,N001,否', // new, harmless on its own
        `5号楼,1,601,6,100.00,王秀英,${w.users.residentB.phone},A1,否`, // in the open vote
      ].join('\r\n'),
    );
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(VOTE_TITLE);
    expect(res.body).toContain('2026-11-27 18:00');
    expect(res.body).toContain('5号楼 1单元 601');
    expect(res.body).toContain('本次没有导入任何内容');
    expect(await rosterState()).toBe(before);
  });

  it('imports a file that leaves the vote’s units alone', async () => {
    const res = await importFile(property, [HEADER, '6号楼,1,102,1,88.00,周七,13811113333,B001,否'].join('\r\n'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('名册已导入');
  });

  it('saves and audits, with before and after, the edit of a unit outside the electorate', async () => {
    const res = await editUnit(property, w.unitA3.id, { area: '121.50', floor: '1', owners: 'A6, 孙五, 13600000006' });
    expect(res.statusCode).toBe(303);
    const entry = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'roster.edit', entityId: String(w.unitA3.id) },
      orderBy: { id: 'desc' },
    });
    expect(JSON.parse(entry.beforeJson)).toMatchObject({ area: '120.00' });
    expect(JSON.parse(entry.afterJson)).toMatchObject({ area: '121.50' });
    expect(entry.actorId).toBe(w.users.propertyA.id);
  });

  it('lets the roster be edited again once the vote has closed, and a phone number still links no account', async () => {
    await t.app.db.fundProposal.update({ where: { id: voteId }, data: { status: 'passed', closedAt: CLOSES_AT } });
    const res = await editUnit(property, w.unitA.id, {
      area: '100.00',
      floor: '6',
      owners: `A1, 王秀英, 13812345678\nA9, 冒名者, ${w.users.residentB.phone}`,
    });
    expect(res.statusCode).toBe(303);
    const added = await t.app.db.owner.findFirstOrThrow({ where: { estateId: w.estateA.id, ownerKey: 'A9' } });
    expect(added.userId).toBeNull();
    expect(await t.app.db.owner.count({ where: { userId: w.users.residentB.id } })).toBe(0);
    const entry = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'roster.edit', entityId: String(w.unitA.id) },
      orderBy: { id: 'desc' },
    });
    expect(entry.afterJson).toContain('冒名者');
  });
});

describe('the roster does not import votes', () => {
  it('asks about open votes through the option the app hands it, never through an import of votes', () => {
    const dir = path.resolve(import.meta.dirname, '../../src/modules/roster');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/from ['"]\.\.\/votes\//);
    }
  });
});

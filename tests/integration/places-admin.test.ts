import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { estateSettings } from '../../src/modules/places/index.ts';

let t: TestApp;
let w: World;
let admin: Client;
let staff: Client;
let otherStaff: Client;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  admin = await loginAs(t.app, 'admin');
  staff = await loginAs(t.app, 'community');
  otherStaff = await loginAs(t.app, 'community2');
  resident = await loginAs(t.app, 'residenta');
});
afterAll(async () => t.close());

const audits = (action: string) => t.app.db.auditEntry.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('the administration entry page', () => {
  it('lists the sections for an administrator and for community staff, and is in the navigation', async () => {
    const forAdmin = await admin.get('/admin');
    expect(forAdmin.statusCode).toBe(200);
    expect(forAdmin.body).toContain('href="/admin/communities"');
    expect(forAdmin.body).toContain('href="/admin/categories"');
    expect(forAdmin.body).toContain('href="/admin"');
    const forStaff = await staff.get('/admin');
    expect(forStaff.statusCode).toBe(200);
    expect(forStaff.body).toContain(`href="/admin/communities/${w.community.id}"`);
    expect(forStaff.body).toContain(`href="/admin/communities/${w.community.id}/outside-units"`);
    expect(forStaff.body).not.toContain(`/estates/${w.estateC.id}/join-poster`);
  });

  it('does not exist for a resident', async () => {
    expect((await resident.get('/admin')).statusCode).toBe(404);
    expect((await resident.get('/admin/communities')).statusCode).toBe(404);
    expect((await resident.get(`/admin/estates/${w.estateA.id}`)).statusCode).toBe(404);
  });
});

describe('communities', () => {
  it('an administrator creates a community, audited, and a duplicate name is refused inline with nothing written', async () => {
    const res = await admin.post('/admin/communities', { communityName: '  新建社区 ', communityDistrict: '朝阳区' });
    expect(res.statusCode).toBe(303);
    const created = await t.app.db.community.findUniqueOrThrow({ where: { name: '新建社区' } });
    expect(res.headers.location).toBe(`/admin/communities/${created.id}?saved=1`);
    const [entry] = await audits('community.create');
    expect(entry).toMatchObject({ actorId: w.users.admin.id, entityId: String(created.id), communityId: created.id });
    expect(JSON.parse(entry!.afterJson)).toEqual({ name: '新建社区', district: '朝阳区' });

    const before = await t.app.db.community.count();
    const dup = await admin.post('/admin/communities', { communityName: '新建社区' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('同一上级下已有这个名称');
    expect(await t.app.db.community.count()).toBe(before);
    expect(await audits('community.create')).toHaveLength(1);
  });

  it('an administrator renames a community and the audit entry keeps before and after', async () => {
    const c = await t.app.db.community.create({ data: { name: '旧名社区' } });
    const res = await admin.post(`/admin/communities/${c.id}`, { communityName: '新名社区', communityDistrict: '' });
    expect(res.statusCode).toBe(303);
    expect((await t.app.db.community.findUniqueOrThrow({ where: { id: c.id } })).name).toBe('新名社区');
    const entry = (await audits('community.update')).find((e) => e.entityId === String(c.id))!;
    expect(JSON.parse(entry.beforeJson).name).toBe('旧名社区');
    expect(JSON.parse(entry.afterJson).name).toBe('新名社区');
  });

  it('community staff see their own community only, and may neither create nor rename one', async () => {
    const list = await staff.get('/admin/communities');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('测试社区');
    expect(list.body).not.toContain('另一个社区');
    expect((await staff.get(`/admin/communities/${w.community.id}`)).statusCode).toBe(200);
    expect((await staff.get(`/admin/communities/${w.otherCommunity.id}`)).statusCode).toBe(404);
    await staff.get('/admin');
    expect((await staff.post('/admin/communities', { communityName: '偷建社区' })).statusCode).toBe(404);
    expect((await staff.post(`/admin/communities/${w.community.id}`, { communityName: '改名' })).statusCode).toBe(404);
    expect(await t.app.db.community.findUnique({ where: { name: '偷建社区' } })).toBeNull();
    expect((await t.app.db.community.findUniqueOrThrow({ where: { id: w.community.id } })).name).toBe('测试社区');
  });

  it('lists search by name', async () => {
    const res = await admin.get(`/admin/communities?q=${encodeURIComponent('另一')}`);
    expect(res.body).toContain('另一个社区');
    expect(res.body).not.toContain('>测试社区<');
  });
});

describe('estates', () => {
  it('community staff create an estate with a normalised duty phone; it gets a join code; audited', async () => {
    const res = await staff.post(`/admin/communities/${w.community.id}/estates`, {
      estateName: '丁小区',
      estateAddress: '幸福路 1 号',
      propertyCompanyName: '丁物业',
      committeeName: '丁小区业主委员会',
      dutyPhone: '(010) 1234 5678',
    });
    expect(res.statusCode).toBe(303);
    const estate = await t.app.db.estate.findFirstOrThrow({ where: { name: '丁小区' } });
    expect(estate).toMatchObject({
      communityId: w.community.id,
      dutyPhone: '010-12345678',
      propertyCompanyName: '丁物业',
      committeeName: '丁小区业主委员会',
    });
    expect(estate.joinCode).toMatch(/^[a-z2-9]{10}$/);
    const entry = (await audits('estate.create')).find((e) => e.entityId === String(estate.id))!;
    expect(entry).toMatchObject({ actorId: w.users.community.id, estateId: estate.id, communityId: w.community.id });
  });

  it.each([
    ['12345', 'not a phone number'],
    ['0101234', 'too short a landline'],
    ['23812345678', 'a mobile number not starting with 1'],
  ])('a duty phone "%s" (%s) is refused inline, nothing written', async (dutyPhone) => {
    const before = await t.app.db.estate.count();
    const res = await staff.post(`/admin/communities/${w.community.id}/estates`, { estateName: '戊小区', dutyPhone });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填写 11 位手机号或带区号的固定电话');
    expect(await t.app.db.estate.count()).toBe(before);
  });

  it('accepts a mobile number, a +86 number and a 400 service number as the duty phone', async () => {
    for (const [name, phone, stored] of [
      ['己小区', '138 1234 5678', '13812345678'],
      ['庚小区', '+86 13912345678', '13912345678'],
      ['辛小区', '400-123-4567', '4001234567'],
    ]) {
      const res = await admin.post(`/admin/communities/${w.otherCommunity.id}/estates`, { estateName: name!, dutyPhone: phone! });
      expect(res.statusCode).toBe(303);
      expect((await t.app.db.estate.findFirstOrThrow({ where: { name } })).dutyPhone).toBe(stored);
    }
  });

  it('a duplicate estate name within the community is refused; the same name in another community is fine', async () => {
    const dup = await staff.post(`/admin/communities/${w.community.id}/estates`, { estateName: '甲小区' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('同一上级下已有这个名称');
    expect(await t.app.db.estate.count({ where: { name: '甲小区' } })).toBe(1);
    const elsewhere = await admin.post(`/admin/communities/${w.otherCommunity.id}/estates`, { estateName: '甲小区' });
    expect(elsewhere.statusCode).toBe(303);
    expect(await t.app.db.estate.count({ where: { name: '甲小区' } })).toBe(2);
  });

  it('updates an estate, keeping before and after in the audit log; renaming onto a sibling is refused', async () => {
    const res = await staff.post(`/admin/estates/${w.estateB.id}`, {
      estateName: '乙小区',
      propertyCompanyName: '乙物业公司',
      dutyPhone: '021-87654321',
    });
    expect(res.statusCode).toBe(303);
    const entry = (await audits('estate.update')).find((e) => e.entityId === String(w.estateB.id))!;
    expect(JSON.parse(entry.beforeJson)).toMatchObject({ propertyCompanyName: '', dutyPhone: '' });
    expect(JSON.parse(entry.afterJson)).toMatchObject({ propertyCompanyName: '乙物业公司', dutyPhone: '021-87654321' });
    const clash = await staff.post(`/admin/estates/${w.estateB.id}`, { estateName: '甲小区' });
    expect(clash.statusCode).toBe(400);
    expect((await t.app.db.estate.findUniqueOrThrow({ where: { id: w.estateB.id } })).name).toBe('乙小区');
  });

  it('community staff cannot see or touch another community’s estate (404), and nothing is written', async () => {
    const c = w.estateC.id;
    const auditCount = await t.app.db.auditEntry.count();
    for (const url of [`/admin/estates/${c}`, `/admin/estates/${c}/settings`, `/admin/estates/${c}/buildings`]) {
      expect((await staff.get(url)).statusCode, url).toBe(404);
    }
    await staff.get('/admin');
    expect((await staff.post(`/admin/estates/${c}`, { estateName: '改名' })).statusCode).toBe(404);
    expect((await staff.post(`/admin/estates/${c}/settings`, { autoCloseDays: '3' })).statusCode).toBe(404);
    expect((await staff.post(`/admin/estates/${c}/buildings`, { buildingName: '9号楼' })).statusCode).toBe(404);
    expect((await staff.post(`/admin/communities/${w.otherCommunity.id}/estates`, { estateName: '越界小区' })).statusCode).toBe(
      404,
    );
    const estateC = await t.app.db.estate.findUniqueOrThrow({ where: { id: c } });
    expect(estateC.name).toBe('丙小区');
    expect(await t.app.db.building.count({ where: { estateId: c } })).toBe(1);
    expect(await t.app.db.auditEntry.count()).toBe(auditCount);
    // …and the other community's staff cannot touch this community's estate
    expect((await otherStaff.get(`/admin/estates/${w.estateA.id}`)).statusCode).toBe(404);
  });
});

describe('per-estate settings', () => {
  const good = {
    autoCloseDays: '10',
    satisfactionWeightPct: '80',
    deadlineWarningHours: '6',
    meetingReminderHours: '48',
    voteReminderHours: '72',
    bouncingThreshold: '3',
    minVotingDays: '15',
    secretBallots: '1',
  };

  it('stores the settings, audited, and exposes them through estateSettings', async () => {
    const res = await staff.post(`/admin/estates/${w.estateA.id}/settings`, good);
    expect(res.statusCode).toBe(303);
    expect(await estateSettings(t.app.db, w.estateA.id)).toEqual({
      autoCloseDays: 10,
      satisfactionWeightPct: 80,
      deadlineWarningHours: 6,
      meetingReminderHours: 48,
      voteReminderHours: 72,
      bouncingThreshold: 3,
      minVotingDays: 15,
      secretBallots: true,
    });
    const entry = (await audits('estate.settings')).at(-1)!;
    expect(JSON.parse(entry.beforeJson)).toMatchObject({ autoCloseDays: 7, secretBallots: false });
    expect(JSON.parse(entry.afterJson)).toMatchObject({ autoCloseDays: 10, secretBallots: true });
    const page = await staff.get(`/admin/estates/${w.estateA.id}/settings`);
    expect(page.body).toContain('value="15"');
    // an unticked box turns the secret ballot off again
    const { secretBallots: _, ...rest } = good;
    await staff.post(`/admin/estates/${w.estateA.id}/settings`, rest);
    expect((await estateSettings(t.app.db, w.estateA.id))?.secretBallots).toBe(false);
  });

  it.each([
    ['satisfactionWeightPct', '101', '应在 0 到 100 之间'],
    ['bouncingThreshold', '0', '应在 1 到 20 之间'],
    ['minVotingDays', '0', '应在 1 到 180 之间'],
    ['autoCloseDays', '-1', '应在 1 到 90 之间'],
    ['deadlineWarningHours', '2.5', '请填写整数'],
    ['voteReminderHours', '', '必填'],
  ])('refuses %s = "%s" inline and writes nothing', async (field, value, message) => {
    const before = await estateSettings(t.app.db, w.estateB.id);
    const audited = await t.app.db.auditEntry.count();
    const res = await staff.post(`/admin/estates/${w.estateB.id}/settings`, { ...good, [field]: value });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain(`id="f-${field}"`);
    expect(await estateSettings(t.app.db, w.estateB.id)).toEqual(before);
    expect(await t.app.db.auditEntry.count()).toBe(audited);
  });

  it('estateSettings is null for an estate that does not exist', async () => {
    expect(await estateSettings(t.app.db, 999999)).toBeNull();
  });
});

describe('out-of-range and malformed ids', () => {
  it.each([
    '/admin/estates/99999999999',
    '/admin/estates/1.5',
    '/admin/estates/0',
    '/admin/communities/abc',
    '/admin/buildings/-3/units',
    '/admin/units/12345678901234567890',
    '/admin/categories/2147483648',
    '/admin/outside-units/1x',
    '/estates/99999999999/join-poster',
    '/admin/communities?page=0',
    '/admin/communities?page=abc',
  ])('GET %s is a 400 page, not a 500', async (url) => {
    const res = await admin.get(url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('a POST to an out-of-range id is a 400 too, and an unknown id in range a 404', async () => {
    await admin.get('/admin');
    expect((await admin.post('/admin/buildings/3000000000', { buildingName: 'x' })).statusCode).toBe(400);
    expect((await admin.post('/estates/3000000000/join-code')).statusCode).toBe(400);
    expect((await admin.get('/admin/estates/2147483647')).statusCode).toBe(404);
    expect((await admin.post('/admin/units/2147483647', { unitRoom: '1' })).statusCode).toBe(404);
  });
});

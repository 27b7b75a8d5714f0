import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let w: World;
let admin: Client;
let staff: Client;
let otherStaff: Client;
let property: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  admin = await loginAs(t.app, 'admin');
  staff = await loginAs(t.app, 'community');
  otherStaff = await loginAs(t.app, 'community2');
  property = await loginAs(t.app, 'propertya');
});
afterAll(async () => t.close());

const audits = (action: string) => t.app.db.auditEntry.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('buildings', () => {
  it('community staff add a building, audited; a duplicate name in the estate is refused, in another estate it is fine', async () => {
    const res = await staff.post(`/admin/estates/${w.estateA.id}/buildings`, {
      buildingName: '7号楼',
      buildingFloors: '18',
      buildingOrder: '7',
    });
    expect(res.statusCode).toBe(303);
    const b = await t.app.db.building.findFirstOrThrow({ where: { estateId: w.estateA.id, name: '7号楼' } });
    expect(b).toMatchObject({ floors: 18, sortOrder: 7 });
    expect((await audits('building.create')).map((e) => e.entityId)).toContain(String(b.id));

    const before = await t.app.db.building.count();
    const dup = await staff.post(`/admin/estates/${w.estateA.id}/buildings`, { buildingName: '5号楼' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('同一上级下已有这个名称');
    expect(await t.app.db.building.count()).toBe(before);
    expect((await staff.post(`/admin/estates/${w.estateB.id}/buildings`, { buildingName: '5号楼' })).statusCode).toBe(303);
  });

  it('renames a building with before and after audited, refusing a sibling’s name', async () => {
    const res = await staff.post(`/admin/buildings/${w.buildingA2.id}`, {
      buildingName: '6号楼（东）',
      buildingFloors: '7',
      buildingOrder: '2',
    });
    expect(res.statusCode).toBe(303);
    const entry = (await audits('building.update')).at(-1)!;
    expect(JSON.parse(entry.beforeJson)).toMatchObject({ name: '6号楼', floors: 6 });
    expect(JSON.parse(entry.afterJson)).toMatchObject({ name: '6号楼（东）', floors: 7 });
    const clash = await staff.post(`/admin/buildings/${w.buildingA2.id}`, { buildingName: '5号楼' });
    expect(clash.statusCode).toBe(400);
    expect((await t.app.db.building.findUniqueOrThrow({ where: { id: w.buildingA2.id } })).name).toBe('6号楼（东）');
  });

  it('another community’s staff get a 404 for a building and its units', async () => {
    expect((await otherStaff.get(`/admin/buildings/${w.buildingA.id}`)).statusCode).toBe(404);
    expect((await otherStaff.get(`/admin/buildings/${w.buildingA.id}/units`)).statusCode).toBe(404);
    await otherStaff.get('/admin');
    expect(
      (await otherStaff.post(`/admin/buildings/${w.buildingA.id}/units`, { unitRoom: '999', unitFloor: '9', unitArea: '50' }))
        .statusCode,
    ).toBe(404);
    expect(await t.app.db.unit.count({ where: { room: '999' } })).toBe(0);
    expect((await property.get(`/admin/buildings/${w.buildingA.id}`)).statusCode).toBe(404);
  });

  it('lists 20 to a page, searchable by name', async () => {
    const estate = await t.app.db.estate.create({ data: { communityId: w.community.id, name: '大小区' } });
    for (let i = 1; i <= 25; i++)
      await t.app.db.building.create({ data: { estateId: estate.id, name: `B${String(i).padStart(2, '0')}`, sortOrder: i } });
    const first = await staff.get(`/admin/estates/${estate.id}/buildings`);
    expect(first.body).toContain('>B20<');
    expect(first.body).not.toContain('>B21<');
    expect(first.body).toContain('第 1 / 2 页');
    const second = await staff.get(`/admin/estates/${estate.id}/buildings?page=2`);
    expect(second.body).toContain('>B25<');
    expect(second.body).not.toContain('>B01<');
    const found = await staff.get(`/admin/estates/${estate.id}/buildings?q=B1`);
    expect(found.body).toContain('>B13<');
    expect(found.body).not.toContain('>B21<');
  });
});

describe('units by hand', () => {
  it('adds a unit with its area in m² stored as integer 0.01 m², audited', async () => {
    const res = await staff.post(`/admin/buildings/${w.buildingA.id}/units`, {
      unitEntrance: '2',
      unitRoom: '1801',
      unitFloor: '18',
      unitArea: '86.35',
    });
    expect(res.statusCode).toBe(303);
    const unit = await t.app.db.unit.findFirstOrThrow({ where: { buildingId: w.buildingA.id, entrance: '2', room: '1801' } });
    expect(unit).toMatchObject({ floor: 18, areaCentiM2: 8635 });
    const entry = (await audits('unit.create')).at(-1)!;
    expect(entry).toMatchObject({ entityId: String(unit.id), estateId: w.estateA.id, communityId: w.community.id });
  });

  it.each([
    ['0', '面积必须大于 0'],
    ['0.00', '面积必须大于 0'],
    ['-5', '面积必须大于 0'],
    ['', '请填写专有面积'],
    ['86.355', '最多两位小数'],
    ['八十', '请填写数字'],
  ])('refuses an area of "%s" inline and writes nothing', async (area, message) => {
    const before = await t.app.db.unit.count();
    const audited = await t.app.db.auditEntry.count();
    const res = await staff.post(`/admin/buildings/${w.buildingA.id}/units`, {
      unitEntrance: '3',
      unitRoom: '301',
      unitFloor: '3',
      unitArea: area,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('id="f-unitArea"');
    expect(await t.app.db.unit.count()).toBe(before);
    expect(await t.app.db.auditEntry.count()).toBe(audited);
  });

  it('refuses a room its building and entrance already have; the same room at another entrance is fine', async () => {
    const dup = await staff.post(`/admin/buildings/${w.buildingA.id}/units`, {
      unitEntrance: '1',
      unitRoom: '601',
      unitFloor: '6',
      unitArea: '90',
    });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('这个楼栋的这个单元已有这个房号');
    const ok = await staff.post(`/admin/buildings/${w.buildingA.id}/units`, {
      unitEntrance: '4',
      unitRoom: '601',
      unitFloor: '6',
      unitArea: '90',
    });
    expect(ok.statusCode).toBe(303);
  });

  it('edits a unit’s area with before and after audited; zero is refused', async () => {
    const page = await staff.get(`/admin/units/${w.unitA2.id}`);
    expect(page.body).toContain('value="80.00"');
    const res = await staff.post(`/admin/units/${w.unitA2.id}`, {
      unitEntrance: '1',
      unitRoom: '602',
      unitFloor: '6',
      unitArea: '81.5',
    });
    expect(res.statusCode).toBe(303);
    expect((await t.app.db.unit.findUniqueOrThrow({ where: { id: w.unitA2.id } })).areaCentiM2).toBe(8150);
    const entry = (await audits('unit.update')).at(-1)!;
    expect(JSON.parse(entry.beforeJson).areaCentiM2).toBe(8000);
    expect(JSON.parse(entry.afterJson).areaCentiM2).toBe(8150);
    const zero = await staff.post(`/admin/units/${w.unitA2.id}`, {
      unitEntrance: '1',
      unitRoom: '602',
      unitFloor: '6',
      unitArea: '0',
    });
    expect(zero.statusCode).toBe(400);
    expect((await t.app.db.unit.findUniqueOrThrow({ where: { id: w.unitA2.id } })).areaCentiM2).toBe(8150);
  });

  it('searches a building’s units by room', async () => {
    const res = await staff.get(`/admin/buildings/${w.buildingA.id}/units?q=602`);
    expect(res.body).toContain('>602<');
    expect(res.body).not.toContain('>601<');
  });
});

describe('categories', () => {
  const category = {
    categoryNameZh: '电动车充电',
    categoryNameEn: 'E-bike charging',
    responseHours: '24',
    resolveHours: '72',
    defaultParty: 'property',
    categoryActive: '1',
  };

  it('community staff add their community’s own category, audited', async () => {
    const res = await staff.post(`/admin/communities/${w.community.id}/categories`, { ...category, categoryEmergency: '1' });
    expect(res.statusCode).toBe(303);
    const c = await t.app.db.category.findFirstOrThrow({ where: { nameZh: '电动车充电' } });
    expect(c).toMatchObject({
      communityId: w.community.id,
      responseHours: 24,
      resolveHours: 72,
      emergency: true,
      active: true,
      defaultParty: 'property',
    });
    expect((await audits('category.create')).at(-1)).toMatchObject({ entityId: String(c.id), communityId: w.community.id });
    const list = await staff.get(`/admin/communities/${w.community.id}/categories`);
    expect(list.body).toContain('电动车充电');
  });

  it.each([
    ['responseHours', '0', '必须大于 0'],
    ['responseHours', '-4', '必须大于 0'],
    ['resolveHours', '0', '必须大于 0'],
    ['resolveHours', '12', '解决时限不能短于响应时限'],
    ['responseHours', 'abc', '请填写整数'],
  ])('refuses %s = "%s" inline and writes nothing', async (field, value, message) => {
    const before = await t.app.db.category.count();
    const res = await staff.post(`/admin/communities/${w.community.id}/categories`, {
      ...category,
      categoryNameZh: '新类别',
      categoryNameEn: 'New one',
      [field]: value,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(await t.app.db.category.count()).toBe(before);
  });

  it('refuses a name the community or the shared set already has', async () => {
    const shared = w.cat('lift_fault');
    const clashShared = await staff.post(`/admin/communities/${w.community.id}/categories`, {
      ...category,
      categoryNameZh: shared.nameZh,
      categoryNameEn: 'Something else',
    });
    expect(clashShared.statusCode).toBe(400);
    expect(clashShared.body).toContain('同一上级下已有这个名称');
    const clashOwn = await staff.post(`/admin/communities/${w.community.id}/categories`, {
      ...category,
      categoryNameEn: 'Another',
    });
    expect(clashOwn.statusCode).toBe(400);
    // another community may have its own category of the same name
    expect((await otherStaff.post(`/admin/communities/${w.otherCommunity.id}/categories`, category)).statusCode).toBe(303);
  });

  it('edits a category’s deadlines and deactivates it, audited; a zero deadline is refused', async () => {
    const c = await t.app.db.category.findFirstOrThrow({ where: { nameZh: '电动车充电', communityId: w.community.id } });
    const { categoryActive: _active, ...inactive } = category;
    const res = await staff.post(`/admin/categories/${c.id}`, {
      ...inactive,
      responseHours: '12',
      resolveHours: '48',
      defaultParty: 'committee',
    });
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.category.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
      responseHours: 12,
      resolveHours: 48,
      active: false,
      emergency: false,
      defaultParty: 'committee',
    });
    const entry = (await audits('category.update')).at(-1)!;
    expect(JSON.parse(entry.beforeJson)).toMatchObject({ responseHours: 24, active: true });
    const bad = await staff.post(`/admin/categories/${c.id}`, { ...category, responseHours: '0' });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.db.category.findUniqueOrThrow({ where: { id: c.id } })).responseHours).toBe(12);
  });

  it('an unknown default party is refused inline', async () => {
    const res = await staff.post(`/admin/communities/${w.community.id}/categories`, {
      ...category,
      categoryNameZh: '怪类别',
      categoryNameEn: 'Odd',
      defaultParty: 'mayor',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-defaultParty"');
  });

  it('only an administrator manages the shared set; community staff get a 404 for it and for another community’s categories', async () => {
    const leak = w.cat('lift_fault');
    expect((await staff.get('/admin/categories')).statusCode).toBe(404);
    expect((await staff.get(`/admin/categories/${leak.id}`)).statusCode).toBe(404);
    await staff.get('/admin');
    expect((await staff.post('/admin/categories', category)).statusCode).toBe(404);
    expect((await staff.post(`/admin/categories/${leak.id}`, { ...category, categoryNameZh: '改' })).statusCode).toBe(404);
    expect((await staff.get(`/admin/communities/${w.otherCommunity.id}/categories`)).statusCode).toBe(404);
    const theirs = await t.app.db.category.findFirstOrThrow({ where: { communityId: w.otherCommunity.id } });
    expect((await staff.get(`/admin/categories/${theirs.id}`)).statusCode).toBe(404);

    const res = await admin.post('/admin/categories', { ...category, categoryNameZh: '共用新类', categoryNameEn: 'Shared new' });
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.category.findFirstOrThrow({ where: { nameZh: '共用新类' } })).toMatchObject({ communityId: null });
    const shared = await admin.get('/admin/categories?q=' + encodeURIComponent('共用'));
    expect(shared.body).toContain('共用新类');
    expect(shared.body).not.toContain(leak.nameZh);
  });
});

describe('outside units', () => {
  it('community staff add the community police officer, audited; a duplicate is refused; a bad phone is refused', async () => {
    const res = await staff.post(`/admin/communities/${w.community.id}/outside-units`, {
      outsideName: '社区民警 张警官',
      outsideKind: '派出所',
      outsideContact: '张警官',
      outsidePhone: '13800001234',
      outsideActive: '1',
    });
    expect(res.statusCode).toBe(303);
    const unit = await t.app.db.outsideUnit.findFirstOrThrow({ where: { name: '社区民警 张警官' } });
    expect(unit).toMatchObject({ communityId: w.community.id, kind: '派出所', phone: '13800001234', active: true });
    expect((await audits('outside_unit.create')).at(-1)).toMatchObject({ entityId: String(unit.id) });

    const dup = await staff.post(`/admin/communities/${w.community.id}/outside-units`, { outsideName: '社区民警 张警官' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('同一上级下已有这个名称');
    const badPhone = await staff.post(`/admin/communities/${w.community.id}/outside-units`, {
      outsideName: '供水公司',
      outsidePhone: '999',
    });
    expect(badPhone.statusCode).toBe(400);
    expect(await t.app.db.outsideUnit.count()).toBe(1);
  });

  it('edits an outside unit, and another community’s staff get a 404', async () => {
    const unit = await t.app.db.outsideUnit.findFirstOrThrow({ where: { communityId: w.community.id } });
    const res = await staff.post(`/admin/outside-units/${unit.id}`, { outsideName: unit.name, outsidePhone: '010-66668888' });
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.outsideUnit.findUniqueOrThrow({ where: { id: unit.id } })).toMatchObject({
      phone: '010-66668888',
      active: false,
    });
    expect((await audits('outside_unit.update')).at(-1)).toMatchObject({ entityId: String(unit.id) });
    expect((await otherStaff.get(`/admin/outside-units/${unit.id}`)).statusCode).toBe(404);
    expect((await otherStaff.get(`/admin/communities/${w.community.id}/outside-units`)).statusCode).toBe(404);
    await otherStaff.get('/admin');
    expect((await otherStaff.post(`/admin/outside-units/${unit.id}`, { outsideName: '改名' })).statusCode).toBe(404);
  });
});

import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let w: World;
let committee: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  committee = await loginAs(t.app, 'committeea');
});
afterAll(async () => t.close());

const HEADER = '楼栋,单元,房号,楼层,专有面积,业主姓名,手机号,业主编号,开发商未售';
const GOOD = [
  HEADER,
  '9号楼,1,601,6,98.50,王秀英,13811110000,K001,否',
  '9号楼,1,602,6,86.35,李建国,13800000002,K002,否',
  '9号楼,1,602,6,86.35,张丽,,K003,否',
  '9号楼,2,601,6,98.50,李建国,13800000002,K002,否',
  '9号楼,2,602,6,120.00,,,,是',
].join('\r\n');

async function upload(client: Client, bytes: Buffer, estateId: number | string = w.estateA.id) {
  await client.get('/roster');
  return client.postMultipart(
    '/roster/import',
    { estateId: String(estateId) },
    { file: [{ filename: 'roster.csv', contentType: 'text/csv', data: bytes }] },
  );
}

const countRows = async () => ({
  units: await t.app.db.unit.count(),
  owners: await t.app.db.owner.count(),
  links: await t.app.db.ownerUnit.count(),
  buildings: await t.app.db.building.count(),
});

describe('importing the owner roster', () => {
  it.each([
    ['UTF-8', Buffer.from(GOOD, 'utf8')],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD, 'utf8')])],
    ['GBK', iconv.encode(GOOD, 'gbk')],
  ])('imports a clean %s file, and importing it again updates without duplicating', async (_name, bytes) => {
    const res = await upload(committee, bytes);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('名册已导入');
    const building = await t.app.db.building.findFirstOrThrow({ where: { estateId: w.estateA.id, name: '9号楼' } });
    const units = await t.app.db.unit.findMany({
      where: { buildingId: building.id },
      include: { owners: { include: { owner: true } } },
      orderBy: [{ entrance: 'asc' }, { room: 'asc' }],
    });
    expect(
      units.map((u) => [
        u.entrance,
        u.room,
        u.areaCentiM2,
        u.developerUnsold,
        u.owners
          .map((x) => x.owner.name)
          .sort()
          .join('+'),
      ]),
    ).toEqual([
      ['1', '601', 9850, false, '王秀英'],
      ['1', '602', 8635, false, '张丽+李建国'],
      ['2', '601', 9850, false, '李建国'],
      ['2', '602', 12000, true, '开发商'],
    ]);
    const before = await countRows();
    const again = await upload(committee, bytes);
    expect(again.body).toContain('更新 4');
    expect(await countRows()).toEqual(before);
  });

  it('re-importing with a changed area and owner updates the unit and replaces its owners', async () => {
    const changed = GOOD.replace(
      '9号楼,1,601,6,98.50,王秀英,13811110000,K001,否',
      '9号楼,1,601,6,99.00,赵新,13811112222,K009,否',
    );
    await upload(committee, Buffer.from(changed));
    const unit = await t.app.db.unit.findFirstOrThrow({
      where: { building: { name: '9号楼' }, entrance: '1', room: '601' },
      include: { owners: { include: { owner: true } } },
    });
    expect(unit.areaCentiM2).toBe(9900);
    expect(unit.owners.map((x) => x.owner.ownerKey)).toEqual(['K009']);
    expect(await t.app.db.unit.count({ where: { building: { name: '9号楼' }, entrance: '1', room: '601' } })).toBe(1);
  });

  it('reports every bad row with its line number and writes nothing', async () => {
    const before = await countRows();
    const bad = [
      HEADER,
      '10号楼,1,101,1,-5,甲,,X1,否', // line 2: negative area
      '10号楼,1,102,1,abc,乙,,X2,否', // line 3: not a number
      '10号楼,1,103,1,80.00,丙,,X3,否', // fine
      '10号楼,1,103,1,80.00,丙,,X3,否', // line 5: duplicate room
      '10号楼,1,104,1,80.00,丁,12345,X4,否', // line 6: bad phone
    ].join('\n');
    const res = await upload(committee, Buffer.from(bad));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('名册有 4 处错误');
    for (const text of [
      '第 2 行',
      '面积不能为负数',
      '第 3 行',
      '面积不是数字',
      '第 5 行',
      '与第 4 行重复',
      '第 6 行',
      '手机号格式不正确',
      '本次没有导入任何内容',
    ]) {
      expect(res.body).toContain(text);
    }
    expect(await countRows()).toEqual(before);
  });

  it('reports a missing column', async () => {
    const res = await upload(
      committee,
      Buffer.from('楼栋,单元,房号,楼层,业主姓名,手机号,业主编号,开发商未售\n9号楼,1,601,6,王,,K1,否\n'),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('专有面积');
    expect(res.body).toContain('缺少这一列');
  });

  it('reports an encoding it cannot read, and an Excel workbook', async () => {
    const latin = await upload(committee, Buffer.from([0x41, 0xff, 0xfe, 0x80, 0x0a]));
    expect(latin.statusCode).toBe(400);
    const xlsx = await upload(committee, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
    expect(xlsx.statusCode).toBe(400);
    expect(xlsx.body).toContain('这不是 CSV 文件');
  });

  it('asks for a file when none is chosen', async () => {
    await committee.get('/roster');
    const res = await committee.postMultipart('/roster/import', { estateId: String(w.estateA.id) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-rosterFile"');
  });

  it('never links a resident account to an owner of record by a matching mobile number alone', async () => {
    const csv = [
      HEADER,
      `5号楼,1,601,6,100.00,王秀英,13812345678,W001,否`,
      `5号楼,1,602,6,80.00,李四,139 0000 1111,W002,否`,
    ].join('\n');
    const res = await upload(committee, Buffer.from(csv));
    expect(res.statusCode).toBe(200);
    const wang = await t.app.db.owner.findFirstOrThrow({ where: { estateId: w.estateA.id, ownerKey: 'W001' } });
    const li = await t.app.db.owner.findFirstOrThrow({ where: { estateId: w.estateA.id, ownerKey: 'W002' } });
    // the numbers match residentA and residentA2, but only an approved registration links an account
    expect(wang.userId).toBeNull();
    expect(li.userId).toBeNull();
    // the existing 5号楼 units were updated, not duplicated
    expect(await t.app.db.unit.count({ where: { buildingId: w.buildingA.id } })).toBe(2);
  });

  it('serves a CSV template with the headers the import reads', async () => {
    const res = await committee.get('/roster/template.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body).toContain(HEADER);
  });
});

describe('the roster page and hand edits', () => {
  it('lists units by building with their owners', async () => {
    const res = await committee.get('/roster');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('9号楼');
    expect(res.body).toContain('李建国');
  });

  it('edits one unit’s area and owners, with inline errors for bad input', async () => {
    const unit = await t.app.db.unit.findFirstOrThrow({ where: { building: { name: '9号楼' }, entrance: '2', room: '601' } });
    await committee.get(`/roster/units/${unit.id}`);
    const bad = await committee.post(`/roster/units/${unit.id}`, { area: '-3', floor: '6', owners: 'K002, 李建国' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="err-unitArea"');
    expect((await t.app.db.unit.findUniqueOrThrow({ where: { id: unit.id } })).areaCentiM2).toBe(9850);
    const ok = await committee.post(`/roster/units/${unit.id}`, {
      area: '97.25',
      floor: '6',
      owners: 'K002, 李建国, 13800000002\nK077, 周敏',
    });
    expect(ok.statusCode).toBe(303);
    const after = await t.app.db.unit.findUniqueOrThrow({
      where: { id: unit.id },
      include: { owners: { include: { owner: true } } },
    });
    expect(after.areaCentiM2).toBe(9725);
    expect(after.owners.map((x) => x.owner.ownerKey).sort()).toEqual(['K002', 'K077']);
  });

  it('is 404 for residents, for another estate’s staff and for another estate’s units', async () => {
    const resident = await loginAs(t.app, 'residenta');
    expect((await resident.get('/roster')).statusCode).toBe(404);
    const propertyB = await loginAs(t.app, 'propertyb');
    const unit = await t.app.db.unit.findFirstOrThrow({ where: { building: { name: '9号楼' } } });
    expect((await propertyB.get(`/roster/units/${unit.id}`)).statusCode).toBe(404);
    expect((await propertyB.get(`/roster?estate=${w.estateA.id}`)).statusCode).toBe(404);
    const before = await countRows();
    const res = await upload(propertyB, Buffer.from(GOOD), w.estateA.id);
    expect(res.statusCode).toBe(404);
    expect(await countRows()).toEqual(before);
  });

  it('the property company of the estate may import too', async () => {
    const property = await loginAs(t.app, 'propertya');
    const res = await upload(property, Buffer.from(GOOD));
    expect(res.statusCode).toBe(200);
  });

  it.each(['0', '1.5', '2147483648', '12345678901234567890'])(
    'a unit or estate id %s is a 400 page and changes nothing',
    async (id) => {
      const before = await countRows();
      expect((await committee.get(`/roster/units/${id}`)).statusCode).toBe(400);
      expect((await committee.get(`/roster?estate=${id}`)).statusCode).toBe(400);
      await committee.get('/roster');
      expect((await committee.post(`/roster/units/${id}`, { area: '90.00', floor: '6', owners: 'K900, 编号' })).statusCode).toBe(
        400,
      );
      expect((await upload(committee, Buffer.from(GOOD), id)).statusCode).toBe(400);
      expect(await countRows()).toEqual(before);
    },
  );
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';

/** Filing for a caller (issue #12, item 6): staff register a complaint made by phone or at the desk. */

let t: TestApp;
let world: World;
let community: Client;
let propertyA: Client;
let propertyB: Client;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  community = await loginAs(t.app, 'community');
  propertyA = await loginAs(t.app, 'propertya');
  propertyB = await loginAs(t.app, 'propertyb');
});
afterAll(async () => t.close());

const form = (overrides: Record<string, string> = {}) => ({
  estateId: String(world.estateA.id),
  channel: 'phone',
  residentId: '',
  residentQuery: '',
  callerName: '张建国',
  callerPhone: '139 1234 5678',
  locationType: 'building',
  buildingId: String(world.buildingA.id),
  room: '',
  locationNote: '三楼楼梯间',
  categoryId: String(world.cat('sanitation').id),
  title: '楼道堆满杂物',
  description: '来电反映楼道堆放杂物，影响通行。',
  submissionKey: randomUUID(),
  ...overrides,
});

const idOf = (location: unknown) => Number(/\/issues\/(\d+)/.exec(String(location))?.[1]);

describe('staff file an issue for a caller', () => {
  it('keeps the name and phone of a caller without an account, with the channel and the filer', async () => {
    await community.get(`/issues/new-for-caller?estate=${world.estateA.id}`);
    const res = await community.post('/issues/new-for-caller', form());
    expect(res.statusCode).toBe(303);
    const id = idOf(res.headers.location);
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id }, include: { events: true } });
    expect(issue).toMatchObject({
      estateId: world.estateA.id,
      buildingId: world.buildingA.id,
      isPublic: true,
      channel: 'phone',
      filedById: world.users.community.id,
      reporterId: world.users.community.id,
      callerName: '张建国',
      callerPhone: '13912345678',
      state: 'submitted',
    });
    expect(issue.events).toHaveLength(1);
    expect(issue.events[0]).toMatchObject({ action: 'submit', actorId: world.users.community.id, actorRole: 'community' });
    expect(issue.events[0]!.note).toContain('电话受理');
    // the filer is not told of their own filing
    expect(await t.app.db.notification.count({ where: { issueId: id, userId: world.users.community.id } })).toBe(0);

    const staffPage = await propertyA.get(`/issues/${id}`);
    expect(staffPage.body).toContain('电话受理 · 由 community 代为登记');
    expect(staffPage.body).toContain('张建国 · 13912345678');
    // a neighbour sees the public issue with the caller masked, and the public list never names them
    const neighbour = await loginAs(t.app, 'residenta2');
    const masked = await neighbour.get(`/issues/${id}`);
    expect(masked.statusCode).toBe(200);
    expect(masked.body).toContain('张*');
    expect(masked.body).toContain('139****5678');
    expect(masked.body).not.toContain('张建国');
    expect(masked.body).not.toContain('13912345678');
    const list = await neighbour.get('/issues/public');
    expect(list.body).toContain('楼道堆满杂物');
    expect(list.body).not.toContain('张建国');
    expect(list.body).not.toContain('5678');
  });

  it('links a resident found by the search, who becomes the reporter and is told', async () => {
    const search = await propertyA.get(`/issues/new-for-caller/residents?estateId=${world.estateA.id}&residentQuery=1381234`, {
      'hx-request': 'true',
    });
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain(`value="${world.users.residentA.id}"`);
    expect(search.body).toContain('王秀英');
    expect(search.body).not.toContain('李四');

    await propertyA.get('/issues/new-for-caller');
    const res = await propertyA.post(
      '/issues/new-for-caller',
      form({
        channel: 'desk',
        residentId: String(world.users.residentA.id),
        callerName: '',
        callerPhone: '',
        locationType: 'unit',
        buildingId: '',
      }),
    );
    expect(res.statusCode).toBe(303);
    const id = idOf(res.headers.location);
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id } });
    expect(issue).toMatchObject({
      reporterId: world.users.residentA.id,
      filedById: world.users.propertyA.id,
      channel: 'desk',
      callerName: '',
      callerPhone: '',
      locationType: 'unit',
      unitId: world.unitA.id,
      buildingId: world.buildingA.id,
      isPublic: false,
    });
    const told = await t.app.db.notification.findMany({ where: { userId: world.users.residentA.id, issueId: id } });
    expect(told.map((n) => n.kind)).toEqual(['issue_filed_for_you']);
    // the resident sees it as theirs, with who registered it
    const resident = await loginAs(t.app, 'residenta');
    const page = await resident.get(`/issues/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('窗口受理 · 由 propertya 代为登记');
    expect((await resident.get('/issues/mine')).body).toContain('楼道堆满杂物');
    // an in-unit issue stays out of the neighbours' sight
    expect((await (await loginAs(t.app, 'residenta2')).get(`/issues/${id}`)).statusCode).toBe(404);
  });

  it('files the unit typed by its room, with photos', async () => {
    await community.get(`/issues/new-for-caller?estate=${world.estateA.id}`);
    const res = await community.postMultipart(
      '/issues/new-for-caller',
      form({ locationType: 'unit', room: '602', title: '卫生间漏水' }),
      {
        photos: [{ filename: 'leak.png', contentType: 'image/png', data: IMAGES.png }],
      },
    );
    expect(res.statusCode).toBe(303);
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id: idOf(res.headers.location) } });
    expect(issue).toMatchObject({ unitId: world.unitA2.id, isPublic: false, attachmentCount: 1 });
  });

  it('without JavaScript, the search button sends the form back with the matches and files nothing', async () => {
    const before = await t.app.db.issue.count();
    await community.get(`/issues/new-for-caller?estate=${world.estateA.id}`);
    const res = await community.post(
      '/issues/new-for-caller',
      form({ intent: 'search', residentQuery: '李', title: '电梯异响' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`value="${world.users.residentA2.id}"`);
    expect(res.body).toContain('value="电梯异响"');
    expect(res.body).toContain('如选了照片，请重新选择');
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('files once when the same form is sent twice', async () => {
    await community.get(`/issues/new-for-caller?estate=${world.estateA.id}`);
    const once = form({ title: '路灯不亮' });
    const first = await community.post('/issues/new-for-caller', once);
    const second = await community.post('/issues/new-for-caller', once);
    expect(first.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await t.app.db.issue.count({ where: { title: '路灯不亮' } })).toBe(1);
  });

  it.each([
    ['no channel', { channel: '' }, 'channel', '必填'],
    ['no caller name without an account', { callerName: '' }, 'callerName', '必填'],
    ['a phone number that is not a mobile number', { callerPhone: '12345' }, 'callerPhone', '手机号'],
    ['a resident of another estate', { residentId: 'RESIDENT_B' }, 'residentId', '请从列表中选择本小区的居民账号'],
    ['a building of another estate', { buildingId: 'BUILDING_B' }, 'buildingId', '请选择本小区的楼栋'],
    ['a room the building does not have', { locationType: 'unit', room: '999' }, 'room', '该楼栋没有这个房号'],
    ['no category', { categoryId: '' }, 'categoryId', '必填'],
  ])('refuses %s inline and files nothing', async (_what, overrides, field, message) => {
    const before = await t.app.db.issue.count();
    const swapped = Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [
        k,
        v === 'RESIDENT_B' ? String(world.users.residentB.id) : v === 'BUILDING_B' ? String(world.buildingB.id) : v,
      ]),
    );
    await community.get(`/issues/new-for-caller?estate=${world.estateA.id}`);
    const res = await community.post('/issues/new-for-caller', form(swapped));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`href="#f-${field}"`);
    expect(res.body).toContain(`id="err-${field}"`);
    expect(res.body).toContain(message);
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('is limited to the staff member’s estates: another estate is a 404', async () => {
    expect((await propertyB.get(`/issues/new-for-caller?estate=${world.estateA.id}`)).statusCode).toBe(404);
    expect(
      (await propertyB.get(`/issues/new-for-caller/residents?estateId=${world.estateA.id}&residentQuery=王`)).statusCode,
    ).toBe(404);
    await propertyB.get('/issues/new-for-caller');
    const res = await propertyB.post('/issues/new-for-caller', form());
    expect(res.statusCode).toBe(404);
    expect((await community.get(`/issues/new-for-caller?estate=${world.estateC.id}`)).statusCode).toBe(404);
  });

  it('asks community staff with several estates which one first', async () => {
    const res = await community.get('/issues/new-for-caller');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="estate"');
    expect(res.body).toContain('甲小区');
    expect(res.body).toContain('乙小区');
    expect(res.body).not.toContain('丙小区');
  });

  it('is not open to residents, the committee or a malformed estate', async () => {
    const resident = await loginAs(t.app, 'residenta');
    expect((await resident.get('/issues/new-for-caller')).statusCode).toBe(404);
    const committee = await loginAs(t.app, 'committeea');
    expect((await committee.get('/issues/new-for-caller')).statusCode).toBe(404);
    expect((await community.get('/issues/new-for-caller?estate=abc')).statusCode).toBe(400);
    expect((await community.get('/issues/new-for-caller?estate=99999999')).statusCode).toBe(404);
  });
});

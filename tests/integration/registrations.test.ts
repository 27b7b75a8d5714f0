import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { Client, loginAs } from '../helpers/client.ts';

let t: TestApp;
let w: World;
let rosterOwnerId: number;
let otherOwnerId: number;

const CODE_A = 'jiaxiaoqu-2026';
const CODE_B = 'yixiaoqu-2026';
const GOOD_PASSWORD = 'lobby poster 7';

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  const db = t.app.db;
  await db.estate.update({ where: { id: w.estateA.id }, data: { joinCode: CODE_A, dutyPhone: '010-12345678' } });
  await db.estate.update({ where: { id: w.estateB.id }, data: { joinCode: CODE_B } });
  // Owners of record of unit A2 (602): 张三 with a mobile as the roster spelled it, and a co-owner.
  const zhang = await db.owner.create({
    data: { estateId: w.estateA.id, ownerKey: 'K-ZHANG', name: '张三', phone: '139 0000 2222' },
  });
  const co = await db.owner.create({ data: { estateId: w.estateA.id, ownerKey: 'K-CO', name: '李梅', phone: '' } });
  await db.ownerUnit.createMany({
    data: [
      { ownerId: zhang.id, unitId: w.unitA2.id },
      { ownerId: co.id, unitId: w.unitA2.id },
    ],
  });
  rosterOwnerId = zhang.id;
  otherOwnerId = co.id;
});
afterAll(async () => t.close());

interface JoinFields {
  joinBuilding: string;
  joinUnit: string;
  joinName: string;
  joinPhone: string;
  joinRelation: string;
  joinPassword: string;
  joinConfirm: string;
}

function fields(overrides: Partial<JoinFields> = {}): Record<string, string> {
  return {
    joinBuilding: String(w.buildingA.id),
    joinUnit: String(w.unitA2.id),
    joinName: '张三',
    joinPhone: '13900002222',
    joinRelation: 'owner',
    joinPassword: GOOD_PASSWORD,
    joinConfirm: GOOD_PASSWORD,
    ...overrides,
  };
}

/** A fresh browser that opens the poster's link and submits the form. */
async function join(overrides: Partial<JoinFields> = {}, code = CODE_A) {
  const client = new Client(t.app);
  await client.get(`/join/${code}`);
  const res = await client.post(`/join/${code}`, fields(overrides));
  return { client, res };
}

const userByPhone = (phone: string) =>
  t.app.db.user.findUnique({ where: { username: phone }, include: { registration: true, owner: true } });

describe('the join page', () => {
  it('shows the estate by name with its buildings, and lists the rooms of the chosen building', async () => {
    const client = new Client(t.app);
    const page = await client.get(`/join/${CODE_A}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('加入甲小区');
    expect(page.body).toContain('5号楼');
    expect(page.body).toContain('6号楼');
    expect(page.body).not.toContain('1单元 601'); // no building chosen yet

    const partial = await client.get(`/join/${CODE_A}?joinBuilding=${w.buildingA.id}`, { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    expect(partial.body).toContain('1单元 601');
    expect(partial.body).toContain('1单元 602');
    expect(partial.body).not.toContain('1单元 101'); // a room of 6号楼
  });

  it('lists the rooms without JavaScript when the building is posted with the "list rooms" button, checking nothing', async () => {
    const client = new Client(t.app);
    await client.get(`/join/${CODE_A}`);
    const before = await t.app.db.user.count();
    const res = await client.post(`/join/${CODE_A}`, { joinBuilding: String(w.buildingA2.id), joinName: '王五', step: 'units' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1单元 101');
    expect(res.body).toContain('value="王五"');
    expect(res.body).not.toContain('field-error');
    expect(await t.app.db.user.count()).toBe(before);
  });

  it.each([
    ['a wrong code', 'no-such-code'],
    ['a code of another shape', '%E4%B8%AD'],
  ])('answers %s with a 404 that says the code is not valid', async (_name, code) => {
    const client = new Client(t.app);
    const page = await client.get(`/join/${code}`);
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('这个加入码无效或已更换');
    await client.get('/login');
    const post = await client.post(`/join/${code}`, fields({ joinPhone: '13500000001' }));
    expect(post.statusCode).toBe(404);
    expect(await userByPhone('13500000001')).toBeNull();
  });

  it('no longer accepts a rotated code: the old poster is a 404, the new one works', async () => {
    await t.app.db.estate.update({
      where: { id: w.estateB.id },
      data: { joinCode: 'yixiaoqu-new', joinCodeRotatedAt: t.clock.now },
    });
    const client = new Client(t.app);
    expect((await client.get(`/join/${CODE_B}`)).statusCode).toBe(404);
    const fresh = await client.get('/join/yixiaoqu-new');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toContain('加入乙小区');
    const res = await client.post(
      `/join/${CODE_B}`,
      fields({ joinBuilding: String(w.buildingB.id), joinUnit: String(w.unitB.id), joinPhone: '13500000002' }),
    );
    expect(res.statusCode).toBe(404);
    expect(await userByPhone('13500000002')).toBeNull();
  });

  it('refuses an id in the room picker that is not a number with an inline message, not a 500', async () => {
    const { res } = await join({ joinUnit: '99999999999999999999', joinPhone: '13500000003' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('error-summary');
    expect(await userByPhone('13500000003')).toBeNull();
  });
});

describe('registering', () => {
  it('with a roster match: an unverified resident, a pending registration with the match as evidence, and no link', async () => {
    const auditsBefore = await t.app.db.auditEntry.count({ where: { action: 'registration.submit' } });
    const { client, res } = await join({ joinPhone: '+86 139-0000-2222' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/registration?joined=1');

    const user = await userByPhone('13900002222');
    expect(user).toMatchObject({
      role: 'resident',
      displayName: '张三',
      phone: '13900002222',
      estateId: w.estateA.id,
      unitId: w.unitA2.id,
      communityId: w.community.id,
      isTenant: false,
      verified: false,
      active: true,
    });
    expect(user?.registration).toMatchObject({
      status: 'pending',
      claimedRelation: 'owner',
      rosterMatchOwnerId: rosterOwnerId,
      buildingId: w.buildingA.id,
      approvedOwnerId: null,
    });
    // A roster phone number alone never links the account to the owner of record.
    expect(user?.owner).toBeNull();
    expect((await t.app.db.owner.findUniqueOrThrow({ where: { id: rosterOwnerId } })).userId).toBeNull();

    expect(await t.app.db.auditEntry.count({ where: { action: 'registration.submit' } })).toBe(auditsBefore + 1);
    const audit = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'registration.submit', actorId: user?.id } });
    expect(audit).toMatchObject({
      estateId: w.estateA.id,
      communityId: w.community.id,
      entityType: 'registration',
      entityId: String(user?.registration?.id),
    });

    const told = await t.app.db.notification.findMany({
      where: { kind: 'registration_submitted' },
      select: { userId: true, link: true },
    });
    expect(told.map((n) => n.userId).sort()).toEqual([w.users.propertyA.id, w.users.committeeA.id].sort());
    expect(told[0]?.link).toBe(`/registrations/${user?.registration?.id}`);

    // Signed in at once, and told that they wait for approval.
    const status = await client.get('/registration?joined=1');
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('注册成功');
    expect(status.body).toContain('13900002222');
    expect(status.body).toContain('正在审核中');
  });

  it('logs in afterwards with the mobile number and the chosen password', async () => {
    const client = await loginAs(t.app, '13900002222', GOOD_PASSWORD);
    const status = await client.get('/registration');
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('正在审核中');
  });

  it('without a roster match: no evidence is recorded, and approvers see "no roster match"', async () => {
    const { res } = await join({ joinName: '赵钱', joinPhone: '13600003333', joinUnit: String(w.unitA.id) });
    expect(res.statusCode).toBe(303);
    const user = await userByPhone('13600003333');
    expect(user?.registration).toMatchObject({ status: 'pending', rosterMatchOwnerId: null, unitId: w.unitA.id });
    const committee = await loginAs(t.app, 'committeea');
    const queue = await committee.get('/registrations');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('花名册匹配：张三（业主）');
    expect(queue.body).toContain('无花名册匹配');
  });

  it('as a tenant: the account is a tenant account, still unverified', async () => {
    const { res } = await join({
      joinName: '租客小刘',
      joinPhone: '13700004444',
      joinRelation: 'tenant',
      joinBuilding: String(w.buildingA2.id),
      joinUnit: String(w.unitA3.id),
    });
    expect(res.statusCode).toBe(303);
    const user = await userByPhone('13700004444');
    expect(user).toMatchObject({ isTenant: true, verified: false, unitId: w.unitA3.id });
    expect(user?.registration).toMatchObject({ claimedRelation: 'tenant', status: 'pending' });
  });

  it.each([
    ['a landline', { joinPhone: '010-12345678' }, 'joinPhone', '请填写 11 位中国大陆手机号'],
    ['ten digits', { joinPhone: '1390000222' }, 'joinPhone', '请填写 11 位中国大陆手机号'],
    ['no name', { joinName: '  ' }, 'joinName', '必填'],
    ['no room', { joinUnit: '' }, 'joinUnit', '必填'],
    ['a room of another building', { joinUnit: 'unitA3' }, 'joinUnit', '请从列表中选择这栋楼的房间'],
    ['no relation', { joinRelation: '' }, 'joinRelation', '必填'],
    ['a short password', { joinPassword: 'abc123', joinConfirm: 'abc123' }, 'joinPassword', '至少 8 个字符'],
    ['a common password', { joinPassword: 'woaini1314', joinConfirm: 'woaini1314' }, 'joinPassword', '这个密码太常见'],
    [
      'the number as the password',
      { joinPassword: '13500000009', joinConfirm: '13500000009' },
      'joinPassword',
      '不能用手机号作密码',
    ],
    ['passwords that differ', { joinConfirm: 'lobby poster 8' }, 'joinConfirm', '两次输入的密码不一致'],
  ])('refuses %s inline, keeps what was typed, and writes nothing', async (_name, overrides, field, message) => {
    const before = { users: await t.app.db.user.count(), registrations: await t.app.db.registration.count() };
    // Ids of the world are known only once it is made: 'unitA3' stands for a room of the other building.
    const typed = { ...overrides } as Partial<JoinFields>;
    if (typed.joinUnit === 'unitA3') typed.joinUnit = String(w.unitA3.id);
    const { res } = await join({ joinName: '孙九', joinPhone: '13500000009', ...typed });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`id="err-${field}"`);
    expect(res.body).toContain(message);
    expect(res.body).not.toContain(GOOD_PASSWORD); // passwords are never sent back
    expect({ users: await t.app.db.user.count(), registrations: await t.app.db.registration.count() }).toEqual(before);
  });

  it('refuses the same mobile number twice in the estate, however it is spelled', async () => {
    const before = await t.app.db.registration.count();
    const again = await join({ joinName: '张三', joinPhone: '139 0000 2222' });
    expect(again.res.statusCode).toBe(400);
    expect(again.res.body).toContain('这个手机号已经注册过');
    // A number that already belongs to a resident of the estate (made another way) too.
    const existing = await join({ joinName: '王秀英', joinPhone: w.users.residentA.phone, joinUnit: String(w.unitA.id) });
    expect(existing.res.statusCode).toBe(400);
    expect(existing.res.body).toContain('这个手机号已经注册过');
    expect(await t.app.db.registration.count()).toBe(before);
  });

  it('makes one account from a double submission', async () => {
    const client = new Client(t.app);
    await client.get(`/join/${CODE_A}`);
    const before = { users: await t.app.db.user.count(), registrations: await t.app.db.registration.count() };
    const form = fields({ joinName: '周八', joinPhone: '13800008888', joinUnit: String(w.unitA.id) });
    const [a, b] = await Promise.all([client.post(`/join/${CODE_A}`, form), client.post(`/join/${CODE_A}`, form)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 400]);
    expect([a, b].find((r) => r.statusCode === 400)?.body).toContain('这个手机号已经注册过');
    expect({ users: await t.app.db.user.count(), registrations: await t.app.db.registration.count() }).toEqual({
      users: before.users + 1,
      registrations: before.registrations + 1,
    });
  });

  it('shows a signed-in person a notice instead of the form', async () => {
    const resident = await loginAs(t.app, 'residenta');
    const page = await resident.get(`/join/${CODE_A}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('您已登录为');
    expect(page.body).not.toContain('name="joinPassword"');
  });
});

describe('deciding on a registration', () => {
  async function pendingOf(phone: string) {
    const user = await userByPhone(phone);
    if (!user?.registration) throw new Error(`no registration for ${phone}`);
    return { user, registration: user.registration };
  }

  it('shows the approver the roster evidence and preselects the matching owner', async () => {
    const { registration } = await pendingOf('13900002222');
    const committee = await loginAs(t.app, 'committeea');
    const page = await committee.get(`/registrations/${registration.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('花名册匹配：张三（业主）');
    expect(page.body).toContain('手机号一致');
    expect(page.body).toMatch(new RegExp(`value="${rosterOwnerId}" checked`));
    expect(page.body).toContain('李梅');
  });

  it('approving as owner links the owner of record, verifies the account, audits and tells the resident; a second decision is a 409', async () => {
    const { user, registration } = await pendingOf('13900002222');
    const committee = await loginAs(t.app, 'committeea');
    await committee.get(`/registrations/${registration.id}`);
    const res = await committee.post(`/registrations/${registration.id}/decision`, {
      decision: 'owner',
      regOwner: String(rosterOwnerId),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/registrations/${registration.id}?done=owner`);

    expect((await t.app.db.owner.findUniqueOrThrow({ where: { id: rosterOwnerId } })).userId).toBe(user.id);
    expect(await t.app.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ verified: true, isTenant: false });
    expect(await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).toMatchObject({
      status: 'approved_owner',
      approvedOwnerId: rosterOwnerId,
      decidedById: w.users.committeeA.id,
    });
    const audits = await t.app.db.auditEntry.findMany({
      where: { action: 'registration.approve_owner', entityId: String(registration.id) },
    });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: w.users.committeeA.id, estateId: w.estateA.id });
    expect(JSON.parse(audits[0]?.afterJson ?? '{}')).toMatchObject({
      status: 'approved_owner',
      verified: true,
      ownerId: rosterOwnerId,
    });
    expect(await t.app.db.notification.count({ where: { userId: user.id, kind: 'registration_approved_owner' } })).toBe(1);

    // The property clicks too, a moment later: refused, nothing written twice.
    const property = await loginAs(t.app, 'propertya');
    await property.get(`/registrations/${registration.id}`);
    const twice = await property.post(`/registrations/${registration.id}/decision`, { decision: 'tenant' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('这条注册已经处理过了');
    expect(
      await t.app.db.auditEntry.count({
        where: { entityType: 'registration', entityId: String(registration.id), action: { not: 'registration.submit' } },
      }),
    ).toBe(1);
    expect(await t.app.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ isTenant: false });

    const status = await (await loginAs(t.app, '13900002222', GOOD_PASSWORD)).get('/registration');
    expect(status.body).toContain('已核实（业主）');
  });

  it('approving as owner refuses an owner who is not of that unit', async () => {
    const { registration } = await pendingOf('13600003333'); // unit A (601) has no owners of record here
    const committee = await loginAs(t.app, 'committeea');
    await committee.get(`/registrations/${registration.id}`);
    const res = await committee.post(`/registrations/${registration.id}/decision`, {
      decision: 'owner',
      regOwner: String(otherOwnerId),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择这套房屋的一位登记业主');
    expect((await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).status).toBe('pending');
    expect((await t.app.db.owner.findUniqueOrThrow({ where: { id: otherOwnerId } })).userId).toBeNull();
  });

  it('approving as a tenant verifies the account as a tenant and links no owner', async () => {
    const { user, registration } = await pendingOf('13700004444');
    const property = await loginAs(t.app, 'propertya');
    await property.get(`/registrations/${registration.id}`);
    const res = await property.post(`/registrations/${registration.id}/decision`, { decision: 'tenant' });
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.user.findUniqueOrThrow({ where: { id: user.id }, include: { owner: true } })).toMatchObject({
      verified: true,
      isTenant: true,
      owner: null,
    });
    expect((await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).status).toBe('approved_tenant');
    expect(
      await t.app.db.auditEntry.count({ where: { action: 'registration.approve_tenant', entityId: String(registration.id) } }),
    ).toBe(1);
  });

  it('is a 404 for the property of another estate, and community staff may look but not decide', async () => {
    const { registration } = await pendingOf('13600003333');
    const other = await loginAs(t.app, 'propertyb');
    expect((await other.get(`/registrations/${registration.id}`)).statusCode).toBe(404);
    expect((await other.get('/registrations')).body).not.toContain('赵钱');
    const refused = await other.post(`/registrations/${registration.id}/decision`, { decision: 'tenant' });
    expect(refused.statusCode).toBe(404);

    const community = await loginAs(t.app, 'community');
    const view = await community.get(`/registrations/${registration.id}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('赵钱');
    expect(view.body).not.toContain('/decision');
    expect((await community.post(`/registrations/${registration.id}/decision`, { decision: 'tenant' })).statusCode).toBe(404);

    const otherCommunity = await loginAs(t.app, 'community2');
    expect((await otherCommunity.get(`/registrations/${registration.id}`)).statusCode).toBe(404);
    const resident = await loginAs(t.app, 'residenta');
    expect((await resident.get('/registrations')).statusCode).toBe(404);
    expect((await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).status).toBe('pending');
  });

  it.each([['99999999999999999999'], ['1.5'], ['0']])('answers a registration id of %s with a 400, not a 500', async (id) => {
    const committee = await loginAs(t.app, 'committeea');
    expect((await committee.get(`/registrations/${id}`)).statusCode).toBe(400);
  });

  it('declining needs a reason, which the resident then sees', async () => {
    const { user, registration } = await pendingOf('13600003333');
    const committee = await loginAs(t.app, 'committeea');
    await committee.get(`/registrations/${registration.id}`);
    const empty = await committee.post(`/registrations/${registration.id}/decision`, { decision: 'decline', regReason: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="err-regReason"');
    expect((await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).status).toBe('pending');

    const res = await committee.post(`/registrations/${registration.id}/decision`, {
      decision: 'decline',
      regReason: '601 的业主说不认识此人',
    });
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.registration.findUniqueOrThrow({ where: { id: registration.id } })).toMatchObject({
      status: 'declined',
      declineReason: '601 的业主说不认识此人',
    });
    expect(await t.app.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ verified: false });
    expect(
      await t.app.db.auditEntry.count({ where: { action: 'registration.decline', entityId: String(registration.id) } }),
    ).toBe(1);
    expect(await t.app.db.notification.count({ where: { userId: user.id, kind: 'registration_declined' } })).toBe(1);

    const resident = await loginAs(t.app, '13600003333', GOOD_PASSWORD);
    const status = await resident.get('/registration');
    expect(status.body).toContain('未通过审核');
    expect(status.body).toContain('601 的业主说不认识此人');
  });
});

describe('a roster phone number never links an account by itself', () => {
  it('a roster import that lists the registrant’s number for their unit leaves the unverified account unlinked', async () => {
    const { res } = await join({ joinName: '钱多多', joinPhone: '13100001111', joinUnit: String(w.unitA.id) });
    expect(res.statusCode).toBe(303);
    const committee = await loginAs(t.app, 'committeea');
    await committee.get('/roster');
    const csv = [
      '楼栋,单元,房号,楼层,专有面积,业主姓名,手机号,业主编号,开发商未售',
      '5号楼,1,601,6,100.00,钱多多,13100001111,K-QIAN,否',
    ].join('\r\n');
    const imported = await committee.postMultipart(
      '/roster/import',
      { estateId: String(w.estateA.id) },
      { file: [{ filename: 'roster.csv', contentType: 'text/csv', data: Buffer.from(csv, 'utf8') }] },
    );
    expect(imported.statusCode).toBe(200);
    const owner = await t.app.db.owner.findUniqueOrThrow({
      where: { estateId_ownerKey: { estateId: w.estateA.id, ownerKey: 'K-QIAN' } },
    });
    expect(owner.userId).toBeNull();
    expect((await userByPhone('13100001111'))?.verified).toBe(false);
  });
});

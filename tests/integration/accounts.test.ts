import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, PASSWORD, type World } from '../helpers/world.ts';
import { Client, loginAs } from '../helpers/client.ts';
import { hashToken } from '../../src/modules/auth/tokens.ts';

let t: TestApp;
let w: World;
const NEW_PASSWORD = 'my own secret 88';

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
});
afterAll(async () => t.close());

/** The one-time link a page shows, as a path. */
function linkIn(body: string): string {
  const m = /value="https?:\/\/[^/"]+(\/reset\/[A-Za-z0-9_-]{43})"/.exec(body);
  if (!m?.[1]) throw new Error('no link on the page');
  return m[1];
}

/** Opens a reset link in a fresh browser and sets `password`. */
async function useLink(path: string, password = NEW_PASSWORD) {
  const client = new Client(t.app);
  const page = await client.get(path);
  if (page.statusCode !== 200) return page;
  return client.post(path, { password, confirm: password });
}

async function canLogIn(username: string, password: string): Promise<boolean> {
  const client = new Client(t.app);
  await client.get('/login');
  return (await client.post('/login', { username, password })).statusCode === 303;
}

const accountForm = (overrides: Record<string, string | string[]> = {}) => ({
  role: 'property',
  displayName: '新物业',
  phone: '',
  orgName: '甲物业',
  communityId: '',
  estateIds: [String(w.estateA.id)],
  ...overrides,
});

describe('who may see the account pages', () => {
  it.each(['residenta', 'propertya', 'committeea'])('%s gets a 404 for /accounts', async (username) => {
    const client = await loginAs(t.app, username);
    expect((await client.get('/accounts')).statusCode).toBe(404);
    expect((await client.get('/accounts/new')).statusCode).toBe(404);
    expect((await client.get(`/accounts/${w.users.propertyA.id}`)).statusCode).toBe(404);
  });

  it('an administrator lists every staff account, with search and pagination', async () => {
    const admin = await loginAs(t.app, 'admin');
    const all = await admin.get('/accounts');
    expect(all.statusCode).toBe(200);
    for (const name of ['propertya', 'propertyb', 'committeea', 'community', 'community2'])
      expect(all.body).toContain(`>${name}<`);
    expect(all.body).not.toContain('>residenta<');
    const found = await admin.get('/accounts?q=propertyb');
    expect(found.body).toContain('>propertyb<');
    expect(found.body).not.toContain('>propertya<');
    expect((await admin.get('/accounts?role=committee')).body).not.toContain('>propertya<');
    expect((await admin.get('/accounts?page=99999')).statusCode).toBe(200);
    expect((await admin.get('/accounts?page=abc')).statusCode).toBe(400);
    expect((await admin.get('/accounts/99999999999999999999')).statusCode).toBe(400);
  });

  it('community staff see their community’s accounts only; another community’s are a 404', async () => {
    const staff = await loginAs(t.app, 'community');
    const list = await staff.get('/accounts');
    expect(list.body).toContain('>propertya<');
    expect(list.body).not.toContain('>community2<');
    expect(list.body).not.toContain('>admin<');
    expect((await staff.get(`/accounts/${w.users.otherCommunityStaff.id}`)).statusCode).toBe(404);
    expect((await staff.get(`/accounts/${w.users.admin.id}`)).statusCode).toBe(404);
    expect((await staff.post(`/accounts/${w.users.otherCommunityStaff.id}/deactivate`)).statusCode).toBe(404);
    expect((await staff.post(`/accounts/${w.users.otherCommunityStaff.id}/reset-link`)).statusCode).toBe(404);
    expect(
      (
        await staff.post(
          `/accounts/${w.users.otherCommunityStaff.id}`,
          accountForm({ role: 'community', communityId: String(w.community.id) }),
        )
      ).statusCode,
    ).toBe(404);
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.otherCommunityStaff.id } })).active).toBe(true);
  });
});

describe('creating a staff account', () => {
  it('makes the account with its scope and no typed password, and shows a one-time link that sets it', async () => {
    const admin = await loginAs(t.app, 'admin');
    await admin.get('/accounts/new');
    const res = await admin.post(
      '/accounts/new',
      accountForm({
        username: 'Zhang.Wei',
        displayName: '张伟',
        phone: '138 0013 8000',
        estateIds: [String(w.estateA.id), String(w.estateB.id)],
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('账户已开通');
    const path = linkIn(res.body);
    const user = await t.app.db.user.findUniqueOrThrow({ where: { username: 'zhang.wei' }, include: { estates: true } });
    expect(user.role).toBe('property');
    expect(user.phone).toBe('13800138000');
    expect(user.estates.map((e) => e.estateId).sort()).toEqual([w.estateA.id, w.estateB.id].sort());
    // only the hash is stored, for 24 hours
    const token = await t.app.db.accountToken.findUniqueOrThrow({ where: { tokenHash: hashToken(path.split('/').at(-1)!) } });
    expect(token).toMatchObject({ purpose: 'reset', userId: user.id, usedAt: null });
    expect(token.expiresAt.getTime() - t.clock.now.getTime()).toBe(24 * 3_600_000);
    const audit = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'account.create', entityId: String(user.id) } });
    expect(audit.actorId).toBe(w.users.admin.id);
    expect(JSON.parse(audit.afterJson)).toMatchObject({ username: 'zhang.wei', role: 'property' });
    // nobody can log in until the owner sets a password through the link
    expect(await canLogIn('zhang.wei', PASSWORD)).toBe(false);
    const set = await useLink(path);
    expect(set.statusCode).toBe(303);
    expect(set.headers.location).toBe('/login?reason=reset');
    expect(await canLogIn('zhang.wei', NEW_PASSWORD)).toBe(true);
    // the link works once
    expect((await useLink(path, 'another secret 99')).statusCode).toBe(404);
  });

  it('refuses a taken username, a bad phone and a missing scope inline, and writes nothing', async () => {
    const admin = await loginAs(t.app, 'admin');
    await admin.get('/accounts/new');
    const before = await t.app.db.user.count();
    const taken = await admin.post('/accounts/new', accountForm({ username: 'propertya' }));
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('这个用户名已被使用');
    const badPhone = await admin.post('/accounts/new', accountForm({ username: 'newbie', phone: '12345' }));
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toContain('11 位中国大陆手机号');
    const noScope = await admin.post('/accounts/new', accountForm({ username: 'newbie', estateIds: [] }));
    expect(noScope.statusCode).toBe(400);
    expect(noScope.body).toContain('请选择负责范围');
    const junk = await admin.post('/accounts/new', accountForm({ username: 'newbie', estateIds: ['1e9x'] }));
    expect(junk.statusCode).toBe(400);
    expect(await t.app.db.user.count()).toBe(before);
  });

  it('community staff create accounts only for their own estates and community, and never an administrator', async () => {
    const staff = await loginAs(t.app, 'community');
    await staff.get('/accounts/new');
    const before = await t.app.db.user.count();
    const otherEstate = await staff.post(
      '/accounts/new',
      accountForm({ username: 'sneaky1', estateIds: [String(w.estateC.id)] }),
    );
    expect(otherEstate.statusCode).toBe(400);
    const otherCommunity = await staff.post(
      '/accounts/new',
      accountForm({ username: 'sneaky2', role: 'community', communityId: String(w.otherCommunity.id) }),
    );
    expect(otherCommunity.statusCode).toBe(400);
    const admin = await staff.post('/accounts/new', accountForm({ username: 'sneaky3', role: 'admin' }));
    expect(admin.statusCode).toBe(400);
    expect(await t.app.db.user.count()).toBe(before);
    const ok = await staff.post(
      '/accounts/new',
      accountForm({ username: 'yiwuye', role: 'committee', estateIds: [String(w.estateB.id)] }),
    );
    expect(ok.statusCode).toBe(200);
    const audit = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'account.create', actorId: w.users.community.id },
    });
    expect(audit.communityId).toBe(w.community.id);
  });

  it('an administrator may create another administrator', async () => {
    const admin = await loginAs(t.app, 'admin');
    await admin.get('/accounts/new');
    const res = await admin.post('/accounts/new', accountForm({ username: 'deputy', role: 'admin', displayName: '副管理员' }));
    expect(res.statusCode).toBe(200);
    const deputy = await t.app.db.user.findUniqueOrThrow({ where: { username: 'deputy' }, include: { estates: true } });
    expect(deputy.role).toBe('admin');
    expect(deputy.estates).toEqual([]);
  });
});

describe('changing an account’s role and scope', () => {
  it('changes the party and estates, effective at once, audited with before and after', async () => {
    const victim = await loginAs(t.app, 'propertyb');
    expect((await victim.get('/issues')).statusCode).toBe(200);
    const admin = await loginAs(t.app, 'admin');
    await admin.get(`/accounts/${w.users.propertyB.id}`);
    const res = await admin.post(
      `/accounts/${w.users.propertyB.id}`,
      accountForm({
        role: 'committee',
        displayName: 'propertyb',
        orgName: '乙业委会',
        estateIds: [String(w.estateA.id), String(w.estateB.id)],
      }),
    );
    expect(res.statusCode).toBe(303);
    const user = await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.propertyB.id }, include: { estates: true } });
    expect(user.role).toBe('committee');
    expect(user.estates).toHaveLength(2);
    const audit = await t.app.db.auditEntry.findFirstOrThrow({ where: { action: 'account.role', entityId: String(user.id) } });
    expect(JSON.parse(audit.beforeJson)).toMatchObject({ role: 'property', estateIds: [w.estateB.id] });
    expect(JSON.parse(audit.afterJson)).toMatchObject({ role: 'committee' });
    const scopeOnly = await admin.post(
      `/accounts/${w.users.propertyB.id}`,
      accountForm({ role: 'committee', displayName: 'propertyb', orgName: '乙业委会', estateIds: [String(w.estateB.id)] }),
    );
    expect(scopeOnly.statusCode).toBe(303);
    expect(await t.app.db.auditEntry.count({ where: { action: 'account.scope', entityId: String(user.id) } })).toBe(1);
  });

  it('a bad value comes back inline and changes nothing', async () => {
    const admin = await loginAs(t.app, 'admin');
    await admin.get(`/accounts/${w.users.committeeA.id}`);
    const res = await admin.post(`/accounts/${w.users.committeeA.id}`, accountForm({ role: 'overlord' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('aria-describedby="err-role"');
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.committeeA.id } })).role).toBe('committee');
  });
});

describe('deactivating an account', () => {
  it('ends its live sessions at once, stops it logging in, keeps its history, and can be undone', async () => {
    const victim = await loginAs(t.app, 'committeea');
    expect((await victim.get('/issues')).statusCode).toBe(200);
    const admin = await loginAs(t.app, 'admin');
    await admin.get(`/accounts/${w.users.committeeA.id}`);
    const res = await admin.post(`/accounts/${w.users.committeeA.id}/deactivate`);
    expect(res.statusCode).toBe(303);
    expect(await t.app.db.session.count({ where: { userId: w.users.committeeA.id } })).toBe(0);
    const after = await victim.get('/issues');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain('/login');
    expect(await canLogIn('committeea', PASSWORD)).toBe(false);
    const user = await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.committeeA.id } });
    expect(user.active).toBe(false);
    expect(user.deactivatedAt).not.toBeNull();
    expect(await t.app.db.auditEntry.count({ where: { action: 'account.deactivate', entityId: String(user.id) } })).toBe(1);
    // no reset link for a deactivated account
    expect((await admin.post(`/accounts/${w.users.committeeA.id}/reset-link`)).statusCode).toBe(409);
    await admin.get(`/accounts/${w.users.committeeA.id}`);
    expect((await admin.post(`/accounts/${w.users.committeeA.id}/reactivate`)).statusCode).toBe(303);
    expect(await canLogIn('committeea', PASSWORD)).toBe(true);
    expect(await t.app.db.auditEntry.count({ where: { action: 'account.reactivate', entityId: String(user.id) } })).toBe(1);
  });

  it('an administrator cannot deactivate themselves', async () => {
    const admin = await loginAs(t.app, 'admin');
    expect((await admin.post(`/accounts/${w.users.admin.id}/deactivate`)).statusCode).toBe(409);
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.admin.id } })).active).toBe(true);
  });
});

describe('reset links', () => {
  it('the property issues one for a resident of its estate; it ends the resident’s sessions and works once', async () => {
    const resident = await loginAs(t.app, 'residenta');
    const property = await loginAs(t.app, 'propertya');
    const list = await property.get('/residents');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('王秀英');
    expect(list.body).not.toContain('赵六'); // residentB lives in estate B
    const res = await property.post(`/residents/${w.users.residentA.id}/reset-link`);
    expect(res.statusCode).toBe(200);
    const path = linkIn(res.body);
    expect(
      await t.app.db.auditEntry.count({
        where: { action: 'account.reset_link', entityId: String(w.users.residentA.id), actorId: w.users.propertyA.id },
      }),
    ).toBe(1);
    expect((await useLink(path)).statusCode).toBe(303);
    expect((await resident.get('/issues/mine')).statusCode).toBe(303);
    expect(await canLogIn('residenta', NEW_PASSWORD)).toBe(true);
    expect(await canLogIn('residenta', PASSWORD)).toBe(false);
    expect((await useLink(path, 'yet another 123')).statusCode).toBe(404);
    expect(
      await t.app.db.auditEntry.count({ where: { action: 'account.password_reset', entityId: String(w.users.residentA.id) } }),
    ).toBe(1);
  });

  it('the property cannot reset a resident of another estate (404), nor community staff one of another community', async () => {
    const property = await loginAs(t.app, 'propertya');
    expect((await property.post(`/residents/${w.users.residentB.id}/reset-link`)).statusCode).toBe(404);
    const staff = await loginAs(t.app, 'community');
    expect((await staff.post(`/residents/${w.users.residentC.id}/reset-link`)).statusCode).toBe(404);
    expect((await staff.post(`/residents/${w.users.residentB.id}/reset-link`)).statusCode).toBe(200);
    const resident = await loginAs(t.app, 'residenta2');
    expect((await resident.get('/residents')).statusCode).toBe(404);
    expect((await resident.post(`/residents/${w.users.residentA2.id}/reset-link`)).statusCode).toBe(404);
  });

  it('a new link voids the older unused one, and a link expires after 24 hours', async () => {
    const staff = await loginAs(t.app, 'community');
    const first = linkIn((await staff.post(`/accounts/${w.users.propertyA.id}/reset-link`)).body);
    await staff.get('/accounts');
    const second = linkIn((await staff.post(`/accounts/${w.users.propertyA.id}/reset-link`)).body);
    expect((await new Client(t.app).get(first)).statusCode).toBe(404);
    expect((await new Client(t.app).get(second)).statusCode).toBe(200);
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 24 * 3_600_000 + 1000);
    try {
      expect((await new Client(t.app).get(second)).statusCode).toBe(404);
    } finally {
      t.clock.now = start;
    }
  });

  it('the new password must follow the policy', async () => {
    const staff = await loginAs(t.app, 'community');
    const path = linkIn((await staff.post(`/residents/${w.users.residentA2.id}/reset-link`)).body);
    const client = new Client(t.app);
    await client.get(path);
    const weak = await client.post(path, { password: 'woaini1314', confirm: 'woaini1314' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('这个密码太常见');
    expect(await canLogIn('residenta2', PASSWORD)).toBe(true);
  });
});

describe('recovery pages and the profile', () => {
  it('the login page links to joining and to “forgot password”, which says whom to ask', async () => {
    const login = await new Client(t.app).get('/login');
    expect(login.body).toContain('href="/joining"');
    expect(login.body).toContain('用加入码注册');
    expect(login.body).toContain('href="/forgot"');
    const forgot = await new Client(t.app).get('/forgot');
    expect(forgot.statusCode).toBe(200);
    expect(forgot.body).toContain('物业服务中心');
    const joining = await new Client(t.app).get('/joining');
    expect(joining.statusCode).toBe(200);
    expect(joining.body).toContain('二维码');
    const typed = await new Client(t.app).get('/joining?code=abc-123');
    expect(typed.statusCode).toBe(303);
    expect(typed.headers.location).toBe('/join/abc-123');
  });

  it('a resident changes their own phone (validated, audited) from the profile page', async () => {
    const resident = await loginAs(t.app, 'residentb');
    const page = await resident.get('/profile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('13700002222');
    const bad = await resident.post('/profile/phone', { phone: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('11 位中国大陆手机号');
    const ok = await resident.post('/profile/phone', { phone: '+86 139-1111-2222' });
    expect(ok.statusCode).toBe(303);
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.residentB.id } })).phone).toBe('13911112222');
    const audit = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'profile.phone', actorId: w.users.residentB.id },
    });
    expect(JSON.parse(audit.beforeJson)).toEqual({ phone: '13700002222' });
    expect(JSON.parse(audit.afterJson)).toEqual({ phone: '13911112222' });
  });

  it('changing one’s password applies the policy, ends other sessions and is audited', async () => {
    const other = await loginAs(t.app, 'residentc');
    const client = await loginAs(t.app, 'residentc');
    const weak = await client.post('/account/password', { current: PASSWORD, next: 'password123', confirm: 'password123' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('这个密码太常见');
    await client.get('/account/password');
    const ok = await client.post('/account/password', { current: PASSWORD, next: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(ok.statusCode).toBe(200);
    expect((await other.get('/issues/mine')).statusCode).toBe(303);
    expect(await t.app.db.auditEntry.count({ where: { action: 'profile.password', actorId: w.users.residentC.id } })).toBe(1);
  });

  it('everyone has the profile link; admins and community staff the accounts link', async () => {
    const resident = await loginAs(t.app, 'residentb');
    const page = (await resident.get('/profile')).body;
    expect(page).toContain('href="/profile"');
    expect(page).not.toContain('href="/accounts"');
    const staff = await loginAs(t.app, 'community');
    expect((await staff.get('/profile')).body).toContain('href="/accounts"');
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get('/profile')).body).toContain('href="/residents"');
  });
});

import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let world: World;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp({ uploadMaxBytes: 64 * 1024, uploadMaxFiles: 6 });
  world = await makeWorld(t.app.db);
  resident = await loginAs(t.app, 'residenta');
});
afterAll(async () => t.close());

let keySeq = 0;
const key = () => `test-submission-${++keySeq}-abcdef`;

function form(overrides: Record<string, string> = {}) {
  return {
    categoryId: String(world.cat('roof_leak').id),
    locationType: 'building',
    locationNote: '顶楼楼梯间',
    title: '5号楼顶楼漏水',
    description: '下雨后天花板渗水。',
    submissionKey: key(),
    ...overrides,
  };
}

const uploadedFiles = () => {
  const dir = t.config.uploadDir;
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, day) => n + readdirSync(path.join(dir, day)).length, 0);
};

describe('a resident files an issue', () => {
  it('files an issue with photos, with its deadlines from the category and a first event', async () => {
    await resident.get('/issues/new');
    const res = await resident.postMultipart('/issues', form(), {
      photos: [
        { filename: 'leak.png', contentType: 'image/png', data: IMAGES.png },
        { filename: 'ceiling.jpg', contentType: 'image/jpeg', data: IMAGES.jpeg },
      ],
    });
    expect(res.statusCode).toBe(303);
    const id = Number(/\/issues\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const issue = await t.app.db.issue.findUniqueOrThrow({ where: { id }, include: { attachments: true, events: true } });
    expect(issue).toMatchObject({
      estateId: world.estateA.id,
      buildingId: world.buildingA.id,
      unitId: null,
      isPublic: true,
      state: 'submitted',
      reporterId: world.users.residentA.id,
    });
    const cat = world.cat('roof_leak');
    expect(issue.respondBy.getTime() - issue.createdAt.getTime()).toBe(cat.responseHours * 3_600_000);
    expect(issue.resolveBy.getTime() - issue.createdAt.getTime()).toBe(cat.resolveHours * 3_600_000);
    expect(issue.attachments.map((a) => a.mime).sort()).toEqual(['image/jpeg', 'image/png']);
    expect(issue.events).toHaveLength(1);
    expect(issue.events[0]).toMatchObject({ action: 'submit', toState: 'submitted', actorId: world.users.residentA.id });
    // community staff are told there is a new issue to triage
    expect(await t.app.db.notification.count({ where: { userId: world.users.community.id, issueId: id } })).toBe(1);

    const page = await resident.get(`/issues/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('5号楼顶楼漏水');
    expect(page.body).toContain('办理过程');
    const photo = await resident.get(`/attachments/${issue.attachments[0]?.id}`);
    expect(photo.statusCode).toBe(200);
    expect(String(photo.headers['content-type'])).toMatch(/^image\//);
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(String(photo.headers['content-security-policy'])).toContain('sandbox');
  });

  it('files without photos from a plain form (no JavaScript) too', async () => {
    await resident.get('/issues/new');
    const res = await resident.post('/issues', form({ locationType: 'unit', title: '卫生间漏水' }));
    expect(res.statusCode).toBe(303);
    const issue = await t.app.db.issue.findFirstOrThrow({ where: { title: '卫生间漏水' } });
    expect(issue).toMatchObject({ unitId: world.unitA.id, isPublic: false, locationType: 'unit' });
  });

  it('files once when the same form is submitted twice', async () => {
    await resident.get('/issues/new');
    const f = form({ title: '双击提交' });
    const [a, b] = await Promise.all([resident.post('/issues', f), resident.post('/issues', f)]);
    expect(a.statusCode).toBe(303);
    expect(b.statusCode).toBe(303);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await t.app.db.issue.count({ where: { title: '双击提交' } })).toBe(1);
  });

  it('lists the resident’s issues, filtered by state, with an htmx partial', async () => {
    const page = await resident.get('/issues/mine');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('5号楼顶楼漏水');
    expect(page.body).toContain('<html');
    const partial = await resident.get('/issues/mine?state=submitted', { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    expect(partial.body).toContain('5号楼顶楼漏水');
    const none = await resident.get('/issues/mine?state=closed', { 'hx-request': 'true' });
    expect(none.body).not.toContain('5号楼顶楼漏水');
  });

  it('pages the list twenty at a time', async () => {
    const r2 = await loginAs(t.app, 'residenta2');
    for (let i = 0; i < 21; i++) {
      await t.app.db.issue.create({
        data: {
          estateId: world.estateA.id,
          locationType: 'estate',
          isPublic: true,
          categoryId: world.cat('other').id,
          title: `分页 ${i}`,
          description: 'x',
          reporterId: world.users.residentA2.id,
          submissionKey: `page-${i}-xxxxxxxx`,
          respondBy: t.clock.now,
          resolveBy: t.clock.now,
          createdAt: new Date(t.clock.now.getTime() - i * 1000),
        },
      });
    }
    const first = await r2.get('/issues/mine');
    expect(first.body).toContain('共 21 件');
    expect(first.body).toContain('分页 0<');
    expect(first.body).not.toContain('分页 20<');
    const next = /<a href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/issues\/mine\?after=/);
    const second = await r2.get(next!);
    expect(second.body).toContain('分页 20<');
    expect(second.body).not.toContain('分页 0<');
  });
});

describe('bad input is refused on the form and writes nothing', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['an empty title', { title: '   ' }, '必填'],
    ['an overlong title', { title: '长'.repeat(61) }, '最多 60 个字'],
    ['an empty description', { description: '' }, '必填'],
    ['an overlong description', { description: 'x'.repeat(2001) }, '最多 2000 个字'],
    ['an unknown category', { categoryId: '99999' }, '请选择列表中的类别'],
    ['a category that is not a number', { categoryId: 'abc' }, '请选择列表中的类别'],
    ['a location type that does not exist', { locationType: 'neighbour' }, '必填'],
    ['a stale form without its submission key', { submissionKey: '' }, '表单已过期'],
  ];
  it.each(cases)('refuses %s', async (_name, overrides, message) => {
    const before = await t.app.db.issue.count();
    await resident.get('/issues/new');
    const res = await resident.post('/issues', form(overrides));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('请修改以下内容后再提交');
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('keeps what the resident typed when the form comes back with an error', async () => {
    await resident.get('/issues/new');
    const res = await resident.post('/issues', form({ title: '', description: '我写的描述还在' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('我写的描述还在');
  });

  it('refuses a file that only pretends to be an image, and stores no file', async () => {
    const before = await t.app.db.issue.count();
    const files = uploadedFiles();
    await resident.get('/issues/new');
    const res = await resident.postMultipart('/issues', form(), {
      photos: [{ filename: 'x.jpg', contentType: 'image/jpeg', data: IMAGES.fakeJpeg }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('不是 JPEG、PNG 或 WebP 图片');
    expect(await t.app.db.issue.count()).toBe(before);
    expect(uploadedFiles()).toBe(files);
  });

  it('refuses an oversized photo with its name and the limit', async () => {
    const before = await t.app.db.issue.count();
    const big = Buffer.concat([IMAGES.png, Buffer.alloc(70 * 1024, 1)]);
    await resident.get('/issues/new');
    const res = await resident.postMultipart('/issues', form(), {
      photos: [{ filename: 'big.png', contentType: 'image/png', data: big }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('“big.png”超过');
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('refuses more than six photos', async () => {
    const before = await t.app.db.issue.count();
    await resident.get('/issues/new');
    const photos = Array.from({ length: 7 }, (_, i) => ({ filename: `p${i}.png`, contentType: 'image/png', data: IMAGES.png }));
    const res = await resident.postMultipart('/issues', form(), { photos });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('最多上传 6 张照片');
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('refuses a unit location for a resident with no registered home', async () => {
    await t.app.db.user.update({ where: { id: world.users.residentB.id }, data: { unitId: null } });
    const c = await loginAs(t.app, 'residentb');
    await c.get('/issues/new');
    const res = await c.post('/issues', form({ locationType: 'unit' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('只能反映小区公共区域');
    await t.app.db.user.update({ where: { id: world.users.residentB.id }, data: { unitId: world.unitB.id } });
  });

  it('refuses a filing without its CSRF token', async () => {
    const before = await t.app.db.issue.count();
    const res = await resident.post('/issues', { ...form(), _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(await t.app.db.issue.count()).toBe(before);
  });

  it('answers a stale session on a form with a clear message, not a 500', async () => {
    const c = await loginAs(t.app, 'residenta');
    await c.get('/issues/new');
    await t.app.db.session.deleteMany({ where: { userId: world.users.residentA.id, id: { not: '' } } });
    const res = await c.post('/issues', form());
    expect([401, 403]).toContain(res.statusCode);
    expect(res.body).toContain('登录已过期');
    resident = await loginAs(t.app, 'residenta');
  });

  it('does not let staff file through the resident form', async () => {
    const c = await loginAs(t.app, 'propertya');
    expect((await c.get('/issues/new')).statusCode).toBe(404);
  });
});

describe('scope', () => {
  it('gives a resident of another estate a 404 for the issue and its photo', async () => {
    await resident.get('/issues/new');
    const res = await resident.postMultipart('/issues', form({ title: '只属于甲小区' }), {
      photos: [{ filename: 'a.webp', contentType: 'image/webp', data: IMAGES.webp }],
    });
    const id = Number(/\/issues\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const photo = await t.app.db.attachment.findFirstOrThrow({ where: { issueId: id } });
    expect(photo.mime).toBe('image/webp');
    const outsider = await loginAs(t.app, 'residentb');
    expect((await outsider.get(`/issues/${id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/attachments/${photo.id}`)).statusCode).toBe(404);
    const otherProperty = await loginAs(t.app, 'propertyb');
    expect((await otherProperty.get(`/issues/${id}`)).statusCode).toBe(404);
    const otherCommunity = await loginAs(t.app, 'community2');
    expect((await otherCommunity.get(`/issues/${id}`)).statusCode).toBe(404);
    const ownProperty = await loginAs(t.app, 'propertya');
    expect((await ownProperty.get(`/issues/${id}`)).statusCode).toBe(200);
    expect((await ownProperty.get(`/attachments/${photo.id}`)).statusCode).toBe(200);
  });

  it('shows a neighbour a public issue with the reporter’s name and phone masked, and hides a private one', async () => {
    const pub = await t.app.db.issue.findFirstOrThrow({ where: { title: '只属于甲小区' } });
    const priv = await t.app.db.issue.findFirstOrThrow({ where: { title: '卫生间漏水' } });
    const neighbour = await loginAs(t.app, 'residenta2');
    const page = await neighbour.get(`/issues/${pub.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('王**');
    expect(page.body).toContain('138****5678');
    expect(page.body).not.toContain('王秀英');
    expect(page.body).not.toContain('13812345678');
    expect((await neighbour.get(`/issues/${priv.id}`)).statusCode).toBe(404);
    const staff = await loginAs(t.app, 'propertya');
    const staffPage = await staff.get(`/issues/${pub.id}`);
    expect(staffPage.body).toContain('王秀英');
    expect(staffPage.body).toContain('13812345678');
  });

  it('answers a malformed id with a 400 page, not a 500', async () => {
    const res = await resident.get('/issues/abc');
    expect(res.statusCode).toBe(400);
    expect((await resident.get('/attachments/0')).statusCode).toBe(400);
  });
});

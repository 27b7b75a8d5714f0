import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { publishNotice } from '../../src/modules/notices/index.ts';

/**
 * Staff notices (issue #12): posting one with photos and scans, its 公示期 and end date, pinning,
 * unpinning and withdrawing it (each audited), and who may do what: another estate's notice is a 404.
 */

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
let PNG: Buffer;

let t: TestApp;
let w: World;
const c: Record<string, Client> = {};
let key = 0;
const nextKey = () => `notice-key-${++key}`;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  PNG = await sharp({ create: { width: 4, height: 2, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .png()
    .toBuffer();
  for (const who of ['propertya', 'propertyb', 'committeea', 'community', 'community2', 'residenta', 'residentb', 'admin']) {
    c[who] = await loginAs(t.app, who);
  }
});
afterAll(async () => t.close());

/** The form as staff fill it in, for estate A, with these changes. */
function form(changes: Record<string, string> = {}) {
  return {
    estateId: String(w.estateA.id),
    kind: 'general',
    title: '停水通知',
    body: '11月25日 9:00–17:00 小区停水，请提前储水。',
    publicUntil: '',
    endsAt: '',
    submissionKey: nextKey(),
    ...changes,
  };
}

/** Posts a notice and returns its id (the redirect's). */
async function post(who: string, changes: Record<string, string> = {}, files = {}) {
  await c[who]!.get('/notices/new');
  const res = await c[who]!.postMultipart('/notices', form(changes), files);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return Number(/^\/notices\/(\d+)/.exec(String(res.headers.location))![1]);
}

const auditOf = (noticeId: number) =>
  t.app.db.auditEntry.findMany({ where: { entityType: 'notice', entityId: String(noticeId) }, orderBy: { id: 'asc' } });

describe('posting a notice', () => {
  it('publishes a pinned notice with a photo and a PDF scan, its notice period shown, and audits it', async () => {
    const id = await post(
      'propertya',
      { title: '外墙维修公示', publicUntil: '2026-11-27', endsAt: '2026-12-10', pin: '1' },
      {
        files: [
          { filename: '现场.png', contentType: 'image/png', data: PNG },
          { filename: '报价.pdf', contentType: 'application/pdf', data: PDF },
        ],
      },
    );
    const notice = await t.app.db.notice.findUniqueOrThrow({ where: { id }, include: { attachments: true } });
    expect(notice).toMatchObject({
      estateId: w.estateA.id,
      kind: 'general',
      title: '外墙维修公示',
      createdById: w.users.propertyA.id,
      publishedAt: t.clock.now,
      pinnedAt: t.clock.now,
      publicUntil: new Date('2026-11-27T15:59:59.999Z'),
      endsAt: new Date('2026-12-10T15:59:59.999Z'),
    });
    expect(notice.attachments.map((a) => a.mime).sort()).toEqual(['application/pdf', 'image/png']);
    const audit = await auditOf(id);
    expect(audit.map((a) => [a.action, a.actorId, a.estateId])).toEqual([['notice.post', w.users.propertyA.id, w.estateA.id]]);
    expect(JSON.parse(audit[0]!.afterJson)).toMatchObject({ pinned: true, files: 2 });

    const page = await c.residenta!.get(`/notices/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('公示期：至 2026年11月27日');
    for (const a of notice.attachments) expect(page.body).toContain(`/attachments/${a.id}`);
    // the files are served to the estate's residents through the attachments route, and to no one else
    for (const a of notice.attachments) {
      expect((await c.residenta!.get(`/attachments/${a.id}`)).statusCode).toBe(200);
      expect((await c.residentb!.get(`/attachments/${a.id}`)).statusCode).toBe(404);
    }
    expect((await c.residentb!.get(`/notices/${id}`)).statusCode).toBe(404);
  });

  it('heads the resident’s board with the pinned notice, newest pin first', async () => {
    const older = await post('committeea', { title: '先置顶的通知', pin: '1' });
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const newer = await post('community', { title: '后置顶的通知', pin: '1' });
    const board = (await c.residenta!.get('/notices')).body;
    const head = board.slice(0, board.indexOf('<li class="issue-row">'));
    expect(head.indexOf(`/notices/${newer}"`)).toBeGreaterThan(-1);
    expect(head.indexOf(`/notices/${newer}"`)).toBeLessThan(head.indexOf(`/notices/${older}"`));
    expect((await c.residentb!.get('/notices')).body).not.toContain('后置顶的通知');
  });

  it('says what is wrong, inline, when the days contradict each other or the title is missing', async () => {
    await c.propertya!.get('/notices/new');
    const before = await t.app.db.notice.count();
    const res = await c.propertya!.postMultipart(
      '/notices',
      form({ title: '  ', publicUntil: '2026-11-19', endsAt: '2026-11-18' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('公示期不能早于发布当天');
    expect(res.body).toContain('撤下日期不能早于发布当天');
    expect(res.body).toContain('id="err-noticeTitle"');
    expect(res.body).toContain('aria-invalid="true"');
    // what was typed comes back
    expect(res.body).toContain('11月25日 9:00–17:00 小区停水');
    const order = await c.propertya!.postMultipart('/notices', form({ publicUntil: '2026-12-01', endsAt: '2026-11-30' }));
    expect(order.statusCode).toBe(400);
    expect(order.body).toContain('撤下日期不能早于公示期结束');
    expect(await t.app.db.notice.count()).toBe(before);
  });

  it('says once that a form with a broken submission key is stale, and gives it a fresh key', async () => {
    await c.propertya!.get('/notices/new');
    const res = await c.propertya!.postMultipart('/notices', form({ submissionKey: 'x' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('表单已过期，请刷新页面后重新填写');
    expect(res.body).toMatch(/name="submissionKey" value="[0-9a-f-]{36}"/);
  });

  it('speaks the user’s language in its inline errors', async () => {
    const english = await loginAs(t.app, 'propertya');
    await english.post('/locale', { locale: 'en', back: '/notices/new' });
    await english.get('/notices/new');
    const res = await english.postMultipart('/notices', form({ publicUntil: '2026-12-01', endsAt: '2026-11-30' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Cannot be before the notice period ends');
    await english.post('/locale', { locale: 'zh-CN', back: '/notices' }); // the choice is kept on the account
  });

  it('refuses a file that is neither a photo nor a PDF, naming it', async () => {
    await c.propertya!.get('/notices/new');
    const before = await t.app.db.notice.count();
    const res = await c.propertya!.postMultipart('/notices', form(), {
      files: [{ filename: 'evil.html', contentType: 'application/pdf', data: Buffer.from('<script>alert(1)</script>') }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('“evil.html”不是 PDF 或图片');
    expect(await t.app.db.notice.count()).toBe(before);
  });

  it('refuses an estate outside the poster’s scope on the form, posting nothing', async () => {
    await c.propertya!.get('/notices/new');
    const before = await t.app.db.notice.count();
    const res = await c.propertya!.postMultipart('/notices', form({ estateId: String(w.estateB.id) }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-noticeEstate"');
    const missing = await c.admin!.postMultipart('/notices', form({ estateId: '999999' }));
    expect(missing.statusCode).toBe(400);
    expect(await t.app.db.notice.count()).toBe(before);
  });

  it('posts a double-submitted form once and answers both with the same notice', async () => {
    await c.committeea!.get('/notices/new');
    const once = form({ title: '双击也只发一次' });
    const [first, second] = [
      await c.committeea!.postMultipart('/notices', once),
      await c.committeea!.postMultipart('/notices', once),
    ];
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    const id = Number(/^\/notices\/(\d+)/.exec(String(first.headers.location))![1]);
    expect(String(second.headers.location)).toBe(`/notices/${id}`);
    expect(await t.app.db.notice.count({ where: { title: '双击也只发一次' } })).toBe(1);
    expect(await auditOf(id)).toHaveLength(1);
  });

  it('refuses a form without the right CSRF token', async () => {
    const before = await t.app.db.notice.count();
    const res = await c.propertya!.postMultipart('/notices', { ...form(), _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(await t.app.db.notice.count()).toBe(before);
  });

  it('is not there for residents', async () => {
    expect((await c.residenta!.get('/notices/new')).statusCode).toBe(404);
    expect((await c.residenta!.postMultipart('/notices', form())).statusCode).toBe(404);
    expect((await c.residenta!.get('/notices')).body).not.toContain('href="/notices/new"');
    expect((await c.propertya!.get('/notices')).body).toContain('href="/notices/new"');
  });
});

describe('pinning, unpinning and withdrawing', () => {
  let id: number;
  beforeAll(async () => {
    id = await post('propertya', { title: '电梯年检通知', body: '电梯年检期间暂停使用。' });
  });

  it('lets only staff of the notice’s estate change it: to anyone else it is not there', async () => {
    for (const who of ['propertyb', 'community2', 'residenta']) {
      await c[who]!.get('/notices');
      for (const action of ['pin', 'unpin']) expect((await c[who]!.post(`/notices/${id}/${action}`)).statusCode).toBe(404);
      expect((await c[who]!.post(`/notices/${id}/withdraw`, { reason: '不需要了' })).statusCode).toBe(404);
    }
    expect(await auditOf(id)).toHaveLength(1);
    const staffPage = (await c.committeea!.get(`/notices/${id}`)).body;
    expect(staffPage).toContain(`action="/notices/${id}/pin"`);
    expect((await c.residenta!.get(`/notices/${id}`)).body).not.toContain(`action="/notices/${id}/pin"`);
  });

  it('pins and unpins, audited, and a second press changes nothing', async () => {
    await c.committeea!.get(`/notices/${id}`);
    expect((await c.committeea!.post(`/notices/${id}/pin`)).headers.location).toBe(`/notices/${id}?done=pinned`);
    expect((await c.committeea!.post(`/notices/${id}/pin`)).statusCode).toBe(303);
    expect((await t.app.db.notice.findUniqueOrThrow({ where: { id } })).pinnedAt).toEqual(t.clock.now);
    expect((await c.community!.post(`/notices/${id}/unpin`)).statusCode).toBe(303);
    expect((await t.app.db.notice.findUniqueOrThrow({ where: { id } })).pinnedAt).toBeNull();
    const audit = await auditOf(id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['notice.post', w.users.propertyA.id],
      ['notice.pin', w.users.committeeA.id],
      ['notice.unpin', w.users.community.id],
    ]);
  });

  it('asks for a reason to withdraw, inline', async () => {
    await c.propertya!.get(`/notices/${id}`);
    const res = await c.propertya!.post(`/notices/${id}/withdraw`, { reason: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-withdrawReason"');
    expect((await t.app.db.notice.findUniqueOrThrow({ where: { id } })).withdrawnAt).toBeNull();
  });

  it('withdraws with a reason: off the residents’ board, kept on record for staff, audited once', async () => {
    const photoId = await post(
      'propertya',
      { title: '贴错的公示', body: '含有住户电话的正文' },
      { files: [{ filename: 'x.png', contentType: 'image/png', data: PNG }] },
    );
    const [photo] = await t.app.db.attachment.findMany({ where: { noticeId: photoId } });
    await c.propertya!.get(`/notices/${photoId}`);
    const res = await c.propertya!.post(`/notices/${photoId}/withdraw`, { reason: '误贴了住户电话' });
    expect(res.headers.location).toBe(`/notices/${photoId}?done=withdrawn`);
    expect((await c.propertya!.post(`/notices/${photoId}/withdraw`, { reason: '再点一次' })).statusCode).toBe(303);
    const notice = await t.app.db.notice.findUniqueOrThrow({ where: { id: photoId } });
    expect(notice).toMatchObject({ withdrawnById: w.users.propertyA.id, withdrawReason: '误贴了住户电话', pinnedAt: null });
    expect((await auditOf(photoId)).map((a) => [a.action, a.note])).toEqual([
      ['notice.post', ''],
      ['notice.withdraw', '误贴了住户电话'],
    ]);

    expect((await c.residenta!.get('/notices')).body).not.toContain('贴错的公示');
    const residentPage = await c.residenta!.get(`/notices/${photoId}`);
    expect(residentPage.statusCode).toBe(200);
    expect(residentPage.body).toContain('已撤回');
    expect(residentPage.body).toContain('误贴了住户电话');
    expect(residentPage.body).not.toContain('含有住户电话的正文');
    expect((await c.residenta!.get(`/attachments/${photo!.id}`)).statusCode).toBe(404);
    expect((await c.residenta!.get(`/notices/${photoId}/print`)).statusCode).toBe(404);

    const staffPage = await c.committeea!.get(`/notices/${photoId}`);
    expect(staffPage.body).toContain('已撤回');
    expect(staffPage.body).toContain('含有住户电话的正文');
    expect((await c.committeea!.get(`/attachments/${photo!.id}`)).statusCode).toBe(200);
    expect((await c.committeea!.get('/notices?show=ended')).body).toContain('贴错的公示');
    // a withdrawn notice cannot be pinned back onto the board
    expect((await c.committeea!.post(`/notices/${photoId}/pin`)).statusCode).toBe(409);
  });

  it('never withdraws a vote’s or a meeting’s notice: it is part of that record', async () => {
    const voteNotice = await publishNotice(t.app.db, {
      estateId: w.estateA.id,
      kind: 'vote_result',
      title: '表决结果',
      body: '通过',
      proposalId: (
        await t.app.db.fundProposal.create({
          data: {
            estateId: w.estateA.id,
            matter: 'use_fund',
            title: '屋面',
            scope: 'estate',
            amountFen: 1,
            createdById: w.users.committeeA.id,
          },
        })
      ).id,
      publishedAt: t.clock.now,
    });
    await c.committeea!.get(`/notices/${voteNotice.id}`);
    const page = await c.committeea!.get(`/notices/${voteNotice.id}`);
    expect(page.body).not.toContain(`action="/notices/${voteNotice.id}/withdraw"`);
    expect((await c.committeea!.post(`/notices/${voteNotice.id}/withdraw`, { reason: 'x' })).statusCode).toBe(409);
    expect((await t.app.db.notice.findUniqueOrThrow({ where: { id: voteNotice.id } })).withdrawnAt).toBeNull();
  });

  it('answers an id out of range with a 400 page, not a 500', async () => {
    await c.committeea!.get('/notices');
    for (const bad of ['0', '99999999999', 'abc']) {
      expect((await c.committeea!.post(`/notices/${bad}/pin`)).statusCode).toBe(400);
      expect((await c.committeea!.get(`/notices/${bad}/print`)).statusCode).toBe(400);
    }
  });
});

describe('a notice that reaches its end date', () => {
  it('leaves the board, pinned or not, but stays readable by its link, marked as ended', async () => {
    const start = t.clock.now;
    const id = await post('community', { title: '年底前有效的通知', endsAt: '2026-11-22', pin: '1' });
    const before = await c.residenta!.get('/notices');
    expect(before.statusCode, before.body.slice(0, 500)).toBe(200);
    expect(before.body).toContain('年底前有效的通知');
    t.clock.now = new Date('2026-11-22T16:00:00Z'); // 2026-11-23 00:00 in Shanghai
    try {
      // days later: signed in afresh (a session idle that long has expired)
      const resident = await loginAs(t.app, 'residenta');
      const community = await loginAs(t.app, 'community');
      const board = await resident.get('/notices');
      expect(board.body).not.toContain('年底前有效的通知');
      expect((await resident.get('/notices?show=ended')).body).toContain('年底前有效的通知');
      const page = await resident.get(`/notices/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('已结束');
      await community.get(`/notices/${id}`);
      expect((await community.post(`/notices/${id}/pin`)).statusCode).toBe(303); // already pinned: nothing to do
      await community.post(`/notices/${id}/unpin`);
      expect((await community.post(`/notices/${id}/pin`)).statusCode).toBe(409);
    } finally {
      t.clock.now = start;
    }
  });
});

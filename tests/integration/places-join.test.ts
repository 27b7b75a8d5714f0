import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let w: World;
let staff: Client;
let property: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  staff = await loginAs(t.app, 'community');
  property = await loginAs(t.app, 'propertya');
});
afterAll(async () => t.close());

const codeOf = async (estateId: number) => (await t.app.db.estate.findUniqueOrThrow({ where: { id: estateId } })).joinCode;

/** The single inline <svg> of a page besides its icons, checked to be well-formed enough to draw: one root, only
 * self-closed paths inside, a viewBox, and nothing a CSP would block. */
function qrSvgOf(body: string): string {
  // the page's icons (the bell) are decorative and hidden from assistive technology; the QR is not
  const svgs = (body.match(/<svg\b[\s\S]*?<\/svg>/g) ?? []).filter((svg) => !/^<svg [^>]*aria-hidden="true"/.test(svg));
  expect(svgs).toHaveLength(1);
  const svg = svgs[0]!;
  expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"[^>]*>/);
  const inner = svg.replace(/^<svg [^>]*>/, '').replace(/<\/svg>$/, '');
  expect(inner.replace(/<path (?:fill|stroke)="#[0-9a-f]{6}" d="[^"<>]+"\/>/g, '')).toBe('');
  expect(svg).not.toMatch(/style=|<script/i);
  return svg;
}

describe('the join code and its poster', () => {
  it('an estate made through the administration pages has a join code from the start', async () => {
    await staff.get('/admin');
    await staff.post(`/admin/communities/${w.community.id}/estates`, { estateName: '新小区', dutyPhone: '010-88886666' });
    const estate = await t.app.db.estate.findFirstOrThrow({ where: { name: '新小区' } });
    expect(estate.joinCode).toMatch(/^[a-z2-9]{10}$/);

    const poster = await staff.get(`/estates/${estate.id}/join-poster`);
    expect(poster.statusCode).toBe(200);
    expect(poster.body).toContain('新小区');
    expect(poster.body).toContain(`http://localhost:80/join/${estate.joinCode}`);
    expect(poster.body).toContain('扫描上方二维码');
    expect(poster.body).toContain('010-88886666');
    expect(poster.body).toContain('href="/public/css/poster.css"');
    qrSvgOf(poster.body);
  });

  it('an estate without a code shows no QR until someone generates one, which is audited', async () => {
    expect(await codeOf(w.estateA.id)).toBeNull();
    const before = await property.get(`/estates/${w.estateA.id}/join-poster`);
    expect(before.statusCode).toBe(200);
    expect(before.body).not.toContain('class="poster-qr"');
    expect(before.body).toContain('生成加入码');
    const res = await property.post(`/estates/${w.estateA.id}/join-code`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/estates/${w.estateA.id}/join-poster?rotated=1`);
    const code = await codeOf(w.estateA.id);
    expect(code).toMatch(/^[a-z2-9]{10}$/);
    const entry = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'estate.join_code.create', estateId: w.estateA.id },
    });
    expect(entry.actorId).toBe(w.users.propertyA.id);
  });

  it('rotating the code invalidates the old one: the poster shows only the new code, and the audit log keeps both', async () => {
    const old = (await codeOf(w.estateA.id))!;
    const first = await staff.get(`/estates/${w.estateA.id}/join-poster`);
    const oldSvg = qrSvgOf(first.body);
    expect(first.body).toContain(`/join/${old}`);

    const res = await staff.post(`/estates/${w.estateA.id}/join-code`);
    expect(res.statusCode).toBe(303);
    const fresh = (await codeOf(w.estateA.id))!;
    expect(fresh).not.toBe(old);
    expect(await t.app.db.estate.count({ where: { joinCode: old } })).toBe(0);
    // the join page (registrations module) no longer knows the old code, and knows the new one
    expect((await t.app.inject({ method: 'GET', url: `/join/${old}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/join/${fresh}` })).statusCode).toBe(200);

    const after = await staff.get(`/estates/${w.estateA.id}/join-poster?rotated=1`);
    expect(after.body).toContain(`/join/${fresh}`);
    expect(after.body).not.toContain(old);
    expect(after.body).toContain('旧海报已失效');
    expect(qrSvgOf(after.body)).not.toBe(oldSvg);

    const entry = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'estate.join_code.rotate', estateId: w.estateA.id },
    });
    expect(entry).toMatchObject({ actorId: w.users.community.id, communityId: w.community.id });
    expect(JSON.parse(entry.beforeJson)).toEqual({ joinCode: old });
    expect(JSON.parse(entry.afterJson)).toEqual({ joinCode: fresh });
  });

  it('an administrator and the estate’s committee may rotate it too', async () => {
    const admin = await loginAs(t.app, 'admin');
    const committee = await loginAs(t.app, 'committeea');
    for (const client of [admin, committee]) {
      const before = await codeOf(w.estateA.id);
      expect((await client.post(`/estates/${w.estateA.id}/join-code`)).statusCode).toBe(303);
      expect(await codeOf(w.estateA.id)).not.toBe(before);
    }
  });

  it('nobody else sees the poster or rotates the code (404), and nothing is written', async () => {
    const code = await codeOf(w.estateA.id);
    // logging in is audited too; what must not appear is any change to the estate
    const changes = () => t.app.db.auditEntry.count({ where: { NOT: { action: { startsWith: 'login.' } } } });
    const audited = await changes();
    for (const username of ['propertyb', 'community2', 'residenta']) {
      const client = await loginAs(t.app, username);
      expect((await client.get(`/estates/${w.estateA.id}/join-poster`)).statusCode, username).toBe(404);
      expect((await client.post(`/estates/${w.estateA.id}/join-code`)).statusCode, username).toBe(404);
    }
    expect(await codeOf(w.estateA.id)).toBe(code);
    expect(await changes()).toBe(audited);
    // a property company's own estate is fine, another's is not
    expect((await property.get(`/estates/${w.estateB.id}/join-poster`)).statusCode).toBe(404);
  });

  it('a rotation without the CSRF token is refused', async () => {
    const code = await codeOf(w.estateA.id);
    const res = await property.post(`/estates/${w.estateA.id}/join-code`, { _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(await codeOf(w.estateA.id)).toBe(code);
  });

  it('the property and committee find their posters from the administration page', async () => {
    const page = await property.get('/admin');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/estates/${w.estateA.id}/join-poster`);
    expect(page.body).not.toContain(`/estates/${w.estateB.id}/join-poster`);
    expect(page.body).not.toContain('href="/admin/communities"');
  });

  it('the print stylesheet puts the poster on A4 without the site chrome', async () => {
    const css = await t.app.inject({ method: 'GET', url: '/public/css/poster.css' });
    expect(css.statusCode).toBe(200);
    expect(css.body).toContain('size: A4');
    expect(css.body).toMatch(/@media print\s*{[^}]*\.site-header/);
  });
});

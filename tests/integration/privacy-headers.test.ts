import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type AppConfig } from '../../src/config.ts';
import { redactUrl } from '../../src/plugins/logging.ts';
import { freshDatabase } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';

/**
 * Issue #10, item 10: the calendar-feed token (and the setup, reset and join links) never appear in the
 * logs; private pages, photos, .ics and CSV downloads are sent `Cache-Control: private, no-store`, while
 * the public static assets keep their caching. The app here logs at info level into a buffer.
 */

const PRIVATE = 'private, no-store';
const START = new Date('2026-11-20T02:00:00Z');

let app: FastifyInstance;
let dir: string;
let w: World;
let resident: Client;
let staff: Client;
const logLines: string[] = [];

const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    done();
  },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sanfang-privacy-'));
  const config: AppConfig = {
    ...loadConfig({}),
    databaseFile: freshDatabase(dir),
    uploadDir: path.join(dir, 'uploads'),
    scheduler: false,
  };
  app = await buildApp(config, { now: () => START, logger: { level: 'info', stream: logStream } });
  await app.ready();
  w = await makeWorld(app.db);
  resident = await loginAs(app, 'residenta');
  staff = await loginAs(app, 'community');
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The path of the user's calendar feed (the token is the credential), made on the calendar page. */
async function feedPath(client: Client): Promise<{ path: string; token: string }> {
  await client.get('/meetings/calendar');
  const made = await client.post('/meetings/calendar/token');
  expect(made.statusCode).toBe(303);
  const page = await client.get('/meetings/calendar');
  const match = /https?:\/\/[^"<\s]*?(\/calendar\/([A-Za-z0-9_-]{43})\.ics)/.exec(page.body);
  expect(match, 'the calendar page shows the feed URL').not.toBeNull();
  return { path: match![1]!, token: match![2]! };
}

describe('the request log', () => {
  it('never contains the calendar-feed token, though the feed request is logged', async () => {
    const feed = await feedPath(staff);
    logLines.length = 0;
    const res = await app.inject({ method: 'GET', url: feed.path });
    expect(res.statusCode).toBe(200);
    const log = logLines.join('\n');
    expect(log).toContain('incoming request');
    expect(log).toContain('/calendar/[redacted].ics');
    expect(log).not.toContain(feed.token);
  });

  it.each([
    ['a password reset link', '/reset/', 'Rst0ken-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['an account setup link', '/setup/', 'Set0ken-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['an estate join link', '/join/', 'JOINCODE7Q'],
    ['a wrong feed token', '/calendar/', 'Cal0ken-AbCdEfGhIjKlMnOpQrStUvWxYz012345678'],
  ])('never contains %s, as a path or inside a query parameter', async (_name, prefix, secret) => {
    logLines.length = 0;
    await app.inject({ method: 'GET', url: `${prefix}${secret}` });
    await app.inject({ method: 'POST', url: `${prefix}${secret}`, payload: {} });
    await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(`${prefix}${secret}`)}` });
    await app.inject({ method: 'GET', url: `/joining?code=${secret}` });
    const log = logLines.join('\n');
    expect(log).toContain('incoming request');
    expect(log).not.toContain(secret);
  });

  it('keeps the rest of a URL readable', () => {
    expect(redactUrl('/issues/12?state=open')).toBe('/issues/12?state=open');
    expect(redactUrl('/calendar/abc_DEF-123.ics')).toBe('/calendar/[redacted].ics');
    expect(redactUrl('/reset/xyz?lang=en')).toBe('/reset/[redacted]?lang=en');
    expect(redactUrl('/meetings/calendar/token')).toBe('/meetings/calendar/token');
    expect(redactUrl('/estates/3/join-code')).toBe('/estates/3/join-code');
  });
});

describe('Cache-Control', () => {
  it.each([
    ['a page behind the login', '/issues/mine'],
    ['the notifications page', '/notifications'],
    ['the profile page', '/profile'],
  ])('is private, no-store on %s', async (_name, url) => {
    const res = await resident.get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(PRIVATE);
  });

  it('is private, no-store on the login page and on an error page', async () => {
    const login = await app.inject({ method: 'GET', url: '/login' });
    expect(login.headers['cache-control']).toBe(PRIVATE);
    const missing = await resident.get('/issues/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe(PRIVATE);
  });

  it('is private, no-store on a photo', async () => {
    await resident.get('/issues/new');
    const filed = await resident.postMultipart(
      '/issues',
      {
        categoryId: String(w.cat('roof_leak').id),
        locationType: 'building',
        title: '楼道灯不亮',
        description: '一楼到三楼的灯都不亮。',
        submissionKey: 'privacy-photo-1-abcdef',
      },
      { photos: [{ filename: 'light.jpg', contentType: 'image/jpeg', data: IMAGES.jpeg }] },
    );
    expect(filed.statusCode, filed.body.slice(0, 500)).toBe(303);
    const photo = await app.db.attachment.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const res = await resident.get(`/attachments/${photo.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(PRIVATE);
  });

  it('is private, no-store on the calendar feed and on a meeting’s .ics', async () => {
    const feed = await feedPath(staff);
    const res = await app.inject({ method: 'GET', url: feed.path });
    expect(res.headers['content-type']).toContain('text/calendar');
    expect(res.headers['cache-control']).toBe(PRIVATE);
    await staff.get('/meetings/new');
    const made = await staff.post('/meetings', {
      kind: 'regular',
      title: '十一月联席会议',
      place: '社区会议室',
      startsAt: '2026-11-21T14:00',
      endsAt: '2026-11-21T16:00',
      estateIds: [String(w.estateA.id)],
      participantIds: [w.users.community.id, w.users.propertyA.id, w.users.committeeA.id].map(String),
    });
    expect(made.statusCode).toBe(303);
    const id = Number(/\/meetings\/(\d+)/.exec(String(made.headers.location))?.[1]);
    const ics = await staff.get(`/meetings/${id}.ics`);
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['cache-control']).toBe(PRIVATE);
  });

  it('is private, no-store on CSV downloads', async () => {
    const committee = await loginAs(app, 'committeea');
    const template = await committee.get('/roster/template.csv');
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toContain('text/csv');
    expect(template.headers['cache-control']).toBe(PRIVATE);
    const audit = await staff.get('/audit.csv');
    expect(audit.statusCode).toBe(200);
    expect(audit.headers['cache-control']).toBe(PRIVATE);
  });

  it('leaves the public static assets cacheable', async () => {
    for (const url of ['/public/css/app.css', '/vendor/htmx/htmx.min.js']) {
      const res = await resident.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toMatch(/max-age=\d+/);
      expect(res.headers['cache-control'], url).not.toContain('no-store');
    }
  });
});

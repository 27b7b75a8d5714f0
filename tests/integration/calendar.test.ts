import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ical from 'node-ical';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { jobs } from '../../src/modules/meetings/index.ts';

let t: TestApp;
let world: World;
let staff: Client;

const START = new Date('2026-11-20T02:00:00Z');

async function convene(title: string, startsAt = '2026-11-21T14:00', endsAt = '2026-11-21T16:00') {
  const u = world.users;
  const res = await staff.post('/meetings', {
    kind: 'regular',
    title,
    place: '社区会议室, 二楼; 东侧',
    startsAt,
    endsAt,
    estateIds: [String(world.estateA.id)],
    participantIds: [u.community.id, u.propertyA.id, u.committeeA.id].map(String),
  });
  expect(res.statusCode).toBe(303);
  return Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
}

function events(text: string) {
  return Object.values(ical.sync.parseICS(text)).filter((c): c is ical.VEvent => c?.type === 'VEVENT');
}

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
  staff = await loginAs(t.app, 'community');
  await staff.get('/meetings/new');
});
afterAll(async () => t.close());

describe('a meeting’s .ics file', () => {
  it('is a valid iCalendar file that a real parser reads back', async () => {
    const id = await convene('甲小区十一月三方联席会议');
    const res = await staff.get(`/meetings/${id}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const [event, ...rest] = events(res.body);
    expect(rest).toEqual([]);
    expect(event?.uid).toBe(`meeting-${id}@sanfang`);
    expect(event?.summary).toBe('甲小区十一月三方联席会议');
    expect(event?.location).toBe('社区会议室, 二楼; 东侧');
    expect(event?.start.toISOString()).toBe('2026-11-21T06:00:00.000Z');
    expect(event?.end?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(String(event?.status)).toBe('CONFIRMED');
    expect(Number(event?.sequence)).toBe(0);
  });

  it('is cancelled with a new sequence when the meeting is cancelled', async () => {
    const id = await convene('将被取消的会议', '2026-11-23T09:00', '2026-11-23T10:00');
    await staff.get(`/meetings/${id}`);
    expect((await staff.post(`/meetings/${id}/cancel`)).statusCode).toBe(303);
    const [event] = events((await staff.get(`/meetings/${id}.ics`)).body);
    expect(String(event?.status)).toBe('CANCELLED');
    expect(Number(event?.sequence)).toBe(1);
    expect(await t.app.db.notification.count({ where: { kind: 'meeting_cancelled', meetingId: id } })).toBe(2);
  });

  it('is not there for someone who may not see the meeting', async () => {
    const id = await convene('不对外的会议', '2026-11-24T09:00', '2026-11-24T10:00');
    const outsider = await loginAs(t.app, 'residenta2');
    expect((await outsider.get(`/meetings/${id}.ics`)).statusCode).toBe(404);
  });
});

describe('the per-user calendar feed', () => {
  it('serves the user’s meetings without a session, and stops when the token is rotated or revoked', async () => {
    const mine = await convene('订阅里的会议', '2026-11-25T09:00', '2026-11-25T10:00');
    const property = await loginAs(t.app, 'propertya');
    const page = await property.get('/meetings/calendar');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="f-feedUrl"');

    expect((await property.post('/meetings/calendar/token')).statusCode).toBe(303);
    const token = (await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.propertyA.id } })).calendarToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await property.get('/meetings/calendar')).body).toContain(`/calendar/${token}.ics`);

    const feed = await t.app.inject({ method: 'GET', url: `/calendar/${token}.ics` });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const summaries = events(feed.body).map((e) => e.summary);
    expect(summaries).toContain('订阅里的会议');
    expect(events(feed.body).find((e) => e.summary === '订阅里的会议')?.uid).toBe(`meeting-${mine}@sanfang`);

    // another user's feed does not hold meetings they are not in
    const resident = await loginAs(t.app, 'residenta');
    await resident.post('/meetings/calendar/token');
    const residentToken = (await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.residentA.id } })).calendarToken;
    const residentFeed = await t.app.inject({ method: 'GET', url: `/calendar/${residentToken}.ics` });
    expect(residentFeed.statusCode).toBe(200);
    expect(events(residentFeed.body)).toEqual([]);

    const wrong = `${(token as string).slice(0, -1)}${(token as string).endsWith('A') ? 'B' : 'A'}`;
    expect((await t.app.inject({ method: 'GET', url: `/calendar/${wrong}.ics` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/calendar/short.ics' })).statusCode).toBe(404);

    await property.post('/meetings/calendar/token');
    expect((await t.app.inject({ method: 'GET', url: `/calendar/${token}.ics` })).statusCode).toBe(404);
    const rotated = (await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.propertyA.id } })).calendarToken;
    expect((await t.app.inject({ method: 'GET', url: `/calendar/${rotated}.ics` })).statusCode).toBe(200);

    await property.post('/meetings/calendar/revoke');
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.propertyA.id } })).calendarToken).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: `/calendar/${rotated}.ics` })).statusCode).toBe(404);
  });

  it('refuses to create a token without the CSRF token', async () => {
    const committee = await loginAs(t.app, 'committeea');
    expect((await committee.post('/meetings/calendar/token', { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await t.app.db.user.findUniqueOrThrow({ where: { id: world.users.committeeA.id } })).calendarToken).toBeNull();
  });
});

describe('the reminder the day before', () => {
  const reminders = () => {
    const job = jobs.find((j) => j.name === 'meeting-reminders');
    if (!job) throw new Error('the meetings module declares no reminder job');
    return job;
  };

  it('is a scheduled job', () => {
    expect(t.app.jobs.map((j) => j.name)).toContain(reminders().name);
  });

  it('reminds every participant once, within 24 hours of the start', async () => {
    const id = await convene('要提醒的会议', '2026-11-28T14:00', '2026-11-28T15:00'); // 06:00Z on the 28th
    const count = () => t.app.db.notification.count({ where: { kind: 'meeting_reminder', meetingId: id } });
    await reminders().run(t.app, new Date('2026-11-27T05:00:00Z')); // 25 h before
    expect(await count()).toBe(0);
    await reminders().run(t.app, new Date('2026-11-27T07:00:00Z')); // 23 h before
    expect(await count()).toBe(3);
    await reminders().run(t.app, new Date('2026-11-27T08:00:00Z'));
    expect(await count()).toBe(3);
    expect((await t.app.db.meeting.findUniqueOrThrow({ where: { id } })).reminderSentAt?.toISOString()).toBe(
      '2026-11-27T07:00:00.000Z',
    );
  });
});

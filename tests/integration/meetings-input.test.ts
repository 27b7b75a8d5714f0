import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let world: World;
let staff: Client;
let meetingId: number;
let itemId: number;

const START = new Date('2026-11-20T02:00:00Z');
const BAD_IDS = ['0', '-1', '1.5', '2147483648', '99999999999999999999', 'abc'];

beforeAll(async () => {
  t = await createTestApp({}, START);
  world = await makeWorld(t.app.db);
  staff = await loginAs(t.app, 'community');
  await staff.get('/meetings/new');
  const u = world.users;
  const res = await staff.post('/meetings', {
    kind: 'regular',
    title: '输入校验用的会议',
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(world.estateA.id)],
    participantIds: [u.community.id, u.propertyA.id, u.committeeA.id].map(String),
  });
  expect(res.statusCode).toBe(303);
  meetingId = Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
  await staff.get(`/meetings/${meetingId}`);
  expect((await staff.post(`/meetings/${meetingId}/agenda`, { title: '其他事项' })).statusCode).toBe(303);
  itemId = (await t.app.db.agendaItem.findFirstOrThrow({ where: { meetingId } })).id;
});
afterAll(async () => t.close());

describe('ids that are out of range, fractional or 20 digits long', () => {
  const pages = (bad: string) => [
    `/meetings/${bad}`,
    `/meetings/${bad}/edit`,
    `/meetings/${bad}.ics`,
    `/meetings?estate=${bad}`,
    `/meetings/new?estate=${bad}`,
  ];
  it.each(BAD_IDS.flatMap((bad) => pages(bad)))('GET %s is a 400 page', async (url) => {
    const res = await staff.get(url);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.body).toContain('提交的内容有误');
  });

  const forms = (bad: string) => [
    `/meetings/${bad}`,
    `/meetings/${bad}/cancel`,
    `/meetings/${bad}/agenda`,
    `/meetings/${bad}/agenda/refresh`,
    `/meetings/${bad}/attendance`,
    `/meetings/${bad}/apply`,
    `/meetings/${bad}/actions`,
    `/meetings/MEETING/agenda/${bad}/move`,
    `/meetings/MEETING/agenda/${bad}/delete`,
    `/meetings/MEETING/agenda/${bad}/decision`,
    `/meetings/MEETING/actions/${bad}/done`,
  ];
  it.each(BAD_IDS.flatMap((bad) => forms(bad)))('POST %s is a 400 page and changes nothing', async (pattern) => {
    const before = await t.app.db.meeting.findUniqueOrThrow({ where: { id: meetingId } });
    const res = await staff.post(pattern.replace('MEETING', String(meetingId)), {
      title: '不应保存',
      direction: 'up',
      kind: 'defer',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.body).toContain('提交的内容有误');
    expect(await t.app.db.meeting.findUniqueOrThrow({ where: { id: meetingId } })).toEqual(before);
    expect(await t.app.db.agendaItem.count({ where: { title: '不应保存' } })).toBe(0);
  });
});

describe('ids inside a form', () => {
  it.each(['99999999999999999999', '1.5', '-1', '2147483648'])(
    'an action item owner %s is an inline error, not a 500',
    async (ownerId) => {
      const res = await staff.post(`/meetings/${meetingId}/actions`, { ownerId, title: '报价', dueAt: '2026-11-25T18:00' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('负责人必须是本次会议的参会人');
      expect(await t.app.db.actionItem.count({ where: { meetingId } })).toBe(0);
    },
  );

  it.each(['99999999999999999999', '1.5'])('an invitee %s is an inline error on the convene form', async (bad) => {
    const before = await t.app.db.meeting.count();
    const res = await staff.post('/meetings', {
      kind: 'regular',
      title: '另一个会议',
      place: '社区会议室',
      startsAt: '2026-11-22T14:00',
      endsAt: '2026-11-22T16:00',
      estateIds: [String(world.estateA.id)],
      participantIds: [String(world.users.community.id), bad],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('参会人不属于所选小区的三方');
    expect(await t.app.db.meeting.count()).toBe(before);
  });

  it('an estate id of 20 digits is an inline error on the convene form', async () => {
    const res = await staff.post('/meetings', {
      kind: 'regular',
      title: '另一个会议',
      place: '社区会议室',
      startsAt: '2026-11-22T14:00',
      endsAt: '2026-11-22T16:00',
      estateIds: ['99999999999999999999'],
      participantIds: [String(world.users.community.id)],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-meetingEstates" aria-invalid="true"');
  });
});

describe('fields that fail their schema', () => {
  it('a title longer than any form allows comes back on the meeting page with the field marked', async () => {
    const res = await staff.post(`/meetings/${meetingId}/agenda`, { title: '长'.repeat(401) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-agendaTitle"');
    expect(res.body).toContain('格式不正确');
    expect(await t.app.db.agendaItem.count({ where: { meetingId } })).toBe(1);
  });

  it('a move in a direction other than up or down is a 400 page', async () => {
    const res = await staff.post(`/meetings/${meetingId}/agenda/${itemId}/move`, { direction: 'sideways' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请求无效');
  });

  it('a decision whose kind is longer than any kind is refused with the form and records nothing', async () => {
    const res = await staff.post(`/meetings/${meetingId}/agenda/${itemId}/decision`, { kind: 'x'.repeat(21) });
    expect(res.statusCode).toBe(400);
    expect(await t.app.db.decision.count()).toBe(0);
  });
});

describe('the convene form’s "show candidates" step', () => {
  it('re-renders the form for the estates chosen so far and convenes nothing', async () => {
    const before = await t.app.db.meeting.count();
    const res = await staff.post('/meetings', {
      refresh: '1',
      title: '草稿',
      estateIds: [String(world.estateA.id)],
      participantIds: [],
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="草稿"');
    expect(res.body).toContain(`name="participantIds" value="${world.users.propertyA.id}"`);
    expect(await t.app.db.meeting.count()).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { formatShanghaiLocal } from '../../src/domain/deadlines.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let resident: Client;
let resident2: Client;
let residentB: Client;
let community: Client;
let community2: Client;
let property: Client;
let propertyB: Client;
let committee: Client;

const DAY = 24 * 3600_000;
const dueIn = (days: number) => formatShanghaiLocal(new Date(t.clock.now.getTime() + days * DAY));

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  [resident, resident2, residentB, community, community2, property, propertyB, committee] = await Promise.all([
    loginAs(t.app, 'residenta'),
    loginAs(t.app, 'residenta2'),
    loginAs(t.app, 'residentb'),
    loginAs(t.app, 'community'),
    loginAs(t.app, 'community'),
    loginAs(t.app, 'propertya'),
    loginAs(t.app, 'propertyb'),
    loginAs(t.app, 'committeea'),
  ]);
});
afterAll(async () => t.close());

async function act(client: Client, id: number, action: string, form: Record<string, string> = {}) {
  await client.get(`/issues/${id}`);
  return client.post(`/issues/${id}/actions/${action}`, { version: await versionOf(t.app, id), ...form });
}

const events = (issueId: number) => t.app.db.issueEvent.findMany({ where: { issueId }, orderBy: { id: 'asc' } });
const issueRow = (id: number) => t.app.db.issue.findUniqueOrThrow({ where: { id } });

async function acceptedByProperty(): Promise<number> {
  const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
  const res = await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5) });
  expect(res.statusCode).toBe(303);
  return id;
}

async function inProgress(): Promise<number> {
  const id = await acceptedByProperty();
  expect((await act(property, id, 'start')).statusCode).toBe(303);
  return id;
}

describe('triage by community staff', () => {
  it('the community sees accept and reject forms on a new issue, with the due date defaulted from the category', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    const res = await community.get(`/issues/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`action="/issues/${id}/actions/accept"`);
    expect(res.body).toContain(`action="/issues/${id}/actions/reject"`);
    expect(res.body).not.toContain(`/actions/start"`);
    const issue = await issueRow(id);
    expect(res.body).toContain(`value="${formatShanghaiLocal(issue.resolveBy)}"`);
    expect(res.body).toContain(`name="version" value="${issue.version}"`);
  });

  it('accepting assigns the party, writes one event and tells the reporter and the party', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('sanitation').id });
    const res = await act(community, id, 'accept', { party: 'property', dueAt: dueIn(5), note: '请物业尽快处理' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/issues/${id}?done=accept`);
    const issue = await issueRow(id);
    expect(issue.state).toBe('accepted');
    expect(issue.assignedParty).toBe('property');
    expect(issue.acceptedAt?.getTime()).toBe(t.clock.now.getTime());
    const evs = await events(id);
    expect(evs.map((e) => e.action)).toEqual(['submit', 'accept']);
    expect(evs[1]).toMatchObject({
      party: 'property',
      fromState: 'submitted',
      toState: 'accepted',
      note: '请物业尽快处理',
      actorRole: 'community',
    });
    const notes = await t.app.db.notification.findMany({ where: { issueId: id } });
    expect(notes.some((n) => n.userId === world.users.residentA.id && n.kind === 'issue_state_changed')).toBe(true);
    expect(notes.some((n) => n.userId === world.users.propertyA.id && n.kind === 'issue_assigned')).toBe(true);
    expect(notes.some((n) => n.userId === world.users.propertyB.id)).toBe(false);
  });

  it('an outside unit needs its name, and is accepted with it', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('security').id });
    const bad = await act(community, id, 'accept', { party: 'outside', assignedOrg: ' ', dueAt: dueIn(3) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="err-accept-assignedOrg"');
    expect((await issueRow(id)).state).toBe('submitted');
    const ok = await act(community, id, 'accept', { party: 'outside', assignedOrg: '社区民警', dueAt: dueIn(3) });
    expect(ok.statusCode).toBe(303);
    expect(await issueRow(id)).toMatchObject({ state: 'accepted', assignedParty: 'outside', assignedOrg: '社区民警' });
  });

  it('a rejection without a reason is refused on the form and writes nothing', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const res = await act(community, id, 'reject', { reason: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-reject-reason"');
    expect((await issueRow(id)).state).toBe('submitted');
    expect(await events(id)).toHaveLength(1);
  });

  it('a rejection with a reason is shown to the resident', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    expect((await act(community, id, 'reject', { reason: '属于私人纠纷，请通过调解处理' })).statusCode).toBe(303);
    const page = await resident.get(`/issues/${id}`);
    expect(page.body).toContain('属于私人纠纷，请通过调解处理');
    expect((await issueRow(id)).state).toBe('rejected');
  });

  it('accepting with a due date in the past or missing is an inline error', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const past = await act(community, id, 'accept', { party: 'property', dueAt: dueIn(-1) });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('id="err-accept-dueAt"');
    const missing = await act(community, id, 'accept', { party: 'property', dueAt: '' });
    expect(missing.statusCode).toBe(400);
    const garbage = await act(community, id, 'accept', { party: 'nobody', dueAt: 'tomorrow' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.body).toContain('id="err-accept-party"');
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('the community reassigns an accepted issue to another party, which is told', async () => {
    const id = await acceptedByProperty();
    const res = await act(community, id, 'reassign', { party: 'committee', dueAt: dueIn(10) });
    expect(res.statusCode).toBe(303);
    expect(await issueRow(id)).toMatchObject({ state: 'accepted', assignedParty: 'committee', handoffCount: 0 });
    const told = await t.app.db.notification.findFirst({
      where: { issueId: id, userId: world.users.committeeA.id, kind: 'issue_assigned' },
    });
    expect(told).not.toBeNull();
  });
});

describe('the assigned party at work', () => {
  it('property starts, resolves with a note and a photo attached to the event', async () => {
    const id = await inProgress();
    await property.get(`/issues/${id}`);
    const res = await property.postMultipart(
      `/issues/${id}/actions/resolve`,
      { version: await versionOf(t.app, id), note: '已更换灯泡' },
      { photos: [{ filename: 'fixed.png', contentType: 'image/png', data: IMAGES.png }] },
    );
    expect(res.statusCode).toBe(303);
    const issue = await issueRow(id);
    expect(issue.state).toBe('resolved');
    expect(issue.resolvedAt).not.toBeNull();
    const resolveEvent = (await events(id)).find((e) => e.action === 'resolve');
    const photos = await t.app.db.attachment.findMany({ where: { eventId: resolveEvent?.id } });
    expect(photos).toHaveLength(1);
    const page = await resident.get(`/issues/${id}`);
    expect(page.body).toContain(`/attachments/${photos[0]?.id}`);
    expect(page.body).toContain('已更换灯泡');
  });

  it('a resolve without a note or with a fake image is refused and writes nothing', async () => {
    const id = await inProgress();
    const noNote = await act(property, id, 'resolve', { note: '' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.body).toContain('id="err-resolve-note"');
    const fake = await property.postMultipart(
      `/issues/${id}/actions/resolve`,
      { version: await versionOf(t.app, id), note: '好了' },
      { photos: [{ filename: 'x.jpg', contentType: 'image/jpeg', data: IMAGES.fakeJpeg }] },
    );
    expect(fake.statusCode).toBe(400);
    expect(fake.body).toContain('id="err-resolve-photos"');
    expect((await issueRow(id)).state).toBe('in_progress');
    expect(
      await t.app.db.attachment.count({
        where: { uploaderId: world.users.propertyA.id, issueId: null, eventId: null, commentId: null },
      }),
    ).toBe(0);
  });

  it('a hand-off needs a reason and another party; two hand-offs flag the issue as bouncing', async () => {
    const id = await inProgress();
    expect((await act(property, id, 'handoff', { party: 'committee', reason: '' })).statusCode).toBe(400);
    const same = await act(property, id, 'handoff', { party: 'property', reason: '不是我们的' });
    expect(same.statusCode).toBe(400);
    expect(same.body).toContain('id="err-handoff-party"');
    expect((await act(property, id, 'handoff', { party: 'committee', reason: '涉及公共收益，归业委会' })).statusCode).toBe(303);
    expect((await issueRow(id)).state).toBe('accepted');
    expect((await act(committee, id, 'start')).statusCode).toBe(303);
    expect((await act(committee, id, 'handoff', { party: 'property', reason: '属于物业维修范围' })).statusCode).toBe(303);
    const issue = await issueRow(id);
    const handoffs = (await events(id)).filter((e) => e.action === 'handoff');
    expect(issue.handoffCount).toBe(handoffs.length);
    expect(issue.handoffCount).toBe(2);
    expect(handoffs[0]?.note).toBe('涉及公共收益，归业委会');
    const page = await community.get(`/issues/${id}`);
    expect(page.body).toContain('class="tag bouncing"');
    const queue = await community.get('/issues?view=open');
    expect(queue.body).toMatch(new RegExp(`href="/issues/${id}">[\\s\\S]*?tag bouncing`));
  });

  it('a party escalates an accepted issue to the joint meeting', async () => {
    const id = await acceptedByProperty();
    expect((await act(committee, id, 'escalate', { note: '需要三方协商' })).statusCode).toBe(303);
    expect((await issueRow(id)).state).toBe('awaiting_meeting');
  });

  it('the fund-vote action is a link to the vote form, shown only to the assigned party', async () => {
    const id = await inProgress();
    expect((await property.get(`/issues/${id}`)).body).toContain(`href="/votes/new?issue=${id}"`);
    expect((await committee.get(`/issues/${id}`)).body).not.toContain('/votes/new?issue=');
  });
});

describe('stale forms, wrong states and scope', () => {
  it('a stale form gets a clear 409 message showing the new state, and changes nothing', async () => {
    const id = await acceptedByProperty();
    const stale = String((await issueRow(id)).version);
    expect((await act(property, id, 'start')).statusCode).toBe(303);
    const before = await events(id);
    const res = await community.post(`/issues/${id}/actions/reassign`, { version: stale, party: 'committee', dueAt: dueIn(4) });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('id="issue-message"');
    expect(res.body).toContain('这条诉求刚刚被其他人更新了');
    expect(res.body).toContain('state state-in_progress');
    expect(await events(id)).toHaveLength(before.length);
    expect((await issueRow(id)).assignedParty).toBe('property');
  });

  it('an action the state does not allow is a 409 with a message', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const res = await act(property, id, 'resolve', { note: '好了' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('id="issue-message"');
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('a resident cannot accept their own issue', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const page = await resident.get(`/issues/${id}`);
    expect(page.body).not.toContain('/actions/accept"');
    const res = await act(resident, id, 'accept', { party: 'property', dueAt: dueIn(2) });
    expect(res.statusCode).toBe(409);
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('acting on an issue of another estate or community is a 404', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const version = await versionOf(t.app, id);
    await propertyB.get('/issues');
    expect((await propertyB.post(`/issues/${id}/actions/start`, { version })).statusCode).toBe(404);
    const other = await loginAs(t.app, 'community2');
    expect((await other.post(`/issues/${id}/actions/accept`, { version, party: 'property', dueAt: dueIn(2) })).statusCode).toBe(
      404,
    );
    expect((await residentB.get(`/issues/${id}`)).statusCode).toBe(404);
    expect((await community.post(`/issues/${id}/actions/teleport`, { version })).statusCode).toBe(404);
    expect(
      (await community.post(`/issues/999999/actions/accept`, { version: '0', party: 'property', dueAt: dueIn(2) })).statusCode,
    ).toBe(404);
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('a form without its version is refused as stale', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    await community.get(`/issues/${id}`);
    const res = await community.post(`/issues/${id}/actions/reject`, { reason: '重复' });
    expect(res.statusCode).toBe(400);
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('an action without the CSRF token is refused with 403', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const res = await community.post(`/issues/${id}/actions/reject`, {
      _csrf: '',
      version: await versionOf(t.app, id),
      reason: '重复',
    });
    expect(res.statusCode).toBe(403);
    expect((await issueRow(id)).state).toBe('submitted');
  });

  it('two staff accepting the same issue at once: one wins, the other is told, one event', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    await Promise.all([community.get(`/issues/${id}`), community2.get(`/issues/${id}`)]);
    const version = await versionOf(t.app, id);
    const [a, b] = await Promise.all([
      community.post(`/issues/${id}/actions/accept`, { version, party: 'property', dueAt: dueIn(5) }),
      community2.post(`/issues/${id}/actions/accept`, { version, party: 'committee', dueAt: dueIn(6) }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.body).toContain('这条诉求刚刚被其他人更新了');
    expect(loser.body).toContain('state state-accepted');
    const accepts = (await events(id)).filter((e) => e.action === 'accept');
    expect(accepts).toHaveLength(1);
    expect((await issueRow(id)).assignedParty).toBe(accepts[0]?.party);
  });
});

describe('follow-up by the reporting resident', () => {
  async function resolved(): Promise<number> {
    const id = await inProgress();
    expect((await act(property, id, 'resolve', { note: '已修好' })).statusCode).toBe(303);
    return id;
  }

  it('the reporter confirms and rates; the issue closes with the rating', async () => {
    const id = await resolved();
    const page = await resident.get(`/issues/${id}`);
    expect(page.body).toContain('/actions/confirm"');
    expect(page.body).toContain('value="basically_satisfied"');
    expect((await resident2.get(`/issues/${id}`)).body).not.toContain('/actions/confirm"');
    expect((await act(resident, id, 'confirm', { rating: 'basically_satisfied', ratingComment: '修得还行' })).statusCode).toBe(
      303,
    );
    expect(await issueRow(id)).toMatchObject({ state: 'closed', rating: 'basically_satisfied', ratingComment: '修得还行' });
  });

  it('a confirmation without a rating is an inline error', async () => {
    const id = await resolved();
    const res = await act(resident, id, 'confirm', { rating: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-confirm-rating"');
    expect((await issueRow(id)).state).toBe('resolved');
  });

  it('"not fixed" sends the issue back to in progress, counts the reopening and tells the party', async () => {
    const id = await resolved();
    const res = await act(resident, id, 'reopen', { note: '还是漏' });
    expect(res.statusCode).toBe(303);
    const issue = await issueRow(id);
    expect(issue).toMatchObject({ state: 'in_progress', reopenCount: 1, resolvedAt: null });
    expect((await events(id)).filter((e) => e.action === 'reopen')).toHaveLength(issue.reopenCount);
    const told = await t.app.db.notification.findFirst({
      where: { issueId: id, userId: world.users.propertyA.id, kind: 'issue_reopened' },
    });
    expect(told).not.toBeNull();
  });

  it('"not fixed" on a closed issue files a new linked issue and leaves the closed one closed', async () => {
    const id = await resolved();
    expect((await act(resident, id, 'confirm', { rating: 'dissatisfied' })).statusCode).toBe(303);
    const page = await resident.get(`/issues/${id}`);
    expect(page.body).toContain('/actions/reopen"');
    const res = await act(resident, id, 'reopen', { note: '又坏了' });
    expect(res.statusCode).toBe(303);
    const follow = await t.app.db.issue.findFirstOrThrow({ where: { linkedFromId: id } });
    expect(res.headers.location).toBe(`/issues/${follow.id}?done=linked`);
    expect(follow).toMatchObject({ state: 'submitted', reporterId: world.users.residentA.id });
    expect((await issueRow(id)).state).toBe('closed');
    const again = await resident.post(`/issues/${id}/actions/reopen`, { version: '0', note: 'x' });
    expect(again.statusCode).toBe(409);
    expect(await t.app.db.issue.count({ where: { linkedFromId: id } })).toBe(1);
    expect((await resident.get(`/issues/${follow.id}`)).body).toContain(`href="/issues/${id}"`);
  });
});

describe('comments', () => {
  it('a resident comments with a photo, staff post progress notes, and residents see other residents masked', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('greening').id, locationType: 'estate' });
    await resident.get(`/issues/${id}`);
    const res = await resident.postMultipart(
      `/issues/${id}/comments`,
      { body: '树枝快掉下来了' },
      { photos: [{ filename: 'a.png', contentType: 'image/png', data: IMAGES.png }] },
    );
    expect(res.statusCode).toBe(303);
    await property.get(`/issues/${id}`);
    expect((await property.post(`/issues/${id}/comments`, { body: '明天安排修剪' })).statusCode).toBe(303);
    const comments = await t.app.db.comment.findMany({ where: { issueId: id }, include: { attachments: true } });
    expect(comments).toHaveLength(2);
    expect(comments[0]?.attachments).toHaveLength(1);
    const seenByNeighbour = await resident2.get(`/issues/${id}`);
    expect(seenByNeighbour.body).toContain('树枝快掉下来了');
    expect(seenByNeighbour.body).toContain('王**');
    expect(seenByNeighbour.body).not.toContain('王秀英');
    expect((await property.get(`/issues/${id}`)).body).toContain('王秀英');
  });

  it('an empty comment is an inline error and an out-of-scope one a 404', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('greening').id, locationType: 'unit' });
    await resident.get(`/issues/${id}`);
    const empty = await resident.post(`/issues/${id}/comments`, { body: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="err-comment-body"');
    await resident2.get('/issues/mine');
    expect((await resident2.post(`/issues/${id}/comments`, { body: '看看' })).statusCode).toBe(404);
    expect(await t.app.db.comment.count({ where: { issueId: id } })).toBe(0);
  });
});

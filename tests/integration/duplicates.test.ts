import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue, versionOf } from './issues-fixtures.ts';

/** Duplicates (issue #12, item 5): similar issues offered while filing, and staff marking a duplicate. */

let t: TestApp;
let world: World;
let residentA: Client;
let residentA2: Client;
let community: Client;
let propertyA: Client;
let propertyB: Client;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  residentA = await loginAs(t.app, 'residenta');
  residentA2 = await loginAs(t.app, 'residenta2');
  community = await loginAs(t.app, 'community');
  propertyA = await loginAs(t.app, 'propertya');
  propertyB = await loginAs(t.app, 'propertyb');
});
afterAll(async () => t.close());

const similarUrl = (category: string, locationType = 'building') =>
  `/issues/new/similar?categoryId=${world.cat(category).id}&locationType=${locationType}`;

const filing = (overrides: Record<string, string> = {}) => ({
  categoryId: String(world.cat('lift_fault').id),
  locationType: 'building',
  locationNote: '',
  title: '电梯又坏了',
  description: '5号楼电梯停在三楼不动。',
  submissionKey: randomUUID(),
  ...overrides,
});

describe('similar open issues while filing', () => {
  it('offers only the neighbours’ open public issues of the same building and category', async () => {
    const title = (what: string) => `电梯 ${what} ${randomUUID().slice(0, 4)}`;
    const offered = await makeIssue(t.app, world, {
      category: 'lift_fault',
      reporterId: world.users.residentA2.id,
      title: title('同楼'),
    });
    const excluded = [
      await makeIssue(t.app, world, { category: 'lift_fault', buildingId: world.buildingA2.id, title: title('别的楼') }),
      await makeIssue(t.app, world, { category: 'noise', reporterId: world.users.residentA2.id, title: title('别的类别') }),
      await makeIssue(t.app, world, {
        category: 'lift_fault',
        reporterId: world.users.residentA2.id,
        isPublic: false,
        title: title('户内'),
      }),
      await makeIssue(t.app, world, {
        category: 'lift_fault',
        reporterId: world.users.residentA2.id,
        state: 'closed',
        title: title('已关闭'),
      }),
      await makeIssue(t.app, world, {
        category: 'lift_fault',
        reporterId: world.users.residentB.id,
        estateId: world.estateB.id,
        buildingId: world.buildingB.id,
        title: title('别的小区'),
      }),
      await makeIssue(t.app, world, { category: 'lift_fault', reporterId: world.users.residentA.id, title: title('自己的') }),
    ];
    const res = await residentA.get(similarUrl('lift_fault'), { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(offered.title);
    expect(res.body).toContain('我也遇到了（附议）');
    expect(res.body).toContain(`form="support-${offered.id}"`);
    // the "me too" forms come out of band, outside the filing form
    expect(res.body).toMatch(/id="similar-forms" hx-swap-oob="true"/);
    for (const other of excluded) expect(res.body).not.toContain(other.title);
  });

  it('answers an empty list for a category not chosen yet, and a 400 for a forged query', async () => {
    const empty = await residentA.get('/issues/new/similar?categoryId=&locationType=building', { 'hx-request': 'true' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).not.toContain('similar-row');
    const forged = await residentA.get(`/issues/new/similar?categoryId=${'9'.repeat(40)}`);
    expect(forged.statusCode).toBe(400);
  });

  it('is for residents only', async () => {
    expect((await community.get(similarUrl('lift_fault'))).statusCode).toBe(404);
  });

  it('holds a form sent without JavaScript once, keeping what was typed, and files when confirmed', async () => {
    const neighbours = await makeIssue(t.app, world, {
      category: 'water_drainage',
      reporterId: world.users.residentA2.id,
      title: '水管爆了',
    });
    const before = await t.app.db.issue.count();
    await residentA.get('/issues/new');
    const form = filing({
      categoryId: String(world.cat('water_drainage').id),
      title: '楼道水管漏水',
      description: '水一直往下流',
    });
    const held = await residentA.post('/issues', form);
    expect(held.statusCode).toBe(200);
    expect(held.body).toContain('邻居已经反映过类似的问题');
    expect(held.body).toContain('请重新选择');
    expect(held.body).toContain(neighbours.title);
    expect(held.body).toContain('不是同一个问题，继续提交');
    expect(held.body).toContain('value="楼道水管漏水"');
    expect(held.body).toContain('水一直往下流');
    expect(held.body).toContain(`value="${form.submissionKey}"`);
    expect(await t.app.db.issue.count()).toBe(before);

    const filed = await residentA.post('/issues', { ...form, similarChecked: '1' });
    expect(filed.statusCode).toBe(303);
    expect(await t.app.db.issue.count()).toBe(before + 1);
  });

  it('lets the resident add a “me too” from the offer instead of filing', async () => {
    const neighbours = await makeIssue(t.app, world, {
      category: 'fire_safety',
      reporterId: world.users.residentA2.id,
      title: '消防栓没水',
    });
    const before = await t.app.db.issue.count();
    await residentA.get('/issues/new');
    const held = await residentA.post(
      '/issues',
      filing({ categoryId: String(world.cat('fire_safety').id), title: '消防栓坏了' }),
    );
    expect(held.body).toContain(`action="/issues/${neighbours.id}/support"`);
    const res = await residentA.post(`/issues/${neighbours.id}/support`, { back: `/issues/${neighbours.id}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/issues/${neighbours.id}`);
    const after = await t.app.db.issue.findUniqueOrThrow({ where: { id: neighbours.id } });
    expect(after.supportCount).toBe(1);
    expect(await t.app.db.issue.count()).toBe(before);
    // once supported, the offer says so instead of a button
    const again = await residentA.get(similarUrl('fire_safety'), { 'hx-request': 'true' });
    expect(again.body).toContain('已附议');
    expect(again.body).not.toContain(`form="support-${neighbours.id}"`);
  });

  it('shows an unverified resident the offer without a “me too” button', async () => {
    await makeIssue(t.app, world, { category: 'parking', reporterId: world.users.residentA2.id, title: '车位被占' });
    await t.app.db.user.update({ where: { id: world.users.residentA.id }, data: { verified: false } });
    try {
      const fresh = await loginAs(t.app, 'residenta');
      const res = await fresh.get(similarUrl('parking'), { 'hx-request': 'true' });
      expect(res.body).toContain('车位被占');
      expect(res.body).toContain('审核后才能附议');
      expect(res.body).not.toContain('class="me-too"');
      expect(res.body).not.toContain('id="support-');
    } finally {
      await t.app.db.user.update({ where: { id: world.users.residentA.id }, data: { verified: true } });
    }
  });
});

async function markDuplicate(client: Client, id: number, originalId: string, note = '') {
  await client.get(`/issues/${id}`);
  return client.post(`/issues/${id}/duplicate`, { version: await versionOf(t.app, id), originalId, note });
}

describe('staff mark an issue as a duplicate of another', () => {
  it('closes it into the original, unresolved, with an event, an audit entry, a notice and a follower', async () => {
    const original = await makeIssue(t.app, world, {
      category: 'roof_leak',
      reporterId: world.users.residentA2.id,
      title: '屋顶漏水',
    });
    const duplicate = await makeIssue(t.app, world, { category: 'roof_leak', title: '天花板滴水' });
    const res = await markDuplicate(community, duplicate.id, `#${original.id}`, '同一处屋面');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/issues/${duplicate.id}?done=mark_duplicate`);

    const closed = await t.app.db.issue.findUniqueOrThrow({ where: { id: duplicate.id } });
    expect(closed).toMatchObject({ state: 'closed', duplicateOfId: original.id, resolvedAt: null, rating: null });
    expect(closed.closedAt?.getTime()).toBe(t.clock.now.getTime());
    const event = await t.app.db.issueEvent.findFirstOrThrow({ where: { issueId: duplicate.id, action: 'mark_duplicate' } });
    expect(event).toMatchObject({ fromState: 'submitted', toState: 'closed', actorId: world.users.community.id });
    expect(event.note).toContain(`#${original.id}`);
    expect(event.note).toContain('同一处屋面');
    const audit = await t.app.db.auditEntry.findFirstOrThrow({
      where: { action: 'issue.mark_duplicate', entityId: String(duplicate.id) },
    });
    expect(JSON.parse(audit.afterJson)).toEqual({ state: 'closed', duplicateOfId: original.id });
    const told = await t.app.db.notification.findMany({ where: { userId: world.users.residentA.id, issueId: duplicate.id } });
    expect(told.map((n) => n.kind)).toEqual(['issue_duplicate']);
    expect(JSON.parse(told[0]!.paramsJson)).toMatchObject({ original: original.id });
    const follow = await t.app.db.issueFollow.findUniqueOrThrow({
      where: { issueId_userId: { issueId: original.id, userId: world.users.residentA.id } },
    });
    expect(follow.reason).toBe('duplicate');

    // the reporter sees the banner on the duplicate and no rating form; the original lists its duplicate
    const page = await residentA.get(`/issues/${duplicate.id}`);
    expect(page.body).toContain(`href="/issues/${original.id}"`);
    expect(page.body).toContain('已合并到原诉求');
    expect(page.body).not.toContain('id="form-confirm"');
    // nor a "not fixed" that would file the same problem a third time: the original is the one to follow
    expect(page.body).not.toContain('id="form-reopen"');
    const reopen = await residentA.post(`/issues/${duplicate.id}/actions/reopen`, {
      version: await versionOf(t.app, duplicate.id),
    });
    expect(reopen.statusCode).toBe(409);
    expect(await t.app.db.issue.count({ where: { linkedFromId: duplicate.id } })).toBe(0);
    const originalPage = await residentA.get(`/issues/${original.id}`);
    expect(originalPage.body).toContain('1 条重复反映已合并到此');
    expect(originalPage.body).toContain(`href="/issues/${duplicate.id}"`);
  });

  it('lets the assigned party mark it, but not a party it is not assigned to', async () => {
    const original = await makeIssue(t.app, world, { category: 'greening', reporterId: world.users.residentA2.id });
    const assigned = await makeIssue(t.app, world, { category: 'greening', state: 'in_progress', assignedParty: 'property' });
    const other = await makeIssue(t.app, world, { category: 'greening', state: 'accepted', assignedParty: 'committee' });
    expect((await markDuplicate(propertyA, assigned.id, String(original.id))).statusCode).toBe(303);
    const refused = await markDuplicate(propertyA, other.id, String(original.id));
    expect(refused.statusCode).toBe(409);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: other.id } })).state).toBe('accepted');
  });

  it.each([
    ['an empty number', () => '', '必填'],
    ['text that is no number', () => 'abc', '请填写诉求编号'],
    ['a number out of range', () => '99999999999', '请填写诉求编号'],
    ['an issue that does not exist', () => '999999', '找不到诉求 #999999'],
  ])('refuses %s inline, in the user’s language', async (_what, originalId, message) => {
    const duplicate = await makeIssue(t.app, world, { category: 'sanitation' });
    const res = await markDuplicate(community, duplicate.id, originalId());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('id="f-mark_duplicate-originalId"');
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: duplicate.id } })).state).toBe('submitted');
  });

  it('refuses the issue itself, another estate’s issue, a closed one, a duplicate and a loop', async () => {
    const duplicate = await makeIssue(t.app, world, { category: 'security' });
    const otherEstate = await makeIssue(t.app, world, {
      category: 'security',
      estateId: world.estateB.id,
      buildingId: world.buildingB.id,
      reporterId: world.users.residentB.id,
    });
    const closed = await makeIssue(t.app, world, { category: 'security', state: 'closed' });
    const rejected = await makeIssue(t.app, world, { category: 'security', state: 'rejected' });
    const privateOther = await makeIssue(t.app, world, {
      category: 'security',
      isPublic: false,
      reporterId: world.users.residentA2.id,
    });
    const root = await makeIssue(t.app, world, { category: 'security' });
    const merged = await makeIssue(t.app, world, { category: 'security' });
    expect((await markDuplicate(community, merged.id, String(root.id))).statusCode).toBe(303);

    const cases: [string, string][] = [
      [String(duplicate.id), '不能合并到本诉求自身'],
      [String(otherEstate.id), `找不到诉求 #${otherEstate.id}`],
      [String(closed.id), '已关闭或不予受理'],
      [String(rejected.id), '已关闭或不予受理'],
      [String(merged.id), '本身已是重复诉求'],
      [String(privateOther.id), '户内诉求'],
    ];
    for (const [originalId, message] of cases) {
      const res = await markDuplicate(community, duplicate.id, originalId);
      expect(res.statusCode, originalId).toBe(400);
      expect(res.body).toContain(message);
    }
    // the original of a merged issue cannot be merged back into it: the merged one is closed, and a duplicate
    const loop = await markDuplicate(community, root.id, String(merged.id));
    expect(loop.statusCode).toBe(400);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: root.id } })).duplicateOfId).toBeNull();
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: duplicate.id } })).state).toBe('submitted');
  });

  it('answers 404 for another estate’s issue and a 400 page for a malformed id', async () => {
    const theirs = await makeIssue(t.app, world, {
      category: 'noise',
      estateId: world.estateB.id,
      buildingId: world.buildingB.id,
      reporterId: world.users.residentB.id,
    });
    const ours = await makeIssue(t.app, world, { category: 'noise' });
    expect((await markDuplicate(propertyA, theirs.id, String(ours.id))).statusCode).toBe(404);
    expect((await markDuplicate(propertyB, ours.id, String(theirs.id))).statusCode).toBe(404);
    await community.get(`/issues/${ours.id}`);
    const bad = await community.post('/issues/99999999999/duplicate', { version: '0', originalId: '1' });
    expect(bad.statusCode).toBe(400);
  });

  it('does not let a resident mark a duplicate', async () => {
    const original = await makeIssue(t.app, world, { category: 'other', reporterId: world.users.residentA2.id });
    const own = await makeIssue(t.app, world, { category: 'other' });
    const res = await markDuplicate(residentA, own.id, String(original.id));
    expect(res.statusCode).toBe(409);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: own.id } })).state).toBe('submitted');
  });

  it('writes nothing twice when the form is sent twice', async () => {
    const original = await makeIssue(t.app, world, { category: 'property_service', reporterId: world.users.residentA2.id });
    const duplicate = await makeIssue(t.app, world, { category: 'property_service' });
    await community.get(`/issues/${duplicate.id}`);
    const form = { version: await versionOf(t.app, duplicate.id), originalId: String(original.id), note: '' };
    expect((await community.post(`/issues/${duplicate.id}/duplicate`, form)).statusCode).toBe(303);
    expect((await community.post(`/issues/${duplicate.id}/duplicate`, form)).statusCode).toBe(409);
    expect(await t.app.db.issueEvent.count({ where: { issueId: duplicate.id, action: 'mark_duplicate' } })).toBe(1);
    expect(await t.app.db.auditEntry.count({ where: { action: 'issue.mark_duplicate', entityId: String(duplicate.id) } })).toBe(
      1,
    );
  });

  it('offers the form to community staff on the issue page', async () => {
    const issue = await makeIssue(t.app, world, { category: 'other' });
    const page = await community.get(`/issues/${issue.id}`);
    expect(page.body).toContain(`action="/issues/${issue.id}/duplicate"`);
    expect(page.body).toContain('原诉求编号');
    const resident = await residentA2.get(`/issues/${issue.id}`);
    expect(resident.body).not.toContain(`action="/issues/${issue.id}/duplicate"`);
  });
});

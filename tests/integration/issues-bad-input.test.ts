import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let resident: Client;
let community: Client;
let issueId: number;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  resident = await loginAs(t.app, 'residenta');
  community = await loginAs(t.app, 'community');
  await resident.get('/issues/new');
  issueId = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
  await community.get(`/issues/${issueId}`);
});
afterAll(async () => t.close());

const BAD_IDS = ['99999999999999999999', '2147483648', '1.5', '0', '-1', 'abc'];

describe('an issue id that is out of range, fractional or not a number is a 400 page, never a 500', () => {
  it.each(BAD_IDS)('GET /issues/%s', async (id) => {
    const res = await community.get(`/issues/${id}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<!doctype html>');
  });

  it.each(BAD_IDS)('POST /issues/%s/actions/accept', async (id) => {
    const res = await community.post(`/issues/${id}/actions/accept`, { version: '0', party: 'property' });
    expect(res.statusCode).toBe(400);
  });

  it.each(BAD_IDS)('POST /issues/%s/comments', async (id) => {
    const res = await community.post(`/issues/${id}/comments`, { body: '看看' });
    expect(res.statusCode).toBe(400);
  });

  it.each(BAD_IDS)('POST /issues/%s/support', async (id) => {
    await resident.get('/issues/public');
    const res = await resident.post(`/issues/${id}/support`, { back: '/issues/public' });
    expect(res.statusCode).toBe(400);
  });
});

describe('malformed form fields are refused on the form, never a 500', () => {
  it('a version that is 20 digits long is a stale form (400) and changes nothing', async () => {
    await community.get(`/issues/${issueId}`);
    const res = await community.post(`/issues/${issueId}/actions/reject`, { version: '99999999999999999999', reason: '重复' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('表单已过期');
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } })).state).toBe('submitted');
  });

  it('a field sent twice (an array) is refused as not valid', async () => {
    await community.get(`/issues/${issueId}`);
    const res = await community.post(`/issues/${issueId}/actions/reject`, {
      version: await versionOf(t.app, issueId),
      reason: ['a', 'b'],
    });
    expect(res.statusCode).toBe(400);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issueId } })).state).toBe('submitted');
  });

  it('a 20-digit category is an unknown category, not a 500', async () => {
    await resident.get('/issues/new');
    const res = await resident.post('/issues', {
      categoryId: '99999999999999999999',
      locationType: 'estate',
      locationNote: '',
      title: '标题',
      description: '描述',
      submissionKey: 'bad-input-category-key',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择列表中的类别');
  });

  it('an action on a visible issue that is not a page action is a 404', async () => {
    await community.get(`/issues/${issueId}`);
    const res = await community.post(`/issues/${issueId}/actions/auto_close`, { version: await versionOf(t.app, issueId) });
    expect(res.statusCode).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { fileThroughForm, versionOf } from './issues-fixtures.ts';

/**
 * Issue #10, item 10: after a failed issue action the error shows at the top of the page (where the page
 * opens again), not only further down next to the form; the form keeps its inline error too.
 */

let t: TestApp;
let world: World;
let resident: Client;
let community: Client;

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  resident = await loginAs(t.app, 'residenta');
  community = await loginAs(t.app, 'community');
});
afterAll(async () => t.close());

/** Where the article starts and where the issue's title heading is: the summary must come before both. */
const positions = (body: string) => ({
  summary: body.indexOf('id="action-errors"'),
  heading: body.indexOf('<h1>'),
  actions: body.indexOf('id="actions"'),
});

describe('a failed issue action', () => {
  it('shows the error summary at the top of the page, as an alert that can take focus, and keeps the inline error', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    await community.get(`/issues/${id}`);
    const res = await community.post(`/issues/${id}/actions/reject`, { version: await versionOf(t.app, id), reason: '   ' });
    expect(res.statusCode).toBe(400);
    const at = positions(res.body);
    expect(at.summary).toBeGreaterThan(-1);
    expect(at.summary).toBeLessThan(at.heading);
    expect(at.summary).toBeLessThan(at.actions);
    const summary = res.body.slice(at.summary - 200, res.body.indexOf('</div>', at.summary));
    expect(summary).toContain('role="alert"');
    expect(summary).toContain('tabindex="-1"');
    expect(summary).toContain('不予受理'); // the action that failed
    expect(summary).toContain('不予受理原因'); // the field
    expect(summary).toContain('href="#f-reject-reason"'); // linked to the field below
    expect(res.body).toContain('id="f-reject-reason"');
    expect(res.body).toContain('id="err-reject-reason"'); // the inline error stays near the form
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id } })).state).toBe('submitted');
  });

  it('sums up a stale form at the top too, linked to the form', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    await community.get(`/issues/${id}`);
    const res = await community.post(`/issues/${id}/actions/reject`, { reason: '重复' });
    expect(res.statusCode).toBe(400);
    const at = positions(res.body);
    expect(at.summary).toBeGreaterThan(-1);
    expect(at.summary).toBeLessThan(at.heading);
    expect(res.body).toContain('href="#form-reject"');
  });

  it('sums up a failed comment at the top, linked to the comment box', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    await resident.get(`/issues/${id}`);
    const res = await resident.postMultipart(`/issues/${id}/comments`, { body: '   ' });
    expect(res.statusCode).toBe(400);
    const at = positions(res.body);
    expect(at.summary).toBeGreaterThan(-1);
    expect(at.summary).toBeLessThan(at.heading);
    expect(res.body).toContain('href="#f-comment-body"');
    expect(res.body).toContain('id="err-comment-body"');
  });

  it('shows no summary on the page when nothing failed', async () => {
    const id = await fileThroughForm(resident, { categoryId: world.cat('noise').id });
    const page = await community.get(`/issues/${id}`);
    expect(page.body).not.toContain('id="action-errors"');
  });
});

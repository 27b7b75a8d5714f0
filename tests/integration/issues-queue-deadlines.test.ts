import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';
import { nextDeadline } from '../../src/modules/issues/overdue.ts';

/**
 * Queue cards show the deadline the issue is working to and the time left on it (issue #12, "queues people
 * can work"): acceptance while it waits to be accepted, then resolution; nothing once it is done.
 */
const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T02:00:00Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

describe('the deadline an issue works to', () => {
  it.each([
    ['submitted', 'respondBy', 24 * 60, false],
    ['accepted', 'resolveBy', 7 * 24 * 60, false],
    ['in_progress', 'resolveBy', 7 * 24 * 60, false],
    ['awaiting_meeting', 'resolveBy', 7 * 24 * 60, false],
    ['awaiting_vote', 'resolveBy', 7 * 24 * 60, false],
  ] as const)('%s: %s, %i minutes left', (state, kind, minutes, overdue) => {
    const deadline = nextDeadline({ state, respondBy: at(24), resolveBy: at(7 * 24) }, NOW);
    expect(deadline).toEqual({ kind, at: kind === 'respondBy' ? at(24) : at(7 * 24), left: { overdue, minutes } });
  });

  it.each(['resolved', 'closed', 'rejected'])('%s: none', (state) => {
    expect(nextDeadline({ state, respondBy: at(-48), resolveBy: at(-24) }, NOW)).toBeNull();
  });

  it('counts past a deadline as overdue by the time since', () => {
    expect(nextDeadline({ state: 'submitted', respondBy: at(-3), resolveBy: at(100) }, NOW)?.left).toEqual({
      overdue: true,
      minutes: 180,
    });
  });
});

describe('queue cards', () => {
  let t: TestApp;
  let world: World;
  beforeAll(async () => {
    t = await createTestApp({}, NOW);
    world = await makeWorld(t.app.db);
  });
  afterAll(() => t.close());

  it('show the deadline and the time left, or how long it is overdue, and nothing once done', async () => {
    await makeIssue(t.app, world, { title: '刚提交的诉求', createdAt: at(-2) }); // sanitation: 24 h to accept
    await makeIssue(t.app, world, {
      title: '拖了十天的诉求',
      state: 'in_progress',
      assignedParty: 'property',
      createdAt: at(-10 * 24), // 7 days to resolve: 3 days over
    });
    await makeIssue(t.app, world, { title: '已经办结的诉求', state: 'closed', createdAt: at(-30 * 24) });
    const page = (await (await loginAs(t.app, 'community')).get('/issues?view=all')).body;
    const card = (title: string) => {
      const start = page.indexOf(title);
      expect(start, title).toBeGreaterThan(-1);
      return page.slice(start, page.indexOf('</li>', start));
    };
    expect(card('刚提交的诉求')).toMatch(/响应时限 2026-11-21 08:00 · <span class="left">剩余 22小时<\/span>/);
    expect(card('拖了十天的诉求')).toMatch(/办结时限 2026-11-17 10:00 · <span class="overdue">已超期 3天<\/span>/);
    expect(card('已经办结的诉求')).not.toContain('时限');
  });

  it('say "just overdue" or "due within a minute" rather than "0 minutes" either side of the deadline', async () => {
    // sanitation gives 24 h to accept: filed 24 h and 30 s ago is 30 s over, 23 h 59 min 30 s ago 30 s to go
    await makeIssue(t.app, world, { title: '刚刚超期的诉求', createdAt: new Date(at(-24).getTime() - 30_000) });
    await makeIssue(t.app, world, { title: '马上到期的诉求', createdAt: new Date(at(-24).getTime() + 30_000) });
    const page = (await (await loginAs(t.app, 'community')).get('/issues?view=all')).body;
    const card = (title: string) => page.slice(page.indexOf(title), page.indexOf('</li>', page.indexOf(title)));
    expect(card('刚刚超期的诉求')).toContain('<span class="overdue">刚刚超期</span>');
    expect(card('马上到期的诉求')).toContain('<span class="left">即将到期（不足 1 分钟）</span>');
    expect(page).not.toMatch(/(^|[^0-9])0分钟/);
  });
});

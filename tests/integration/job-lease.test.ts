import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_MS, runJobsOnce } from '../../src/scheduler.ts';
import type { NewNotification } from '../../src/modules/notifications/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { makeIssue } from './issues-fixtures.ts';
import { startSecondProcess, type SecondProcess } from './concurrent-fixtures.ts';

/**
 * Several server processes (WORKERS=n, or several machines) all run the scheduler: each job's lease
 * (JobLease) lets one of them run it at a time (issue #11, item 6). The test's app and the real app in a
 * second OS process on the same database file stand for two server processes.
 */

let t: TestApp;
let other: SecondProcess;
let world: World;
const DAY = 24 * 3600_000;
const AUTO_CLOSE = 'auto-close-resolved-issues';

/** Every notification this process handed to an outside channel (the second one reports its own). */
const delivered: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  world = await makeWorld(t.app.db);
  other = await startSecondProcess(t.config, t.clock.now);
  t.app.deliveryChannels.push({
    name: 'counting',
    async deliver(notifications: NewNotification[]) {
      for (const n of notifications) delivered.push(`${n.userId}:${n.kind}:${n.issueId ?? ''}`);
    },
  });
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

/** A resolved issue whose 7 days for the reporter's answer are over: the auto-close job closes it. */
const resolvedLongAgo = (at: Date) =>
  makeIssue(t.app, world, { state: 'resolved', assignedParty: 'property', resolvedAt: new Date(at.getTime() - 8 * DAY) });

const autoCloseEvents = (issueId: number) => t.app.db.issueEvent.count({ where: { issueId, action: 'auto_close' } });

describe('job leases', () => {
  it('two processes running the jobs at the same instant run each job once: one auto-close, one delivery each', async () => {
    const at = new Date(t.clock.now.getTime() + DAY);
    const issue = await resolvedLongAgo(at);
    delivered.length = 0;

    const [a, { report: b, delivered: deliveredByB }] = await Promise.all([
      runJobsOnce(t.app, at, { holder: 'process-a' }),
      other.runJobs(at, { holder: 'process-b' }),
    ]);
    delivered.push(...deliveredByB);

    expect(await autoCloseEvents(issue.id)).toBe(1);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe('closed');
    const told = await t.app.db.notification.findMany({
      where: { issueId: issue.id, userId: world.users.residentA.id, kind: 'issue_state_changed' },
    });
    expect(told).toHaveLength(1);

    const names = t.app.jobs.map((j) => j.name);
    expect([...a.ran, ...b.ran].sort()).toEqual([...names].sort());
    expect([...a.skipped, ...b.skipped].sort()).toEqual([...names].sort());
    expect(a.ran.filter((name) => b.ran.includes(name))).toEqual([]);
    const leases = await t.app.db.jobLease.findMany();
    expect(leases.map((l) => l.name).sort()).toEqual([...names].sort());
    for (const lease of leases) {
      expect(lease.holder).toBe(a.ran.includes(lease.name) ? 'process-a' : 'process-b');
      expect(lease.lastRunAt?.getTime()).toBe(at.getTime());
      expect(lease.lockedUntil.getTime()).toBeLessThanOrEqual(at.getTime()); // released
    }

    // Handed to the outside channels once, by whichever process held the delivery job's lease. The jobs
    // of one round may run in different processes at once, so the delivery can run before the other
    // process's auto-close commits its notification: then the next round delivers it.
    const next = new Date(at.getTime() + 60_000);
    const [, second] = await Promise.all([
      runJobsOnce(t.app, next, { holder: 'process-a' }),
      other.runJobs(next, { holder: 'process-b' }),
    ]);
    delivered.push(...second.delivered);
    const stamped = await t.app.db.notification.findUniqueOrThrow({ where: { id: told[0]!.id } });
    expect([at.getTime(), next.getTime()]).toContain(stamped.deliveredAt?.getTime());
    const key = `${world.users.residentA.id}:issue_state_changed:${issue.id}`;
    expect(delivered.filter((d) => d === key)).toHaveLength(1);
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it('a lease still held by another process makes this one skip the job until it expires', async () => {
    const at = new Date(t.clock.now.getTime() + 2 * DAY);
    const issue = await resolvedLongAgo(at);
    const heldUntil = new Date(at.getTime() + LEASE_MS - 60_000);
    await t.app.db.jobLease.update({ where: { name: AUTO_CLOSE }, data: { holder: 'process-a', lockedUntil: heldUntil } });

    const { report } = await other.runJobs(at, { holder: 'process-b' });
    expect(report.skipped).toEqual([AUTO_CLOSE]);
    expect(report.ran).not.toContain(AUTO_CLOSE);
    expect(await autoCloseEvents(issue.id)).toBe(0);
    expect((await t.app.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).state).toBe('resolved');
    expect(await t.app.db.jobLease.findUniqueOrThrow({ where: { name: AUTO_CLOSE } })).toMatchObject({
      holder: 'process-a',
      lockedUntil: heldUntil,
    });

    const afterExpiry = new Date(heldUntil.getTime() + 1000);
    expect((await other.runJobs(afterExpiry, { holder: 'process-b' })).report.ran).toContain(AUTO_CLOSE);
    expect(await autoCloseEvents(issue.id)).toBe(1);
  });

  it('a lease whose holder crashed is taken over once it has expired', async () => {
    const at = new Date(t.clock.now.getTime() + 3 * DAY);
    const issue = await resolvedLongAgo(at);
    // The holder claimed the lease five minutes and a second ago and never came back to release it.
    const claimedAt = new Date(at.getTime() - LEASE_MS - 1000);
    await t.app.db.jobLease.update({
      where: { name: AUTO_CLOSE },
      data: { holder: 'crashed-host:4242:dead', lockedUntil: new Date(claimedAt.getTime() + LEASE_MS) },
    });

    const report = await runJobsOnce(t.app, at, { holder: 'process-a' });
    expect(report.ran).toContain(AUTO_CLOSE);
    expect(report.skipped).toEqual([]);
    expect(await autoCloseEvents(issue.id)).toBe(1);
    const lease = await t.app.db.jobLease.findUniqueOrThrow({ where: { name: AUTO_CLOSE } });
    expect(lease.holder).toBe('process-a');
    expect(lease.lastRunAt?.getTime()).toBe(at.getTime());
    expect(lease.lockedUntil.getTime()).toBeLessThanOrEqual(at.getTime());
  });

  it('the scheduler skips a job another process ran within the interval, and runs it in the next', async () => {
    const at = new Date(t.clock.now.getTime() + 4 * DAY);
    const minIntervalMs = 54_000; // 90% of a 60 s interval, as startScheduler passes it
    expect((await runJobsOnce(t.app, at, { holder: 'process-a', minIntervalMs })).skipped).toEqual([]);

    const soon = await other.runJobs(new Date(at.getTime() + 30_000), { holder: 'process-b', minIntervalMs });
    expect(soon.report.ran).toEqual([]);
    const next = await other.runJobs(new Date(at.getTime() + 60_000), { holder: 'process-b', minIntervalMs });
    expect(next.report.ran.sort()).toEqual(t.app.jobs.map((j) => j.name).sort());
  });

  it('run directly, as tests do, the jobs run at every later instant, and once for an instant however many run them', async () => {
    const at = new Date(t.clock.now.getTime() + 5 * DAY);
    const names = t.app.jobs.map((j) => j.name);
    expect((await runJobsOnce(t.app, at)).ran).toEqual(names);
    expect((await runJobsOnce(t.app, at)).skipped).toEqual(names);
    const issue = await resolvedLongAgo(at);
    const later = new Date(at.getTime() + 1);
    expect((await runJobsOnce(t.app, later)).ran).toEqual(names);
    expect((await other.runJobs(later)).report.skipped).toEqual(names);
    expect(await autoCloseEvents(issue.id)).toBe(1);
  });
});

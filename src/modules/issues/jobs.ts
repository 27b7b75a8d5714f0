import type { FastifyInstance } from 'fastify';
import type { ScheduledJob } from '../../scheduler.ts';
import { inTransaction } from '../../plugins/db.ts';
import { AppError } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import { notify, partyRecipients, type NewNotification } from '../notifications/index.ts';
import { OPEN_STATE_LIST } from './overdue.ts';
import { performIssueAction } from './perform-action.ts';
import { warnBeforeDeadlines } from './deadline-warnings.ts';

/** A resolved issue the reporter has not answered for this long closes by itself (docs/domain.md, The issue workflow). */
const AUTO_CLOSE_AFTER_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 200;

/**
 * Closes resolved issues whose resolution is more than 7 days old, each in its own transaction through
 * the workflow (system actor), so each gets its event and the reporter is told. An issue someone acted
 * on meanwhile (confirmed, reopened) is skipped, not an error.
 */
async function autoCloseResolved(app: FastifyInstance, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - AUTO_CLOSE_AFTER_DAYS * DAY_MS);
  const due = await app.db.issue.findMany({
    where: { state: ISSUE_STATES.resolved, resolvedAt: { lt: cutoff } },
    orderBy: { resolvedAt: 'asc' },
    take: BATCH,
    select: { id: true },
  });
  let closed = 0;
  for (const { id } of due) {
    try {
      await inTransaction(app.db, (tx) => performIssueAction(tx, 'system', id, 'auto_close', {}, { now }));
      closed += 1;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return closed;
}

/**
 * Tells the community staff, once per issue, that an open issue has passed a deadline: the response
 * deadline while still submitted, else the resolution deadline, which the assigned party is told of too
 * (the party that let it pass hears it, not only the community that supervises). Issue.overdueNotifiedAt
 * marks it done; a new deadline set by (re)assignment clears it, so that one is watched too.
 */
async function notifyOverdue(app: FastifyInstance, now: Date): Promise<number> {
  // One range of the (state, deadline) indexes per open state, the longest overdue first; a batch each
  // per run (ordering by id instead would walk the whole table in id order).
  const overdue = [];
  for (const state of OPEN_STATE_LIST) {
    const deadline = state === ISSUE_STATES.submitted ? 'respondBy' : 'resolveBy';
    overdue.push(
      ...(await app.db.issue.findMany({
        where: { state, [deadline]: { lt: now }, overdueNotifiedAt: null },
        orderBy: [{ [deadline]: 'asc' }, { id: 'asc' }],
        take: BATCH,
        select: { id: true, title: true, state: true, estateId: true, assignedParty: true, respondBy: true, resolveBy: true },
      })),
    );
  }
  let told = 0;
  for (const issue of overdue) {
    const deadline = issue.state === ISSUE_STATES.submitted && issue.respondBy < now ? 'respond' : 'resolve';
    const passed = deadline === 'respond' ? issue.respondBy : issue.resolveBy;
    await inTransaction(app.db, async (tx) => {
      // Claim the issue first: a second run racing this one finds nothing left to claim.
      const claimed = await tx.issue.updateMany({
        where: { id: issue.id, overdueNotifiedAt: null },
        data: { overdueNotifiedAt: now },
      });
      if (claimed.count !== 1) return;
      const staff = await partyRecipients(tx, issue.estateId, 'community');
      const party =
        deadline === 'resolve' && issue.assignedParty !== null
          ? await partyRecipients(tx, issue.estateId, issue.assignedParty)
          : [];
      // Community staff who also act for the party (an outside unit) are told once.
      const notes: NewNotification[] = [...new Set([...staff, ...party])].map((userId) => ({
        userId,
        kind: 'issue_overdue',
        params: { id: issue.id, title: issue.title, deadline },
        link: `/issues/${issue.id}`,
        issueId: issue.id,
        dedupeKey: `issue_overdue:${issue.id}:${passed.toISOString()}`,
      }));
      await notify(tx, notes, { now });
      told += 1;
    });
  }
  return told;
}

export const autoCloseJob: ScheduledJob = { name: 'auto-close-resolved-issues', run: autoCloseResolved };
export const overdueJob: ScheduledJob = { name: 'notify-overdue-issues', run: notifyOverdue };
export const deadlineWarningJob: ScheduledJob = { name: 'warn-before-issue-deadlines', run: warnBeforeDeadlines };

/** The issues module's scheduled jobs, in the order they run; the app wires them into the scheduler. */
export const jobs: ScheduledJob[] = [autoCloseJob, deadlineWarningJob, overdueJob];

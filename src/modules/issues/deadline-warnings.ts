import type { FastifyInstance } from 'fastify';
import type { Prisma } from '../../generated/prisma/client.ts';
import { inTransaction } from '../../plugins/db.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import { formatShanghai } from '../../domain/deadlines.ts';
import { deadlineWarningDue, warnedParty } from '../../domain/reminders.ts';
import { notify, partyRecipients } from '../notifications/index.ts';
import { estateReminderSettings } from '../places/index.ts';

const HOUR_MS = 3_600_000;
const BATCH = 200;

/** Each state and the deadline it works to: one range of the (state, respondBy) or (state, resolveBy) index. */
const RANGES = [
  { state: ISSUE_STATES.submitted, deadline: 'respondBy' },
  { state: ISSUE_STATES.accepted, deadline: 'resolveBy' },
  { state: ISSUE_STATES.in_progress, deadline: 'resolveBy' },
] as const;

const CANDIDATE_SELECT = {
  id: true,
  title: true,
  state: true,
  estateId: true,
  assignedParty: true,
  respondBy: true,
  resolveBy: true,
  createdAt: true,
  deadlineWarnedAt: true,
} as const;

/**
 * 预警: warns whoever must act (the community while an issue waits to be accepted, else the assigned
 * party) once before the deadline the issue works to, `deadlineWarningHours` ahead (the estate's setting,
 * capped at a quarter of the time given: domain/reminders.ts). Estates are grouped by their lead, and each
 * group reads, per state, the index range of deadlines between now and its lead, soonest first. Each
 * warning claims the issue (deadlineWarnedAt) in the transaction that writes it, so two runs, in two
 * processes or one after the other, warn once; a new deadline clears the stamp (perform-action.ts) and
 * is warned afresh.
 */
export async function warnBeforeDeadlines(app: FastifyInstance, now: Date): Promise<number> {
  const settings = await estateReminderSettings(app.db);
  const byLead = new Map<number, number[]>();
  for (const [estateId, s] of settings)
    byLead.set(s.deadlineWarningHours, [...(byLead.get(s.deadlineWarningHours) ?? []), estateId]);
  let warned = 0;
  for (const [leadHours, estateIds] of byLead) {
    const horizon = new Date(now.getTime() + leadHours * HOUR_MS);
    for (const range of RANGES) {
      const where: Prisma.IssueWhereInput = {
        state: range.state,
        [range.deadline]: { gte: now, lte: horizon },
        deadlineWarnedAt: null,
        // Every estate with the same lead (the usual case): no estate list to filter by.
        ...(byLead.size === 1 ? {} : { estateId: { in: estateIds } }),
      };
      // Warned issues leave the range as they are stamped; the ones not due yet (a short window's
      // quarter cap) stay, and the next page starts after them.
      let leftBehind = 0;
      for (;;) {
        const page = await app.db.issue.findMany({
          where,
          orderBy: [{ [range.deadline]: 'asc' }, { id: 'asc' }],
          skip: leftBehind,
          take: BATCH,
          select: CANDIDATE_SELECT,
        });
        for (const issue of page) {
          const due = deadlineWarningDue(issue, now, leadHours);
          if (due === null) leftBehind += 1;
          // Claimed here or, racing, by another run: stamped either way, so out of the range.
          else if (await warnOnce(app, issue, due, now)) warned += 1;
        }
        if (page.length < BATCH) break;
      }
    }
  }
  return warned;
}

async function warnOnce(
  app: FastifyInstance,
  issue: { id: number; title: string; state: string; estateId: number; assignedParty: string | null },
  due: { kind: 'respond' | 'resolve'; at: Date },
  now: Date,
): Promise<boolean> {
  return inTransaction(app.db, async (tx) => {
    // The claim names the state and deadline read: an issue that moved on meanwhile is not warned about the old one.
    const claimed = await tx.issue.updateMany({
      where: {
        id: issue.id,
        deadlineWarnedAt: null,
        state: issue.state,
        ...(due.kind === 'respond' ? { respondBy: due.at } : { resolveBy: due.at }),
      },
      data: { deadlineWarnedAt: now },
    });
    if (claimed.count !== 1) return false;
    const recipients = await partyRecipients(tx, issue.estateId, warnedParty(issue));
    await notify(
      tx,
      recipients.map((userId) => ({
        userId,
        kind: 'issue_deadline_warning',
        params: { id: issue.id, title: issue.title, deadline: due.kind, at: formatShanghai(due.at, 'zh-CN') },
        link: `/issues/${issue.id}`,
        issueId: issue.id,
        dedupeKey: `issue_deadline_warning:${issue.id}:${due.at.toISOString()}`,
      })),
      { now },
    );
    return true;
  });
}

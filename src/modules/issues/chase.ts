import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { canChase, type ChaseRefusal } from '../../domain/reminders.ts';
import { notify, partyRecipients } from '../notifications/index.ts';
import { visibleIssuesWhere } from './scope.ts';

/**
 * 催办: the reporter presses an issue that has passed its deadline, at most once a Shanghai calendar day
 * (domain/reminders.ts, canChase). Only the reporter: the chase speaks for the complaint, and the limit is
 * the issue's, so a neighbour's "me too" (which already raises the issue in every queue) cannot use up
 * the reporter's chase of the day. The chase is an event on the timeline (same state before and after)
 * and tells the party holding the issue and the community staff who supervise it.
 */

export type ChaseResult = { ok: true; chased: boolean } | { ok: false; reason: ChaseRefusal | 'not_reporter'; state: string };

/**
 * `seenCount` is the chase count the page showed: a form sent twice (a double tap, a resend) finds the
 * count moved on and changes nothing.
 */
export async function chaseIssue(tx: DbTx, actor: Actor, issueId: number, seenCount: number, now: Date): Promise<ChaseResult> {
  const issue = await tx.issue.findFirst({
    where: { AND: [{ id: issueId }, visibleIssuesWhere(actor)] },
    select: {
      id: true,
      title: true,
      state: true,
      estateId: true,
      reporterId: true,
      assignedParty: true,
      respondBy: true,
      resolveBy: true,
      lastChasedAt: true,
      chaseCount: true,
    },
  });
  if (!issue) throw new NotFound();
  if (actor.role !== 'resident' || issue.reporterId !== actor.userId) {
    return { ok: false, reason: 'not_reporter', state: issue.state };
  }
  if (issue.chaseCount !== seenCount) return { ok: true, chased: false };
  const check = canChase(issue, now);
  if (!check.ok) return { ok: false, reason: check.reason, state: issue.state };
  // Claimed on the count read: of two chases racing, one writes.
  const claimed = await tx.issue.updateMany({
    where: { id: issue.id, chaseCount: seenCount, state: issue.state },
    data: { lastChasedAt: now, chaseCount: { increment: 1 } },
  });
  if (claimed.count !== 1) return { ok: true, chased: false };
  const times = seenCount + 1;
  await tx.issueEvent.create({
    data: {
      issueId: issue.id,
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'chase',
      fromState: issue.state,
      toState: issue.state,
      note: '',
      createdAt: now,
    },
  });
  const community = await partyRecipients(tx, issue.estateId, 'community');
  const party = issue.assignedParty === null ? [] : await partyRecipients(tx, issue.estateId, issue.assignedParty);
  await notify(
    tx,
    [...new Set([...party, ...community])].map((userId) => ({
      userId,
      kind: 'issue_chased',
      params: { id: issue.id, title: issue.title, n: times },
      link: `/issues/${issue.id}`,
      issueId: issue.id,
      dedupeKey: `issue_chased:${issue.id}:${times}`,
    })),
    { now },
  );
  return { ok: true, chased: true };
}

/** What the issue page shows about chasing: the reporter's button, or why it is not there yet. */
export function chaseOffer(
  actor: Actor,
  issue: { reporterId: number; state: string; respondBy: Date; resolveBy: Date; lastChasedAt: Date | null; chaseCount: number },
  now: Date,
) {
  const isReporter = actor.role === 'resident' && issue.reporterId === actor.userId;
  const check = canChase(issue, now);
  return {
    count: issue.chaseCount,
    lastChasedAt: issue.lastChasedAt,
    canChase: isReporter && check.ok,
    chasedToday: isReporter && !check.ok && check.reason === 'chased_today',
  };
}

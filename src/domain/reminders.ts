/**
 * Reminders that keep issues moving (docs/domain.md, "Notice board, reminders and notifications"), after
 * the 12345 hotline's practice: a warning (预警) to whoever must act before a deadline, the resident's
 * chase (催办) once it has passed, and issues long overdue or bounced between parties (推诿) put before the
 * next joint meeting. Pure: the caller loads the rows and passes `now`.
 */
import { ISSUE_STATES, OPEN_STATES } from './issue-workflow.ts';
import { toShanghaiParts } from './deadlines.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface IssueDeadlines {
  state: string;
  respondBy: Date;
  resolveBy: Date;
}

export type DeadlineKind = 'respond' | 'resolve';

/**
 * The deadline an open issue works to now: acceptance (the response deadline) while it waits to be
 * accepted, then resolution. None once it is resolved, closed or rejected.
 */
export function currentDeadline(issue: IssueDeadlines): { kind: DeadlineKind; at: Date } | null {
  if (!(OPEN_STATES as readonly string[]).includes(issue.state)) return null;
  return issue.state === ISSUE_STATES.submitted
    ? { kind: 'respond', at: issue.respondBy }
    : { kind: 'resolve', at: issue.resolveBy };
}

// ───────────────────────────── the warning before a deadline (预警) ─────────────────────────────

/**
 * Warned only while someone can act on the deadline: the community accepting a submitted issue, the
 * assigned party working an accepted or in-progress one. An issue waiting for a joint meeting or an
 * owners' vote is in their hands, so warning the party would only be noise.
 */
export const WARNABLE_STATES: readonly string[] = [ISSUE_STATES.submitted, ISSUE_STATES.accepted, ISSUE_STATES.in_progress];

/**
 * How long before a deadline the warning goes out: the estate's `deadlineWarningHours` (default 4 h), but
 * never more than a quarter of the time the issue was given (from filing to the deadline), so an
 * emergency's 2-hour response is warned 30 minutes ahead, not the moment it is filed.
 */
export function warningLeadMs(leadHours: number, filedAt: Date, deadline: Date): number {
  const window = Math.max(0, deadline.getTime() - filedAt.getTime());
  return Math.min(Math.max(0, leadHours) * HOUR_MS, Math.floor(window / 4));
}

export interface WarnableIssue extends IssueDeadlines {
  createdAt: Date;
  deadlineWarnedAt: Date | null;
}

/**
 * The deadline to warn about now, or null. Once per deadline (a new deadline clears deadlineWarnedAt);
 * from the lead before it up to the deadline itself, which still counts as on time. Past it, the overdue
 * notice takes over.
 */
export function deadlineWarningDue(issue: WarnableIssue, now: Date, leadHours: number): { kind: DeadlineKind; at: Date } | null {
  if (issue.deadlineWarnedAt !== null || !WARNABLE_STATES.includes(issue.state)) return null;
  const deadline = currentDeadline(issue);
  if (deadline === null || now.getTime() > deadline.at.getTime()) return null;
  const lead = warningLeadMs(leadHours, issue.createdAt, deadline.at);
  return now.getTime() >= deadline.at.getTime() - lead ? deadline : null;
}

/** Who must act on the deadline: the community while the issue waits to be accepted, else the assigned party. */
export function warnedParty(issue: { state: string; assignedParty: string | null }): string {
  return issue.state === ISSUE_STATES.submitted ? 'community' : (issue.assignedParty ?? 'community');
}

// ───────────────────────────── the resident's chase (催办) ─────────────────────────────

/**
 * States in which the reporter may chase. Not awaiting_vote: the owners' vote closes at a time set by the
 * rules of procedure, and no chase can bring that forward.
 */
export const CHASEABLE_STATES: readonly string[] = [
  ISSUE_STATES.submitted,
  ISSUE_STATES.accepted,
  ISSUE_STATES.in_progress,
  ISSUE_STATES.awaiting_meeting,
];

export type ChaseRefusal = 'not_open' | 'not_overdue' | 'chased_today';
export type ChaseCheck = { ok: true } | { ok: false; reason: ChaseRefusal };

export interface ChaseableIssue extends IssueDeadlines {
  lastChasedAt: Date | null;
}

/** A moment's calendar day in Shanghai, "2026-11-27": the day residents live by. */
export function shanghaiDay(date: Date): string {
  const p = toShanghaiParts(date);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Whether the issue may be chased now: open, past the deadline it works to, and not chased yet on this
 * Shanghai calendar day. A calendar day, not a rolling 24 hours, because that is how residents count
 * ("今天已经催办过，明天可再次催办"): a chase at 23:00 may be repeated the next morning.
 */
export function canChase(issue: ChaseableIssue, now: Date): ChaseCheck {
  if (!CHASEABLE_STATES.includes(issue.state)) return { ok: false, reason: 'not_open' };
  const deadline = currentDeadline(issue);
  // Exactly at the deadline still counts as on time (domain/deadlines.ts, timeLeft).
  if (deadline === null || deadline.at.getTime() >= now.getTime()) return { ok: false, reason: 'not_overdue' };
  if (issue.lastChasedAt !== null && shanghaiDay(issue.lastChasedAt) === shanghaiDay(now)) {
    return { ok: false, reason: 'chased_today' };
  }
  return { ok: true };
}

// ───────────────────────────── proposals for the joint meeting ─────────────────────────────

export type AgendaReason = 'overdue' | 'bouncing';

export interface AgendaRules {
  /** Days past its current deadline after which an open issue goes before the joint meeting. */
  overdueDays: number;
  /** Hand-offs that flag an issue as bouncing (the estate's bouncingThreshold). */
  bouncingThreshold: number;
}

export const DEFAULT_AGENDA_OVERDUE_DAYS = 3;
export const AGENDA_OVERDUE_DAYS_BOUNDS = { min: 1, max: 90 } as const;

/**
 * Issues the parties still hold. One waiting for a meeting is proposed as such already; one waiting for
 * an owners' vote has its closing time set by the rules of procedure.
 */
export const AGENDA_CANDIDATE_STATES: readonly string[] = [
  ISSUE_STATES.submitted,
  ISSUE_STATES.accepted,
  ISSUE_STATES.in_progress,
];

/** The latest deadline that counts as overdue by `overdueDays` at `now`. */
export function agendaOverdueCutoff(now: Date, overdueDays: number): Date {
  return new Date(now.getTime() - overdueDays * DAY_MS);
}

/**
 * Why the issue should go before the next joint meeting, or null. Bouncing first: parties handing an
 * issue to each other is the dispute the joint meeting exists to settle, whatever its deadline.
 */
export function agendaReason(
  issue: IssueDeadlines & { handoffCount: number },
  now: Date,
  rules: AgendaRules,
): AgendaReason | null {
  if (!AGENDA_CANDIDATE_STATES.includes(issue.state)) return null;
  if (issue.handoffCount >= rules.bouncingThreshold) return 'bouncing';
  const deadline = currentDeadline(issue);
  if (deadline !== null && deadline.at.getTime() <= agendaOverdueCutoff(now, rules.overdueDays).getTime()) return 'overdue';
  return null;
}

/**
 * A whole-number setting as stored (text, maybe missing or mistyped), within its bounds; anything else is
 * the default, so a bad value never stops the reminders.
 */
export function intSetting(raw: string | null, fallback: number, bounds: { min: number; max: number }): number {
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return fallback;
  const value = Number(raw);
  return value >= bounds.min && value <= bounds.max ? value : fallback;
}

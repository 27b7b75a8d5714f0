import { ISSUE_STATES, OPEN_STATES } from '../../domain/issue-workflow.ts';
import { timeLeft, type TimeLeft } from '../../domain/deadlines.ts';

/** The states still waiting on someone, as a list Prisma's `in` takes. */
export const OPEN_STATE_LIST: string[] = [...OPEN_STATES];

export function isOverdueNow(issue: { state: string; respondBy: Date; resolveBy: Date }, now: Date): boolean {
  if (!OPEN_STATE_LIST.includes(issue.state)) return false;
  return issue.resolveBy < now || (issue.state === ISSUE_STATES.submitted && issue.respondBy < now);
}

/**
 * The deadline an open issue is working to, as a queue card shows it: acceptance (the response deadline)
 * while it waits to be accepted, then resolution. None once it is resolved, closed or rejected.
 */
export function nextDeadline(
  issue: { state: string; respondBy: Date; resolveBy: Date },
  now: Date,
): { kind: 'respondBy' | 'resolveBy'; at: Date; left: TimeLeft } | null {
  if (!OPEN_STATE_LIST.includes(issue.state)) return null;
  const kind = issue.state === ISSUE_STATES.submitted ? 'respondBy' : 'resolveBy';
  const at = issue[kind];
  return { kind, at, left: timeLeft(at, now) };
}

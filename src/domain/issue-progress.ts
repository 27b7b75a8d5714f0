import type { IssueState } from './issue-workflow.ts';

/**
 * The progress stepper at the top of an issue page: where the issue stands on the road a resident
 * expects (提交 → 受理 → 处理中 → 办结 → 评价/关闭), with the joint meeting and the owners' vote shown
 * only when the issue actually went through them, and the endings that are not a repair (不予受理, closed
 * as a duplicate) shown as what they are rather than as a finished road.
 */

export const PROGRESS_STEPS = [
  'submitted',
  'accepted',
  'awaiting_meeting',
  'awaiting_vote',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'duplicate',
] as const;
export type ProgressStepKey = (typeof PROGRESS_STEPS)[number];
export type ProgressStatus = 'done' | 'current' | 'upcoming';

export interface ProgressStep {
  readonly key: ProgressStepKey;
  /** done: behind the issue; current: where it waits now; upcoming: still ahead. */
  readonly status: ProgressStatus;
  /** The one step the issue is at (for aria-current); an ending is both done and the one it is at. */
  readonly isCurrent: boolean;
  /** When the step was reached, where the issue records it. */
  readonly at: Date | null;
}

export interface ProgressInput {
  readonly state: IssueState;
  readonly createdAt: Date;
  readonly acceptedAt: Date | null;
  readonly startedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
  readonly rejectedAt: Date | null;
  /** The first joint meeting the issue was put on the agenda of (its date), if any. */
  readonly meetingAt: Date | null;
  /** Whether it was ever on a joint meeting's agenda. */
  readonly hadMeeting: boolean;
  /** Whether an owners' vote was ever drafted about it. */
  readonly hadVote: boolean;
  /** Closed as a duplicate of another issue (Issue.duplicateOfId). */
  readonly duplicateOfId: number | null;
}

type Detour = 'awaiting_meeting' | 'awaiting_vote';

/** The meeting and vote steps that belong on this issue's road, the one it waits at last. */
function detoursOf(input: ProgressInput): Detour[] {
  const detours: Detour[] = [];
  if (input.hadMeeting || input.state === 'awaiting_meeting') detours.push('awaiting_meeting');
  if (input.hadVote || input.state === 'awaiting_vote') detours.push('awaiting_vote');
  // A failed vote sends the issue back to the meeting: the step it waits at now comes after the one it left.
  if (input.state === 'awaiting_meeting' && detours.length === 2) detours.reverse();
  return detours;
}

function dateOf(key: ProgressStepKey, input: ProgressInput): Date | null {
  switch (key) {
    case 'submitted':
      return input.createdAt;
    case 'accepted':
      return input.acceptedAt;
    case 'in_progress':
      return input.startedAt;
    case 'awaiting_meeting':
      return input.meetingAt;
    case 'awaiting_vote':
      return null;
    case 'resolved':
      return input.resolvedAt;
    case 'closed':
    case 'duplicate':
      return input.closedAt;
    case 'rejected':
      return input.rejectedAt;
  }
}

/** An ending: every step on the road is behind it and the last one is where it rests. */
function ended(keys: ProgressStepKey[], input: ProgressInput): ProgressStep[] {
  return keys.map((key, i) => {
    const last = i === keys.length - 1;
    return { key, status: 'done', isCurrent: last, at: dateOf(key, input) };
  });
}

/** The road up to the step the issue is at: done behind it, upcoming ahead. */
function underway(keys: ProgressStepKey[], at: ProgressStepKey, input: ProgressInput): ProgressStep[] {
  const index = keys.indexOf(at);
  return keys.map((key, i) => {
    const status: ProgressStatus = i < index ? 'done' : i === index ? 'current' : 'upcoming';
    return { key, status, isCurrent: i === index, at: status === 'upcoming' ? null : dateOf(key, input) };
  });
}

export function issueProgress(input: ProgressInput): ProgressStep[] {
  const detours = detoursOf(input);

  if (input.duplicateOfId !== null && (input.state === 'closed' || input.state === 'rejected')) {
    const keys: ProgressStepKey[] = ['submitted'];
    if (input.acceptedAt) keys.push('accepted');
    if (input.startedAt) keys.push('in_progress');
    return ended([...keys, 'duplicate'], input);
  }
  if (input.state === 'rejected') {
    // Rejected at filing, or by a joint meeting after it was accepted and discussed.
    const keys: ProgressStepKey[] = ['submitted'];
    if (input.acceptedAt) keys.push('accepted');
    if (input.hadMeeting) keys.push('awaiting_meeting');
    return ended([...keys, 'rejected'], input);
  }

  // A meeting that gave the issue to a party put it back to 已受理: the meeting lies behind that step.
  const keys: ProgressStepKey[] =
    input.state === 'accepted' && detours.length > 0
      ? ['submitted', ...detours, 'accepted', 'in_progress', 'resolved', 'closed']
      : ['submitted', 'accepted', ...detours, 'in_progress', 'resolved', 'closed'];
  if (input.state === 'closed') return ended(keys, input);
  return underway(keys, input.state, input);
}

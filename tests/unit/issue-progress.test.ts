import { describe, expect, it } from 'vitest';
import { issueProgress, type ProgressInput } from '../../src/domain/issue-progress.ts';
import type { IssueState } from '../../src/domain/issue-workflow.ts';

const FILED = new Date('2026-11-01T02:00:00Z');
const ACCEPTED = new Date('2026-11-01T06:00:00Z');
const STARTED = new Date('2026-11-02T01:00:00Z');
const MEETING = new Date('2026-11-05T06:00:00Z');
const RESOLVED = new Date('2026-11-08T09:00:00Z');
const CLOSED = new Date('2026-11-09T09:00:00Z');
const REJECTED = new Date('2026-11-01T04:00:00Z');

function input(state: IssueState, over: Partial<ProgressInput> = {}): ProgressInput {
  return {
    state,
    createdAt: FILED,
    acceptedAt: null,
    startedAt: null,
    resolvedAt: null,
    closedAt: null,
    rejectedAt: null,
    meetingAt: null,
    hadMeeting: false,
    hadVote: false,
    duplicateOfId: null,
    ...over,
  };
}

/** The stepper written compactly: key:status, the step the issue is at marked with a star. */
const road = (i: ProgressInput) =>
  issueProgress(i)
    .map((s) => `${s.key}:${s.status}${s.isCurrent ? '*' : ''}`)
    .join(' ');

describe('issueProgress', () => {
  it.each<[string, ProgressInput, string]>([
    [
      'a new issue waits to be accepted',
      input('submitted'),
      'submitted:current* accepted:upcoming in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'an accepted issue waits for the party to start',
      input('accepted', { acceptedAt: ACCEPTED }),
      'submitted:done accepted:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'an issue being handled',
      input('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED }),
      'submitted:done accepted:done in_progress:current* resolved:upcoming closed:upcoming',
    ],
    [
      'a resolved issue waits for the rating',
      input('resolved', { acceptedAt: ACCEPTED, startedAt: STARTED, resolvedAt: RESOLVED }),
      'submitted:done accepted:done in_progress:done resolved:current* closed:upcoming',
    ],
    [
      'a closed issue has walked the whole road and rests on its last step',
      input('closed', { acceptedAt: ACCEPTED, startedAt: STARTED, resolvedAt: RESOLVED, closedAt: CLOSED }),
      'submitted:done accepted:done in_progress:done resolved:done closed:done*',
    ],
    [
      'an escalated issue waits for the joint meeting, shown between acceptance and handling',
      input('awaiting_meeting', { acceptedAt: ACCEPTED }),
      'submitted:done accepted:done awaiting_meeting:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'after the meeting put it to the owners, the vote is the step it waits at',
      input('awaiting_vote', { acceptedAt: ACCEPTED, hadMeeting: true, meetingAt: MEETING }),
      'submitted:done accepted:done awaiting_meeting:done awaiting_vote:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'a vote the handling party opened itself shows no meeting',
      input('awaiting_vote', { acceptedAt: ACCEPTED, startedAt: STARTED, hadVote: true }),
      'submitted:done accepted:done awaiting_vote:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'a passed vote leaves both detours behind the repair',
      input('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED, hadMeeting: true, hadVote: true }),
      'submitted:done accepted:done awaiting_meeting:done awaiting_vote:done in_progress:current* resolved:upcoming closed:upcoming',
    ],
    [
      'a failed vote sends the issue back to the meeting, which then comes after the vote',
      input('awaiting_meeting', { acceptedAt: ACCEPTED, hadMeeting: true, hadVote: true }),
      'submitted:done accepted:done awaiting_vote:done awaiting_meeting:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'a meeting that assigned the issue to a party puts the meeting before the acceptance it waits at',
      input('accepted', { acceptedAt: ACCEPTED, hadMeeting: true, meetingAt: MEETING }),
      'submitted:done awaiting_meeting:done accepted:current* in_progress:upcoming resolved:upcoming closed:upcoming',
    ],
    [
      'an issue rejected at filing ends at 不予受理, with no road ahead',
      input('rejected', { rejectedAt: REJECTED }),
      'submitted:done rejected:done*',
    ],
    [
      'an issue a joint meeting rejected shows the meeting before the rejection',
      input('rejected', { acceptedAt: ACCEPTED, hadMeeting: true, meetingAt: MEETING, rejectedAt: REJECTED }),
      'submitted:done accepted:done awaiting_meeting:done rejected:done*',
    ],
    [
      'a duplicate closed before anyone worked on it ends as a duplicate, not as resolved',
      input('closed', { duplicateOfId: 7, closedAt: CLOSED }),
      'submitted:done duplicate:done*',
    ],
    [
      'a duplicate found while being handled keeps the steps it really went through',
      input('closed', { duplicateOfId: 7, acceptedAt: ACCEPTED, startedAt: STARTED, closedAt: CLOSED }),
      'submitted:done accepted:done in_progress:done duplicate:done*',
    ],
    [
      'a duplicate marked by rejection is still shown as a duplicate',
      input('rejected', { duplicateOfId: 7, rejectedAt: REJECTED, closedAt: CLOSED }),
      'submitted:done duplicate:done*',
    ],
  ])('%s', (_name, given, expected) => {
    expect(road(given)).toBe(expected);
  });

  it('exactly one step is the one the issue is at, whatever the state', () => {
    for (const state of [
      'submitted',
      'accepted',
      'in_progress',
      'awaiting_meeting',
      'awaiting_vote',
      'resolved',
      'closed',
      'rejected',
    ] as const) {
      expect(issueProgress(input(state, { hadMeeting: true, hadVote: true })).filter((s) => s.isCurrent)).toHaveLength(1);
    }
  });

  it('dates the steps behind the issue and the one it is at, never the ones ahead', () => {
    const steps = issueProgress(
      input('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED, hadMeeting: true, meetingAt: MEETING }),
    );
    expect(Object.fromEntries(steps.map((s) => [s.key, s.at]))).toEqual({
      submitted: FILED,
      accepted: ACCEPTED,
      awaiting_meeting: MEETING,
      in_progress: STARTED,
      resolved: null,
      closed: null,
    });
  });

  it('a reopened issue (resolved once, back in progress) does not date the resolution still ahead of it', () => {
    const steps = issueProgress(input('in_progress', { acceptedAt: ACCEPTED, startedAt: STARTED, resolvedAt: RESOLVED }));
    expect(steps.find((s) => s.key === 'resolved')).toEqual({ key: 'resolved', status: 'upcoming', isCurrent: false, at: null });
  });

  it('dates the ending of a duplicate and of a rejection', () => {
    expect(issueProgress(input('closed', { duplicateOfId: 3, closedAt: CLOSED })).at(-1)?.at).toEqual(CLOSED);
    expect(issueProgress(input('rejected', { rejectedAt: REJECTED })).at(-1)?.at).toEqual(REJECTED);
  });
});

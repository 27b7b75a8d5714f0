import { describe, expect, it } from 'vitest';
import {
  COALESCE_WINDOW_MS,
  NOTIFICATION_TOPICS,
  TOPICS_BY_ROLE,
  deliveryMode,
  digestCutoff,
  isMandatory,
  issueActionNotices,
  mayCoalesce,
  topicOfKind,
  type IssueMove,
  type NotificationTopic,
} from '../../src/domain/notification-rules.ts';
import type { IssueAction, IssueState, Party } from '../../src/domain/issue-workflow.ts';
import { ROLE_NAMES } from '../../src/domain/roles.ts';
import { CATALOGUE } from '../../src/i18n/index.ts';

const move = (
  action: IssueAction,
  from: IssueState,
  to: IssueState,
  more: Partial<Pick<IssueMove, 'firstStart' | 'newParty' | 'assignedParty'>> = {},
): IssueMove => ({ action, from, to, firstStart: false, newParty: null, assignedParty: 'property', ...more });

/** The notices of a move as short strings: "reporter:kind", "followers:kind", "party(property):kind". */
const heard = (m: IssueMove): string[] =>
  issueActionNotices(m).map((n) => `${n.audience.to === 'party' ? `party(${n.audience.party})` : n.audience.to}:${n.kind}`);

describe('who hears of an issue move', () => {
  it.each<[string, IssueMove, string[]]>([
    [
      'acceptance tells the reporter, the followers and the assigned party',
      move('accept', 'submitted', 'accepted', { newParty: 'property', assignedParty: null }),
      ['reporter:issue_state_changed', 'followers:issue_state_changed', 'party(property):issue_assigned'],
    ],
    [
      'the first start is news to the reporter (being handled)',
      move('start', 'accepted', 'in_progress', { firstStart: true }),
      ['reporter:issue_state_changed', 'followers:issue_state_changed'],
    ],
    ['a restart by the next party after a hand-off is an internal move', move('start', 'accepted', 'in_progress'), []],
    [
      'a reassignment tells only the new party',
      move('reassign', 'in_progress', 'accepted', { newParty: 'committee' }),
      ['party(committee):issue_assigned'],
    ],
    [
      'a hand-off tells only the party it is handed to',
      move('handoff', 'in_progress', 'accepted', { newParty: 'community' }),
      ['party(community):issue_assigned'],
    ],
    [
      'resolving asks the reporter to rate and tells the followers',
      move('resolve', 'in_progress', 'resolved'),
      ['reporter:issue_resolved_rate', 'followers:issue_state_changed'],
    ],
    [
      'a rejection carries its reason to reporter and followers',
      move('reject', 'submitted', 'rejected', { assignedParty: null }),
      ['reporter:issue_rejected', 'followers:issue_rejected'],
    ],
    [
      "the reporter's own reopen: no echo, the followers and the party hear",
      move('reopen', 'resolved', 'in_progress'),
      ['followers:issue_state_changed', 'party(property):issue_reopened'],
    ],
    [
      "the reporter's own confirmation reaches the followers only",
      move('confirm', 'resolved', 'closed'),
      ['followers:issue_state_changed'],
    ],
    [
      'closing on its own after the rating window tells the reporter',
      move('auto_close', 'resolved', 'closed'),
      ['reporter:issue_state_changed', 'followers:issue_state_changed'],
    ],
    [
      'sending it to the joint meeting is news',
      move('escalate', 'in_progress', 'awaiting_meeting'),
      ['reporter:issue_state_changed', 'followers:issue_state_changed'],
    ],
    [
      'a deferral to the next meeting leaves the state as it was: nothing',
      move('meeting_defer', 'awaiting_meeting', 'awaiting_meeting'),
      [],
    ],
    [
      "a meeting's assignment tells the readers and the party",
      move('meeting_assign', 'awaiting_meeting', 'accepted', { newParty: 'committee' }),
      ['reporter:issue_state_changed', 'followers:issue_state_changed', 'party(committee):issue_assigned'],
    ],
    [
      'an owners’ vote opened on it is news',
      move('open_vote', 'in_progress', 'awaiting_vote'),
      ['reporter:issue_state_changed', 'followers:issue_state_changed'],
    ],
    [
      'a passed vote tells the readers and sends the party back to work',
      move('vote_passed', 'awaiting_vote', 'in_progress'),
      ['reporter:issue_state_changed', 'followers:issue_state_changed', 'party(property):issue_fund_approved'],
    ],
    [
      'a failed vote is news to the readers',
      move('vote_failed', 'awaiting_vote', 'awaiting_meeting'),
      ['reporter:issue_state_changed', 'followers:issue_state_changed'],
    ],
    [
      'a reassignment that keeps the same party (more time) tells that party only',
      move('reassign', 'accepted', 'accepted', { newParty: 'property' }),
      ['party(property):issue_assigned'],
    ],
  ])('%s', (_name, m, expected) => {
    expect(heard(m)).toEqual(expected);
  });

  it('files reader notices under my_issues for the reporter and followed_issues for followers, party ones as assigned work', () => {
    const notices = issueActionNotices(move('accept', 'submitted', 'accepted', { newParty: 'property' as Party }));
    expect(notices.map((n) => n.topic)).toEqual(['my_issues', 'followed_issues', 'assigned_work']);
  });
});

describe('topics, modes and mandatory kinds', () => {
  it.each<[string, NotificationTopic]>([
    ['issue_state_changed', 'my_issues'],
    ['issue_filed_for_you', 'my_issues'],
    ['issue_submitted', 'assigned_work'],
    ['issue_overdue', 'deadlines'],
    ['issue_deadline_warning', 'deadlines'],
    ['issue_chased', 'deadlines'],
    ['meeting_invited', 'meetings'],
    ['vote_result', 'votes'],
    ['ballot_cast_online', 'account'],
    ['registration_approved_owner', 'account'],
    ['notice_posted', 'notices'],
    ['something_new', 'notices'],
  ])('%s is filed under %s', (kind, topic) => {
    expect(topicOfKind(kind)).toBe(topic);
  });

  it('every kind in the catalogue has a topic its readers are offered, or a mandatory one', () => {
    const kinds = Object.keys(CATALOGUE['zh-CN'])
      .filter((k) => k.startsWith('notifications.kind.'))
      .map((k) => k.slice('notifications.kind.'.length));
    const offered = new Set(ROLE_NAMES.flatMap((role) => TOPICS_BY_ROLE[role]));
    for (const kind of kinds) expect(offered.has(topicOfKind(kind)), kind).toBe(true);
    expect(new Set(Object.values(TOPICS_BY_ROLE).flat())).toEqual(new Set(NOTIFICATION_TOPICS));
  });

  it.each<[string, string, NotificationTopic, 'instant' | 'digest' | 'off' | undefined, string]>([
    ['no choice is instant', 'issue_state_changed', 'my_issues', undefined, 'instant'],
    ['a chosen digest holds it', 'issue_assigned', 'assigned_work', 'digest', 'digest'],
    ['a topic turned off drops it', 'meeting_changed', 'meetings', 'off', 'off'],
    ['an emergency to triage cannot be turned off', 'issue_submitted_emergency', 'assigned_work', 'off', 'instant'],
    ['nor put in a digest', 'issue_submitted_emergency', 'assigned_work', 'digest', 'instant'],
    ['an owners’ vote opening cannot be turned off', 'vote_opened', 'votes', 'off', 'instant'],
    ['account security cannot be turned off', 'ballot_cast_online', 'account', 'off', 'instant'],
    ['a vote result can', 'vote_result', 'votes', 'off', 'off'],
  ])('%s', (_name, kind, topic, chosen, expected) => {
    expect(deliveryMode(kind, topic, chosen)).toBe(expected);
  });

  it('the account topic is mandatory as a whole; ordinary topics are not', () => {
    expect(isMandatory('registration_declined', 'account')).toBe(true);
    expect(isMandatory('issue_assigned', 'assigned_work')).toBe(false);
  });
});

describe('coalescing an unread notice about an issue', () => {
  const now = new Date('2026-11-30T02:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it.each<
    [string, { kind: string; readAt: Date | null; held: boolean; createdAt: Date }, { kind: string; held: boolean }, boolean]
  >([
    [
      'unread and a minute old: replaced',
      { kind: 'issue_state_changed', readAt: null, held: false, createdAt: ago(60_000) },
      { kind: 'issue_resolved_rate', held: false },
      true,
    ],
    [
      'just inside the window',
      { kind: 'issue_state_changed', readAt: null, held: false, createdAt: ago(COALESCE_WINDOW_MS - 1) },
      { kind: 'issue_state_changed', held: false },
      true,
    ],
    [
      'at ten minutes: a new notice',
      { kind: 'issue_state_changed', readAt: null, held: false, createdAt: ago(COALESCE_WINDOW_MS) },
      { kind: 'issue_state_changed', held: false },
      false,
    ],
    [
      'already read: a new notice',
      { kind: 'issue_state_changed', readAt: ago(1000), held: false, createdAt: ago(60_000) },
      { kind: 'issue_state_changed', held: false },
      false,
    ],
    [
      'held for a digest vs instant: kept apart',
      { kind: 'issue_state_changed', readAt: null, held: true, createdAt: ago(60_000) },
      { kind: 'issue_state_changed', held: false },
      false,
    ],
    [
      'not about the state (an assignment): kept',
      { kind: 'issue_assigned', readAt: null, held: false, createdAt: ago(60_000) },
      { kind: 'issue_state_changed', held: false },
      false,
    ],
  ])('%s', (_name, existing, incoming, expected) => {
    expect(mayCoalesce(existing, incoming, now)).toBe(expected);
  });
});

describe('the daily digest cutoff (08:00 Shanghai)', () => {
  it.each([
    ['07:59 Shanghai belongs to the previous day’s cut', '2026-11-29T23:59:00Z', '2026-11-29T00:00:00Z', '2026-11-29'],
    ['08:00 Shanghai is the cut itself', '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z', '2026-11-30'],
    ['late evening Shanghai still cuts at the morning', '2026-11-30T15:30:00Z', '2026-11-30T00:00:00Z', '2026-11-30'],
    ['just after midnight Shanghai, before 08:00', '2026-11-30T16:05:00Z', '2026-11-30T00:00:00Z', '2026-11-30'],
    ['across the new year', '2027-01-01T01:00:00Z', '2027-01-01T00:00:00Z', '2027-01-01'],
  ])('%s', (_name, now, cutoff, day) => {
    expect(digestCutoff(new Date(now))).toEqual({ cutoff: new Date(cutoff), day });
  });
});

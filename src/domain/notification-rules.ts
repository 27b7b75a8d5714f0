/**
 * Notifications with restraint (docs/domain.md, "Notice board, reminders and notifications"): who hears
 * about an issue's move and under which topic, what each topic's setting does, which kinds nobody can
 * turn off, when a fresh notice replaces an unread one, and when the daily digest is cut.
 *
 * Pure: the issues module asks `issueActionNotices` after a move and resolves the audiences to people;
 * the notifications module asks `deliveryMode`, `mayCoalesce` and `digestCutoff` while it writes rows.
 *
 * Decisions taken here:
 * - The reporter and the issue's followers hear what changes their picture of the issue: accepted, being
 *   handled (the first start only: a hand-off and a restart by the next party is an internal move),
 *   resolved (the reporter is asked to rate), rejected (with the reason), closed, sent to a joint meeting
 *   or an owners' vote and that vote's outcome. They do not hear a reassignment, a hand-off, a deferral
 *   or any move that leaves the state as it was. Nobody hears of their own move (the caller drops the
 *   actor), which is why a reporter's reopen or confirmation reaches only the followers.
 * - The parties hear what is work for them: an assignment (accept, reassign, hand-off, a meeting's
 *   assignment), a reopen, a passed fund vote that sends the work back to them; deadlines come from jobs.
 * - Every topic defaults to instant, for residents and staff alike: restraint comes from the rule above
 *   and from coalescing, and anyone may choose a daily digest or silence for a topic.
 * - Mandatory, always instant whatever the setting: the account topic (registration results, ballots cast
 *   under one's name: account security), an emergency issue to triage (2-hour response), and the opening
 *   of an owners' vote (owners must be able to take part; 业主大会议事规则 requires them to be told).
 */

import type { IssueAction, IssueState, Party } from './issue-workflow.ts';
import type { Role } from './roles.ts';

export const NOTIFICATION_TOPICS = [
  'my_issues',
  'followed_issues',
  'assigned_work',
  'deadlines',
  'meetings',
  'votes',
  'notices',
  'account',
] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

export const DELIVERY_MODES = ['instant', 'digest', 'off'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export function isTopic(value: unknown): value is NotificationTopic {
  return typeof value === 'string' && (NOTIFICATION_TOPICS as readonly string[]).includes(value);
}

export function isDeliveryMode(value: unknown): value is DeliveryMode {
  return typeof value === 'string' && (DELIVERY_MODES as readonly string[]).includes(value);
}

const STAFF_TOPICS: readonly NotificationTopic[] = ['assigned_work', 'deadlines', 'meetings', 'votes', 'notices', 'account'];

/** The topics a role is offered on the preferences page, in the order shown. */
export const TOPICS_BY_ROLE: Readonly<Record<Role, readonly NotificationTopic[]>> = {
  resident: ['my_issues', 'followed_issues', 'meetings', 'votes', 'notices', 'account'],
  property: STAFF_TOPICS,
  committee: STAFF_TOPICS,
  community: STAFF_TOPICS,
  admin: ['notices', 'account'],
};

/** Topics nobody may quiet: every kind under them arrives at once. */
export const MANDATORY_TOPICS: readonly NotificationTopic[] = ['account'];

/** Kinds that arrive at once whatever their topic's setting (see the decisions above). */
export const MANDATORY_KINDS: readonly string[] = ['issue_submitted_emergency', 'vote_opened'];

/** The kinds the issue rule writes to an issue's readers: the ones a fresh notice may replace. */
export const ISSUE_READER_KINDS: readonly string[] = [
  'issue_state_changed',
  'issue_resolved_rate',
  'issue_rejected',
  'issue_duplicate',
];

const KIND_TOPICS: Readonly<Record<string, NotificationTopic>> = {
  issue_state_changed: 'my_issues',
  issue_resolved_rate: 'my_issues',
  issue_rejected: 'my_issues',
  issue_duplicate: 'my_issues',
  issue_filed_for_you: 'my_issues',
  issue_submitted: 'assigned_work',
  issue_submitted_emergency: 'assigned_work',
  issue_assigned: 'assigned_work',
  issue_reopened: 'assigned_work',
  issue_fund_approved: 'assigned_work',
  registration_submitted: 'assigned_work',
  issue_overdue: 'deadlines',
  ballot_recorded: 'account',
  ballot_recorded_changed: 'account',
  ballot_cast_online: 'account',
};

/**
 * The topic a kind is filed under when its writer does not say (`notify` callers may pass one: the
 * same kind reaches a reporter as my_issues and a follower as followed_issues). Kinds added later find
 * their topic by prefix, so a new reminder is not silently unsettable.
 */
export function topicOfKind(kind: string): NotificationTopic {
  const known = KIND_TOPICS[kind];
  if (known) return known;
  if (kind.startsWith('meeting_')) return 'meetings';
  if (kind.startsWith('vote_') || kind.startsWith('ballot_')) return 'votes';
  if (kind.startsWith('registration_') || kind.startsWith('account_')) return 'account';
  if (kind.startsWith('notice_')) return 'notices';
  if (/overdue|deadline|chase/.test(kind)) return 'deadlines';
  if (kind.startsWith('issue_')) return 'assigned_work';
  return 'notices';
}

export function isMandatory(kind: string, topic: NotificationTopic): boolean {
  return MANDATORY_TOPICS.includes(topic) || MANDATORY_KINDS.includes(kind);
}

/** What happens to one notification for this reader: their choice for its topic, unless it is mandatory. */
export function deliveryMode(kind: string, topic: NotificationTopic, chosen: DeliveryMode | undefined): DeliveryMode {
  if (isMandatory(kind, topic)) return 'instant';
  return chosen ?? 'instant';
}

/** How long an unread notice about an issue stays open to be replaced by the next one about it. */
export const COALESCE_WINDOW_MS = 10 * 60_000;

/**
 * A new notice about an issue replaces the reader's earlier one instead of adding a row when that one is
 * also about the issue's state, still unread, held the same way (both instant or both for the digest),
 * and under ten minutes old: the reader sees one notice with the latest state.
 */
export function mayCoalesce(
  existing: { kind: string; readAt: Date | null; held: boolean; createdAt: Date },
  incoming: { kind: string; held: boolean },
  now: Date,
): boolean {
  return (
    ISSUE_READER_KINDS.includes(existing.kind) &&
    ISSUE_READER_KINDS.includes(incoming.kind) &&
    existing.readAt === null &&
    existing.held === incoming.held &&
    now.getTime() - existing.createdAt.getTime() < COALESCE_WINDOW_MS
  );
}

/** The daily digest is cut at this hour, Shanghai time. */
export const DIGEST_HOUR = 8;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The latest digest moment at or before `now` (08:00 Shanghai today, or yesterday's before 08:00) and
 * its Shanghai date: rows held before the cutoff go into that day's digest. A server down at 08:00
 * catches up on its next run, and a second run the same day finds the day's digest already written.
 */
export function digestCutoff(now: Date, hour: number = DIGEST_HOUR): { cutoff: Date; day: string } {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  let dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  if (local < dayStart + hour * 3_600_000) dayStart -= DAY_MS;
  const cutoff = new Date(dayStart + hour * 3_600_000 - SHANGHAI_OFFSET_MS);
  return { cutoff, day: new Date(dayStart).toISOString().slice(0, 10) };
}

/** Who hears of a move: the reporter, the issue's followers, or the staff of a party. */
export type IssueAudience = { to: 'reporter' } | { to: 'followers' } | { to: 'party'; party: Party };

export interface IssueNotice {
  audience: IssueAudience;
  kind: string;
  topic: NotificationTopic;
}

export interface IssueMove {
  action: IssueAction;
  from: IssueState;
  to: IssueState;
  /** The issue had never been started before this move (its first "being handled"). */
  firstStart: boolean;
  /** The party this move assigns or hands the issue to, if any. */
  newParty: Party | null;
  /** The party the issue was assigned to before the move. */
  assignedParty: Party | null;
}

type ReaderKind = 'issue_state_changed' | 'issue_resolved_rate' | 'issue_rejected' | 'issue_duplicate';

/** What the reporter and followers hear of each action; absent means nothing. */
const READER_NEWS: Readonly<Partial<Record<IssueAction, { reporter?: ReaderKind; followers?: ReaderKind }>>> = {
  accept: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  start: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  escalate: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  open_vote: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  resolve: { reporter: 'issue_resolved_rate', followers: 'issue_state_changed' },
  reject: { reporter: 'issue_rejected', followers: 'issue_rejected' },
  // Only the reporter confirms or reopens: their own move, so only the followers hear it.
  confirm: { followers: 'issue_state_changed' },
  reopen: { followers: 'issue_state_changed' },
  auto_close: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  // Closed into the original it repeats: the reporter is told which one to follow instead.
  mark_duplicate: { reporter: 'issue_duplicate', followers: 'issue_duplicate' },
  meeting_assign: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  meeting_reject: { reporter: 'issue_rejected', followers: 'issue_rejected' },
  meeting_open_vote: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  vote_passed: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  vote_failed: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  emergency_fund_confirmed: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  vote_cancelled: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
  vote_cancelled_to_meeting: { reporter: 'issue_state_changed', followers: 'issue_state_changed' },
};

/** Who hears of one workflow move, and as what. The caller drops the actor and resolves the audiences. */
export function issueActionNotices(move: IssueMove): IssueNotice[] {
  const notices: IssueNotice[] = [];
  const news = READER_NEWS[move.action];
  const meaningful = move.from !== move.to && (move.action !== 'start' || move.firstStart);
  if (news && meaningful) {
    if (news.reporter) notices.push({ audience: { to: 'reporter' }, kind: news.reporter, topic: 'my_issues' });
    if (news.followers) notices.push({ audience: { to: 'followers' }, kind: news.followers, topic: 'followed_issues' });
  }
  const assignedTo =
    move.action === 'accept' || move.action === 'reassign' || move.action === 'handoff' || move.action === 'meeting_assign'
      ? move.newParty
      : null;
  if (assignedTo) notices.push({ audience: { to: 'party', party: assignedTo }, kind: 'issue_assigned', topic: 'assigned_work' });
  if (move.action === 'reopen' && move.assignedParty) {
    notices.push({ audience: { to: 'party', party: move.assignedParty }, kind: 'issue_reopened', topic: 'assigned_work' });
  }
  if ((move.action === 'vote_passed' || move.action === 'emergency_fund_confirmed') && move.assignedParty) {
    notices.push({ audience: { to: 'party', party: move.assignedParty }, kind: 'issue_fund_approved', topic: 'assigned_work' });
  }
  return notices;
}

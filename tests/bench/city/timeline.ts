import type { CategoryInfo } from './city.ts';
import { DAY, HOUR, MINUTE } from './city.ts';
import type { Rng } from './random.ts';
import { HANDOFF_REASONS, RATING_COMMENTS, REJECT_REASONS, RESOLVE_NOTES } from './text.ts';

/**
 * The life of one issue as the workflow of src/domain/issue-workflow.ts lets it run: the steps in order,
 * each a move the transition table allows, by the actor it names. The plan stops at `now`: an issue
 * filed in the last weeks is still open wherever its next step lies in the future. Every delay is
 * bounded so that a whole life fits in 44 days: anything filed earlier than that is closed or rejected.
 */

export type Who = 'reporter' | 'community' | 'party' | 'convener' | 'system';

export interface Step {
  at: number;
  who: Who;
  action: string;
  from: string | null;
  to: string;
  /** The party assigned or handed to by this step. */
  party: string | null;
  /** The party whose user takes the step, for who = 'party'. */
  actingParty: string | null;
  note: string;
  dueAt: number | null;
  meetingId: number | null;
  proposalId: number | null;
  rating: string | null;
  ratingComment: string;
  approvedAmountFen: number | null;
}

/** A joint meeting the issue can be put to, as the meetings plan knows it. */
export interface MeetingSlot {
  id: number;
  startsAt: number;
  /** When its minutes were applied; null while it is still to come. */
  appliedAt: number | null;
  agenda: (decision: { kind: 'assign' | 'reject'; party: string | null; dueAt: number | null; reason: string } | null) => void;
}

/** A fund vote opened for the issue: its id, and when it closed (null: still open) with the approved amount. */
export interface VoteSlot {
  id: number;
  title: string;
  closedAt: number | null;
  approvedAmountFen: number | null;
}

export interface PlanInput {
  created: number;
  now: number;
  category: CategoryInfo;
  /** The next meeting of the issue's community starting after `after` and no later than `latest`. */
  meetingAfter: (after: number, latest: number) => MeetingSlot | null;
  /** Set when this issue goes to a fund vote: opens it (called only when the vote opens before now). */
  openVote: ((openedAt: number) => VoteSlot) | null;
}

const PARTIES = ['property', 'committee', 'community'] as const;

/** One step of an issue's life from the state it leaves and the party then in charge. */
export function newStep(
  at: number,
  who: Who,
  action: string,
  from: string,
  to: string,
  party: string | null,
  extra: Partial<Step> = {},
): Step {
  return {
    at,
    who,
    action,
    from: action === 'submit' ? null : from,
    to,
    party: null,
    actingParty: who === 'party' ? party : null,
    note: '',
    dueAt: null,
    meetingId: null,
    proposalId: null,
    rating: null,
    ratingComment: '',
    approvedAmountFen: null,
    ...extra,
  };
}

export function planIssue(rng: Rng, input: PlanInput): Step[] {
  const { created, now, category } = input;
  const steps: Step[] = [];
  let state = 'submitted';
  let party: string | null = null;
  let t = created;
  let stopped = false;
  const step = (who: Who, action: string, to: string, extra: Partial<Step> = {}): boolean => {
    if (stopped || t > now) {
      stopped = true;
      return false;
    }
    steps.push(newStep(t, who, action, state, to, party, extra));
    state = to;
    if (extra.party) party = extra.party;
    return true;
  };
  const hours = (lo: number, hi: number) => rng.between(lo, hi) * HOUR;

  step('reporter', 'submit', 'submitted');
  t += category.emergency ? hours(0.05, 1.5) : Math.min(60 * HOUR, -Math.log(1 - rng.next()) * 8 * HOUR);
  if (rng.chance(0.04)) {
    step('community', 'reject', 'rejected', { note: rng.pick(REJECT_REASONS) });
    return steps;
  }
  const first: string = rng.chance(0.88) ? category.defaultParty : rng.pick(PARTIES.filter((p) => p !== category.defaultParty));
  const dueAt = Math.max(created + category.resolveHours * HOUR, t + 12 * HOUR);
  if (!step('community', 'accept', 'accepted', { party: first, dueAt })) return steps;
  t += hours(0.5, 36);

  let resolveWithin = category.resolveHours * HOUR;
  if (input.openVote) {
    if (!step('party', 'start', 'in_progress')) return steps;
    t += rng.between(2, 6) * DAY;
    if (t > now) return steps;
    const vote = input.openVote(t);
    step('party', 'open_vote', 'awaiting_vote', { proposalId: vote.id });
    if (vote.closedAt === null) return steps;
    t = vote.closedAt;
    step('system', 'vote_passed', 'in_progress', {
      proposalId: vote.id,
      approvedAmountFen: vote.approvedAmountFen,
      note: `${vote.title}表决结果公告`,
    });
    t += rng.between(1, 7) * DAY;
    return finish();
  }

  if (rng.chance(0.03)) {
    const started = rng.chance(0.5);
    const escalateAt = t + (started ? hours(0.5, 36) : 0) + rng.between(1, 4) * DAY;
    const latest = created + 22 * DAY;
    const meeting = input.meetingAfter(escalateAt + DAY, latest);
    // Without a meeting to go to, only a recent issue waits for one (the next is not convened yet).
    if (meeting || latest > now) {
      if (started && !step('party', 'start', 'in_progress')) return steps;
      t = escalateAt;
      if (!step('party', 'escalate', 'awaiting_meeting')) return steps;
      if (!meeting) return steps;
      if (meeting.appliedAt === null || meeting.appliedAt > now) {
        meeting.agenda(null);
        return steps;
      }
      t = meeting.appliedAt;
      if (rng.chance(0.15)) {
        const reason = rng.pick(REJECT_REASONS);
        meeting.agenda({ kind: 'reject', party: null, dueAt: null, reason });
        step('convener', 'meeting_reject', 'rejected', { note: reason, meetingId: meeting.id });
        return steps;
      }
      const to = rng.chance(0.7) && party ? party : rng.pick(PARTIES);
      const due = t + rng.int(5, 12) * DAY;
      meeting.agenda({ kind: 'assign', party: to, dueAt: due, reason: '' });
      step('convener', 'meeting_assign', 'accepted', { party: to, dueAt: due, meetingId: meeting.id });
      t += hours(0.5, 36);
      resolveWithin = 7 * DAY;
    }
  }

  if (!step('party', 'start', 'in_progress')) return steps;
  const handoffs = rng.chance(0.06) ? (rng.chance(0.25) ? 2 : 1) : 0;
  for (let i = 0; i < handoffs; i++) {
    t += hours(1, 72);
    const to = rng.pick(PARTIES.filter((p) => p !== party));
    if (!step('party', 'handoff', 'accepted', { party: to, note: rng.pick(HANDOFF_REASONS) })) return steps;
    t += hours(1, 24);
    if (!step('party', 'start', 'in_progress')) return steps;
  }
  t += Math.min(14 * DAY, rng.between(0.05, 1.1) * resolveWithin);
  return finish();

  /** Resolve, perhaps reopened once, then confirmed by the reporter or closed by the auto-close job. */
  function finish(): Step[] {
    if (!step('party', 'resolve', 'resolved', { note: rng.pick(RESOLVE_NOTES) })) return steps;
    // Reopened at most once, and only early enough that the whole life still fits the 44 days.
    if (rng.chance(0.05) && t - created < 20 * DAY) {
      t += rng.between(1 / 24, 6) * DAY;
      if (!step('reporter', 'reopen', 'in_progress')) return steps;
      t += rng.between(1 / 24, 5) * DAY;
      if (!step('party', 'resolve', 'resolved', { note: rng.pick(RESOLVE_NOTES) })) return steps;
    }
    if (rng.chance(0.6)) {
      t += rng.between(1 / 24, 6.5) * DAY;
      const r = rng.next();
      const rating = r < 0.6 ? 'satisfied' : r < 0.88 ? 'basically_satisfied' : 'dissatisfied';
      step('reporter', 'confirm', 'closed', { rating, ratingComment: rng.pick(RATING_COMMENTS) });
    } else {
      // The scheduler runs every minute: the job closes it within one of the seventh day's end.
      t += 7 * DAY + rng.between(0.05, 1) * MINUTE;
      step('system', 'auto_close', 'closed');
    }
    return steps;
  }
}

/** The issue's columns after its steps, as performIssueAction leaves them (src/modules/issues/perform-action.ts). */
export interface IssueOutcome {
  state: string;
  assignedParty: string | null;
  resolveBy: number;
  acceptedAt: number | null;
  startedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  rejectedAt: number | null;
  rejectReason: string;
  reopenCount: number;
  handoffCount: number;
  rating: string | null;
  ratingComment: string;
  ratedAt: number | null;
  approvedAmountFen: number | null;
  version: number;
  updatedAt: number;
}

export function replay(steps: readonly Step[], resolveBy: number): IssueOutcome {
  const o: IssueOutcome = {
    state: 'submitted',
    assignedParty: null,
    resolveBy,
    acceptedAt: null,
    startedAt: null,
    resolvedAt: null,
    closedAt: null,
    rejectedAt: null,
    rejectReason: '',
    reopenCount: 0,
    handoffCount: 0,
    rating: null,
    ratingComment: '',
    ratedAt: null,
    approvedAmountFen: null,
    version: 0,
    updatedAt: steps[0]?.at ?? 0,
  };
  for (const s of steps) {
    o.updatedAt = s.at;
    if (s.action === 'submit') continue;
    o.state = s.to;
    o.version += 1;
    switch (s.action) {
      case 'accept':
      case 'reassign':
      case 'meeting_assign':
        o.assignedParty = s.party;
        if (s.dueAt !== null) o.resolveBy = s.dueAt;
        o.acceptedAt ??= s.at;
        break;
      case 'handoff':
        o.assignedParty = s.party;
        o.handoffCount += 1;
        break;
      case 'start':
        o.startedAt ??= s.at;
        break;
      case 'resolve':
        o.resolvedAt = s.at;
        break;
      case 'reject':
      case 'meeting_reject':
        o.rejectedAt = s.at;
        o.rejectReason = s.note;
        break;
      case 'confirm':
        o.closedAt = s.at;
        o.rating = s.rating;
        o.ratingComment = s.ratingComment;
        o.ratedAt = s.at;
        break;
      case 'auto_close':
        o.closedAt = s.at;
        break;
      case 'reopen':
        o.reopenCount += 1;
        o.resolvedAt = null;
        break;
      case 'vote_passed':
        if (s.approvedAmountFen !== null) o.approvedAmountFen = s.approvedAmountFen;
        break;
    }
  }
  return o;
}

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed } from '../../errors.ts';
import type { RequiredParty } from '../../domain/meeting-rules.ts';
import { planApplyMinutes, validateDecision, type ApplyStep } from '../../domain/meeting-decisions.ts';
import { NOTHING_HELD, heldColumns, heldMissingParties } from '../../domain/meeting-status.ts';
import { formatFen, parseYuanToFen } from '../../domain/money.ts';
import { maskName } from '../../domain/privacy.ts';
import { translate } from '../../i18n/index.ts';
import { agendaIssueStates, performIssueAction } from '../issues/index.ts';
import { publishNotice } from '../notices/index.ts';
import { notify } from '../notifications/index.ts';
import { errorCode, parseLocal, toInts, when } from './meeting-form.ts';
import { partyRank } from './queries.ts';
import { loadManaged, requireMove } from './scope.ts';
import { attendanceOf, auditMeeting, type AuditContext } from './audit.ts';

/** Holding the meeting: attendance and minutes, the decision on each agenda item, applying the minutes. */

const MINUTES_MAX = 20000;

const DECISION_FIELD = {
  kind: 'decisionKind',
  issue: 'decisionIssue',
  party: 'decisionParty',
  dueAt: 'decisionDueAt',
  reason: 'decisionReason',
  amountFen: 'decisionAmount',
} as const;

/**
 * Records who attended and the minutes text; the first time, the meeting becomes held. A meeting cannot
 * be recorded as held before it starts. The audit log keeps each participant's attendance before and after.
 */
export async function recordAttendance(
  tx: DbTx,
  actor: Actor,
  id: number,
  input: { attended: string[]; minutes: string },
  now: Date,
  ctx: AuditContext,
) {
  const minutes = input.minutes.trim();
  if ([...minutes].length > MINUTES_MAX) {
    throw new ValidationFailed([{ field: 'meetingMinutes', code: 'too_long', params: { max: MINUTES_MAX } }]);
  }
  const meeting = await loadManaged(tx, actor, id);
  const status = requireMove(meeting, 'record_attendance', now);
  const present = new Set(toInts(input.attended));
  const participants = await tx.meetingParticipant.findMany({
    where: { meetingId: id },
    orderBy: { id: 'asc' },
    select: { id: true, userId: true, attended: true, user: { select: { displayName: true } } },
  });
  const yes = participants.filter((p) => present.has(p.userId)).map((p) => p.id);
  const no = participants.filter((p) => !present.has(p.userId)).map((p) => p.id);
  if (yes.length > 0) await tx.meetingParticipant.updateMany({ where: { id: { in: yes } }, data: { attended: true } });
  if (no.length > 0) await tx.meetingParticipant.updateMany({ where: { id: { in: no } }, data: { attended: false } });
  await tx.meeting.update({
    where: { id },
    // Attendance changed, so a previous "decisions held" verdict is re-examined on the next apply.
    data: { status, minutes, ...NOTHING_HELD, updatedAt: now },
  });
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.attendance',
    before: { status: meeting.status, attended: attendanceOf(participants), minutes: meeting.minutes },
    after: { status, attended: attendanceOf(participants.map((p) => ({ ...p, attended: present.has(p.userId) }))), minutes },
  });
}

export interface DecisionForm {
  kind: string;
  party: string;
  dueAt: string;
  reason: string;
  amount: string;
}

type DecisionFields = { kind: string; party: string | null; dueAt: Date | null; reason: string; amountFen: number | null };

/** A decision as the audit log records it (the due date on the Shanghai clock). */
const decisionRecord = (item: { id: number; title: string; issueId: number | null }, d: DecisionFields) => ({
  agendaItemId: item.id,
  item: item.title,
  issueId: item.issueId,
  kind: d.kind,
  party: d.party,
  dueAt: d.dueAt ? when(d.dueAt) : null,
  reason: d.reason,
  amountFen: d.amountFen,
});

/** Records (or replaces) the decision on one agenda item of a held meeting, checked by the meeting rules. */
export async function recordDecision(
  tx: DbTx,
  actor: Actor,
  id: number,
  itemId: number,
  form: DecisionForm,
  now: Date,
  ctx: AuditContext,
) {
  const meeting = await loadManaged(tx, actor, id);
  requireMove(meeting, 'record_decision', now);
  const item = await tx.agendaItem.findFirst({
    where: { id: itemId, meetingId: id },
    select: { id: true, title: true, issueId: true, decision: true },
  });
  if (!item) throw new NotFound();
  const issueState =
    item.issueId === null ? null : ((await agendaIssueStates(tx, [item.issueId])).get(item.issueId)?.state ?? '');

  let amountFen: number | null = null;
  if (form.kind === 'open_vote' && form.amount.trim() !== '') {
    const parsed = parseYuanToFen(form.amount);
    amountFen = parsed.ok ? parsed.fen : Number.NaN;
  }
  const decision = {
    kind: form.kind,
    party: form.kind === 'assign' ? form.party : null,
    dueAt: form.kind === 'assign' ? parseLocal(form.dueAt) : null,
    reason: form.kind === 'reject' || form.kind === 'defer' ? form.reason.trim() : '',
    amountFen,
  };
  const errors = validateDecision(decision, issueState, now);
  if (errors.length > 0) {
    throw new ValidationFailed(errors.map((e) => ({ field: DECISION_FIELD[e.field], code: errorCode(e.code) })));
  }
  const data = { ...decision, reason: decision.reason.slice(0, 2000) };
  await tx.decision.upsert({
    where: { agendaItemId: itemId },
    create: { agendaItemId: itemId, ...data, createdAt: now },
    update: data,
  });
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.decision',
    ...(item.decision ? { before: decisionRecord(item, item.decision) } : {}),
    after: decisionRecord(item, data),
  });
}

type ApplyOutcome = { status: 'applied'; steps: number } | { status: 'held'; missing: RequiredParty[] };

/**
 * Applies the minutes: every decision moves its issue (an event on each links back to the meeting), then
 * the meeting closes, the decisions are published on each estate's notice board and the participants are
 * told, all in the caller's one transaction. Without all three parties present nothing moves and the
 * meeting records which were absent.
 */
export async function applyMinutes(tx: DbTx, actor: Actor, id: number, now: Date, ctx: AuditContext): Promise<ApplyOutcome> {
  const meeting = await loadManaged(tx, actor, id);
  const closed = requireMove(meeting, 'apply_minutes', now);
  const [participants, items, estates] = await Promise.all([
    tx.meetingParticipant.findMany({
      where: { meetingId: id },
      include: { user: { select: { displayName: true, role: true } } },
    }),
    tx.agendaItem.findMany({
      where: { meetingId: id },
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
      include: { decision: true },
    }),
    tx.meetingEstate.findMany({ where: { meetingId: id }, include: { estate: { select: { id: true, name: true } } } }),
  ]);
  const issues = await agendaIssueStates(
    tx,
    items.flatMap((i) => (i.issueId === null ? [] : [i.issueId])),
  );
  const plan = planApplyMinutes(
    meeting,
    participants,
    items.map((item) => ({
      agendaItemId: item.id,
      issueId: item.issueId,
      issueState: item.issueId === null ? null : (issues.get(item.issueId)?.state ?? null),
      decision: item.decision,
    })),
    now,
  );
  if (!plan.ok) {
    switch (plan.reason) {
      // the status table has already refused these two
      case 'already_applied':
        throw new Conflict('meetings.error.alreadyApplied');
      case 'not_held':
        throw new Conflict('meetings.error.notHeld');
      case 'no_decisions':
        throw new Conflict('meetings.error.noDecisions');
      case 'invalid_decisions': {
        const positions = plan.errors.map((e) => items.find((i) => i.id === e.agendaItemId)?.position ?? 0);
        throw new Conflict('meetings.error.invalidDecisions', { items: positions.join(', ') });
      }
      case 'parties_missing':
        await tx.meeting.updateMany({ where: { id, appliedAt: null }, data: { ...heldColumns(plan.missing), updatedAt: now } });
        await auditMeeting(tx, actor, ctx, now, meeting, {
          action: 'meeting.apply',
          before: { status: meeting.status, missing: heldMissingParties(meeting) },
          after: {
            status: meeting.status,
            outcome: 'held',
            held: items
              .filter((i) => i.decision !== null)
              .map((i) => ({ agendaItemId: i.id, issueId: i.issueId, kind: i.decision?.kind })),
            missing: plan.missing,
          },
        });
        return { status: 'held', missing: plan.missing };
    }
  }

  // Claim the meeting first: a second apply racing this one finds appliedAt set and changes nothing.
  const claimed = await tx.meeting.updateMany({
    where: { id, appliedAt: null, status: 'held' },
    data: { appliedAt: now, status: closed, ...NOTHING_HELD, updatedAt: now },
  });
  if (claimed.count !== 1) throw new Conflict('meetings.error.alreadyApplied');

  for (const step of plan.steps) {
    await performIssueAction(tx, 'system', step.issueId, step.action, stepInput(step, meeting.id, meeting.title), { now });
  }
  const decided = items.flatMap((i) => (i.decision === null ? [] : [i.decision.id]));
  if (decided.length > 0) await tx.decision.updateMany({ where: { id: { in: decided } }, data: { appliedAt: now } });
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.apply',
    before: { status: meeting.status, missing: heldMissingParties(meeting) },
    after: {
      status: closed,
      outcome: 'applied',
      applied: plan.steps.map((s) => ({ agendaItemId: s.agendaItemId, issueId: s.issueId, action: s.action })),
      missing: [],
    },
  });

  const stepOf = new Map(plan.steps.map((s) => [s.agendaItemId, s]));
  const attendees = participants
    .filter((p) => p.attended === true)
    .sort((a, b) => partyRank(a.party) - partyRank(b.party) || a.id - b.id);
  for (const { estate } of estates) {
    const lines = items
      .filter((item) => item.issueId === null || issues.get(item.issueId)?.estateId === estate.id)
      .map((item, index) => noticeLine(index + 1, item, stepOf.get(item.id)))
      .filter((line): line is string => line !== null);
    const body = [
      translate('zh-CN', 'meetings.notice.held', {
        title: meeting.title,
        startsAt: when(meeting.startsAt),
        place: meeting.place,
      }),
      translate('zh-CN', 'meetings.notice.attendees', {
        // Residents read the board: resident representatives are named masked (张*), staff in full.
        names: attendees
          .map(
            (p) =>
              `${translate('zh-CN', `meetings.party.${p.party}`)} ${p.user.role === 'resident' ? maskName(p.user.displayName) : p.user.displayName}`,
          )
          .join('、'),
      }),
      '',
      ...(lines.length > 0 ? lines : [translate('zh-CN', 'meetings.notice.none')]),
    ].join('\n');
    await publishNotice(tx, {
      estateId: estate.id,
      kind: 'meeting_decision',
      title: translate('zh-CN', 'meetings.notice.title', { title: meeting.title }),
      body,
      meetingId: meeting.id,
      createdById: actor.userId,
      publishedAt: now,
    });
  }
  await notify(
    tx,
    participants
      .filter((p) => p.userId !== actor.userId)
      .map((p) => ({
        userId: p.userId,
        kind: 'meeting_decisions_applied',
        params: { title: meeting.title, n: plan.steps.length },
        link: `/meetings/${id}`,
        meetingId: id,
      })),
  );
  return { status: 'applied', steps: plan.steps.length };
}

function stepInput(step: ApplyStep, meetingId: number, title: string) {
  const note = translate('zh-CN', 'meetings.event.note', { title });
  switch (step.action) {
    case 'meeting_assign':
      return { party: step.party, dueAt: step.dueAt, note, meetingId };
    case 'meeting_reject':
      return { reason: step.reason, meetingId };
    case 'meeting_open_vote':
      return { note: `${note} ${translate('zh-CN', 'meetings.event.amount', { amount: formatFen(step.amountFen) })}`, meetingId };
    case 'meeting_defer':
      return { note: step.reason ? `${note} ${step.reason}` : note, meetingId };
  }
}

type NoticeItem = {
  title: string;
  issueId: number | null;
  decision: { kind: string; party: string | null; dueAt: Date | null; reason: string; amountFen: number | null } | null;
};

function noticeLine(n: number, item: NoticeItem, step: ApplyStep | undefined): string | null {
  const head = item.issueId !== null ? `${n}. ${item.title}（#${item.issueId}）：` : `${n}. ${item.title}：`;
  const zh = (key: string, params?: Record<string, unknown>) => translate('zh-CN', key, params);
  if (item.issueId !== null && !step) return null; // decided elsewhere already: nothing decided here
  const d = item.decision;
  const kind = step ? step.action.replace('meeting_', '') : (d?.kind ?? 'defer');
  switch (kind) {
    case 'assign':
      return (
        head + zh('meetings.notice.assign', { party: zh(`meetings.party.${d?.party ?? ''}`), due: d?.dueAt ? when(d.dueAt) : '' })
      );
    case 'open_vote':
      return head + zh('meetings.notice.openVote', { amount: formatFen(d?.amountFen ?? 0) });
    case 'reject':
      return head + zh('meetings.notice.reject', { reason: d?.reason ?? '' });
    default:
      return head + zh('meetings.notice.defer') + (d?.reason ? `（${d.reason}）` : '');
  }
}

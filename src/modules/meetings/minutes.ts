import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed } from '../../errors.ts';
import type { RequiredParty } from '../../domain/meeting-rules.ts';
import { planApplyMinutes, validateDecision, type ApplyStep } from '../../domain/meeting-decisions.ts';
import { NOTHING_HELD, heldColumns, heldMissingParties } from '../../domain/meeting-status.ts';
import { formatFen, parseYuanToFen } from '../../domain/money.ts';
import { maskName } from '../../domain/privacy.ts';
import { agendaIssueStates, performIssueAction } from '../issues/index.ts';
import { publishNotice } from '../notices/index.ts';
import { notify } from '../notifications/index.ts';
import { ATTENDANCE_REASON_MAX, planAttendanceMarks } from '../../domain/meeting-attendance.ts';
import { REAPPLY_REASON_MAX, mayReapplyHeldDecisions } from '../../domain/meeting-reapply.ts';
import { errorCode, parseLocal, toInts, when } from './meeting-form.ts';
import { partyRank } from './queries.ts';
import { loadManaged, requireMove } from './scope.ts';
import { attendanceOf, auditMeeting, type AuditContext } from './audit.ts';
import { attendanceLines, hasVerdict, meetingRecord, verdictLines, writeVerdict, zh } from './record.ts';

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
 * be recorded as held before it starts. Every change of a participant's attendance appends a mark (who,
 * when, why); once a verdict has been given on the decisions, a change needs a reason, and decisions held
 * stay held (applying them then needs a reason of its own). The audit log keeps each participant's
 * attendance before and after, with the reason.
 */
export async function recordAttendance(
  tx: DbTx,
  actor: Actor,
  id: number,
  input: { attended: string[]; minutes: string; reason?: string },
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
  const plan = planAttendanceMarks({
    participants: participants.map((p) => ({ participantId: p.id, attended: p.attended })),
    present: new Set(participants.filter((p) => present.has(p.userId)).map((p) => p.id)),
    afterVerdict: await hasVerdict(tx, id),
    reason: input.reason ?? '',
  });
  if (!plan.ok) {
    throw new ValidationFailed([
      plan.code === 'reason_required'
        ? { field: 'attendanceReason', code: 'meeting_attendance_reason_required' }
        : { field: 'attendanceReason', code: 'too_long', params: { max: ATTENDANCE_REASON_MAX } },
    ]);
  }
  for (const mark of plan.marks) {
    await tx.meetingParticipant.update({ where: { id: mark.participantId }, data: { attended: mark.attended } });
  }
  if (plan.marks.length > 0) {
    await tx.attendanceMark.createMany({
      data: plan.marks.map((mark) => ({
        participantId: mark.participantId,
        meetingId: id,
        attended: mark.attended,
        recordedById: actor.userId,
        recordedAt: now,
        reason: plan.reason,
      })),
    });
  }
  // The held flags are the last verdict's: a corrected attendance does not release held decisions.
  await tx.meeting.update({ where: { id }, data: { status, minutes, updatedAt: now } });
  const corrections = plan.marks.filter((m) => m.correction).length;
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.attendance',
    before: { status: meeting.status, attended: attendanceOf(participants), minutes: meeting.minutes },
    after: {
      status,
      attended: attendanceOf(participants.map((p) => ({ ...p, attended: present.has(p.userId) }))),
      minutes,
      ...(plan.reason !== '' ? { reason: plan.reason } : {}),
    },
    ...(plan.reason !== '' ? { note: plan.reason } : {}),
  });
  return { corrections };
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
 * Applies the minutes: every decision moves its issue (an event on each names the user who applied them
 * and links back to the meeting), then the meeting closes, the verdict is recorded, the decisions are
 * published on each estate's notice board with the attendance as recorded, and the participants are told,
 * all in the caller's one transaction. Without all three parties present nothing moves and the verdict
 * "held" records which were absent. Decisions once held are applied only with a reason, after the
 * attendance was corrected (mayReapplyHeldDecisions); the earlier verdict stays in the record.
 */
export async function applyMinutes(
  tx: DbTx,
  actor: Actor,
  id: number,
  now: Date,
  ctx: AuditContext,
  input: { reason?: string } = {},
): Promise<ApplyOutcome> {
  const meeting = await loadManaged(tx, actor, id);
  const closed = requireMove(meeting, 'apply_minutes', now);
  const [participants, items, estates] = await Promise.all([
    tx.meetingParticipant.findMany({
      where: { meetingId: id },
      include: { user: { select: { displayName: true, orgName: true, role: true } } },
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
  const heldFor = heldMissingParties(meeting);
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
        // Held again for the same parties (a second press): the verdict stands, nothing to add.
        if (heldFor.join() === plan.missing.join()) return { status: 'held', missing: plan.missing };
        await tx.meeting.updateMany({ where: { id, appliedAt: null }, data: { ...heldColumns(plan.missing), updatedAt: now } });
        await writeVerdict(tx, actor, id, now, { verdict: 'held', missing: plan.missing, reason: '' });
        await auditMeeting(tx, actor, ctx, now, meeting, {
          action: 'meeting.apply',
          before: { status: meeting.status, missing: heldFor },
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

  // Decisions held earlier: attendance has since been corrected (all three present now); applying them
  // is a decision of its own that needs a reason.
  let reason = '';
  if (heldFor.length > 0) {
    const reapply = mayReapplyHeldDecisions({ heldFor, attendance: participants, reason: input.reason ?? '' });
    if (!reapply.ok) {
      const errors = reapply.code === 'invalid' ? reapply.errors : [];
      const reasonError = errors.find((e) => e.field === 'reason');
      if (reasonError) {
        throw new ValidationFailed([
          reasonError.code === 'required'
            ? { field: 'applyReason', code: 'meeting_reapply_reason_required' }
            : { field: 'applyReason', code: 'too_long', params: { max: REAPPLY_REASON_MAX } },
        ]);
      }
      throw new Conflict('meetings.error.partiesStillMissing');
    }
    reason = reapply.reason;
  }

  // Claim the meeting first: a second apply racing this one finds appliedAt set and changes nothing.
  const claimed = await tx.meeting.updateMany({
    where: { id, appliedAt: null, status: 'held' },
    data: { appliedAt: now, status: closed, ...NOTHING_HELD, updatedAt: now },
  });
  if (claimed.count !== 1) throw new Conflict('meetings.error.alreadyApplied');
  await writeVerdict(tx, actor, id, now, { verdict: 'applied', missing: [], reason });

  for (const step of plan.steps) {
    await performIssueAction(tx, 'system', step.issueId, step.action, stepInput(step, meeting.id, meeting.title), {
      now,
      onBehalfOf: actor,
    });
  }
  const decided = items.flatMap((i) => (i.decision === null ? [] : [i.decision.id]));
  if (decided.length > 0) await tx.decision.updateMany({ where: { id: { in: decided } }, data: { appliedAt: now } });
  await auditMeeting(tx, actor, ctx, now, meeting, {
    action: 'meeting.apply',
    before: { status: meeting.status, missing: heldFor },
    after: {
      status: closed,
      outcome: 'applied',
      applied: plan.steps.map((s) => ({ agendaItemId: s.agendaItemId, issueId: s.issueId, action: s.action })),
      missing: [],
      ...(reason !== '' ? { reason } : {}),
    },
    ...(reason !== '' ? { note: reason } : {}),
  });

  const stepOf = new Map(plan.steps.map((s) => [s.agendaItemId, s]));
  // Residents read the board: resident representatives are named masked (张*), staff in full.
  const ofRecord = participants
    .sort((a, b) => partyRank(a.party) - partyRank(b.party) || a.id - b.id)
    .map((p) => ({
      ...p,
      user: { ...p.user, displayName: p.user.role === 'resident' ? maskName(p.user.displayName) : p.user.displayName },
    }));
  const record = await meetingRecord(tx, id, ofRecord);
  for (const { estate } of estates) {
    const lines = items
      .filter((item) => item.issueId === null || issues.get(item.issueId)?.estateId === estate.id)
      .map((item, index) => noticeLine(index + 1, item, stepOf.get(item.id)))
      .filter((line): line is string => line !== null);
    const body = [
      zh('meetings.notice.held', { title: meeting.title, startsAt: when(meeting.startsAt), place: meeting.place }),
      '',
      ...(lines.length > 0 ? lines : [zh('meetings.notice.none')]),
      '',
      zh('meetings.notice.attendance'),
      ...attendanceLines(zh, record),
      '',
      zh('meetings.notice.verdicts'),
      ...verdictLines(zh, record),
    ].join('\n');
    await publishNotice(tx, {
      estateId: estate.id,
      kind: 'meeting_decision',
      title: zh('meetings.notice.title', { title: meeting.title }),
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
  const note = zh('meetings.event.note', { title });
  switch (step.action) {
    case 'meeting_assign':
      return { party: step.party, dueAt: step.dueAt, note, meetingId };
    case 'meeting_reject':
      return { reason: step.reason, meetingId };
    case 'meeting_open_vote':
      return { note: `${note} ${zh('meetings.event.amount', { amount: formatFen(step.amountFen) })}`, meetingId };
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

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { planApplyMinutes, type ApplyStep } from '../../domain/meeting-decisions.ts';
import { heldMissingParties } from '../../domain/meeting-status.ts';
import type { RequiredParty } from '../../domain/meeting-rules.ts';
import { agendaIssueStates } from '../issues/index.ts';
import { getMeetingForActor } from './queries.ts';
import { canManage, requireMove } from './scope.ts';
import { meetingRecord, type MeetingRecord } from './record.ts';

/**
 * What applying the minutes would do now, for the confirmation page (a read: nothing is written). The
 * same plan the command runs, so the page says exactly what the button will do.
 */

export interface PreviewStep {
  position: number;
  title: string;
  issueId: number;
  emergency: boolean;
  action: ApplyStep['action'];
  party: string | null;
  dueAt: Date | null;
  reason: string;
  amountFen: number | null;
}

export type ApplyPreview =
  /** The decisions will apply; `heldFor` non-empty: they were held and need a reason now. */
  | { outcome: 'apply'; steps: PreviewStep[]; heldFor: RequiredParty[]; heldAt: Date | null }
  /** A party is missing: the decisions will be held. */
  | { outcome: 'hold'; missing: RequiredParty[]; alreadyHeld: boolean }
  /** Nothing can be applied; the message (and its params) says why. */
  | { outcome: 'refused'; message: string; params: Record<string, unknown> };

export async function previewApply(db: DbTx, actor: Actor, id: number, now: Date) {
  const meeting = await getMeetingForActor(db, actor, id);
  if (!canManage(actor, meeting)) throw new NotFound();
  requireMove(meeting, 'apply_minutes', now);
  const issues = await agendaIssueStates(
    db,
    meeting.agendaItems.flatMap((i) => (i.issueId === null ? [] : [i.issueId])),
  );
  const plan = planApplyMinutes(
    meeting,
    meeting.participants,
    meeting.agendaItems.map((item) => ({
      agendaItemId: item.id,
      issueId: item.issueId,
      issueState: item.issueId === null ? null : (issues.get(item.issueId)?.state ?? null),
      decision: item.decision,
    })),
    now,
  );
  const record: MeetingRecord = await meetingRecord(db, id, meeting.participants);
  const heldFor = heldMissingParties(meeting);
  let preview: ApplyPreview;
  if (plan.ok) {
    const heldAt = record.verdicts.filter((v) => v.verdict === 'held').at(-1)?.at ?? null;
    preview = {
      outcome: 'apply',
      heldFor,
      heldAt,
      steps: plan.steps.map((step) => {
        const item = meeting.agendaItems.find((i) => i.id === step.agendaItemId);
        return {
          position: item?.position ?? 0,
          title: item?.title ?? '',
          issueId: step.issueId,
          emergency: item?.issue?.emergency ?? false,
          action: step.action,
          party: step.action === 'meeting_assign' ? step.party : null,
          dueAt: step.action === 'meeting_assign' ? step.dueAt : null,
          reason: step.action === 'meeting_reject' || step.action === 'meeting_defer' ? (step.reason ?? '') : '',
          amountFen: step.action === 'meeting_open_vote' ? step.amountFen : null,
        };
      }),
    };
  } else if (plan.reason === 'parties_missing') {
    preview = { outcome: 'hold', missing: plan.missing, alreadyHeld: heldFor.join() === plan.missing.join() };
  } else if (plan.reason === 'invalid_decisions') {
    const positions = plan.errors.map((e) => meeting.agendaItems.find((i) => i.id === e.agendaItemId)?.position ?? 0);
    preview = { outcome: 'refused', message: 'meetings.error.invalidDecisions', params: { items: positions.join(', ') } };
  } else if (plan.reason === 'no_decisions') {
    preview = { outcome: 'refused', message: 'meetings.error.noDecisions', params: {} };
  } else {
    preview = { outcome: 'refused', message: 'meetings.error.notHeld', params: {} };
  }
  return { meeting, record, preview };
}

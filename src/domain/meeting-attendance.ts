/**
 * Attendance at a joint meeting as a record that holds up when an owner challenges the minutes: every
 * mark is kept (who recorded it, when, and why it changed), the participant's current attendance is the
 * latest mark, and a change made after a verdict on the decisions needs a written reason. Pure: the
 * meetings module loads the participants and marks, and writes what `planAttendanceMarks` returns.
 */
import { REAPPLY_REASON_MAX } from './meeting-reapply.ts';

/** Same bound as the reason for re-applying held decisions: both are kept with the minutes. */
export const ATTENDANCE_REASON_MAX = REAPPLY_REASON_MAX;

export interface ParticipantAttendance {
  readonly participantId: number;
  /** The latest mark; null: never recorded. */
  readonly attended: boolean | null;
}

export interface NewMark {
  readonly participantId: number;
  readonly attended: boolean;
  /** True when it replaces an earlier mark (a correction), false for the first mark. */
  readonly correction: boolean;
}

export type AttendancePlan =
  | {
      readonly ok: true;
      /** One mark per participant whose attendance changes (or is recorded for the first time). */
      readonly marks: readonly NewMark[];
      /** The reason, trimmed ('' when none was given). */
      readonly reason: string;
    }
  | { readonly ok: false; readonly code: 'reason_required' | 'reason_too_long' };

/**
 * The marks to write when the convener submits who attended. A participant whose attendance does not
 * change gets no mark (the history holds changes, not resubmissions). Once a verdict has been given on the
 * decisions (applied, or held for a missing party), a change is a correction of the record that the
 * verdict relied on, so it needs a reason; before that, the convener may fix a slip freely (the mark still
 * records who changed it and when). A reason, when given, is at most 500 characters (code points).
 */
export function planAttendanceMarks(input: {
  readonly participants: readonly ParticipantAttendance[];
  readonly present: ReadonlySet<number>;
  readonly afterVerdict: boolean;
  readonly reason: string;
}): AttendancePlan {
  const reason = input.reason.trim();
  if ([...reason].length > ATTENDANCE_REASON_MAX) return { ok: false, code: 'reason_too_long' };
  const marks: NewMark[] = [];
  for (const p of input.participants) {
    const attended = input.present.has(p.participantId);
    if (p.attended === attended) continue;
    marks.push({ participantId: p.participantId, attended, correction: p.attended !== null });
  }
  if (input.afterVerdict && marks.length > 0 && reason === '') return { ok: false, code: 'reason_required' };
  return { ok: true, marks, reason };
}

// ───────────────────────────── the history, as the minutes print it ─────────────────────────────

export interface MarkRecord {
  readonly id: number;
  readonly participantId: number;
  readonly attended: boolean;
  readonly recordedById: number;
  readonly recordedAt: Date;
  readonly reason: string;
}

export interface AttendanceChange {
  readonly from: boolean;
  readonly to: boolean;
  readonly recordedById: number;
  readonly recordedAt: Date;
  readonly reason: string;
}

export interface ParticipantHistory {
  /** The first mark: who recorded the attendance and when; null when never recorded. */
  readonly first: MarkRecord | null;
  /** Every later mark that changed the attendance, oldest first. */
  readonly changes: readonly AttendanceChange[];
}

const NO_HISTORY: ParticipantHistory = Object.freeze({ first: null, changes: Object.freeze([]) });

/**
 * Each participant's marks read as the minutes list them: the first recording, then every change from
 * one value to the other, in the order recorded (time, then entry). A mark repeating the value before it
 * is not a change and is left out.
 */
export function attendanceHistory(marks: readonly MarkRecord[]): (participantId: number) => ParticipantHistory {
  const ordered = [...marks].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.id - b.id);
  const byParticipant = new Map<number, { first: MarkRecord; last: boolean; changes: AttendanceChange[] }>();
  for (const mark of ordered) {
    const seen = byParticipant.get(mark.participantId);
    if (!seen) {
      byParticipant.set(mark.participantId, { first: mark, last: mark.attended, changes: [] });
      continue;
    }
    if (seen.last === mark.attended) continue;
    seen.changes.push({
      from: seen.last,
      to: mark.attended,
      recordedById: mark.recordedById,
      recordedAt: mark.recordedAt,
      reason: mark.reason,
    });
    seen.last = mark.attended;
  }
  return (participantId) => {
    const seen = byParticipant.get(participantId);
    return seen ? { first: seen.first, changes: seen.changes } : NO_HISTORY;
  };
}

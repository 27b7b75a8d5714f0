import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_REASON_MAX,
  attendanceHistory,
  planAttendanceMarks,
  type MarkRecord,
  type ParticipantAttendance,
} from '../../src/domain/meeting-attendance.ts';

const people = (...attended: (boolean | null)[]): ParticipantAttendance[] =>
  attended.map((a, i) => ({ participantId: i + 1, attended: a }));

describe('which attendance marks a submitted form writes', () => {
  it('marks everyone the first time, none of it a correction, and needs no reason', () => {
    expect(
      planAttendanceMarks({ participants: people(null, null), present: new Set([1]), afterVerdict: false, reason: '' }),
    ).toEqual({
      ok: true,
      marks: [
        { participantId: 1, attended: true, correction: false },
        { participantId: 2, attended: false, correction: false },
      ],
      reason: '',
    });
  });

  it('marks only the participants whose attendance changes', () => {
    const plan = planAttendanceMarks({
      participants: people(true, false, true),
      present: new Set([1, 2, 3]),
      afterVerdict: false,
      reason: '',
    });
    expect(plan).toEqual({ ok: true, marks: [{ participantId: 2, attended: true, correction: true }], reason: '' });
  });

  it('lets a correction before any verdict go without a reason', () => {
    expect(planAttendanceMarks({ participants: people(false), present: new Set([1]), afterVerdict: false, reason: '' }).ok).toBe(
      true,
    );
  });

  it.each(['', '  \n '])('refuses a change after a verdict with the reason %j', (reason) => {
    expect(planAttendanceMarks({ participants: people(false), present: new Set([1]), afterVerdict: true, reason })).toEqual({
      ok: false,
      code: 'reason_required',
    });
  });

  it('accepts a change after a verdict with a reason, trimmed', () => {
    expect(
      planAttendanceMarks({ participants: people(false), present: new Set([1]), afterVerdict: true, reason: ' 签到表漏勾 ' }),
    ).toEqual({
      ok: true,
      marks: [{ participantId: 1, attended: true, correction: true }],
      reason: '签到表漏勾',
    });
  });

  it('needs no reason after a verdict when nothing changes (only the minutes text was edited)', () => {
    expect(
      planAttendanceMarks({ participants: people(true, false), present: new Set([1]), afterVerdict: true, reason: '' }),
    ).toEqual({
      ok: true,
      marks: [],
      reason: '',
    });
  });

  it('counts the reason in characters: 500 emoji pass, 501 characters do not', () => {
    const input = { participants: people(false), present: new Set([1]), afterVerdict: true };
    expect(planAttendanceMarks({ ...input, reason: '🏠'.repeat(ATTENDANCE_REASON_MAX) }).ok).toBe(true);
    expect(planAttendanceMarks({ ...input, reason: '由'.repeat(ATTENDANCE_REASON_MAX + 1) })).toEqual({
      ok: false,
      code: 'reason_too_long',
    });
  });
});

describe('the attendance history the minutes print', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 6, minute));
  const mark = (
    id: number,
    participantId: number,
    attended: boolean,
    minute: number,
    reason = '',
    recordedById = 9,
  ): MarkRecord => ({
    id,
    participantId,
    attended,
    recordedById,
    recordedAt: at(minute),
    reason,
  });

  it('gives the first mark and each later change, in the order recorded', () => {
    const history = attendanceHistory([mark(3, 1, false, 30, '又改回'), mark(1, 1, false, 5), mark(2, 1, true, 20, '漏勾', 7)]);
    expect(history(1)).toEqual({
      first: mark(1, 1, false, 5),
      changes: [
        { from: false, to: true, recordedById: 7, recordedAt: at(20), reason: '漏勾' },
        { from: true, to: false, recordedById: 9, recordedAt: at(30), reason: '又改回' },
      ],
    });
  });

  it('orders marks of the same instant by entry, and leaves out a mark that repeats the value', () => {
    const history = attendanceHistory([mark(2, 1, true, 5), mark(1, 1, false, 5), mark(4, 1, true, 6)]);
    expect(history(1).first?.id).toBe(1);
    expect(history(1).changes.map((c) => [c.from, c.to])).toEqual([[false, true]]);
  });

  it('has no history for a participant never recorded', () => {
    expect(attendanceHistory([mark(1, 1, true, 5)])(2)).toEqual({ first: null, changes: [] });
  });
});

import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { attendanceHistory } from '../../domain/meeting-attendance.ts';
import { REQUIRED_PARTIES, type RequiredParty } from '../../domain/meeting-rules.ts';
import { maskName } from '../../domain/privacy.ts';
import { translate } from '../../i18n/index.ts';
import { peopleByIds } from '../auth/index.ts';
import { when } from './meeting-form.ts';

/**
 * The meeting's record as the minutes print it: every attendance mark (who recorded it, when, and why it
 * changed) and every verdict on its decisions (applied, or held for a missing party). Marks and verdicts
 * are appended, never rewritten; the participant's `attended` and the meeting's held flags are the latest.
 */

export type Verdict = 'applied' | 'held';

const MISSING_COLUMN = {
  community: 'missingCommunity',
  property: 'missingProperty',
  committee: 'missingCommittee',
} as const satisfies Record<RequiredParty, string>;

/** Appends a verdict on the meeting's decisions, by the signed-in user at the command's clock. */
export async function writeVerdict(
  tx: DbTx,
  actor: Actor,
  meetingId: number,
  now: Date,
  verdict: { verdict: Verdict; missing: readonly RequiredParty[]; reason: string },
) {
  const flags = Object.fromEntries(REQUIRED_PARTIES.map((p) => [MISSING_COLUMN[p], verdict.missing.includes(p)]));
  await tx.meetingVerdict.create({
    data: { meetingId, verdict: verdict.verdict, ...flags, decidedById: actor.userId, decidedAt: now, reason: verdict.reason },
  });
}

/** Whether a verdict has been given on the meeting's decisions (attendance changes then need a reason). */
export async function hasVerdict(db: DbTx, meetingId: number): Promise<boolean> {
  return (await db.meetingVerdict.count({ where: { meetingId } })) > 0;
}

export interface ParticipantOfRecord {
  id: number;
  userId: number;
  party: string;
  attended: boolean | null;
  user: { displayName: string; orgName?: string; role: string };
}

export interface AttendanceChangeView {
  from: boolean;
  to: boolean;
  by: string;
  at: Date;
  reason: string;
}

export interface AttendanceLine {
  participantId: number;
  userId: number;
  party: string;
  name: string;
  orgName: string;
  attended: boolean | null;
  recordedBy: string | null;
  recordedAt: Date | null;
  changes: AttendanceChangeView[];
}

export interface VerdictView {
  verdict: Verdict;
  missing: RequiredParty[];
  by: string;
  at: Date;
  reason: string;
}

export interface MeetingRecord {
  attendance: AttendanceLine[];
  verdicts: VerdictView[];
}

/**
 * Attendance exactly as recorded, with its history, and the verdicts, oldest first. Participants keep the
 * caller's order and names (already masked for a resident viewer). Who recorded a mark or gave a verdict
 * is community staff; a resident among them would be named masked all the same.
 */
export async function meetingRecord(
  db: DbTx,
  meetingId: number,
  participants: readonly ParticipantOfRecord[],
): Promise<MeetingRecord> {
  const [marks, verdicts] = await Promise.all([
    db.attendanceMark.findMany({ where: { meetingId }, orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] }),
    db.meetingVerdict.findMany({ where: { meetingId }, orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }] }),
  ]);
  const people = await peopleByIds(db, [...marks.map((m) => m.recordedById), ...verdicts.map((v) => v.decidedById)]);
  const nameOf = (id: number) => {
    const person = people.get(id);
    if (!person) return `#${id}`;
    return person.role === 'resident' ? maskName(person.displayName) : person.displayName;
  };
  const history = attendanceHistory(marks);
  return {
    attendance: participants.map((p) => {
      const h = history(p.id);
      return {
        participantId: p.id,
        userId: p.userId,
        party: p.party,
        name: p.user.displayName,
        orgName: p.user.orgName ?? '',
        attended: p.attended,
        recordedBy: h.first ? nameOf(h.first.recordedById) : null,
        recordedAt: h.first?.recordedAt ?? null,
        changes: h.changes.map((c) => ({
          from: c.from,
          to: c.to,
          by: nameOf(c.recordedById),
          at: c.recordedAt,
          reason: c.reason,
        })),
      };
    }),
    verdicts: verdicts.map((v) => ({
      verdict: v.verdict === 'applied' ? 'applied' : 'held',
      missing: REQUIRED_PARTIES.filter((p) => v[MISSING_COLUMN[p]]),
      by: nameOf(v.decidedById),
      at: v.decidedAt,
      reason: v.reason,
    })),
  };
}

// ───────────────────────────── the record in words (notice board, printable minutes) ─────────────────────────────

type Say = (key: string, params?: Record<string, unknown>) => string;

const status = (say: Say, attended: boolean | null) =>
  say(
    attended === true
      ? 'meetings.attendance.present'
      : attended === false
        ? 'meetings.attendance.absent'
        : 'meetings.attendance.unrecorded',
  );
const because = (say: Say, reason: string) => (reason === '' ? '' : say('meetings.record.reason', { reason }));

/** One participant as the minutes name them: "陈志强（业委会）". */
export const personOf = (say: Say, line: Pick<AttendanceLine, 'name' | 'party'>) =>
  say('meetings.record.person', { name: line.name, party: say(`meetings.party.${line.party}`) });

/** The lines of the attendance record: each participant as recorded, then each change of their mark. */
export function attendanceLines(say: Say, record: MeetingRecord): string[] {
  const lines: string[] = [];
  for (const line of record.attendance) {
    const person = personOf(say, line);
    lines.push(
      line.recordedBy === null || line.recordedAt === null
        ? say('meetings.record.line', { person, status: status(say, line.attended) })
        : say('meetings.record.lineBy', {
            person,
            status: status(say, line.attended),
            by: line.recordedBy,
            at: when(line.recordedAt),
          }),
    );
    for (const c of line.changes) {
      lines.push(
        say('meetings.record.change', {
          person,
          from: status(say, c.from),
          to: status(say, c.to),
          by: c.by,
          at: when(c.at),
          reason: because(say, c.reason),
        }),
      );
    }
  }
  return lines;
}

/** The lines of the verdicts: when each was given, by whom, and why decisions were held or applied late. */
export function verdictLines(say: Say, record: MeetingRecord): string[] {
  return record.verdicts.map((v) =>
    v.verdict === 'held'
      ? say('meetings.record.verdict.held', {
          at: when(v.at),
          by: v.by,
          parties: v.missing.map((p) => say(`meetings.party.${p}`)).join('、'),
          reason: because(say, v.reason),
        })
      : say('meetings.record.verdict.applied', { at: when(v.at), by: v.by, reason: because(say, v.reason) }),
  );
}

/** The record in Chinese, for the notice board (the notice is published in zh-CN). */
export const zh: Say = (key, params) => translate('zh-CN', key, params);

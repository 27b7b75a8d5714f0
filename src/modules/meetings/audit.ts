import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { recordAudit, type AuditInput } from '../audit/index.ts';

/** Where a change comes from, as the audit log records it: the client's address (`request.ip`). */
export type AuditContext = Pick<AuditInput, 'ip'>;

/** What one audit entry about a meeting says beyond who, where from, when and which meeting. */
export interface MeetingAuditEntry {
  action: string;
  before?: unknown;
  after?: unknown;
  note?: string;
}

/**
 * Appends the audit entry of a change to a meeting, in the caller's transaction, at the command's clock.
 * Community staff find it by the meeting's community; a meeting of one estate names that estate too (one
 * of several estates would name only some of them, so none is named).
 */
export async function auditMeeting(
  tx: DbTx,
  actor: Actor,
  ctx: AuditContext,
  now: Date,
  meeting: { id: number; communityId: number },
  entry: MeetingAuditEntry,
): Promise<void> {
  const estates = await tx.meetingEstate.findMany({ where: { meetingId: meeting.id }, select: { estateId: true } });
  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: ctx.ip,
    at: now,
    entityType: 'meeting',
    entityId: meeting.id,
    communityId: meeting.communityId,
    estateId: estates.length === 1 ? (estates[0]?.estateId ?? null) : null,
    ...entry,
  });
}

/** Each participant's attendance, keyed by name and account number so the log reads per person. */
export function attendanceOf(
  participants: readonly { userId: number; attended: boolean | null; user: { displayName: string } }[],
) {
  return Object.fromEntries(participants.map((p) => [`${p.user.displayName} #${p.userId}`, p.attended]));
}

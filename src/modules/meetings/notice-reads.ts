import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { visibleMeetingsWhere } from './scope.ts';

/**
 * What the notices module needs of a meeting: every owner reads a meeting's decisions on the notice
 * board, but only its participants and staff may open the meeting itself.
 */
export async function canSeeMeeting(db: DbTx, actor: Actor, meetingId: number): Promise<boolean> {
  return (await db.meeting.count({ where: { AND: [{ id: meetingId }, visibleMeetingsWhere(actor)] } })) > 0;
}

import type { DbTx } from '../../plugins/db.ts';
import type { IssueAction, IssueState, Party } from '../../domain/issue-workflow.ts';
import { issueActionNotices } from '../../domain/notification-rules.ts';
import { notify, partyRecipients, type NewNotification } from '../notifications/index.ts';
import { issueFollowers } from './followers.ts';

export interface NotifiedMove {
  issue: { id: number; title: string; estateId: number; reporterId: number };
  action: IssueAction;
  from: IssueState;
  to: IssueState;
  /** The issue had never been started before this move. */
  firstStart: boolean;
  newParty: Party | null;
  assignedParty: Party | null;
  /** Who made the move (null for the system): nobody hears of their own move. */
  actorId: number | null;
  reason?: string;
  duplicateOfId?: number;
  now: Date;
}

/**
 * Tells the people concerned about one workflow move, as `issueActionNotices` decides, in the caller's
 * transaction. One person hears once: the reporter before a follower, a reader before a party member.
 */
export async function notifyIssueMove(tx: DbTx, move: NotifiedMove): Promise<void> {
  const { issue } = move;
  const notices = issueActionNotices(move);
  if (notices.length === 0) return;
  const told = new Set<number>(move.actorId === null ? [] : [move.actorId]);
  const notes: NewNotification[] = [];
  const params: Record<string, string | number> = { id: issue.id, title: issue.title, state: move.to };
  if (move.reason) params.reason = move.reason.trim();
  if (move.duplicateOfId !== undefined) params.original = move.duplicateOfId;
  for (const notice of notices) {
    const audience = notice.audience;
    const people =
      audience.to === 'reporter'
        ? [issue.reporterId]
        : audience.to === 'followers'
          ? await issueFollowers(tx, issue.id)
          : await partyRecipients(tx, issue.estateId, audience.party);
    for (const userId of people) {
      if (told.has(userId)) continue;
      told.add(userId);
      notes.push({
        userId,
        kind: notice.kind,
        topic: notice.topic,
        params: audience.to === 'party' ? { id: issue.id, title: issue.title } : params,
        link: `/issues/${issue.id}`,
        issueId: issue.id,
      });
    }
  }
  await notify(tx, notes, { now: move.now });
}

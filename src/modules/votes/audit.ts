import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { recordAudit, type AuditInput } from '../audit/index.ts';
import { communityOfEstate } from '../places/index.ts';

/** Where a change comes from, as the audit log records it: the client's address (`request.ip`). */
export type AuditContext = Pick<AuditInput, 'ip'>;

/** Who changed a vote: a signed-in person from an address, or the scheduler (no person, no address). */
export type ChangedBy = { actor: Actor; ctx: AuditContext } | 'system';

/** What one audit entry about a vote says beyond who, where from, when and which estate. */
export interface VoteAuditEntry {
  action: string;
  entityType: 'fund_proposal' | 'ballot';
  entityId: number;
  before?: unknown;
  after?: unknown;
  note?: string;
}

/**
 * Appends the audit entry of a change to a vote or a ballot, in the caller's transaction, at the
 * command's clock, under the proposal's estate and its community (so community staff can read it).
 */
export async function auditVote(tx: DbTx, by: ChangedBy, now: Date, estateId: number, entry: VoteAuditEntry): Promise<void> {
  await recordAudit(tx, {
    who: by === 'system' ? null : { userId: by.actor.userId, displayName: by.actor.displayName, role: by.actor.role },
    ip: by === 'system' ? '' : by.ctx.ip,
    at: now,
    communityId: await communityOfEstate(tx, estateId),
    estateId,
    ...entry,
  });
}

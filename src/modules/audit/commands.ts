import type { DbTx } from '../../plugins/db.ts';

/** Who did it, as the audit log records them; `null` for the system or an anonymous attempt. */
export interface AuditWho {
  userId: number;
  displayName: string;
  role: string;
}

export interface AuditInput {
  who: AuditWho | null;
  /** The client's address as the app sees it (request.ip, which honours a configured trusted proxy). */
  ip: string;
  /** A dotted action name, e.g. `account.create`, `registration.approve`, `roster.edit`. */
  action: string;
  entityType?: string;
  entityId?: string | number;
  communityId?: number | null;
  estateId?: number | null;
  before?: unknown;
  after?: unknown;
  note?: string;
  /** When it happened; the database's clock when left out. Callers pass the app's clock (`app.now()`). */
  at?: Date;
}

/**
 * Appends one entry to the audit log, inside the caller's transaction: the entry commits with the change
 * it records, or not at all. There is no update or delete; the database refuses them too (triggers).
 */
export async function recordAudit(tx: DbTx, input: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      ...(input.at === undefined ? {} : { at: input.at }),
      actorId: input.who?.userId ?? null,
      actorName: input.who?.displayName ?? '',
      actorRole: input.who?.role ?? '',
      ip: input.ip,
      action: input.action,
      entityType: input.entityType ?? '',
      entityId: input.entityId === undefined ? '' : String(input.entityId),
      communityId: input.communityId ?? null,
      estateId: input.estateId ?? null,
      beforeJson: input.before === undefined ? '' : JSON.stringify(input.before),
      afterJson: input.after === undefined ? '' : JSON.stringify(input.after),
      note: input.note ?? '',
    },
  });
}

import type { DbTx } from '../../plugins/db.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';

/**
 * What the registrations module needs of the roster (Owner, OwnerUnit): the evidence a registration
 * is shown with, and the one link an approver makes. A matching number is evidence only; nothing here
 * links an account except `linkOwnerToUser`, which the approver's decision calls.
 */

/** The owners of record of a unit (not the developer), with the account each is linked to, if any. */
export function ownersOfUnit(db: DbTx, unitId: number) {
  return db.owner.findMany({
    where: { isDeveloper: false, units: { some: { unitId } } },
    select: { id: true, name: true, phone: true, userId: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * The owner of record of this unit whose roster number is this mobile number (compared as eleven
 * digits, however the roster spelled it), or null. With several, the first by id.
 */
export async function findRosterMatch(db: DbTx, estateId: number, unitId: number, phone: string) {
  const owners = await db.owner.findMany({
    where: { estateId, isDeveloper: false, phone: { not: '' }, units: { some: { unitId } } },
    select: { id: true, name: true, phone: true },
    orderBy: { id: 'asc' },
  });
  return owners.find((o) => normalizeMainlandMobile(o.phone) === phone) ?? null;
}

/**
 * Links an owner of record to a resident account (the approver's decision). False when the owner is
 * already linked to an account, or the account to another owner: nothing is overwritten.
 */
export async function linkOwnerToUser(tx: DbTx, ownerId: number, userId: number): Promise<boolean> {
  if ((await tx.owner.count({ where: { userId } })) > 0) return false;
  const linked = await tx.owner.updateMany({ where: { id: ownerId, userId: null }, data: { userId } });
  return linked.count === 1;
}

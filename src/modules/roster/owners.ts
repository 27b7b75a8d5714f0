import type { DbTx } from '../../plugins/db.ts';

/**
 * Reads of the owners of record that other modules need (through `roster/index.ts`): whose owner an
 * account is, which accounts speak for a set of owners, and who owns each unit of an estate.
 */

/** The owner of record an account is linked to in an estate, if any. */
export async function ownerIdOfUser(db: DbTx, userId: number, estateId: number): Promise<number | null> {
  const owner = await db.owner.findFirst({ where: { userId, estateId }, select: { id: true } });
  return owner?.id ?? null;
}

/** Linked, active, non-tenant accounts of these owners (who is told about a vote). */
export async function activeOwnerAccounts(db: DbTx, ownerIds: number[]): Promise<number[]> {
  if (ownerIds.length === 0) return [];
  const owners = await db.owner.findMany({
    where: { id: { in: ownerIds }, userId: { not: null }, user: { active: true, isTenant: false } },
    select: { userId: true },
  });
  return [...new Set(owners.map((o) => o.userId as number))];
}

/** Every unit-owner link of an estate, with the owner's roster fields. */
export function ownerLinksOfEstate(db: DbTx, estateId: number) {
  return db.ownerUnit.findMany({
    where: { unit: { building: { estateId } } },
    orderBy: [{ unitId: 'asc' }, { ownerId: 'asc' }],
    select: {
      unitId: true,
      owner: { select: { id: true, name: true, phone: true, ownerKey: true, isDeveloper: true, userId: true } },
    },
  });
}

/** Groups owner links by unit. */
export function ownersByUnit<L extends { unitId: number }>(links: readonly L[]): Map<number, L[]> {
  const byUnit = new Map<number, L[]>();
  for (const link of links) {
    const list = byUnit.get(link.unitId);
    if (list) list.push(link);
    else byUnit.set(link.unitId, [link]);
  }
  return byUnit;
}

import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import type { Role } from '../../domain/roles.ts';
import { NotFound } from '../../errors.ts';
import { allCommunities, allEstates, estatesByIds } from '../places/index.ts';

/**
 * Read models of the account pages, each scoped to the actor. Administrators manage every staff account;
 * community staff the accounts of their community (community workers of it, and property and committee
 * accounts serving only its estates). Residents' accounts are reached for one thing only, a reset link:
 * by their estate's property and committee, their community's staff and administrators. Anything out
 * of scope is a 404.
 */

export const ACCOUNTS_PAGE_SIZE = 20;
export const STAFF_ROLES = ['property', 'committee', 'community', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

/** The parties this actor may create or move an account to. */
export function grantableRoles(actor: Actor): StaffRole[] {
  return actor.role === 'admin' ? ['property', 'committee', 'community', 'admin'] : ['property', 'committee', 'community'];
}

/** Staff accounts the actor manages, as a where clause. */
function managedStaff(actor: Actor): Prisma.UserWhereInput {
  if (actor.role === 'admin') return { role: { in: [...STAFF_ROLES] } };
  if (actor.role !== 'community' || actor.communityId === null) return { id: -1 };
  return {
    OR: [
      { role: 'community', communityId: actor.communityId },
      { role: { in: ['property', 'committee'] }, estates: { some: {}, every: { estateId: { in: actor.estateIds } } } },
    ],
  };
}

/** Resident accounts the actor may issue a reset link for, as a where clause. */
function managedResidents(actor: Actor): Prisma.UserWhereInput {
  if (actor.role === 'admin') return { role: 'resident' };
  if (actor.role === 'resident') return { id: -1 };
  return { role: 'resident', estateId: { in: actor.estateIds } };
}

const search = (q: string): Prisma.UserWhereInput =>
  q === ''
    ? {}
    : {
        OR: [
          { username: { contains: q } },
          { displayName: { contains: q } },
          { phone: { contains: q } },
          { orgName: { contains: q } },
        ],
      };

async function paged<T>(total: number, page: number, rows: (skip: number, take: number) => Promise<T[]>) {
  const pages = Math.max(1, Math.ceil(total / ACCOUNTS_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: await rows((current - 1) * ACCOUNTS_PAGE_SIZE, ACCOUNTS_PAGE_SIZE), page: current, pages, total };
}

const staffSelect = {
  id: true,
  username: true,
  displayName: true,
  phone: true,
  orgName: true,
  role: true,
  active: true,
  deactivatedAt: true,
  communityId: true,
  community: { select: { name: true } },
  estates: { select: { estateId: true, estate: { select: { name: true, communityId: true } } }, orderBy: { estateId: 'asc' } },
} satisfies Prisma.UserSelect;

export type StaffAccount = Prisma.UserGetPayload<{ select: typeof staffSelect }>;

export async function listStaffAccounts(db: DbTx, actor: Actor, filters: { q: string; role: string; page: number }) {
  const where: Prisma.UserWhereInput = {
    AND: [managedStaff(actor), search(filters.q), isStaffRole(filters.role) ? { role: filters.role } : {}],
  };
  return paged(await db.user.count({ where }), filters.page, (skip, take) =>
    db.user.findMany({ where, select: staffSelect, orderBy: [{ active: 'desc' }, { id: 'asc' }], skip, take }),
  );
}

/** A staff account the actor manages, or NotFound. */
export async function staffAccountFor(db: DbTx, actor: Actor, id: number): Promise<StaffAccount> {
  const account = await db.user.findFirst({ where: { AND: [{ id }, managedStaff(actor)] }, select: staffSelect });
  if (!account) throw new NotFound();
  return account;
}

export async function listResidents(db: DbTx, actor: Actor, filters: { q: string; page: number }) {
  const where: Prisma.UserWhereInput = { AND: [managedResidents(actor), search(filters.q)] };
  return paged(await db.user.count({ where }), filters.page, (skip, take) =>
    db.user.findMany({
      where,
      select: {
        id: true,
        username: true,
        displayName: true,
        phone: true,
        active: true,
        verified: true,
        isTenant: true,
        estate: { select: { name: true } },
        unit: { select: { room: true, building: { select: { name: true } } } },
      },
      orderBy: [{ estateId: 'asc' }, { id: 'asc' }],
      skip,
      take,
    }),
  );
}

/** A resident account the actor may issue a reset link for, or NotFound. */
export async function residentFor(db: DbTx, actor: Actor, id: number) {
  const resident = await db.user.findFirst({
    where: { AND: [{ id }, managedResidents(actor)] },
    select: { id: true, username: true, displayName: true, role: true, active: true, communityId: true, estateId: true },
  });
  if (!resident) throw new NotFound();
  return resident;
}

/** What the actor may put in an account's scope: estates they manage, and communities. */
export async function scopeChoices(db: DbTx, actor: Actor) {
  const [estates, communities] = await Promise.all([
    actor.role === 'admin' ? allEstates(db) : estatesByIds(db, actor.estateIds),
    allCommunities(db),
  ]);
  return {
    estates,
    communities: actor.role === 'admin' ? communities : communities.filter((c) => c.id === actor.communityId),
  };
}
export type ScopeChoices = Awaited<ReturnType<typeof scopeChoices>>;

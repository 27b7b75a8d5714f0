import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { normalizeMainlandMobile } from '../../domain/phone.ts';
import { buildingsOfEstate, unitsOfBuilding } from '../places/index.ts';
import { ownersOfUnit } from '../roster/index.ts';
import { mayDecide } from './commands.ts';
import { REGISTRATION_STATUS } from './status.ts';

/** Who sees registrations: the property and committee of the estate, community staff of its community. */
export function mayReview(actor: Actor): boolean {
  return actor.role === 'property' || actor.role === 'committee' || actor.role === 'community';
}

function reviewScope(actor: Actor): Prisma.RegistrationWhereInput {
  return mayReview(actor) ? { estateId: { in: actor.estateIds } } : { id: -1 };
}

/** The join page's pickers: the estate's buildings, and the rooms of the chosen one (if it is the estate's). */
export async function joinPickers(db: DbTx, estateId: number, buildingId: number | null) {
  const buildings = await buildingsOfEstate(db, estateId);
  const chosen = buildings.find((b) => b.id === buildingId) ?? (buildings.length === 1 ? buildings[0] : undefined);
  const units = chosen ? await unitsOfBuilding(db, estateId, chosen.id) : [];
  return { buildings, buildingId: chosen?.id ?? null, units };
}

const listSelect = {
  id: true,
  status: true,
  claimedRelation: true,
  createdAt: true,
  decidedAt: true,
  declineReason: true,
  user: { select: { displayName: true, phone: true } },
  estate: { select: { name: true } },
  unit: { select: { entrance: true, room: true, building: { select: { name: true } } } },
  rosterMatch: { select: { name: true } },
  approvedOwner: { select: { name: true } },
  decidedBy: { select: { displayName: true } },
} satisfies Prisma.RegistrationSelect;

const DECIDED_PAGE_SIZE = 20;
const PENDING_LIMIT = 200;

/**
 * The approvers' queue: every pending registration of the actor's estates, oldest first (they have
 * waited longest), then the decided ones, newest first, a page at a time.
 */
export async function reviewQueue(db: DbTx, actor: Actor, page: number) {
  const scope = reviewScope(actor);
  const decidedWhere: Prisma.RegistrationWhereInput = { AND: [scope, { status: { not: REGISTRATION_STATUS.pending } }] };
  const [pending, pendingCount, decided, decidedCount] = await Promise.all([
    db.registration.findMany({
      where: { AND: [scope, { status: REGISTRATION_STATUS.pending }] },
      select: listSelect,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: PENDING_LIMIT,
    }),
    db.registration.count({ where: { AND: [scope, { status: REGISTRATION_STATUS.pending }] } }),
    db.registration.findMany({
      where: decidedWhere,
      select: listSelect,
      orderBy: [{ decidedAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * DECIDED_PAGE_SIZE,
      take: DECIDED_PAGE_SIZE,
    }),
    db.registration.count({ where: decidedWhere }),
  ]);
  return { pending, pendingCount, decided, page, pages: Math.max(1, Math.ceil(decidedCount / DECIDED_PAGE_SIZE)) };
}

/**
 * One registration for an approver: the person, the room, the stored roster evidence, and the unit's
 * owners of record as they stand now (each marked when its roster number is the registrant's), to choose
 * whom to link. Outside the actor's estates: not found.
 */
export async function registrationForReview(db: DbTx, actor: Actor, id: number) {
  const registration = await db.registration.findFirst({
    where: { AND: [{ id }, reviewScope(actor)] },
    select: { ...listSelect, userId: true, unitId: true, estateId: true, rosterMatchOwnerId: true, approvedOwnerId: true },
  });
  if (!registration) throw new NotFound();
  const owners = (await ownersOfUnit(db, registration.unitId)).map((o) => ({
    id: o.id,
    name: o.name,
    phone: o.phone,
    phoneMatches: o.phone !== '' && normalizeMainlandMobile(o.phone) === registration.user.phone,
    linkedElsewhere: o.userId !== null && o.userId !== registration.userId,
  }));
  return {
    registration,
    owners,
    canDecide: mayDecide(actor, registration.estateId) && registration.status === REGISTRATION_STATUS.pending,
  };
}

/** A resident's own registration (the status page), or null for an account made another way. */
export function myRegistration(db: DbTx, userId: number) {
  return db.registration.findUnique({
    where: { userId },
    select: { ...listSelect, estate: { select: { name: true, dutyPhone: true } } },
  });
}

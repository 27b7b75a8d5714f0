import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';

/**
 * The read models of the administration pages, each scoped to the actor: an administrator sees every
 * community, community staff their own; anything else does not exist for them (404, so scope does not
 * leak). Lists search by name and page 20 at a time.
 */

export const PAGE_SIZE = 20;

export interface Paged<T> {
  rows: T[];
  page: number;
  pages: number;
  total: number;
}

async function paged<T>(
  count: Promise<number>,
  rows: (skip: number, take: number) => Promise<T[]>,
  page: number,
): Promise<Paged<T>> {
  const total = await count;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  return { rows: await rows((current - 1) * PAGE_SIZE, PAGE_SIZE), page: current, pages, total };
}

/** Administrators manage every community; community staff only their own. */
export function mayAdministerCommunity(actor: Actor, communityId: number | null): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'community' && communityId !== null && actor.communityId === communityId;
}

/** Who may rotate an estate's join code and print its poster: its community's staff, admins, and the
 * estate's own property company and owners' committee. */
export function mayManageJoinCode(actor: Actor, estate: { id: number; communityId: number }): boolean {
  if (mayAdministerCommunity(actor, estate.communityId)) return true;
  return (actor.role === 'property' || actor.role === 'committee') && actor.estateIds.includes(estate.id);
}

const nameFilter = (q: string) => (q === '' ? {} : { name: { contains: q } });

// ─── communities ───

export function listCommunities(db: DbTx, actor: Actor, q: string, page: number) {
  const where = { ...nameFilter(q), ...(actor.role === 'admin' ? {} : { id: actor.communityId ?? -1 }) };
  return paged(
    db.community.count({ where }),
    (skip, take) =>
      db.community.findMany({ where, orderBy: { id: 'asc' }, skip, take, include: { _count: { select: { estates: true } } } }),
    page,
  );
}

export async function communityForAdmin(db: DbTx, actor: Actor, id: number) {
  const community = await db.community.findUnique({ where: { id } });
  if (!community || !mayAdministerCommunity(actor, community.id)) throw new NotFound();
  return community;
}

// ─── estates ───

export function listEstates(db: DbTx, communityId: number, q: string, page: number) {
  const where = { communityId, ...nameFilter(q) };
  return paged(
    db.estate.count({ where }),
    (skip, take) =>
      db.estate.findMany({ where, orderBy: { id: 'asc' }, skip, take, include: { _count: { select: { buildings: true } } } }),
    page,
  );
}

const estateWithCommunity = { community: { select: { id: true, name: true } } } as const;

export async function estateForAdmin(db: DbTx, actor: Actor, id: number) {
  const estate = await db.estate.findUnique({ where: { id }, include: estateWithCommunity });
  if (!estate || !mayAdministerCommunity(actor, estate.communityId)) throw new NotFound();
  return estate;
}

/** The estate whose join code the actor may manage (admin, its community, its property or committee). */
export async function estateForJoinCode(db: DbTx, actor: Actor, id: number) {
  const estate = await db.estate.findUnique({ where: { id }, include: estateWithCommunity });
  if (!estate || !mayManageJoinCode(actor, estate)) throw new NotFound();
  return estate;
}

/** The estates whose join code the actor manages (the property's and committee's way to their posters). */
export function joinCodeEstates(db: DbTx, actor: Actor) {
  const where =
    actor.role === 'admin'
      ? {}
      : actor.role === 'community'
        ? { communityId: actor.communityId ?? -1 }
        : { id: { in: actor.estateIds } };
  return db.estate.findMany({ where, orderBy: { id: 'asc' }, take: 200, select: { id: true, name: true, joinCode: true } });
}

// ─── buildings and units ───

export function listBuildings(db: DbTx, estateId: number, q: string, page: number) {
  const where = { estateId, ...nameFilter(q) };
  return paged(
    db.building.count({ where }),
    (skip, take) =>
      db.building.findMany({
        where,
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
        skip,
        take,
        include: { _count: { select: { units: true } } },
      }),
    page,
  );
}

export async function buildingForAdmin(db: DbTx, actor: Actor, id: number) {
  const building = await db.building.findUnique({ where: { id }, include: { estate: { include: estateWithCommunity } } });
  if (!building || !mayAdministerCommunity(actor, building.estate.communityId)) throw new NotFound();
  return building;
}

/** Units of a building, searched by room number, in stairwell order. */
export function listUnits(db: DbTx, buildingId: number, q: string, page: number) {
  const where = { buildingId, ...(q === '' ? {} : { room: { contains: q } }) };
  return paged(
    db.unit.count({ where }),
    (skip, take) => db.unit.findMany({ where, orderBy: [{ entrance: 'asc' }, { floor: 'asc' }, { room: 'asc' }], skip, take }),
    page,
  );
}

export async function unitForAdmin(db: DbTx, actor: Actor, id: number) {
  const unit = await db.unit.findUnique({
    where: { id },
    include: { building: { include: { estate: { include: estateWithCommunity } } } },
  });
  if (!unit || !mayAdministerCommunity(actor, unit.building.estate.communityId)) throw new NotFound();
  return unit;
}

// ─── categories ───

/** A community's own categories, or (communityId null) the shared set an administrator keeps. */
export function listCategories(db: DbTx, communityId: number | null, q: string, page: number) {
  const where = { communityId, ...(q === '' ? {} : { OR: [{ nameZh: { contains: q } }, { nameEn: { contains: q } }] }) };
  return paged(
    db.category.count({ where }),
    (skip, take) =>
      db.category.findMany({ where, orderBy: [{ emergency: 'desc' }, { sortOrder: 'asc' }, { id: 'asc' }], skip, take }),
    page,
  );
}

/** A category the actor may edit: a shared one for an administrator, a community's own for its staff. */
export async function categoryForAdmin(db: DbTx, actor: Actor, id: number) {
  const category = await db.category.findUnique({ where: { id }, include: { community: { select: { id: true, name: true } } } });
  if (!category) throw new NotFound();
  if (category.communityId === null ? actor.role !== 'admin' : !mayAdministerCommunity(actor, category.communityId))
    throw new NotFound();
  return category;
}

// ─── outside units ───

export function listOutsideUnits(db: DbTx, communityId: number, q: string, page: number) {
  const where = { communityId, ...nameFilter(q) };
  return paged(
    db.outsideUnit.count({ where }),
    (skip, take) => db.outsideUnit.findMany({ where, orderBy: [{ active: 'desc' }, { name: 'asc' }], skip, take }),
    page,
  );
}

export async function outsideUnitForAdmin(db: DbTx, actor: Actor, id: number) {
  const unit = await db.outsideUnit.findUnique({ where: { id }, include: { community: { select: { id: true, name: true } } } });
  if (!unit || !mayAdministerCommunity(actor, unit.communityId)) throw new NotFound();
  return unit;
}

// ─── for other modules ───

export interface EstateSettings {
  autoCloseDays: number;
  satisfactionWeightPct: number;
  deadlineWarningHours: number;
  meetingReminderHours: number;
  voteReminderHours: number;
  bouncingThreshold: number;
  minVotingDays: number;
  secretBallots: boolean;
}

const SETTINGS_SELECT = {
  autoCloseDays: true,
  satisfactionWeightPct: true,
  deadlineWarningHours: true,
  meetingReminderHours: true,
  voteReminderHours: true,
  bouncingThreshold: true,
  minVotingDays: true,
  secretBallots: true,
} as const;

/** An estate's own settings (its rules of procedure and service agreement); null if no such estate. */
export function estateSettings(db: DbTx, estateId: number): Promise<EstateSettings | null> {
  return db.estate.findUnique({ where: { id: estateId }, select: SETTINGS_SELECT });
}

/** Who residents call: the property company, the owners' committee and the 24 h duty phone. */
export function estateContacts(db: DbTx, estateId: number) {
  return db.estate.findUnique({
    where: { id: estateId },
    select: { id: true, name: true, propertyCompanyName: true, committeeName: true, dutyPhone: true },
  });
}

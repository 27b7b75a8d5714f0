import type { DbTx } from '../../plugins/db.ts';
import { actorSource, actorUserSelect } from './actor-source.ts';
import type { ActorPlaces, ActorUser } from '../../actor.ts';

/**
 * Reads and small commands on people (users and the estates they serve) that other modules need:
 * participants of a meeting, recipients of a notification, the owner of a calendar feed. The auth
 * module owns the User, UserEstate and Session tables; nobody else queries them.
 */
export type { DbTx };

/** Active property or committee users serving an estate (who is told when their party is assigned). */
export async function activeEstateStaff(db: DbTx, estateId: number, role: 'property' | 'committee'): Promise<number[]> {
  const rows = await db.userEstate.findMany({ where: { estateId, user: { role, active: true } }, select: { userId: true } });
  return rows.map((r) => r.userId);
}

/** Active community workers of a community. */
export async function activeCommunityStaff(db: DbTx, communityId: number): Promise<number[]> {
  const rows = await db.user.findMany({ where: { role: 'community', communityId, active: true }, select: { id: true } });
  return rows.map((r) => r.id);
}

/**
 * Who may be invited to a joint meeting on these estates (for the meetings module): active community
 * staff of the community, property and committee staff serving one of the estates, and residents of the
 * estates, with a resident's home estate name. In id order.
 */
export function meetingCandidates(db: DbTx, communityId: number, estateIds: number[]) {
  return db.user.findMany({
    where: {
      active: true,
      OR: [
        { role: 'community', communityId },
        { role: { in: ['property', 'committee'] }, estates: { some: { estateId: { in: estateIds } } } },
        { role: 'resident', estateId: { in: estateIds } },
      ],
    },
    select: { id: true, displayName: true, orgName: true, role: true, estate: { select: { name: true } } },
    orderBy: [{ id: 'asc' }],
  });
}

/**
 * The owner of a calendar feed token, with what their scope is built from (for actorFromUser), or null
 * when no active account holds the token or its role is unknown.
 */
export async function calendarFeedOwner(db: DbTx, token: string): Promise<{ user: ActorUser; places: ActorPlaces } | null> {
  const row = await db.user.findUnique({ where: { calendarToken: token }, select: actorUserSelect });
  return row ? actorSource(row) : null;
}

export async function calendarTokenOf(db: DbTx, userId: number): Promise<string | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { calendarToken: true } });
  return user?.calendarToken ?? null;
}

/** Sets (or, with null, revokes) a user's calendar feed token. */
export async function setCalendarToken(tx: DbTx, userId: number, token: string | null): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { calendarToken: token } });
}

/** Which of these usernames have an account (the server's start-up banner lists the demo accounts). */
export async function existingUsernames(db: DbTx, usernames: string[]): Promise<string[]> {
  const rows = await db.user.findMany({ where: { username: { in: usernames } }, select: { username: true } });
  return rows.map((r) => r.username);
}

/**
 * Whether this mobile number already has an account in the estate, or is already someone's login name
 * (residents who join log in with their number): the join form says so instead of making a second one.
 */
export async function phoneAlreadyRegistered(db: DbTx, estateId: number, phone: string): Promise<boolean> {
  const found = await db.user.count({ where: { OR: [{ estateId, phone }, { username: phone }] } });
  return found > 0;
}

export interface NewResidentAccount {
  /** The login name: the mobile number (eleven digits). */
  username: string;
  displayName: string;
  phone: string;
  passwordHash: string;
  communityId: number;
  estateId: number;
  unitId: number;
  isTenant: boolean;
  now: Date;
}

/**
 * A resident account made through the estate's join code: not verified until the property or the
 * committee approves it. A second account with the same login name is refused by the unique key
 * (Prisma P2002), which the caller reports as "already registered".
 */
export function createResidentAccount(tx: DbTx, account: NewResidentAccount) {
  const { now, ...data } = account;
  return tx.user.create({
    data: { ...data, role: 'resident', verified: false, passwordChangedAt: now, createdAt: now },
    select: { id: true, username: true, displayName: true },
  });
}

/** Sets a resident's verification after an approver's decision (a tenant never votes). */
export async function setResidentVerification(
  tx: DbTx,
  userId: number,
  change: { verified: boolean; isTenant: boolean },
): Promise<void> {
  await tx.user.updateMany({ where: { id: userId, role: 'resident' }, data: change });
}

/**
 * Names and roles of these accounts (deactivated ones too: a record keeps who did it), keyed by id; for
 * records that name a person by id only, such as who recorded a meeting's attendance.
 */
export async function peopleByIds(db: DbTx, ids: readonly number[]): Promise<Map<number, { displayName: string; role: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.user.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, displayName: true, role: true },
  });
  return new Map(rows.map((r) => [r.id, { displayName: r.displayName, role: r.role }]));
}

/** A resident of an estate as staff filing for a caller pick them: name, phone and home. */
const callerResidentSelect = {
  id: true,
  displayName: true,
  phone: true,
  unitId: true,
  verified: true,
  unit: { select: { room: true, entrance: true, buildingId: true, building: { select: { name: true } } } },
} as const;

/**
 * Active residents of an estate matching what staff typed (part of the name, the mobile number or the
 * room), for filing a caller's issue under their account; at most `limit`, by name.
 */
export function residentsForCaller(db: DbTx, estateId: number, text: string, limit: number) {
  const q = text.trim();
  return db.user.findMany({
    where: {
      role: 'resident',
      active: true,
      estateId,
      OR: [{ displayName: { contains: q } }, { phone: { contains: q } }, { unit: { room: { contains: q } } }],
    },
    select: callerResidentSelect,
    orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    take: limit,
  });
}

/** The active resident of this estate with this id, or null (a picked account is checked, never trusted). */
export function residentOfEstate(db: DbTx, estateId: number, userId: number) {
  return db.user.findFirst({ where: { id: userId, role: 'resident', active: true, estateId }, select: callerResidentSelect });
}

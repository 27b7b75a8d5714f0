import type { Expression, SelectQueryBuilder } from 'kysely';
import type { DbTx } from '../../plugins/db.ts';
import { fromSqlTime, jsonArrayFrom, jsonRows, sqlBool, type Sql } from '../../plugins/sql.ts';
import type { DB } from '../../generated/kysely/types.ts';
import { actorFromUser, type Actor } from '../../actor.ts';
import { isRole } from '../../domain/roles.ts';

/**
 * The Session table, owned here and handed to the session plugin (src/app.ts wires it): the plugin keeps
 * the cookie and the expiry policy, this module keeps the rows. A session's id is the hash of its token.
 */

/** A stored session and who it belongs to; `actor` is null when the account may no longer sign in. */
interface StoredSession {
  lastSeenAt: Date;
  expiresAt: Date;
  actor: Actor | null;
  /** The user's unread notifications (every page's header shows it). */
  unreadCount: number;
}

/** A scalar subquery over the user's row, counted in the same statement (app.ts hands in the
 * notifications module's unread count, so this module imports no other). */
export type UserCountSubquery = (sql: Sql, userId: Expression<number>) => SelectQueryBuilder<DB, keyof DB, { n: number }>;

interface NewSession {
  id: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

/**
 * The session, its user, the places their scope is derived from and their unread count: one statement
 * (issue #11: it runs on every request). Nothing is cached, so a logout, a deactivation, a password reset
 * (which deletes the user's sessions) or a change of scope holds on the very next request, in every
 * process.
 */
async function loadSession(sql: Sql, id: string, unread: UserCountSubquery): Promise<StoredSession | null> {
  const row = await sql
    .selectFrom('Session')
    .innerJoin('User', 'User.id', 'Session.userId')
    .leftJoin('Unit', 'Unit.id', 'User.unitId')
    .where('Session.id', '=', id)
    .select((eb) => [
      'Session.lastSeenAt',
      'Session.expiresAt',
      'User.id',
      'User.username',
      'User.displayName',
      'User.role',
      'User.communityId',
      'User.estateId',
      'User.unitId',
      'User.isTenant',
      'User.verified',
      'User.orgName',
      'User.locale',
      'User.active',
      'Unit.buildingId',
      jsonArrayFrom(
        eb
          .selectFrom('UserEstate')
          .innerJoin('Estate', 'Estate.id', 'UserEstate.estateId')
          .whereRef('UserEstate.userId', '=', 'User.id')
          .select(['UserEstate.estateId as estateId', 'Estate.communityId as communityId'])
          .orderBy('UserEstate.estateId'),
      ).as('served'),
      jsonArrayFrom(
        eb
          .selectFrom('Estate')
          .whereRef('Estate.communityId', '=', 'User.communityId')
          .where('User.role', '=', 'community')
          .select('Estate.id as id')
          .orderBy('Estate.id'),
      ).as('communityEstates'),
      unread(sql, eb.ref('User.id')).as('unread'),
    ])
    .executeTakeFirst();
  if (!row) return null;
  const session = {
    lastSeenAt: fromSqlTime(row.lastSeenAt),
    expiresAt: fromSqlTime(row.expiresAt),
    unreadCount: Number(row.unread ?? 0),
  };
  if (!sqlBool(row.active) || !isRole(row.role)) return { ...session, actor: null };
  const actor = actorFromUser(
    {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      communityId: row.communityId,
      estateId: row.estateId,
      unitId: row.unitId,
      isTenant: sqlBool(row.isTenant),
      verified: sqlBool(row.verified),
      orgName: row.orgName,
      locale: row.locale,
    },
    {
      servedEstates: jsonRows<{ estateId: number; communityId: number }>(row.served),
      communityEstateIds: jsonRows<{ id: number }>(row.communityEstates).map((e) => e.id),
      buildingId: row.buildingId ?? null,
    },
    id,
  );
  return { ...session, actor };
}

async function touchSession(db: DbTx, id: string, at: Date): Promise<void> {
  await db.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
}

async function createSession(db: DbTx, session: NewSession): Promise<void> {
  await db.session.create({ data: { ...session, lastSeenAt: session.createdAt } });
}

async function deleteSession(db: DbTx, id: string): Promise<void> {
  await db.session.deleteMany({ where: { id } });
}

/** The session plugin's store (src/app.ts passes it in): the load on the read path, writes through Prisma. */
export function sessionStore(db: DbTx, sql: Sql, unread: UserCountSubquery) {
  return {
    load: (id: string) => loadSession(sql, id, unread),
    touch: (id: string, at: Date) => touchSession(db, id, at),
    create: (session: NewSession) => createSession(db, session),
    destroy: (id: string) => deleteSession(db, id),
  };
}

/** Deletes sessions past their absolute or idle expiry (a scheduled job). */
export async function purgeExpiredSessions(db: DbTx, at: Date, idleMinutes: number): Promise<number> {
  const idleCutoff = new Date(at.getTime() - idleMinutes * 60_000);
  const { count } = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: at } }, { lastSeenAt: { lte: idleCutoff } }] },
  });
  return count;
}

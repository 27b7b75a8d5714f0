import type { DbTx } from '../../plugins/db.ts';
import { actorFromUser, type Actor } from '../../actor.ts';
import { actorSource, actorUserSelect } from './actor-source.ts';

/**
 * The Session table, owned here and handed to the session plugin (src/app.ts wires it): the plugin keeps
 * the cookie and the expiry policy, this module keeps the rows. A session's id is the hash of its token.
 */

/** A stored session and who it belongs to; `actor` is null when the account may no longer sign in. */
interface StoredSession {
  lastSeenAt: Date;
  expiresAt: Date;
  actor: Actor | null;
}

interface NewSession {
  id: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

/** The session and its signed-in actor. */
async function loadSession(db: DbTx, id: string): Promise<StoredSession | null> {
  const session = await db.session.findUnique({ where: { id }, include: { user: { select: actorUserSelect } } });
  if (!session) return null;
  const source = actorSource(session.user);
  const actor = source ? actorFromUser(source.user, source.places, id) : null;
  return { lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt, actor };
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

/** The session plugin's store (src/app.ts passes it in): these reads and writes over one client. */
export function sessionStore(db: DbTx) {
  return {
    load: (id: string) => loadSession(db, id),
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

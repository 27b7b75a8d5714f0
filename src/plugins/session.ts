import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../actor.ts';
import { isRole } from '../domain/roles.ts';
import type { AppConfig } from '../config.ts';

export const SESSION_COOKIE = 'sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The request carried a session cookie that is no longer valid (expired, revoked, logged out). */
    staleSession: boolean;
  }
  interface FastifyInstance {
    sessions: {
      /** Creates a fresh session (new random id) and sets its cookie; destroys the one the request had. */
      start(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<void>;
      /** Destroys the request's session, if any, and clears its cookie. */
      end(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    };
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Server-side sessions stored in the database. The cookie holds a random 256-bit token; the table holds
 * only its hash, so a leaked database does not leak live sessions. Sessions end after an idle period
 * and after an absolute lifetime, and can be revoked by deleting the row.
 */
export default fp<{ config: AppConfig; now: () => Date }>(
  async (app, { config, now }) => {
    const idleMs = config.sessionIdleMinutes * 60_000;
    const maxMs = config.sessionMaxHours * 3_600_000;
    const cookieOptions = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: config.cookieSecure,
    };

    app.decorateRequest('actor', null);
    app.decorateRequest('staleSession', false);

    app.addHook('onRequest', async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) return;
      if (token.length > 100) {
        request.staleSession = true;
        return;
      }
      const id = hashToken(token);
      const session = await app.db.session.findUnique({
        where: { id },
        include: {
          user: {
            include: {
              estates: { select: { estateId: true, estate: { select: { communityId: true } } } },
              community: { select: { estates: { select: { id: true } } } },
              unit: { select: { buildingId: true } },
            },
          },
        },
      });
      const at = now();
      if (
        !session ||
        !session.user.active ||
        session.expiresAt <= at ||
        session.lastSeenAt.getTime() + idleMs <= at.getTime() ||
        !isRole(session.user.role)
      ) {
        if (session) await app.db.session.deleteMany({ where: { id } });
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        request.staleSession = true;
        return;
      }
      const user = session.user;
      const role = user.role as Actor['role'];
      let estateIds: number[] = [];
      let communityId = user.communityId;
      if (role === 'resident') estateIds = user.estateId ? [user.estateId] : [];
      else if (role === 'community') estateIds = user.community?.estates.map((e) => e.id) ?? [];
      else if (role === 'property' || role === 'committee') {
        estateIds = user.estates.map((e) => e.estateId);
        communityId ??= user.estates[0]?.estate.communityId ?? null;
      }
      request.actor = {
        userId: user.id,
        username: user.username,
        displayName: user.displayName,
        role,
        communityId,
        estateIds,
        homeEstateId: user.estateId,
        unitId: user.unitId,
        buildingId: user.unit?.buildingId ?? null,
        isTenant: user.isTenant,
        orgName: user.orgName,
        locale: user.locale,
        sessionId: id,
      };
      // Touch at most once a minute: idle expiry needs no more precision than that, and it spares a
      // write on every request.
      if (at.getTime() - session.lastSeenAt.getTime() > 60_000) {
        await app.db.session.update({ where: { id }, data: { lastSeenAt: at } });
      }
    });

    app.decorate('sessions', {
      async start(request, reply, userId) {
        const old = request.cookies[SESSION_COOKIE];
        if (old) await app.db.session.deleteMany({ where: { id: hashToken(old) } });
        const token = randomBytes(32).toString('base64url');
        const at = now();
        await app.db.session.create({
          data: {
            id: hashToken(token),
            userId,
            createdAt: at,
            lastSeenAt: at,
            expiresAt: new Date(at.getTime() + maxMs),
            ip: request.ip.slice(0, 64),
            userAgent: String(request.headers['user-agent'] ?? '').slice(0, 200),
          },
        });
        reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(maxMs / 1000) });
      },
      async end(request, reply) {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await app.db.session.deleteMany({ where: { id: hashToken(token) } });
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        request.actor = null;
      },
    });
  },
  { name: 'session', dependencies: ['db'] },
);

/** Deletes sessions past their absolute or idle expiry. Run by the scheduler. */
export async function purgeExpiredSessions(
  db: { session: { deleteMany(args: { where: object }): Promise<{ count: number }> } },
  at: Date,
  idleMinutes: number,
): Promise<number> {
  const idleCutoff = new Date(at.getTime() - idleMinutes * 60_000);
  const { count } = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: at } }, { lastSeenAt: { lte: idleCutoff } }] },
  });
  return count;
}

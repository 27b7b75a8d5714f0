import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../actor.ts';
import type { AppConfig } from '../config.ts';

const SESSION_COOKIE = 'sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The request carried a session cookie that is no longer valid (expired, revoked, logged out). */
    staleSession: boolean;
    /** The signed-in user's unread notifications, read with the session (null when signed out). */
    unreadCount: number | null;
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

/**
 * Where sessions are kept. The plugin imports no module: the app hands it the auth module's store. `load`
 * gives the session with its actor, or a null actor when the account may no longer sign in.
 */
interface SessionStore {
  load(id: string): Promise<{ lastSeenAt: Date; expiresAt: Date; actor: Actor | null; unreadCount: number } | null>;
  touch(id: string, at: Date): Promise<void>;
  create(session: { id: string; userId: number; createdAt: Date; expiresAt: Date; ip: string; userAgent: string }): Promise<void>;
  destroy(id: string): Promise<void>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Server-side sessions stored in the database. The cookie holds a random 256-bit token; the table holds
 * only its hash, so a leaked database does not leak live sessions. Sessions end after an idle period
 * and after an absolute lifetime, and can be revoked by deleting the row.
 */
export default fp<{ config: AppConfig; now: () => Date; store: SessionStore }>(
  async (app, { config, now, store }) => {
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
    app.decorateRequest('unreadCount', null);

    app.addHook('onRequest', async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) return;
      if (token.length > 100) {
        request.staleSession = true;
        return;
      }
      const id = hashToken(token);
      const session = await store.load(id);
      const at = now();
      if (!session || !session.actor || session.expiresAt <= at || session.lastSeenAt.getTime() + idleMs <= at.getTime()) {
        if (session) await store.destroy(id);
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        request.staleSession = true;
        return;
      }
      request.actor = session.actor;
      request.unreadCount = session.unreadCount;
      // Touch at most once a minute: idle expiry needs no more precision than that, and it spares a
      // write on every request.
      if (at.getTime() - session.lastSeenAt.getTime() > 60_000) await store.touch(id, at);
    });

    app.decorate('sessions', {
      async start(request, reply, userId) {
        const old = request.cookies[SESSION_COOKIE];
        if (old) await store.destroy(hashToken(old));
        const token = randomBytes(32).toString('base64url');
        const at = now();
        await store.create({
          id: hashToken(token),
          userId,
          createdAt: at,
          expiresAt: new Date(at.getTime() + maxMs),
          ip: request.ip.slice(0, 64),
          userAgent: String(request.headers['user-agent'] ?? '').slice(0, 200),
        });
        reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(maxMs / 1000) });
      },
      async end(request, reply) {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await store.destroy(hashToken(token));
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        request.actor = null;
        request.unreadCount = null;
      },
    });
  },
  { name: 'session' },
);

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LocaleForm, LoginForm, LoginQuery, LogoutForm, PasswordForm } from './schemas.ts';
import { authenticate, changePassword, checkPasswordChange, communityOfUsername, saveLocale } from './service.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import {
  KNOWN_DEVICE_COOKIE,
  KNOWN_DEVICE_MAX_AGE_SECONDS,
  accountKey,
  addressKey,
  clearThrottle,
  deviceTokens,
  isKnownDevice,
  recordFailure,
  recordLoginFailure,
  rememberDevice,
  throttleWait,
} from './throttle.ts';
import recoveryRoutes from './routes-recovery.ts';
import accountsRoutes from './routes-accounts.ts';
import type { FieldError } from '../../errors.ts';
import { ACCOUNT_POLICY } from '../../domain/login-delay.ts';
import { formHandler, readForm, refuseForm, validateFields } from '../../lib/form.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { inTransaction } from '../../plugins/db.ts';
import { LOCALE_COOKIE } from '../../plugins/views.ts';
import { recordAudit } from '../audit/index.ts';

/** One text field as typed, for showing the form again ('' if absent or repeated). */
const typed = (fields: Record<string, string | string[]>, name: string): string => {
  const value = fields[name];
  return typeof value === 'string' ? value : '';
};

const LOGIN_NOTICES: Record<string, string> = {
  expired: 'auth.sessionExpired',
  required: 'auth.loginRequired',
  reset: 'auth.passwordResetDone',
  setup: 'auth.setupDone',
};

/**
 * Signing in and out, the own password and the language. Failed logins slow down guessing through the
 * database-backed throttle (throttle.ts): while a key must wait, the login answers 429 without looking
 * at the password; a browser that has signed in to the account before skips the waits for it.
 */
export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app;
  const deviceCookie = {
    path: '/login',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
    maxAge: KNOWN_DEVICE_MAX_AGE_SECONDS,
  };

  const tooManyAttempts = (reply: FastifyReply, waitMs: number) => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    reply.code(429).header('Retry-After', String(seconds));
    return { seconds };
  };

  app.get('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    if (request.actor) return reply.redirect(safeLocalPath(request.query.next), 303);
    const notice = LOGIN_NOTICES[request.query.reason ?? ''] ?? null;
    return reply.page('auth/login.njk', { next: safeLocalPath(request.query.next, ''), notice, username: '' });
  });

  app.post('/login', async (request, reply) => {
    const { fields } = readForm(request.body);
    const form = validateFields(LoginForm, fields);
    const username = typed(fields, 'username').trim().toLowerCase();
    const next = safeLocalPath(typed(fields, 'next'), '');
    const keys = { account: accountKey(username), address: addressKey(request.ip) };
    const now = app.now();
    const tokens = deviceTokens(request.cookies[KNOWN_DEVICE_COOKIE]);
    const known = username !== '' && (await isKnownDevice(app.db, tokens, username));
    const waitMs = known ? 0 : await throttleWait(app.db, [keys.account, keys.address], now);
    if (waitMs > 0) {
      const errorParams = tooManyAttempts(reply, waitMs);
      return reply.page('auth/login.njk', { next, username, error: 'auth.tooManyAttempts', errorParams });
    }
    if (!form.ok || username === '') {
      // The two fields a person types are named; anything else wrong is a broken or forged form.
      const typedWrong = form.ok || form.errors.some((e) => e.field === 'username' || e.field === 'password');
      reply.code(400);
      return reply.page('auth/login.njk', { next, username, error: typedWrong ? 'auth.missingFields' : 'errors.badRequest' });
    }
    const user = await authenticate(app.db, username, form.value.password);
    if (user === null) {
      const communityId = await communityOfUsername(app.db, username);
      await inTransaction(app.db, async (tx) => {
        await recordLoginFailure(tx, keys, now);
        await recordAudit(tx, {
          who: null,
          ip: request.ip,
          action: 'login.failure',
          entityType: 'user',
          communityId,
          note: username.slice(0, 200),
          at: now,
        });
      });
      reply.code(401);
      return reply.page('auth/login.njk', { next, username, error: 'auth.invalidCredentials' });
    }
    const device = await inTransaction(app.db, async (tx) => {
      await clearThrottle(tx, keys.account);
      await recordAudit(tx, {
        who: { userId: user.id, displayName: user.displayName, role: user.role },
        ip: request.ip,
        action: 'login.success',
        entityType: 'user',
        entityId: user.id,
        communityId: user.communityId,
        note: username,
        at: now,
      });
      return rememberDevice(tx, user.id, tokens, now);
    });
    reply.setCookie(KNOWN_DEVICE_COOKIE, device, deviceCookie);
    await app.sessions.start(request, reply, user.id);
    // A new CSRF secret with the new session: a token seen before login is worthless after it.
    reply.clearCookie('_csrf', { path: '/' });
    return reply.redirect(next || '/', 303);
  });

  app.post(
    '/logout',
    formHandler({
      schema: LogoutForm,
      async act({ request, reply }) {
        await app.sessions.end(request, reply);
        reply.clearCookie('_csrf', { path: '/' });
        return '/login';
      },
      render: refuseForm,
    }),
  );

  app.get('/account/password', { preHandler: requireActor }, async (_request, reply) => {
    return reply.page('auth/password.njk', { errors: [] });
  });

  const passwordPage = (reply: FastifyReply, status: number, errors: FieldError[]) => {
    reply.code(status);
    return reply.page('auth/password.njk', { errors });
  };

  app.post('/account/password', { preHandler: requireActor }, async (request: FastifyRequest, reply) => {
    const actor = actorOf(request);
    const form = validateFields(PasswordForm, readForm(request.body).fields);
    if (!form.ok) return passwordPage(reply, 400, form.errors);
    // Guessing the current password (from a borrowed session) counts against the account like a failed
    // login, and waits like one; a known device does not help here (the borrowed browser is one).
    const key = accountKey(actor.username);
    const now = app.now();
    const waitMs = await throttleWait(app.db, [key], now);
    if (waitMs > 0) {
      const { seconds } = tooManyAttempts(reply, waitMs);
      return passwordPage(reply, 429, [{ field: 'current', code: 'too_many_attempts', params: { seconds } }]);
    }
    const checked = await checkPasswordChange(app.db, actor.userId, form.value);
    const who = { userId: actor.userId, displayName: actor.displayName, role: actor.role };
    const changed =
      checked.ok &&
      (await inTransaction(app.db, (tx) =>
        changePassword(tx, checked.change, { who, ip: request.ip, communityId: actor.communityId }, now),
      ));
    if (!changed) {
      const errors: FieldError[] = checked.ok ? [{ field: 'current', code: 'wrong_password' }] : checked.errors;
      if (errors.some((e) => e.code === 'wrong_password')) {
        await inTransaction(app.db, (tx) => recordFailure(tx, key, ACCOUNT_POLICY, now));
      }
      return passwordPage(reply, 400, errors);
    }
    await inTransaction(app.db, (tx) => clearThrottle(tx, key));
    // Every session of the account was ended; this browser gets a fresh one.
    await app.sessions.start(request, reply, actor.userId);
    return reply.page('auth/password.njk', { errors: [], done: true });
  });

  app.post(
    '/locale',
    formHandler({
      schema: LocaleForm,
      async act({ request, reply, value }) {
        reply.setCookie(LOCALE_COOKIE, value.locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 });
        const actor = request.actor;
        if (actor) await inTransaction(app.db, (tx) => saveLocale(tx, actor.userId, value.locale));
        return safeLocalPath(value.back);
      },
      render: refuseForm,
    }),
  );

  await app.register(recoveryRoutes);
  await app.register(accountsRoutes);
}

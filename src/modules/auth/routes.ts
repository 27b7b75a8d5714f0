import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LoginBody, LoginQuery, LocaleBody, PasswordBody } from './schemas.ts';
import { authenticate, changePassword } from './service.ts';
import { actorOf, requireActor } from './guards.ts';
import { LoginLimiter } from '../../lib/login-limiter.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { isLocale } from '../../i18n/index.ts';
import { LOCALE_COOKIE } from '../../plugins/views.ts';

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app;
  const windowMs = config.loginWindowMinutes * 60_000;
  const clock = () => app.now().getTime();
  const perAccount = new LoginLimiter(config.loginMaxFailuresPerAccount, windowMs, clock);
  const perAddress = new LoginLimiter(config.loginMaxFailuresPerAddress, windowMs, clock);

  app.get('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    if (request.actor) return reply.redirect(safeLocalPath(request.query.next), 303);
    const notice = request.query.reason === 'expired' ? 'auth.sessionExpired' : request.query.reason === 'required' ? 'auth.loginRequired' : null;
    return reply.page('auth/login.njk', { next: safeLocalPath(request.query.next, ''), notice, username: '' });
  });

  app.post('/login', { schema: { body: LoginBody } }, async (request, reply) => {
    const username = request.body.username.trim().toLowerCase();
    const next = safeLocalPath(request.body.next, '');
    const accountKey = `account:${username}`;
    const addressKey = `address:${request.ip}`;
    const waitMs = Math.max(perAccount.retryAfterMs(accountKey), perAddress.retryAfterMs(addressKey));
    if (waitMs > 0) {
      const minutes = Math.ceil(waitMs / 60_000);
      reply.code(429).header('Retry-After', String(Math.ceil(waitMs / 1000)));
      return reply.page('auth/login.njk', { next, username, error: 'auth.tooManyAttempts', errorParams: { minutes } });
    }
    if (username === '' || request.body.password === '') {
      reply.code(400);
      return reply.page('auth/login.njk', { next, username, error: 'auth.missingFields' });
    }
    const userId = await authenticate(app.db, username, request.body.password);
    if (userId === null) {
      perAccount.fail(accountKey);
      perAddress.fail(addressKey);
      reply.code(401);
      return reply.page('auth/login.njk', { next, username, error: 'auth.invalidCredentials' });
    }
    perAccount.reset(accountKey);
    await app.sessions.start(request, reply, userId);
    // A new CSRF secret with the new session: a token seen before login is worthless after it.
    reply.clearCookie('_csrf', { path: '/' });
    return reply.redirect(next || '/', 303);
  });

  app.post('/logout', async (request, reply) => {
    await app.sessions.end(request, reply);
    reply.clearCookie('_csrf', { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.get('/account/password', { preHandler: requireActor }, async (_request, reply) => {
    return reply.page('auth/password.njk', { errors: [] });
  });

  app.post('/account/password', { preHandler: requireActor, schema: { body: PasswordBody } }, async (request, reply) => {
    const actor = actorOf(request);
    // Guessing the current password (from a borrowed session) counts against the account like a failed login.
    const accountKey = `account:${actor.username.toLowerCase()}`;
    const waitMs = perAccount.retryAfterMs(accountKey);
    if (waitMs > 0) {
      reply.code(429).header('Retry-After', String(Math.ceil(waitMs / 1000)));
      return reply.page('auth/password.njk', { errors: [{ field: 'current', code: 'too_many_attempts', params: { minutes: Math.ceil(waitMs / 60_000) } }] });
    }
    const result = await changePassword(app.db, actor.userId, request.body.current, request.body.next, request.body.confirm, app.now());
    if (!result.ok) {
      if (result.errors.some((e) => e.code === 'wrong_password')) perAccount.fail(accountKey);
      reply.code(400);
      return reply.page('auth/password.njk', { errors: result.errors });
    }
    perAccount.reset(accountKey);
    // Every session of the account was ended; this browser gets a fresh one.
    await app.sessions.start(request, reply, actor.userId);
    return reply.page('auth/password.njk', { errors: [], done: true });
  });

  app.post('/locale', { schema: { body: LocaleBody } }, async (request, reply) => {
    const locale = request.body.locale;
    if (isLocale(locale)) {
      reply.setCookie(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 });
      if (request.actor) await app.db.user.update({ where: { id: request.actor.userId }, data: { locale } });
    }
    return reply.redirect(safeLocalPath(request.body.back), 303);
  });
}

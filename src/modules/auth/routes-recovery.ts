import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { formHandler, readForm, validateFields } from '../../lib/form.ts';
import { hashPassword } from '../../lib/password.ts';
import { inTransaction } from '../../plugins/db.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { JoiningQuery, PhoneForm, ResetForm, SavedQuery, SetupForm, TokenParams } from './schemas.ts';
import { changeOwnPhone, checkFirstAdmin, createFirstAdmin, profileOf, resetPassword } from './recovery.ts';
import { newPasswordErrors } from './service.ts';
import { liveToken } from './tokens.ts';

/**
 * First start and recovery (issue #9): the one-time setup link that creates the first administrator,
 * the one-time reset link, the "forgot password" and "how to join" guidance, and the profile page where
 * anyone changes their own phone number. A used, expired or wrong link is a 404.
 */
export default async function recoveryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function setupToken(token: string) {
    const row = await liveToken(app.db, 'setup', token, app.now());
    if (!row) throw new NotFound('auth.linkInvalid');
    return row;
  }

  async function resetToken(token: string) {
    const row = await liveToken(app.db, 'reset', token, app.now());
    if (!row?.user) throw new NotFound('auth.linkInvalid');
    return { ...row, user: row.user };
  }

  // ─── first administrator ───

  const setupPage = (reply: FastifyReply, token: string, values: Record<string, unknown>, errors: FieldError[]) =>
    reply.header('referrer-policy', 'no-referrer').page('auth/setup.njk', { token, values, errors });

  app.get('/setup/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    await setupToken(request.params.token);
    return setupPage(reply, request.params.token, {}, []);
  });

  app.post('/setup/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    const row = await setupToken(token);
    const { fields } = readForm(request.body);
    const form = validateFields(SetupForm, fields);
    const values = {
      username: typeof fields.username === 'string' ? fields.username : '',
      displayName: typeof fields.displayName === 'string' ? fields.displayName : '',
    };
    if (!form.ok) {
      reply.code(400);
      return setupPage(reply, token, values, form.errors);
    }
    const username = form.value.username.trim().toLowerCase();
    const displayName = form.value.displayName.trim();
    const checked = await checkFirstAdmin({ ...form.value, username, displayName });
    if (!checked.ok) {
      reply.code(400);
      return setupPage(reply, token, values, checked.errors);
    }
    try {
      const admin = await inTransaction(app.db, (tx) =>
        createFirstAdmin(tx, row.id, { username, displayName, passwordHash: checked.passwordHash }, request.ip, app.now()),
      );
      if (!admin) throw new NotFound('auth.linkInvalid');
      await app.sessions.start(request, reply, admin.id);
      reply.clearCookie('_csrf', { path: '/' });
      return reply.redirect('/admin', 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return setupPage(reply, token, values, error.errors);
      }
      throw error;
    }
  });

  // ─── reset link ───

  const resetPage = (reply: FastifyReply, token: string, user: { username: string; displayName: string }, errors: FieldError[]) =>
    reply.header('referrer-policy', 'no-referrer').page('auth/reset.njk', { token, user, errors });

  app.get('/reset/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const row = await resetToken(request.params.token);
    return resetPage(reply, request.params.token, row.user, []);
  });

  app.post('/reset/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params;
    const row = await resetToken(token);
    const form = validateFields(ResetForm, readForm(request.body).fields);
    const errors = form.ok
      ? newPasswordErrors(form.value.password, form.value.confirm, row.user.username, { next: 'password', confirm: 'confirm' })
      : form.errors;
    if (!form.ok || errors.length > 0) {
      reply.code(400);
      return resetPage(reply, token, row.user, errors);
    }
    const passwordHash = await hashPassword(form.value.password);
    const done = await inTransaction(app.db, (tx) => resetPassword(tx, row, passwordHash, request.ip, app.now()));
    if (!done) throw new NotFound('auth.linkInvalid');
    // Whoever was signed in in this browser is signed out: the new password is for its owner to use.
    await app.sessions.end(request, reply);
    return reply.redirect('/login?reason=reset', 303);
  });

  // ─── guidance without an account ───

  app.get('/forgot', async (_request, reply) => reply.page('auth/forgot.njk'));

  app.get('/joining', { schema: { querystring: JoiningQuery } }, async (request, reply) => {
    const code = (request.query.code ?? '').trim();
    if (code !== '') return reply.redirect(`/join/${encodeURIComponent(code)}`, 303);
    return reply.page('auth/joining.njk');
  });

  // ─── profile ───

  async function profilePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown> | null,
    errors: FieldError[],
    saved = false,
  ) {
    const profile = await profileOf(app.db, actorOf(request).userId);
    return reply.page('auth/profile.njk', { profile, values: values ?? { phone: profile.phone }, errors, saved });
  }

  app.get('/profile', { preHandler: requireActor, schema: { querystring: SavedQuery } }, async (request, reply) => {
    return profilePage(request, reply, null, [], request.query.saved === '1');
  });

  app.post(
    '/profile/phone',
    { preHandler: requireActor },
    formHandler({
      schema: PhoneForm,
      async act({ request, value }) {
        const actor = actorOf(request);
        const who = { userId: actor.userId, displayName: actor.displayName, role: actor.role };
        await inTransaction(app.db, (tx) => changeOwnPhone(tx, who, value.phone, request.ip, app.now()));
        return '/profile?saved=1';
      },
      render: ({ request, reply, raw }, errors) => profilePage(request, reply, raw, errors),
    }),
  );
}

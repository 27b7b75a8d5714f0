import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { formHandler, readForm, refuseForm, validateFields } from '../../lib/form.ts';
import { inTransaction } from '../../plugins/db.ts';
import { actorOf, requireRole } from '../../lib/guards.ts';
import { AccountForm, AccountsQuery, ButtonForm, IdParams, NewAccountForm } from './schemas.ts';
import {
  grantableRoles,
  listResidents,
  listStaffAccounts,
  residentFor,
  scopeChoices,
  staffAccountFor,
  STAFF_ROLES,
  type StaffAccount,
} from './accounts-queries.ts';
import {
  changedBy,
  checkAccountFields,
  createStaffAccount,
  issueResetLink,
  setAccountActive,
  unusablePasswordHash,
  updateStaffAccount,
  type AccountFields,
} from './accounts-commands.ts';
import type { IssuedToken } from './tokens.ts';

type Values = Record<string, string | string[] | undefined>;

/**
 * Staff accounts (issue #9): administrators manage every one, community staff those of their community;
 * to anyone else /accounts does not exist (404). Creating an account types no password: it returns a
 * one-time link the creator hands over. Residents' accounts are reached from /residents by those who
 * may verify a resident (their estate's property and committee, their community, administrators), for a
 * reset link only.
 */
export default async function accountsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const managers = requireRole('admin', 'community');
  const verifiers = requireRole('admin', 'community', 'property', 'committee');

  const by = (request: FastifyRequest) => changedBy(actorOf(request), request.ip, app.now());
  const linkOf = (request: FastifyRequest, link: IssuedToken) => ({
    url: `${request.protocol}://${request.host}/reset/${link.token}`,
    expiresAt: link.expiresAt,
  });

  /** The one page that shows a link, once: it is not stored anywhere but as a hash. */
  const linkPage = (
    reply: FastifyReply,
    data: {
      account: { id: number; username: string; displayName: string };
      link: { url: string; expiresAt: Date };
      created: boolean;
      back: string;
    },
  ) => reply.header('referrer-policy', 'no-referrer').page('accounts/link.njk', data);

  // ─── the list ───

  app.get('/accounts', { preHandler: managers, schema: { querystring: AccountsQuery } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim();
    const role = request.query.role ?? '';
    const list = await listStaffAccounts(app.db, actorOf(request), { q, role, page: request.query.page ?? 1 });
    return reply.page('accounts/list.njk', { list, q, role, roles: STAFF_ROLES });
  });

  // ─── a new account ───

  async function renderNew(request: FastifyRequest, reply: FastifyReply, values: Values, errors: FieldError[]) {
    const actor = actorOf(request);
    const choices = await scopeChoices(app.db, actor);
    return reply.page('accounts/new.njk', {
      values,
      errors,
      choices,
      roles: grantableRoles(actor),
      selected: selectedEstates(values),
    });
  }

  app.get('/accounts/new', { preHandler: managers }, async (request, reply) => {
    const actor = actorOf(request);
    return renderNew(
      request,
      reply,
      { role: 'property', communityId: actor.communityId === null ? '' : String(actor.communityId) },
      [],
    );
  });

  app.post('/accounts/new', { preHandler: managers }, async (request, reply) => {
    const actor = actorOf(request);
    const { fields } = readForm(request.body);
    const form = validateFields(NewAccountForm, fields);
    if (!form.ok) {
      reply.code(400);
      return renderNew(request, reply, fields, form.errors);
    }
    const choices = await scopeChoices(app.db, actor);
    const { username: rawUsername, ...rest } = form.value;
    const username = rawUsername.trim().toLowerCase();
    const checked = checkAccountFields(actor, rest as AccountFields, choices);
    try {
      if (checked.errors.length > 0) throw new ValidationFailed(checked.errors);
      const passwordHash = await unusablePasswordHash();
      const made = await inTransaction(app.db, (tx) =>
        createStaffAccount(tx, by(request), username, checked.value, choices, passwordHash),
      );
      const account = { id: made.id, username, displayName: checked.value.displayName };
      return linkPage(reply, { account, link: linkOf(request, made.link), created: true, back: `/accounts/${made.id}` });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      reply.code(400);
      return renderNew(request, reply, fields, error.errors);
    }
  });

  // ─── one account ───

  async function renderAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    account: StaffAccount,
    values: Values | null,
    errors: FieldError[],
    saved = false,
  ) {
    const actor = actorOf(request);
    const choices = await scopeChoices(app.db, actor);
    const current: Values = values ?? {
      role: account.role,
      displayName: account.displayName,
      phone: account.phone,
      orgName: account.orgName,
      communityId: account.communityId === null ? '' : String(account.communityId),
      estateIds: account.estates.map((e) => String(e.estateId)),
    };
    const isSelf = account.id === actor.userId;
    return reply.page('accounts/show.njk', {
      account,
      values: current,
      errors,
      choices,
      roles: grantableRoles(actor),
      selected: selectedEstates(current),
      saved,
      isSelf,
    });
  }

  app.get(
    '/accounts/:id',
    { preHandler: managers, schema: { params: IdParams, querystring: AccountsQuery } },
    async (request, reply) => {
      const account = await staffAccountFor(app.db, actorOf(request), request.params.id);
      return renderAccount(request, reply, account, null, [], request.query.saved === '1');
    },
  );

  app.post(
    '/accounts/:id',
    { preHandler: managers, schema: { params: IdParams } },
    formHandler({
      schema: AccountForm,
      load: (request) => staffAccountFor(app.db, actorOf(request), (request.params as { id: number }).id),
      async act({ request, value }, account) {
        const actor = actorOf(request);
        const choices = await scopeChoices(app.db, actor);
        const checked = checkAccountFields(actor, value, choices);
        if (checked.errors.length > 0) throw new ValidationFailed(checked.errors);
        await inTransaction(app.db, (tx) => updateStaffAccount(tx, by(request), account, checked.value, choices));
        return `/accounts/${account.id}?saved=1`;
      },
      render: ({ request, reply, raw }, errors, account) => renderAccount(request, reply, account, raw, errors),
    }),
  );

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(
      `/accounts/:id/${path}`,
      { preHandler: managers, schema: { params: IdParams } },
      formHandler({
        schema: ButtonForm,
        load: (request) => staffAccountFor(app.db, actorOf(request), (request.params as { id: number }).id),
        async act({ request }, account) {
          await inTransaction(app.db, (tx) => setAccountActive(tx, by(request), account, active));
          return `/accounts/${account.id}?saved=1`;
        },
        render: refuseForm,
      }),
    );
  }

  app.post('/accounts/:id/reset-link', { preHandler: managers, schema: { params: IdParams } }, async (request, reply) => {
    const account = await staffAccountFor(app.db, actorOf(request), request.params.id);
    if (!validateFields(ButtonForm, readForm(request.body).fields).ok) return refuseForm();
    const link = await inTransaction(app.db, (tx) => issueResetLink(tx, by(request), account));
    return linkPage(reply, { account, link: linkOf(request, link), created: false, back: `/accounts/${account.id}` });
  });

  // ─── residents: a reset link for someone who forgot their password ───

  app.get('/residents', { preHandler: verifiers, schema: { querystring: AccountsQuery } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim();
    const list = await listResidents(app.db, actorOf(request), { q, page: request.query.page ?? 1 });
    return reply.page('accounts/residents.njk', { list, q });
  });

  app.post('/residents/:id/reset-link', { preHandler: verifiers, schema: { params: IdParams } }, async (request, reply) => {
    const resident = await residentFor(app.db, actorOf(request), request.params.id);
    if (!validateFields(ButtonForm, readForm(request.body).fields).ok) return refuseForm();
    const link = await inTransaction(app.db, (tx) => issueResetLink(tx, by(request), resident));
    return linkPage(reply, { account: resident, link: linkOf(request, link), created: false, back: '/residents' });
  });
}

/** The estate ids a form has ticked, as strings (a single tick arrives as one string). */
function selectedEstates(values: Values): string[] {
  const raw = values.estateIds;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

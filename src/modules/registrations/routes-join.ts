import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { readForm, validateFields } from '../../lib/form.ts';
import { hashPassword } from '../../lib/password.ts';
import { inTransaction } from '../../plugins/db.ts';
import { estateByJoinCode } from '../places/index.ts';
import { requireRole, actorOf } from '../../lib/guards.ts';
import { JoinForm, JoinParams, JoinQuery, StatusQuery } from './schemas.ts';
import { checkJoinForm, isUniqueViolation, registerResident, type JoinEstate, type JoinFields } from './commands.ts';
import { joinPickers, myRegistration } from './queries.ts';

/** What the form shows again after a failed submission: everything typed except the passwords. */
type JoinValues = Partial<Omit<JoinFields, 'joinPassword' | 'joinConfirm'>>;

/**
 * Residents join their estate (issue #9): the lobby poster's QR code opens /join/<code>. No login; a
 * wrong or rotated code is a 404 that says so. Residents log in with their mobile number, so the form
 * asks for no separate username. On success the new account is signed in and sees that it is waiting
 * for approval.
 */
export default async function joinRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function loadEstate(code: string): Promise<JoinEstate> {
    const estate = await estateByJoinCode(app.db, code);
    if (!estate) throw new NotFound('registrations.join.invalidCode');
    return estate;
  }

  async function renderJoin(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    estate: JoinEstate,
    values: JoinValues,
    errors: FieldError[],
  ) {
    const buildingId = values.joinBuilding ? Number(values.joinBuilding) : null;
    const pickers = await joinPickers(app.db, estate.id, buildingId);
    const data = {
      code,
      estate,
      values: { ...values, joinBuilding: pickers.buildingId ?? '' },
      errors,
      ...pickers,
      loggedIn: request.actor !== null,
    };
    return reply.page(request.isHtmx ? 'registrations/_units.njk' : 'registrations/join.njk', data);
  }

  // One route, two renderings: the page, or (htmx, when the building changes) the room picker alone.
  app.get('/join/:code', { schema: { params: JoinParams, querystring: JoinQuery } }, async (request, reply) => {
    const estate = await loadEstate(request.params.code);
    return renderJoin(request, reply, request.params.code, estate, { joinBuilding: request.query.joinBuilding ?? '' }, []);
  });

  app.post('/join/:code', { schema: { params: JoinParams } }, async (request, reply) => {
    const { code } = request.params;
    const estate = await loadEstate(code);
    const { fields } = readForm(request.body);
    const form = validateFields(JoinForm, fields);
    if (!form.ok) {
      reply.code(400);
      return renderJoin(request, reply, code, estate, typedValues(fields), form.errors);
    }
    const { step, joinPassword: _p, joinConfirm: _c, ...values } = form.value;
    // Without JavaScript, choosing a building posts the form to list its rooms: nothing is checked yet.
    if (step === 'units') return renderJoin(request, reply, code, estate, values, []);
    if (request.actor) {
      reply.code(409);
      return renderJoin(request, reply, code, estate, values, [{ field: 'form', code: 'reg_logged_in' }]);
    }
    const checked = await checkJoinForm(app.db, estate, form.value);
    if (!checked.ok) {
      reply.code(400);
      return renderJoin(request, reply, code, estate, values, checked.errors);
    }
    const { password, ...join } = checked.join;
    const passwordHash = await hashPassword(password); // slow on purpose: outside the transaction
    let userId: number;
    try {
      ({ userId } = await inTransaction(app.db, (tx) =>
        registerResident(tx, estate, { ...join, passwordHash }, { ip: request.ip, now: app.now() }),
      ));
    } catch (error) {
      const errors =
        error instanceof ValidationFailed
          ? error.errors
          : isUniqueViolation(error)
            ? [{ field: 'joinPhone', code: 'reg_phone_taken' }]
            : null;
      if (!errors) throw error;
      reply.code(400);
      return renderJoin(request, reply, code, estate, values, errors);
    }
    await app.sessions.start(request, reply, userId);
    // A new CSRF secret with the new session, as at login.
    reply.clearCookie('_csrf', { path: '/' });
    return reply.redirect('/registration?joined=1', 303);
  });

  /** The resident's own status: waiting for approval, approved (owner or tenant), or declined and why. */
  app.get(
    '/registration',
    { preHandler: requireRole('resident'), schema: { querystring: StatusQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      const registration = await myRegistration(app.db, actor.userId);
      const joined = request.query.joined === '1';
      return reply.page('registrations/status.njk', { registration, joined });
    },
  );
}

function typedValues(fields: Record<string, string | string[]>): JoinValues {
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const digits = (name: string) => (/^[0-9]{1,9}$/.test(text(name)) ? text(name) : '');
  return {
    joinBuilding: digits('joinBuilding'),
    joinUnit: digits('joinUnit'),
    joinName: text('joinName'),
    joinPhone: text('joinPhone'),
    joinRelation: text('joinRelation'),
  };
}

import fp from 'fastify-plugin';
import csrf from '@fastify/csrf-protection';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token from a urlencoded form, a multipart form (fields attached as {value}) or htmx's header. */
function tokenFrom(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?._csrf;
  if (typeof field === 'string') return field;
  if (field && typeof field === 'object' && 'value' in field && typeof field.value === 'string') return field.value;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * CSRF protection for every unsafe request, checked once in a hook (after the body is parsed, so forms
 * with photos are covered too, and before the body is validated). The secret lives in a signed, httpOnly cookie; forms carry the token.
 */
export default fp<{ config: AppConfig }>(
  async (app, { config }) => {
    await app.register(csrf, {
      cookieKey: '_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: config.cookieSecure },
      getToken: tokenFrom,
    });
    // preValidation, not preHandler: the body is parsed by then, and a request without a valid token is
    // refused (403) before schema validation could answer it with a 400 and tell a forger about the form.
    app.addHook('preValidation', (request, reply, done) => {
      if (!UNSAFE.has(request.method)) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf' },
);

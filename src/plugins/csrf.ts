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
 * with photos are covered too). The secret lives in a signed, httpOnly cookie; forms carry the token.
 */
export default fp<{ config: AppConfig }>(
  async (app, { config }) => {
    await app.register(csrf, {
      cookieKey: '_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: config.cookieSecure },
      getToken: tokenFrom,
    });
    app.addHook('preHandler', (request, reply, done) => {
      if (!UNSAFE.has(request.method)) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf' },
);

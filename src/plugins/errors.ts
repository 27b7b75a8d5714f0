import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { isDatabaseOverloaded } from './db.ts';

/**
 * One place that turns errors into pages: typed service errors keep their status and message key,
 * framework errors (bad body, CSRF, upload limits) get a clear 4xx page, and anything else is a 500 that
 * hides its internals.
 */
export default fp(
  async (app) => {
    app.setNotFoundHandler(async (request, reply) => {
      return renderError(request, reply, 404, 'errors.notFound');
    });

    app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
      if (error instanceof AppError) {
        if (error.statusCode === 401) return redirectToLogin(request, reply, error.messageKey);
        return renderError(request, reply, error.statusCode, error.messageKey, error.params);
      }
      const code = (error as FastifyError).code;
      if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') {
        return renderError(request, reply, 403, request.staleSession ? 'errors.sessionExpired' : 'errors.csrf');
      }
      if (
        code === 'FST_REQ_FILE_TOO_LARGE' ||
        code === 'FST_FILES_LIMIT' ||
        code === 'FST_PARTS_LIMIT' ||
        code === 'FST_FIELDS_LIMIT'
      ) {
        return renderError(request, reply, 413, 'errors.uploadTooLarge');
      }
      if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return renderError(request, reply, 413, 'errors.bodyTooLarge');
      if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return renderError(request, reply, 415, 'errors.badRequest');
      }
      const status = (error as FastifyError).statusCode;
      if (status && status >= 400 && status < 500) {
        request.log.info({ err: error }, 'client error');
        return renderError(
          request,
          reply,
          status,
          (error as FastifyError).validation ? 'errors.validation' : 'errors.badRequest',
        );
      }
      if (isDatabaseOverloaded(error)) {
        // Another process held the write lock through every retry (or this one's queue was too long):
        // nothing was written; the person is asked to try again, never shown "database is locked".
        request.log.warn({ err: error }, 'database busy');
        reply.header('Retry-After', '2');
        return renderError(request, reply, 503, 'errors.busy');
      }
      request.log.error({ err: error }, 'unhandled error');
      return renderError(request, reply, 500, 'errors.internal');
    });
  },
  { name: 'errors', dependencies: ['views'] },
);

async function redirectToLogin(request: FastifyRequest, reply: FastifyReply, messageKey: string) {
  const next = request.method === 'GET' ? request.url : '';
  const reason = request.staleSession ? 'expired' : 'required';
  const target = `/login?reason=${reason}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
  if (request.headers['hx-request'] === 'true') {
    return reply.code(401).header('HX-Redirect', target).send('');
  }
  if (request.method === 'GET') return reply.redirect(target, 303);
  return renderError(request, reply, 401, request.staleSession ? 'errors.sessionExpired' : messageKey);
}

async function renderError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  messageKey: string,
  params: Record<string, string | number> = {},
) {
  reply.code(status);
  const wantsHtml =
    !String(request.headers.accept ?? '').includes('application/json') ||
    String(request.headers.accept ?? '').includes('text/html');
  if (!wantsHtml) return reply.send({ error: messageKey, status });
  try {
    return await reply.page('error.njk', { status, messageKey, params });
  } catch (renderFailure) {
    request.log.error({ err: renderFailure }, 'error page failed to render');
    return reply.type('text/plain; charset=utf-8').send(`${status}`);
  }
}

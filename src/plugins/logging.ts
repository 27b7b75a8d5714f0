import type { FastifyRequest } from 'fastify';

/**
 * What the request log may show of a URL. Some URLs are credentials: the calendar feed (`/calendar/<token>.ics`,
 * read by calendar apps without a session), the account setup and password reset links, and an estate's
 * join link. A log line is read by whoever runs the machine and is kept in backups, so the secret part is
 * replaced before anything is written, wherever it appears in the URL: as the path, or inside a query
 * parameter (`/login?next=%2Freset%2F...`).
 */
const SECRET_PATH = /^(\/+(?:calendar|reset|setup|join)\/)[^/?#.]+/i;
/** Query parameters that carry a secret themselves. */
const SECRET_PARAMS = new Set(['token', 'code']);
export const REDACTED = '[redacted]';

/** The URL with every secret replaced by `[redacted]`; the rest (route, extension, other parameters) kept. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(SECRET_PATH, `$1${REDACTED}`);
  if (q === -1) return path;
  const query = url.slice(q + 1);
  const params = new URLSearchParams(query);
  let changed = false;
  const kept: [string, string][] = [];
  for (const [name, value] of params) {
    let shown = value;
    if (SECRET_PARAMS.has(name.toLowerCase())) shown = REDACTED;
    else if (value.startsWith('/')) shown = redactUrl(value);
    if (shown !== value) changed = true;
    kept.push([name, shown]);
  }
  return changed ? `${path}?${new URLSearchParams(kept).toString()}` : `${path}?${query}`;
}

/** The request as a log line shows it (Fastify's default fields, the URL redacted). */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The logger options for Fastify: the caller's (a level, a stream for tests, or false for none), always
 * with the redacting request serializer, which nobody can switch off by passing their own.
 */
export function loggerOptions(logger: boolean | Record<string, unknown> | undefined, level: string) {
  if (logger === false) return false;
  const base: Record<string, unknown> = logger === undefined || logger === true ? { level } : logger;
  const serializers = (base.serializers ?? {}) as Record<string, unknown>;
  return { ...base, serializers: { ...serializers, req: serializeRequest } };
}

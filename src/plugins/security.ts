import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';

/** What every response other than a public static asset is sent with. */
const PRIVATE = 'private, no-store';

/** The CSS, images and htmx served by plugins/static.ts: public, the same for everyone, cached as it says. */
const PUBLIC_PREFIXES = ['/public/', '/vendor/'];

function isPublicAsset(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && PUBLIC_PREFIXES.some((prefix) => route.startsWith(prefix));
}

/**
 * Strict security headers. No inline script or style anywhere: htmx is told not to inject its indicator
 * style (meta htmx-config in the layout) and the app ships that CSS itself.
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: { maxAge: 15552000, includeSubDomains: true },
    });
    app.addHook('onSend', async (request, reply) => {
      reply.header('Permissions-Policy', 'camera=(self), geolocation=(), microphone=(), payment=()');
      // Everything but the public static assets is private: pages behind the login, photos and attachments,
      // .ics feeds (whose URL is a credential) and CSV exports carry personal data, and even the public pages
      // carry a CSRF token. Neither a shared cache nor the browser's (after logout, on a shared phone) keeps them.
      if (!isPublicAsset(request)) reply.header('cache-control', PRIVATE);
    });
  },
  { name: 'security' },
);

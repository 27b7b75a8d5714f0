import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

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
    app.addHook('onSend', async (_req, reply) => {
      reply.header('Permissions-Policy', 'camera=(self), geolocation=(), microphone=(), payment=()');
    });
  },
  { name: 'security' },
);

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { AppConfig } from './config.ts';
import dbPlugin from './plugins/db.ts';
import sessionPlugin from './plugins/session.ts';
import securityPlugin from './plugins/security.ts';
import staticPlugin from './plugins/static.ts';
import viewsPlugin from './plugins/views.ts';
import csrfPlugin from './plugins/csrf.ts';
import errorsPlugin from './plugins/errors.ts';
import { bufferUpload } from './plugins/uploads.ts';
import authRoutes from './modules/auth/routes.ts';
import homeRoutes from './modules/home/routes.ts';
import issueRoutes from './modules/issues/routes.ts';
import attachmentRoutes from './modules/attachments/routes.ts';
import noticeRoutes from './modules/notices/routes.ts';
import meetingRoutes from './modules/meetings/routes.ts';
import notificationRoutes from './modules/notifications/routes.ts';
import dashboardRoutes from './modules/dashboard/routes.ts';
import voteRoutes from './modules/votes/routes.ts';
import rosterRoutes from './modules/roster/routes.ts';
import ledgerRoutes from './modules/ledger/routes.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOptions {
  /** The clock every rule reads; tests inject their own. */
  now?: () => Date;
  logger?: boolean | object;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    now: () => Date;
  }
}

/** Builds the whole app without listening: server.ts listens, tests inject. */
export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    // Ids in URLs are integers; anything else is a 404 from the schema, not a database error.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('config', config);
  app.decorate('now', now);

  await app.register(cookie, { secret: config.cookieSecret });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, {
    attachFieldsToBody: true,
    onFile: bufferUpload,
    // One more file than allowed, so "too many photos" is reported on the form rather than as a
    // framework error; the file size limit truncates (checked per file) instead of throwing.
    throwFileSizeLimit: false,
    limits: {
      fileSize: config.uploadMaxBytes,
      files: config.uploadMaxFiles + 1,
      fields: 50,
      fieldSize: 16 * 1024,
      parts: config.uploadMaxFiles + 51,
    },
  });
  await app.register(dbPlugin, { databaseFile: config.databaseFile });
  await app.register(sessionPlugin, { config, now });
  await app.register(securityPlugin);
  await app.register(staticPlugin, { root: ROOT });
  await app.register(viewsPlugin, { root: ROOT });
  await app.register(csrfPlugin, { config });
  await app.register(errorsPlugin);

  await app.register(homeRoutes);
  await app.register(authRoutes);
  await app.register(issueRoutes);
  await app.register(attachmentRoutes);
  await app.register(noticeRoutes);
  await app.register(meetingRoutes);
  await app.register(notificationRoutes);
  await app.register(dashboardRoutes);
  await app.register(voteRoutes);
  await app.register(rosterRoutes);
  await app.register(ledgerRoutes);

  return app;
}

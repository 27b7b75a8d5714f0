import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { AppConfig } from './config.ts';
import dbPlugin from './plugins/db.ts';
import reportReadsPlugin from './plugins/report-reads.ts';
import sqlPlugin from './plugins/sql.ts';
import sessionPlugin from './plugins/session.ts';
import securityPlugin from './plugins/security.ts';
import staticPlugin from './plugins/static.ts';
import viewsPlugin from './plugins/views.ts';
import csrfPlugin from './plugins/csrf.ts';
import errorsPlugin from './plugins/errors.ts';
import { loggerOptions } from './plugins/logging.ts';
import { bufferUpload } from './plugins/uploads.ts';
import type { ScheduledJob } from './scheduler.ts';
import { attachmentsRoutes } from './modules/attachments/index.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { authRoutes, sessionStore, jobs as authJobs } from './modules/auth/index.ts';
import { dashboardRoutes } from './modules/dashboard/index.ts';
import { homeRoutes } from './modules/home/index.ts';
import { issuesRoutes, jobs as issuesJobs } from './modules/issues/index.ts';
import { ledgerRoutes } from './modules/ledger/index.ts';
import { meetingsRoutes, canSeeMeeting, jobs as meetingsJobs } from './modules/meetings/index.ts';
import { noticesRoutes } from './modules/notices/index.ts';
import {
  notificationsRoutes,
  unreadCount,
  unreadCountSubquery,
  jobs as notificationsJobs,
} from './modules/notifications/index.ts';
import { placesRoutes } from './modules/places/index.ts';
import { rosterRoutes } from './modules/roster/index.ts';
import { registrationsRoutes } from './modules/registrations/index.ts';
import { votesRoutes, jobs as votesJobs, unitsLockedByOpenVotes } from './modules/votes/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every module's scheduled jobs, in the order they run. Notification delivery comes last: it hands on
 * what the jobs before it (and every request since the last run) wrote. */
const JOBS: readonly ScheduledJob[] = [...authJobs, ...issuesJobs, ...meetingsJobs, ...votesJobs, ...notificationsJobs];

interface BuildOptions {
  /** The clock every rule reads; tests inject their own. */
  now?: () => Date;
  /** false for none, or pino options (a level, a stream); the request serializer always redacts secrets. */
  logger?: boolean | Record<string, unknown>;
  /** Called with every SQL statement either connection runs (tests count a page's statements). */
  onStatement?: (sql: string) => void;
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
    logger: loggerOptions(options.logger, config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    // Ids in URLs are integers; anything else is a 404 from the schema, not a database error.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('config', config);
  app.decorate('now', now);
  app.decorate('jobs', JOBS);

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
  await app.register(dbPlugin, { databaseFile: config.databaseFile, onStatement: options.onStatement });
  await app.register(sqlPlugin, { databaseFile: config.databaseFile, onStatement: options.onStatement });
  await app.register(reportReadsPlugin, {
    readDatabaseUrl: config.readDatabaseUrl,
    maxLagSeconds: config.readMaxLagSeconds,
    onStatement: options.onStatement,
  });
  await app.register(sessionPlugin, { config, now, store: sessionStore(app.db, app.sql, unreadCountSubquery) });
  await app.register(securityPlugin);
  await app.register(staticPlugin, { root: ROOT });
  await app.register(viewsPlugin, { root: ROOT, unreadCount: (userId) => unreadCount(app.db, userId) });
  await app.register(csrfPlugin, { config });
  await app.register(errorsPlugin);

  await app.register(homeRoutes);
  await app.register(authRoutes);
  await app.register(issuesRoutes);
  await app.register(attachmentsRoutes);
  await app.register(noticesRoutes, { canSeeMeeting: (actor, meetingId) => canSeeMeeting(app.db, actor, meetingId) });
  await app.register(meetingsRoutes);
  await app.register(notificationsRoutes);
  await app.register(dashboardRoutes);
  await app.register(votesRoutes);
  await app.register(rosterRoutes, { unitsLockedByOpenVotes });
  await app.register(ledgerRoutes);
  await app.register(placesRoutes, { unitsLockedByOpenVotes });
  await app.register(auditRoutes);
  await app.register(registrationsRoutes);

  return app;
}

import path from 'node:path';
import { loadConfig } from '../config.ts';
import { DEFAULT_DATABASE_URL, databaseFileFromUrl } from '../db-url.ts';
import type { Provider } from './backup-manifest.ts';

/** Where the database lives, as `DATABASE_URL` says. */
export type DatabaseTarget = { provider: 'sqlite'; file: string } | { provider: 'postgresql'; url: string };

export interface OpsConfig {
  database: DatabaseTarget;
  uploadDir: string;
  backupDir: string;
}

export function providerOf(url: string): Provider {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgresql' : 'sqlite';
}

/**
 * The backup and restore commands' configuration, read the way the app reads its own (`loadConfig`
 * checks every key and resolves UPLOAD_DIR the same way), plus BACKUP_DIR (default ./data/backups,
 * relative to the working directory). The database key is read here, so a postgresql:// URL works
 * whatever the app's config makes of it.
 */
export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const url = (env.DATABASE_URL ?? '').trim() || DEFAULT_DATABASE_URL;
  const provider = providerOf(url);
  const app = loadConfig(provider === 'postgresql' ? { ...env, DATABASE_URL: DEFAULT_DATABASE_URL } : env);
  return {
    database: provider === 'postgresql' ? { provider, url } : { provider, file: databaseFileFromUrl(url) },
    uploadDir: app.uploadDir,
    backupDir: path.resolve(env.BACKUP_DIR || './data/backups'),
  };
}

/** A PostgreSQL URL fit to print or record: the password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/**
 * The URL as libpq (pg_dump, pg_restore, psql) takes it: Prisma's own parameters (`schema`,
 * `connection_limit`, …) removed, since libpq refuses a parameter it does not know.
 */
export function libpqUrl(url: string): string {
  const parsed = new URL(url);
  const prismaOnly = PRISMA_PARAMETERS.filter((name) => parsed.searchParams.has(name));
  // left as written otherwise: re-encoding the query would turn a space into '+', which libpq reads as is
  if (prismaOnly.length === 0) return url;
  for (const name of prismaOnly) parsed.searchParams.delete(name);
  return parsed.toString();
}

const PRISMA_PARAMETERS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'socket_timeout',
  'pgbouncer',
  'statement_cache_size',
  'sslaccept',
  'sslidentity',
];

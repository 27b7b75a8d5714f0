import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadEnvFileOrExit } from '../config.ts';
import { isPostgresqlUrl } from '../db-url.ts';
import { MigrationError, migratePostgresql } from './migrate-postgresql.ts';

/**
 * `npm start`'s prestart (and `npm run db:migrate`): brings the database DATABASE_URL names up to date with
 * the migrator for its kind. SQLite: `prisma migrate deploy` through the better-sqlite3 adapter, as ever.
 * PostgreSQL: src/cli/migrate-postgresql.ts, which applies prisma/postgresql/migrations itself (Prisma
 * cannot migrate through its PostgreSQL adapter, prisma/orm#27403).
 */
loadEnvFileOrExit();
const url = process.env.DATABASE_URL;
if (isPostgresqlUrl(url)) {
  try {
    const done = await migratePostgresql(url as string, { log: (line) => console.log(line) });
    console.log(done.length === 0 ? 'No pending migrations to apply.' : `Applied ${done.length} migration(s).`);
  } catch (error) {
    console.error(error instanceof MigrationError ? error.message : error);
    process.exitCode = 1;
  }
} else {
  const prisma = path.resolve(import.meta.dirname, '../../node_modules/.bin/prisma');
  const result = spawnSync(prisma, ['migrate', 'deploy'], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}

/**
 * The PostgreSQL variant of the schema, generated from the one source of truth (prisma/schema.prisma).
 *
 * `npm run db:pg:generate` writes prisma/postgresql/schema.prisma: the same models with the datasource's
 * provider switched and the client generated into its own folder (src/generated/prisma-pg; the Kysely row
 * types stay the SQLite schema's, one set for both databases). When the models changed since the file was
 * last written, it also writes the PostgreSQL migration for the change (`prisma migrate diff` from the old
 * variant to the new one) into prisma/postgresql/migrations, named after the newest SQLite migration, so the
 * two sets advance in step. SQL a SQLite migration adds by hand (triggers, the search index) is ported by
 * hand into that migration. tests/integration/migrations-postgresql.test.ts fails when either set drifts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SOURCE_SCHEMA = path.join(ROOT, 'prisma/schema.prisma');
export const POSTGRESQL_SCHEMA = path.join(ROOT, 'prisma/postgresql/schema.prisma');
export const SQLITE_MIGRATIONS = path.join(ROOT, 'prisma/migrations');
export const POSTGRESQL_MIGRATIONS = path.join(ROOT, 'prisma/postgresql/migrations');
const PRISMA = path.join(ROOT, 'node_modules/.bin/prisma');

const HEADER = `// GENERATED from prisma/schema.prisma by prisma/postgresql/generate.ts (npm run db:pg:generate).
// Do not edit: change prisma/schema.prisma and run the script again.

`;

/** Replaces exactly one match of `pattern` in `text`, or says which part of the schema it did not find. */
function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`prisma/schema.prisma: expected one ${what}, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

/** The PostgreSQL variant of a schema's text (pure: the check compares it with the committed file). */
export function postgresqlSchema(source: string): string {
  let schema = replaceOnce(source, /(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"', 'sqlite datasource');
  // Paths are relative to the schema file, one folder deeper here.
  schema = replaceOnce(
    schema,
    /output(\s*)= "\.\.\/src\/generated\/prisma"/,
    'output$1= "../../src/generated/prisma-pg"',
    'client output',
  );
  // One set of Kysely row types serves both databases (they are generated from the SQLite schema).
  schema = replaceOnce(schema, /\n(\/\/[^\n]*\n)*generator kysely \{[^}]*\}\n/, '', 'kysely generator');
  return HEADER + schema;
}

/** The SQL that takes a database from one PostgreSQL schema to another (`null`: from an empty database). */
export function migrationSql(from: string | null, toFile: string): string {
  const args = ['migrate', 'diff', ...(from === null ? ['--from-empty'] : ['--from-schema-datamodel', from])];
  return execFileSync(PRISMA, [...args, '--to-schema-datamodel', toFile, '--script'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Migration folders of a set, oldest first. */
export function migrationNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** A diff with nothing to do: Prisma writes only its "empty migration" comment. */
const isEmptyMigration = (sql: string) => sql.replace(/^--.*$/gm, '').trim() === '';

/**
 * Writes the PostgreSQL schema and, when its models changed, the migration for the change. Returns what it
 * wrote (the paths), so a caller can say so.
 */
export function generate(): string[] {
  const written: string[] = [];
  const next = postgresqlSchema(readFileSync(SOURCE_SCHEMA, 'utf8'));
  const previous = existsSync(POSTGRESQL_SCHEMA) ? readFileSync(POSTGRESQL_SCHEMA, 'utf8') : null;
  if (previous === next) return written;
  const work = mkdtempSync(path.join(tmpdir(), 'sanfang-pg-schema-'));
  try {
    const nextFile = path.join(work, 'next.prisma');
    writeFileSync(nextFile, next);
    let previousFile: string | null = null;
    if (previous !== null) {
      previousFile = path.join(work, 'previous.prisma');
      writeFileSync(previousFile, previous);
    }
    const sql = migrationSql(previousFile, nextFile);
    if (!isEmptyMigration(sql)) {
      const newest = migrationNames(SQLITE_MIGRATIONS).at(-1);
      if (!newest) throw new Error('prisma/migrations has no migration to name the PostgreSQL one after');
      // The first one creates every table the SQLite set has built by then.
      const name = previous === null ? `${newest.slice(0, newest.indexOf('_'))}_init` : newest;
      const folder = path.join(POSTGRESQL_MIGRATIONS, name);
      if (existsSync(folder)) {
        throw new Error(
          `${path.relative(ROOT, folder)} exists already: add the SQLite migration for this change first, then run this again`,
        );
      }
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'migration.sql'), sql);
      written.push(path.relative(ROOT, path.join(folder, 'migration.sql')));
    }
    writeFileSync(POSTGRESQL_SCHEMA, next);
    written.push(path.relative(ROOT, POSTGRESQL_SCHEMA));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return written;
}

/**
 * Generates the PostgreSQL client from the committed variant. Prisma reads the datasource's URL to choose the
 * client's engine; a `file:` URL (the SQLite default prisma.config.ts sets) under a postgresql provider makes
 * it fetch a native engine from the network, so a placeholder PostgreSQL URL is given: nothing connects.
 */
export function generateClient(): void {
  execFileSync(PRISMA, ['generate', '--schema', POSTGRESQL_SCHEMA], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: 'postgresql://localhost/sanfang' },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  // `--client`: only the client (npm install's postinstall), never a schema or migration written.
  if (!process.argv.includes('--client')) {
    const written = generate();
    console.log(written.length === 0 ? 'prisma/postgresql is up to date' : `wrote ${written.join(', ')}`);
  }
  generateClient();
}

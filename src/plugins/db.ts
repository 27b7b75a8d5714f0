import { mkdirSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;
/** A client or an interactive-transaction client: services take either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

declare module 'fastify' {
  interface FastifyInstance {
    db: PrismaClient;
  }
}

/**
 * Opens the SQLite file through the better-sqlite3 adapter and sets the pragmas this app relies on.
 * SQLite-specific statements stay here (STYLE.md, convention 12).
 */
export async function openDatabase(file: string): Promise<PrismaClient> {
  mkdirSync(path.dirname(file), { recursive: true });
  // timeout = busy_timeout in ms: a second writer waits instead of failing at once.
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 });
  const db = new PrismaClient({ adapter });
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  // FULL: an acknowledged ballot or state change survives a power cut, at a small cost per commit.
  await db.$queryRawUnsafe('PRAGMA synchronous = FULL');
  return db;
}

export default fp<{ databaseFile: string }>(
  async (app, opts) => {
    const db = await openDatabase(opts.databaseFile);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.$disconnect();
    });
  },
  { name: 'db' },
);

/**
 * The one transaction convention (STYLE.md, 7): commands take a `DbTx`; whoever starts the use case
 * opens the transaction once, here. Nothing inspects a client at run time to guess whether it is
 * already inside one.
 */
export function inTransaction<T>(db: Db, fn: (tx: DbTx) => Promise<T>, options?: { timeout?: number }): Promise<T> {
  return db.$transaction(fn, options);
}

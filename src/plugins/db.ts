import { mkdirSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { PrismaClient as PrismaPgClient } from '../generated/prisma-pg/client.ts';
import { isPostgresqlUrl } from '../db-url.ts';

export type Db = PrismaClient;
/** A client or an interactive-transaction client: services take either. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

declare module 'fastify' {
  interface FastifyInstance {
    db: PrismaClient;
  }
}

/** Clients opened on PostgreSQL: a transaction of theirs that deadlocked or failed to serialize runs again. */
const postgresqlClients = new WeakSet<Db>();

/**
 * Opens the database `location` names (config.databaseFile, src/db-url.ts): a SQLite file, or a
 * PostgreSQL URL. SQLite-specific statements stay here (STYLE.md, convention 12).
 */
export async function openDatabase(location: string, onStatement?: (sql: string) => void): Promise<PrismaClient> {
  return isPostgresqlUrl(location) ? openPostgresql(location, onStatement) : openSqlite(location, onStatement);
}

/** Opens the SQLite file through the better-sqlite3 adapter and sets the pragmas this app relies on. */
async function openSqlite(file: string, onStatement?: (sql: string) => void): Promise<PrismaClient> {
  mkdirSync(path.dirname(file), { recursive: true });
  // timeout = busy_timeout in ms: a second writer waits instead of failing at once. `verbose` sees every
  // statement (tests count a page's statements with it).
  const adapter = new PrismaBetterSQLite3({
    url: `file:${file}`,
    timeout: 5000,
    ...(onStatement ? { verbose: (message?: unknown) => onStatement(String(message)) } : {}),
  });
  const db = new PrismaClient({ adapter });
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  // FULL: an acknowledged ballot or state change survives a power cut, at a small cost per commit.
  await db.$queryRawUnsafe('PRAGMA synchronous = FULL');
  return db;
}

/**
 * Opens PostgreSQL through the pg adapter with the client generated from prisma/postgresql/schema.prisma.
 * The two generated clients have the same models and methods (the schema is one, only its provider
 * differs), so the app types both as the SQLite one; PostgreSQL-only query options are not used.
 */
async function openPostgresql(url: string, onStatement?: (sql: string) => void): Promise<PrismaClient> {
  const adapter = new PrismaPg({ connectionString: url, max: POSTGRESQL_POOL_SIZE });
  const client = new PrismaPgClient({ adapter, ...(onStatement ? { log: [{ emit: 'event', level: 'query' }] } : {}) });
  if (onStatement) client.$on('query' as never, (event: { query: string }) => onStatement(event.query));
  await client.$connect();
  const db = client as unknown as PrismaClient;
  postgresqlClients.add(db);
  return db;
}

/** Connections of one server process to PostgreSQL for writes and Prisma's reads (pg's default is 10). */
const POSTGRESQL_POOL_SIZE = 10;

export default fp<{ databaseFile: string; onStatement?: (sql: string) => void }>(
  async (app, opts) => {
    const db = await openDatabase(opts.databaseFile, opts.onStatement);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.$disconnect();
    });
  },
  { name: 'db' },
);

/** SQLite's answers when another connection (another server process) holds or has just moved the write lock. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT']);

/**
 * Whether an error is SQLite saying "another writer, try again" (SQLITE_BUSY and its extended codes,
 * "database is locked"), however Prisma and its adapter wrapped it: as the error's own code, as the
 * driver adapter's original code (a plain SQLITE_BUSY arrives as P1008 "Operations timed out"), or only
 * in the message. Nothing else counts: a constraint, a timeout of our own, a bug is not retried.
 */
export function isDatabaseBusy(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const { code, message, meta, cause } = e as {
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } };
      cause?: unknown;
    };
    if (typeof code === 'string' && BUSY_CODES.has(code)) return true;
    const driver = meta?.driverAdapterError?.cause;
    if (typeof driver?.originalCode === 'string' && BUSY_CODES.has(driver.originalCode)) return true;
    if (typeof driver?.originalMessage === 'string' && driver.originalMessage.includes('database is locked')) return true;
    if (typeof message === 'string' && /\bdatabase is locked\b/.test(message)) return true;
    e = cause;
  }
  return false;
}

/**
 * Whether PostgreSQL refused a transaction because a concurrent one conflicted with it (SQLSTATE 40001)
 * or they deadlocked (40P01); Prisma reports both as P2034. Nothing was written: the transaction may run
 * again, as a SQLite transaction that met another writer does.
 */
export function isSerializationConflict(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const { code, meta, cause, originalCode, kind } = e as {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } };
      cause?: unknown;
      originalCode?: unknown;
      kind?: unknown;
    };
    if (code === 'P2034' || code === '40001' || code === '40P01') return true;
    // A conflict found at COMMIT arrives as the adapter's own DriverAdapterError, its cause bare.
    if (originalCode === '40001' || originalCode === '40P01' || kind === 'TransactionWriteConflict') return true;
    const driver = meta?.driverAdapterError?.cause;
    if (driver?.originalCode === '40001' || driver?.originalCode === '40P01' || driver?.kind === 'TransactionWriteConflict') {
      return true;
    }
    e = cause;
  }
  return false;
}

/**
 * Whether the database could not take the work now: busy past every retry, or this process's queue of
 * transactions (one connection runs one at a time) too long to start another in time. The errors plugin
 * answers both with a 503 "busy, try again", never with the database's words.
 */
export function isDatabaseOverloaded(error: unknown): boolean {
  if (isDatabaseBusy(error) || isSerializationConflict(error)) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'P2028' && typeof message === 'string' && message.includes('Unable to start a transaction');
}

/**
 * How long a transaction may wait for its turn at the database, from the moment it is asked for: behind
 * this process's other transactions (one connection runs one at a time) and behind other processes'
 * writes together. A burst of a few hundred ballots at once is served within it; past it the person is
 * told the system is busy (a 503) rather than left waiting.
 */
const WRITE_PATIENCE_MS = 20_000;
/** After meeting another process's write, this process knocks again after this pause, doubling with each
 * refusal in a row up to BUSY_MAX_PAUSE_MS, jittered (half to all of it) so processes fall out of step. */
const BUSY_FIRST_PAUSE_MS = 2;
const BUSY_MAX_PAUSE_MS = 100;

/**
 * Per connection (per process): while another process holds the write lock, when this process may knock
 * again, and how many refusals in a row it has met. One transaction knocks; the others of this process
 * wait for the pause instead of each reading, failing and rolling back in turn (a storm of wasted work
 * that would slow the writer they wait for).
 */
interface BusyState {
  notBefore: number;
  refusals: number;
}
const busyStates = new WeakMap<Db, BusyState>();

/** Thrown inside a transaction that started while its process was pausing: it reads nothing and waits. */
const PAUSING = Symbol('pausing');

/** Still paused when the patience ran out, without having met the other writer itself. */
class StillBusy extends Error {
  readonly code = 'SQLITE_BUSY';
  constructor() {
    super('database is locked: another process held the write lock past the write patience');
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one transaction convention (STYLE.md, 7): commands take a `DbTx`; whoever starts the use case
 * opens the transaction once, here. Nothing inspects a client at run time to guess whether it is
 * already inside one.
 *
 * Several server processes share the SQLite file, and SQLite has one writer. Prisma begins a deferred
 * transaction, so one that has read cannot write while another process holds the write lock, nor after
 * that process committed (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT: SQLite does not wait for a reader, and
 * waiting would not cure it). Then nothing was written: the whole of `fn` runs again on a fresh snapshot
 * after a short jittered pause, until WRITE_PATIENCE_MS is spent (each run re-reads, so a check like
 * "still open?" or "already filed?" is made again). Only busy errors are retried. So `fn` must have no
 * effect outside the database: files are stored before the transaction and removed if it finally fails
 * (attachments' `withStoredFiles`), and notifications leave through the outbox job. Within one process
 * they never meet: one connection runs its transactions one at a time (and better-sqlite3 being
 * synchronous, one that awaits no I/O runs to its end in one turn of the event loop).
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: DbTx) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
): Promise<T> {
  const giveUpAt = Date.now() + WRITE_PATIENCE_MS;
  // PostgreSQL: READ COMMITTED (its default). Our writes order themselves without SQLite's single writer:
  // a command first writes the row it claims (the version, the vote's proposal row), so a second
  // one waits for that row's lock and then reads what the first committed; repeats meet unique keys.
  // SERIALIZABLE was measured worse: 300 ballots at once on one vote aborted each other past the write
  // patience (503s), where READ COMMITTED records all 300 (tests/integration/concurrent-ballots.test.ts).
  // A deadlock or serialization failure is still run again, as SQLite's "busy" is.
  const postgresql = postgresqlClients.has(db);
  let state = busyStates.get(db);
  if (!state) busyStates.set(db, (state = { notBefore: 0, refusals: 0 }));
  let busy: unknown = null;
  for (;;) {
    const wait = Math.min(state.notBefore, giveUpAt) - Date.now();
    if (wait > 0) await pause(wait);
    if (busy !== null && Date.now() >= giveUpAt) throw busy;
    try {
      const result = await db.$transaction(
        async (tx) => {
          // Another transaction of this process met the other writer after this one queued: wait too.
          if (Date.now() < state.notBefore) throw PAUSING;
          return fn(tx);
        },
        {
          maxWait: Math.max(1, giveUpAt - Date.now()),
          ...options,
        },
      );
      state.refusals = 0;
      return result;
    } catch (error) {
      if (error === PAUSING) {
        busy ??= new StillBusy();
        continue;
      }
      if (!isDatabaseBusy(error) && !(postgresql && isSerializationConflict(error))) throw error;
      busy = error;
      state.refusals += 1;
      const ceiling = Math.min(BUSY_MAX_PAUSE_MS, BUSY_FIRST_PAUSE_MS * 2 ** Math.min(state.refusals - 1, 10));
      state.notBefore = Date.now() + ceiling / 2 + Math.random() * (ceiling / 2);
    }
  }
}

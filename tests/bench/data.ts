/**
 * Generates the benchmark's city into its own SQLite file, reproducibly (a seeded PRNG):
 *
 *   npm run bench:data -- --size 1m            # 10k | 100k | 1m (default 100k)
 *   npm run bench:data -- --size 10k --out /tmp/city.db --seed 7 --now 2026-12-01T00:00:00Z --check
 *   npm run bench:data -- --size 10k --postgresql   # the same, then loaded into PostgreSQL (city/postgres-load.ts)
 *
 * The places are the same at every size (150 communities, 700 estates, 10,000 buildings, 300,000 units and
 * their owners, 50,000 residents and the staff); the activity scales with it (1m: 1,000,000 issues, 5,000
 * meetings and 2,000 fund votes; 100k a tenth; 10k a hundredth). The bench fixtures (accounts, the bench
 * estate's long issue and open vote) are there at every size. The database is made by `prisma migrate
 * deploy`, so the server runs on it as is; a manifest for the bench runner is written beside it
 * (<out>.json). Same seed and same --now (default: today 00:00 UTC) give the same rows. With --postgresql the
 * finished file is copied into the database city_<size> of the bench's PostgreSQL cluster
 * (tests/bench/.data/pg), recorded in the manifest as `postgresql`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../../src/lib/password.ts';
import type { City } from './city/city.ts';
import { writeFixtures } from './city/fixtures.ts';
import { IssueWriter } from './city/issue-rows.ts';
import { writeIssues } from './city/issues.ts';
import { Meetings } from './city/meetings.ts';
import { NoticeWriter, writeGeneralNotices } from './city/notices.ts';
import { BENCH_ACCOUNTS, BENCH_VOTERS, writePeople } from './city/people.ts';
import { planOwners, writeCategories, writeOwners, writePlaces } from './city/places.ts';
import { Rng, Weighted } from './city/random.ts';
import { checkCity } from './city/check.ts';
import { loadCityIntoPostgresql, type PostgresqlCity } from './city/postgres-load.ts';
import { migrateFresh, Store } from './city/store.ts';
import { Votes } from './city/votes.ts';
import { DAY, HISTORY_DAYS, type EstateInfo } from './city/city.ts';

const SIZES: Record<string, number> = { '10k': 0.01, '100k': 0.1, '1m': 1 };
export const BENCH_PASSWORD = 'bench-password-1';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100k' },
    out: { type: 'string' },
    seed: { type: 'string', default: '20261130' },
    now: { type: 'string' },
    check: { type: 'boolean', default: false },
    postgresql: { type: 'boolean', default: false },
  },
});
const size = values.size ?? '100k';
const factor = SIZES[size];
if (factor === undefined) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got ${size}`);
const out = path.resolve(values.out ?? path.join(import.meta.dirname, '.data', `city-${size}.db`));
const seed = Number(values.seed);
const now = values.now ? Date.parse(values.now) : Math.floor(Date.now() / DAY) * DAY;
if (!Number.isInteger(seed) || Number.isNaN(now)) throw new Error('--seed must be an integer and --now a date');

const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

log(`city ${size} (factor ${factor}, seed ${seed}, now ${new Date(now).toISOString()}) -> ${out}`);
migrateFresh(out);
log('migrated (prisma migrate deploy)');
const passwordHash = await hashPassword(BENCH_PASSWORD);
const store = new Store(out);
const rng = new Rng(seed);

const categories = writeCategories(store);
const places = writePlaces(store, rng, now);
const owners = planOwners(rng, places.estates, places.units, 1 + BENCH_VOTERS);
const people = writePeople({ store, rng, now, passwordHash, ...places, owners });
const city: City = { now, factor, rng, store, passwordHash, categories, ...places, owners, people, log };
writeOwners(city);
log(`places and people: ${places.units.count} units, ${owners.key.length} owners, ${people.nextId - 1} users`);

const notices = new NoticeWriter(city);
const writer = new IssueWriter(city);
const meetings = new Meetings(city, Math.round(5000 * factor));
const votes = new Votes(city, notices, writer);
const issueCount = Math.round(1_000_000 * factor);
const proposals = Math.round(2000 * factor);
const stream = writeIssues(city, writer, meetings, votes, issueCount, Math.round(proposals / 4));
log(`issues: ${stream.count} (${votes.count} of them waited on a fund vote)`);

const byEstate = new Weighted(city.estates.map((e) => e.issueWeight));
while (votes.count < proposals) {
  const estate = city.estates[byEstate.index(rng)] as EstateInfo;
  votes.create({ estate, openedAt: now - rng.between(1, HISTORY_DAYS - 30) * DAY });
}
const fixtures = writeFixtures(city, writer, votes, stream.count + 1, stream.publicIssueId);
meetings.write(notices);
writeGeneralNotices(city, notices);
log(`fund votes: ${votes.count}, meetings: ${meetings.count}; fixtures written`);

store.finish(log);
const issues = store.rows('Issue');
const counts = store.rowCounts();
if (values.check) checkCity(store.db, now, log);
store.close();

const generatedIn = Math.round((Date.now() - started) / 100) / 10;
let postgresql: PostgresqlCity | null = null;
if (values.postgresql) {
  log('loading into PostgreSQL');
  postgresql = await loadCityIntoPostgresql(out, size, log);
  log(`PostgreSQL ${postgresql.database} loaded in ${postgresql.loadedIn} s`);
}
const manifest = {
  size,
  issues,
  db: out,
  password: BENCH_PASSWORD,
  accounts: { ...BENCH_ACCOUNTS, voters: Array.from({ length: BENCH_VOTERS }, (_, i) => `bench_voter_${i + 1}`) },
  ids: { communityId: 1, estateId: 1, ...fixtures },
  generatedIn,
  ...(postgresql
    ? { postgresql: { dataDir: postgresql.dataDir, database: postgresql.database, loadedIn: postgresql.loadedIn } }
    : {}),
};
const manifestFile = out.replace(/\.db$/, '') + '.json';
writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');

console.log('\nrows:');
const inPostgresql = new Map(postgresql?.counts ?? []);
if (postgresql) console.log(`  ${''.padEnd(22)} ${'SQLite'.padStart(11)} ${'PostgreSQL'.padStart(11)}`);
for (const [table, n] of counts) {
  const pgCount = postgresql ? ` ${(inPostgresql.get(table)?.toLocaleString('en-US') ?? '–').padStart(11)}` : '';
  console.log(`  ${table.padEnd(22)} ${n.toLocaleString('en-US').padStart(11)}${pgCount}`);
}
console.log(`\n${size}: ${issues.toLocaleString('en-US')} issues in ${generatedIn} s -> ${out}\nmanifest: ${manifestFile}`);
if (postgresql)
  console.log(`PostgreSQL: database ${postgresql.database} in ${postgresql.dataDir}, loaded in ${postgresql.loadedIn} s`);

import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Integration test files left out of the PostgreSQL pass: those about SQLite itself (its migrations, its
 * query plans, its write lock, the file opened directly), those that start PostgreSQL themselves, and
 * those that hand the database to another process as a SQLite file.
 */
const POSTGRESQL_EXCLUDED = [
  'tests/integration/migrations.test.ts',
  'tests/integration/migrations-postgresql.test.ts',
  'tests/integration/postgresql-smoke.test.ts',
  'tests/integration/*-plans.test.ts',
  'tests/integration/audit-append-only.test.ts',
  'tests/integration/issue-counts.test.ts',
  'tests/integration/session-load.test.ts',
  'tests/integration/setup.test.ts',
  'tests/integration/concurrent-writers.test.ts',
  'tests/integration/read-replica.test.ts',
  // each runs servers or clusters of its own, whichever project runs it: the PostgreSQL pass would repeat it
  'tests/integration/backup-restore*.test.ts',
  'tests/integration/crash-safety.test.ts',
  'tests/integration/sigterm-drain.test.ts',
  'tests/integration/env-file.test.ts',
];

/**
 * `npm test` runs the integration suite a second time on PostgreSQL (issue #13): one throwaway cluster for
 * the run (tests/postgresql-setup.ts), a fresh database per app. A direct `npx vitest run <file>` runs on
 * SQLite alone, unless TEST_POSTGRESQL=1 asks for both.
 */
const ALL_TESTS = ['tests/**/*.test.ts'];
const bothDatabases = process.env.npm_lifecycle_event === 'test' || process.env.TEST_POSTGRESQL === '1';

export default defineConfig({
  test: {
    // (In a project, `extends: true` adds the project's include to this one: with two projects each says its own.)
    ...(bothDatabases ? {} : { include: ALL_TESTS }),
    environment: 'node',
    // Each integration test file builds its own app on its own SQLite file, so files may run in parallel;
    // browser tests are heavier and share one Chromium per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    ...(bothDatabases
      ? {
          projects: [
            { extends: true, test: { name: 'sqlite', include: ALL_TESTS } },
            {
              extends: true,
              test: {
                name: 'postgresql',
                include: ['tests/integration/**/*.test.ts'],
                exclude: [...configDefaults.exclude, ...POSTGRESQL_EXCLUDED],
                globalSetup: ['tests/postgresql-setup.ts'],
              },
            },
          ],
        }
      : {}),
  },
});

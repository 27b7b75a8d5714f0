import type { TestProject } from 'vitest/node';
import { migratePostgresql } from '../src/cli/migrate-postgresql.ts';
import { POSTGRESQL_TEMPLATE, startCluster } from './helpers/postgres.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** A PostgreSQL server for the integration suite's second pass (tests/helpers/app.ts reads it). */
    postgresqlUrl: string;
  }
}

/**
 * Global setup of the `postgresql` test project (vitest.config.ts): one throwaway cluster for the whole
 * run with a migrated template database in it, handed to that project's test files alone (`provide`;
 * tests/helpers/app.ts copies a fresh database from the template for every app it builds). Stopped and
 * removed when the run ends, failed or not.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  try {
    const template = await cluster.createDatabase(POSTGRESQL_TEMPLATE);
    await migratePostgresql(template);
    project.provide('postgresqlUrl', cluster.url('postgres'));
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return () => cluster.stop();
}

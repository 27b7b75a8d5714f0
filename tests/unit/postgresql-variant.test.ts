import { describe, expect, it } from 'vitest';
import { postgresqlSchema } from '../../prisma/postgresql/generate.ts';
import { isDatabaseOverloaded, isSerializationConflict } from '../../src/plugins/db.ts';

const SCHEMA = `generator client {
  provider   = "prisma-client"
  output     = "../src/generated/prisma"
  engineType = "client"
}

// Row types for Kysely
generator kysely {
  provider = "prisma-kysely"
  output   = "../src/generated/kysely"
}

datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model Thing {
  id Int @id @default(autoincrement())
}
`;

describe('the PostgreSQL variant of the schema', () => {
  it('switches the provider, moves the client one folder deeper into prisma-pg, drops the Kysely generator, keeps the models', () => {
    const variant = postgresqlSchema(SCHEMA);
    expect(variant).toContain('provider = "postgresql"');
    expect(variant).not.toContain('"sqlite"');
    expect(variant).toContain('output     = "../../src/generated/prisma-pg"');
    expect(variant).not.toContain('kysely');
    expect(variant).toContain('model Thing {\n  id Int @id @default(autoincrement())\n}');
    expect(variant.startsWith('// GENERATED from prisma/schema.prisma')).toBe(true);
  });

  it.each([
    ['no SQLite datasource', SCHEMA.replace('"sqlite"', '"mysql"'), /one sqlite datasource, found 0/],
    ['a client output elsewhere', SCHEMA.replace('"../src/generated/prisma"', '"../out"'), /one client output, found 0/],
  ])('refuses a schema with %s rather than write a wrong variant', (_case, schema, message) => {
    expect(() => postgresqlSchema(schema)).toThrow(message);
  });
});

describe('a PostgreSQL serialization conflict', () => {
  const adapterError = (originalCode: string) => ({
    code: 'P2010',
    meta: { driverAdapterError: { cause: { originalCode, kind: 'postgres' } } },
  });
  it.each([
    [{ code: 'P2034' }, true],
    [adapterError('40001'), true],
    [adapterError('40P01'), true],
    [{ message: 'wrapped', cause: { code: 'P2034' } }, true],
    [adapterError('23505'), false],
    [{ code: 'P2002' }, false],
    [new Error('boom'), false],
  ])('%j is a conflict to run again: %s', (error, expected) => {
    expect(isSerializationConflict(error)).toBe(expected);
  });

  it('is answered as "busy, try again" when it outlasts the retries', () => {
    expect(isDatabaseOverloaded({ code: 'P2034' })).toBe(true);
    expect(isDatabaseOverloaded({ code: 'P2002' })).toBe(false);
  });
});

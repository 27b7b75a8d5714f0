import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileFromUrl, isPostgresqlUrl } from '../../src/db-url.ts';
import { fromSqlTime, sqlBool, sqlTime } from '../../src/plugins/sql.ts';

describe('DATABASE_URL', () => {
  it.each([
    ['postgresql://u:p@db.example:5432/sanfang', true],
    ['postgres://db.example/sanfang', true],
    ['  POSTGRESQL://db.example/sanfang', true],
    ['file:./data/sanfang.db', false],
    ['file:/var/lib/sanfang.db', false],
    ['', false],
    [undefined, false],
    ['mysql://db.example/sanfang', false],
  ])('%j names PostgreSQL: %s', (url, expected) => {
    expect(isPostgresqlUrl(url)).toBe(expected);
  });

  it.each([
    ['file:./data/x.db', path.resolve('data/x.db')],
    ['', path.resolve('data/sanfang.db')],
    [undefined, path.resolve('data/sanfang.db')],
    ['postgresql://db.example/sanfang', 'postgresql://db.example/sanfang'],
  ])('%j opens %s', (url, expected) => {
    expect(databaseFileFromUrl(url)).toBe(expected);
  });

  it('refuses a URL that is neither a SQLite file nor PostgreSQL, naming both', () => {
    expect(() => databaseFileFromUrl('mysql://db.example/sanfang')).toThrow(/file: URL \(SQLite\) or a postgresql:\/\/ URL/);
  });
});

describe('values read back from either database', () => {
  it.each([
    ['2026-11-20T02:00:00.000+00:00', '2026-11-20T02:00:00.000Z'],
    // PostgreSQL's JSON writes a timestamp without its zone; stored times are UTC
    ['2026-11-20T02:00:00.5', '2026-11-20T02:00:00.500Z'],
    ['2026-11-20T10:00:00+08:00', '2026-11-20T02:00:00.000Z'],
  ])('the time %s is %s', (stored, iso) => {
    expect(fromSqlTime(stored).toISOString()).toBe(iso);
  });

  it('writes times as fixed-width ISO text that both databases compare in time order', () => {
    expect(sqlTime(new Date('2026-11-20T02:00:00Z'))).toBe('2026-11-20T02:00:00.000+00:00');
  });

  it.each([
    [1, true],
    [0, false],
    [true, true],
    [false, false],
    [null, false],
  ])('the boolean %j reads as %s', (value, expected) => {
    expect(sqlBool(value)).toBe(expected);
  });
});

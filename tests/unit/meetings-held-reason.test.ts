import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_HELD, heldColumns, heldMissingParties } from '../../src/domain/meeting-status.ts';
import type { RequiredParty } from '../../src/domain/meeting-rules.ts';

const ALL_SUBSETS: RequiredParty[][] = [
  [],
  ['community'],
  ['property'],
  ['committee'],
  ['community', 'property'],
  ['community', 'committee'],
  ['property', 'committee'],
  ['community', 'property', 'committee'],
];

describe('why a meeting’s decisions were held', () => {
  it.each(ALL_SUBSETS)('records the absent parties %j as columns and reads them back in the same order', (...missing) => {
    const columns = heldColumns(missing);
    expect(Object.values(columns).filter(Boolean)).toHaveLength(missing.length);
    expect(heldMissingParties(columns)).toEqual(missing);
  });

  it('reads the absent parties in the order community, property, committee whatever order they came in', () => {
    expect(heldMissingParties(heldColumns(['committee', 'community']))).toEqual(['community', 'committee']);
  });

  it('holds nothing when no column is set', () => {
    expect(heldMissingParties(NOTHING_HELD)).toEqual([]);
    expect(heldColumns([])).toEqual(NOTHING_HELD);
  });
});

describe('the migration to structured held reasons', () => {
  const MIGRATIONS = path.resolve(import.meta.dirname, '../../prisma/migrations');
  const TARGET = '20261130090000_meeting_held_parties';
  const OLD_REASONS: [string, boolean[]][] = [
    ['missing:committee', [false, false, true]],
    ['missing:property,committee', [false, true, true]],
    ['missing:community,property,committee', [true, true, true]],
    ['missing:', [false, false, false]],
    ['', [false, false, false]],
    ['something else', [false, false, false]],
  ];
  let db: Database.Database;

  beforeAll(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    const apply = (name: string) => db.exec(readFileSync(path.join(MIGRATIONS, name, 'migration.sql'), 'utf8'));
    const names = readdirSync(MIGRATIONS)
      .filter((n) => !n.endsWith('.toml'))
      .sort();
    for (const name of names.filter((n) => n < TARGET)) apply(name);
    const insert = db.prepare(
      `INSERT INTO "Meeting" ("id", "communityId", "kind", "title", "place", "startsAt", "endsAt", "status", "convenerId", "heldDecisionsReason", "updatedAt")
       VALUES (?, 1, 'regular', 't', 'p', 0, 0, 'held', 1, ?, 0)`,
    );
    OLD_REASONS.forEach(([reason], index) => insert.run(index + 1, reason));
    apply(TARGET);
  });
  afterAll(() => db.close());

  it.each(OLD_REASONS.map(([reason, flags], index) => ({ id: index + 1, reason, flags })))(
    'converts the old reason $reason to the flags community, property, committee = $flags',
    ({ id, flags }) => {
      const row = db
        .prepare(
          'SELECT "heldMissingCommunity" AS c, "heldMissingProperty" AS p, "heldMissingCommittee" AS m FROM "Meeting" WHERE "id" = ?',
        )
        .get(id) as Record<string, number>;
      expect([row.c, row.p, row.m].map(Boolean)).toEqual(flags);
    },
  );

  it('drops the old text column', () => {
    const columns = db.prepare("SELECT name FROM pragma_table_info('Meeting')").all() as { name: string }[];
    expect(columns.map((c) => c.name)).not.toContain('heldDecisionsReason');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countMismatches, migrationPlan, readManifest, type MigrationPlan } from '../../src/ops/backup-manifest.ts';
import { libpqUrl, providerOf, withoutPassword } from '../../src/ops/ops-config.ts';

const CODE = ['20261127000000_init', '20261130090000_meeting_held_parties', '20261130160000_oversight'];

describe('what a restore does about migrations', () => {
  it.each<[string, string[] | null, MigrationPlan]>([
    ['a backup of this version needs nothing', CODE, { kind: 'current' }],
    ['a backup from before the last migration gets it applied', CODE.slice(0, 2), { kind: 'older', pending: [CODE[2]!] }],
    ['a backup of an empty migration history gets every migration', [], { kind: 'older', pending: CODE }],
    [
      'a backup with a migration this code has never seen is from a newer version',
      [...CODE, '20261201000000_future'],
      { kind: 'newer', unknown: ['20261201000000_future'] },
    ],
    ['a backup made without prisma migrate deploy says nothing', null, { kind: 'unrecorded' }],
  ])('%s', (_name, applied, plan) => {
    expect(migrationPlan(applied, CODE)).toEqual(plan);
  });
});

describe('the counts a restore checks against its manifest', () => {
  it('name each table whose rows differ, missing tables included, and nothing when all agree', () => {
    expect(countMismatches({ Issue: 3, Ballot: 2 }, { Issue: 3, Ballot: 2 })).toEqual([]);
    expect(countMismatches({ Issue: 3, Ballot: 2 }, { Issue: 2, Extra: 1 })).toEqual([
      'Ballot: backup 2, restored none',
      'Extra: backup none, restored 1',
      'Issue: backup 3, restored 2',
    ]);
  });
});

describe('reading a manifest', () => {
  const folder = (manifest: unknown) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sanfang-manifest-'));
    if (manifest !== undefined) writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  };
  const good = {
    format: 'sanfang-backup/1',
    source: { provider: 'sqlite' },
    database: { file: 'sanfang.db', sha256: 'a'.repeat(64) },
    tables: {},
    migrations: { applied: null, latest: null },
  };

  it.each<[string, unknown, string]>([
    ['a folder without one is an interrupted backup', undefined, 'it is missing'],
    ['another format is refused by name', { ...good, format: 'other/2' }, 'format "other/2"'],
    [
      'a database file outside the folder is refused',
      { ...good, database: { file: '../etc/passwd', sha256: 'a'.repeat(64) } },
      'incomplete or damaged',
    ],
    [
      'a checksum that is not sha256 is refused',
      { ...good, database: { file: 'sanfang.db', sha256: 'abc' } },
      'incomplete or damaged',
    ],
  ])('%s', (_name, manifest, message) => {
    const dir = folder(manifest);
    try {
      expect(() => readManifest(dir)).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a whole one', () => {
    const dir = folder(good);
    try {
      expect(readManifest(dir).database.file).toBe('sanfang.db');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL URLs for the PostgreSQL tools', () => {
  it('tell the provider by the scheme', () => {
    expect(providerOf('postgresql://u@h/db')).toBe('postgresql');
    expect(providerOf('postgres://u@h/db')).toBe('postgresql');
    expect(providerOf('file:./data/sanfang.db')).toBe('sqlite');
  });

  it('drop Prisma’s own parameters, which libpq refuses, and leave a URL without them as written', () => {
    expect(libpqUrl('postgresql://u:p@h:5432/db?schema=public&sslmode=require&connection_limit=5')).toBe(
      'postgresql://u:p@h:5432/db?sslmode=require',
    );
    expect(libpqUrl('postgresql://u@localhost/db?host=/tmp/my%20socket')).toBe(
      'postgresql://u@localhost/db?host=/tmp/my%20socket',
    );
  });

  it('never print a password', () => {
    expect(withoutPassword('postgresql://sanfang:s3cret@db.example/sanfang')).toBe('postgresql://sanfang:***@db.example/sanfang');
  });
});

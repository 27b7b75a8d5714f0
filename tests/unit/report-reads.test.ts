import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { chooseReportSource, isReplicaUnavailable, lsnBytes, type ReplicaProbe } from '../../src/plugins/report-reads.ts';

/** Where dashboards and exports read (issue #13, item 6: read replicas), decided from what the replica says. */

const probe = (over: Partial<ReplicaProbe>): ReplicaProbe => ({
  reachable: true,
  standby: true,
  bytesBehind: 0,
  replayedSecondsAgo: 0,
  ...over,
});

describe('chooseReportSource', () => {
  it.each([
    ['no answer', probe({ reachable: false }), { source: 'primary', lagSeconds: null, reason: 'unreachable' }],
    ['caught up, last transaction just now', probe({}), { source: 'replica', lagSeconds: 0, reason: 'current' }],
    // an idle primary: nothing to replay, so the hour since the last transaction is not lag
    [
      'caught up after an hour of quiet',
      probe({ replayedSecondsAgo: 3600 }),
      { source: 'replica', lagSeconds: 0, reason: 'current' },
    ],
    ['ahead of the position read first', probe({ bytesBehind: -120 }), { source: 'replica', lagSeconds: 0, reason: 'current' }],
    [
      'behind by 2 s',
      probe({ bytesBehind: 8192, replayedSecondsAgo: 2 }),
      { source: 'replica', lagSeconds: 2, reason: 'current' },
    ],
    [
      'behind by exactly the limit',
      probe({ bytesBehind: 1, replayedSecondsAgo: 30 }),
      { source: 'replica', lagSeconds: 30, reason: 'current' },
    ],
    [
      'behind past the limit',
      probe({ bytesBehind: 1, replayedSecondsAgo: 30.5 }),
      { source: 'primary', lagSeconds: 30.5, reason: 'lagging' },
    ],
    [
      'behind, never replayed anything',
      probe({ bytesBehind: 1, replayedSecondsAgo: null }),
      { source: 'primary', lagSeconds: null, reason: 'lagging' },
    ],
    // a database that is not a standby (a copy, a logical subscriber) has no replay position to compare
    [
      'not a standby',
      probe({ standby: false, bytesBehind: 99, replayedSecondsAgo: null }),
      { source: 'replica', lagSeconds: 0, reason: 'current' },
    ],
  ] as const)('%s', (_name, given, expected) => {
    expect(chooseReportSource(given, 30)).toEqual(expected);
  });
});

describe('lsnBytes', () => {
  it.each([
    ['0/0', 0],
    ['0/16B3748', 0x16b3748],
    ['1/0', 2 ** 32],
    ['16/B374D848', 0x16 * 2 ** 32 + 0xb374d848],
    ['FFFFFFFF/FFFFFFFF', 0xffffffff * 2 ** 32 + 0xffffffff],
  ])('%s is %d bytes', (lsn, bytes) => {
    expect(lsnBytes(lsn)).toBe(bytes);
  });

  it.each(['', '0', '1/2/3', 'G/0', '0/-1', '123456789/0'])('refuses %j', (lsn) => {
    expect(() => lsnBytes(lsn)).toThrow(/log position/);
  });

  it('orders positions as the log does', () => {
    expect(lsnBytes('1/0') - lsnBytes('0/FFFFFFFF')).toBe(1);
  });
});

describe('isReplicaUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: 'ECONNRESET' }, true],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '57P03', message: 'the database system is starting up' }, true],
    [{ code: '08006' }, true],
    [{ code: '40001', message: 'canceling statement due to conflict with recovery' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    // the report's own fault: the same query would fail on the primary too, so it is not retried
    [{ code: '42703', message: 'column "x" does not exist' }, false],
    [{ code: '22P02' }, false],
    [new Error('boom'), false],
    [null, false],
    ['ECONNREFUSED', false],
  ])('%j → %s', (error, expected) => {
    expect(isReplicaUnavailable(error)).toBe(expected);
  });
});

describe('DATABASE_READ_URL', () => {
  const primary = 'postgresql://app@db-primary:5432/sanfang';
  const replica = 'postgresql://reader@db-replica:5432/sanfang';

  it('is none unless set, and the lag limit is 30 s', () => {
    expect(loadConfig({ DATABASE_URL: primary })).toMatchObject({ readDatabaseUrl: null, readMaxLagSeconds: 30 });
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: ' ' }).readDatabaseUrl).toBeNull();
  });

  it('takes a replica of a PostgreSQL primary, and a lag limit', () => {
    const config = loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: replica, DATABASE_READ_MAX_LAG_SECONDS: '5' });
    expect(config).toMatchObject({ readDatabaseUrl: replica, readMaxLagSeconds: 5 });
  });

  it('is refused beside a SQLite file (every process reads the file itself)', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: replica })).toThrow(/DATABASE_URL must be its postgresql:\/\/ primary/);
    expect(() => loadConfig({ DATABASE_URL: 'file:./x.db', DATABASE_READ_URL: replica })).toThrow(/primary/);
  });

  it.each(['file:./replica.db', 'mysql://r@h/s', 'replica-host'])('refuses %s', (value) => {
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: value })).toThrow(
      /DATABASE_READ_URL must be a postgresql/,
    );
  });

  it.each(['0', '-1', 'soon'])('refuses a lag limit of %s', (value) => {
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_READ_MAX_LAG_SECONDS: value })).toThrow(
      /DATABASE_READ_MAX_LAG_SECONDS/,
    );
  });
});

import path from 'node:path';
import { clusterFolder, freePort, runAsPostgres, type PgCluster } from './postgres.ts';

/**
 * A hot standby of a throwaway cluster (tests/helpers/postgres.ts), as an operator makes a read replica:
 * `pg_basebackup -R` copies the primary and writes the settings that make the copy stream and replay the
 * primary's log, then it starts read-only on a port of its own. initdb's trust rules already admit
 * replication connections from 127.0.0.1.
 */
export async function startStandby(primary: PgCluster): Promise<PgCluster> {
  const { dir, started, stop } = clusterFolder('sanfang-pg-standby-');
  try {
    runAsPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      dir,
      '-R',
      '-X',
      'stream',
    ]);
    const port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off`;
    started();
    runAsPostgres('pg_ctl', ['-D', dir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    return {
      port,
      url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
      createDatabase: () => Promise.reject(new Error('a standby is read-only: create databases on its primary')),
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

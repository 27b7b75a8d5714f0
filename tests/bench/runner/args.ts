import { parseArgs } from 'node:util';

export interface BenchOptions {
  size: string;
  seconds: number;
  connections: number;
  /** Passed to the server as WORKERS when given. */
  workers: number | null;
  /** Only the rows whose name contains this (case-insensitive); the bare ceiling is always measured. */
  only: string | null;
  /** Run on the generated database itself instead of a copy (writes then grow it). */
  inPlace: boolean;
  /** Keep the temporary folder (database copy, uploads, server logs) after the run. */
  keep: boolean;
  /** Run on the dataset's PostgreSQL copy (`bench:data --postgresql`) instead of its SQLite file. */
  postgresql: boolean;
}

export const USAGE = `npm run bench -- --size 10k|100k|1m [--seconds 10] [--connections 10] [--workers N]
                 [--only <substring>] [--in-place] [--keep] [--postgresql]`;

const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"\n${USAGE}`);
  return n;
};

export function benchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '10k' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      'in-place': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      postgresql: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(values.size)) throw new Error(`--size must be a name like 10k, got "${values.size}"`);
  return {
    size: values.size,
    seconds: positiveInt('seconds', values.seconds, 10),
    connections: positiveInt('connections', values.connections, 10),
    workers: values.workers === undefined ? null : positiveInt('workers', values.workers, 1),
    only: values.only ?? null,
    inPlace: values['in-place'],
    keep: values.keep,
    postgresql: values.postgresql,
  };
}

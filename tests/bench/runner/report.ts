import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './args.ts';
import type { ProcessMemory } from './processes.ts';
import type { BallotCount } from './ballots.ts';
import type { LoadResult } from './types.ts';

export interface Row {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  as: string;
  /** Null when the row was skipped (see `skipped`). */
  result: LoadResult | null;
  skipped: string | null;
  /** Requests per second as reported: autocannon's per-second mean, or responses ÷ seconds for a fixed list. */
  rps: number;
  /** Connection errors, timeouts and responses that are not a success (2xx; for a POST also its 3xx redirect). */
  failures: number;
  notes: string[];
}

/** Responses that are not a success: for a GET anything but 2xx; a POST answers a redirect (303) on success. */
export function failuresOf(method: 'GET' | 'POST', result: LoadResult): number {
  let bad = result.errors;
  for (const [code, count] of Object.entries(result.statusCodes)) {
    const ok = code.startsWith('2') || (method === 'POST' && code.startsWith('3'));
    if (!ok) bad += count;
  }
  return bad;
}

const failureText = (row: Row): string => {
  if (!row.result) return '';
  if (row.failures === 0) return '0';
  const codes = Object.entries(row.result.statusCodes)
    .filter(([code]) => !(code.startsWith('2') || (row.method === 'POST' && code.startsWith('3'))))
    .map(([code, n]) => `${n}× ${code}`);
  if (row.result.errors > 0) codes.push(`${row.result.errors} errors`);
  return `${row.failures} (${codes.join(', ')})`;
};

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    /** 1, 5 and 15 minute load averages when the run began: other work on the machine skews every row. */
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export interface Report {
  size: string;
  issues: number;
  /** The database the app served from: engine, version, durability settings, which copy. */
  database: string;
  startedAt: string;
  options: BenchOptions;
  machine: ReturnType<typeof machine>;
  bare: Row;
  rows: Row[];
  memory: ProcessMemory[];
  ballots: {
    voters: number;
    cast: number;
    refused: { username: string; reason: string }[];
    /** Ballots standing under the voters' keys after the run. */
    recorded: number | null;
    /** The proposal's ballots and ballot changes before the server started and after it stopped. */
    before: BallotCount;
    after: BallotCount | null;
    loginSeconds: number;
  } | null;
  notes: string[];
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function markdown(report: Report): string {
  const bareRps = report.bare.rps;
  const line = (row: Row) => {
    if (!row.result) return `| ${row.name} | ${row.skipped} | | | | |`;
    const ratio = bareRps > 0 ? fixed(row.rps / bareRps, 3) : '–';
    return `| ${row.name} | ${fixed(row.rps, 0)} | ${row.result.latency.p50} | ${row.result.latency.p99} | ${failureText(row)} | ${ratio} |`;
  };
  const out = [
    '| page | req/s | p50 ms | p99 ms | errors + non-2xx | ratio to bare |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    line(report.bare),
    ...report.rows.map(line),
    '',
  ];
  const notes = [...report.rows.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`)), ...report.notes];
  if (report.ballots) {
    const b = report.ballots;
    out.push(
      `Ballots: ${b.cast} of ${b.voters} voters logged in (${fixed(b.loginSeconds, 1)} s) and cast once each; ` +
        `standing afterwards under their keys: ${b.recorded ?? 'not counted'}.`,
    );
    if (b.after) {
      out.push(
        `  On the proposal: ballots ${b.before.total} → ${b.after.total} (+${b.after.total - b.before.total}), ` +
          `ballot changes ${b.before.changes} → ${b.after.changes} (+${b.after.changes - b.before.changes}).`,
      );
    }
    for (const r of b.refused.slice(0, 5)) out.push(`  refused: ${r.username}: ${r.reason}`);
    if (b.refused.length > 5) out.push(`  … and ${b.refused.length - 5} more refused`);
  }
  out.push('Peak RSS (VmHWM) of the server, per process:');
  for (const p of report.memory) {
    out.push(`  ${p.role} (pid ${p.pid}): ${p.peakRssMiB} MiB peak, ${p.rssMiB} MiB at the end — ${p.command}`);
  }
  const m = report.machine;
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; ` +
      `load average at the start ${m.loadAverage.join(' / ')} (1 / 5 / 15 min)`,
    `Dataset: ${report.size} (${report.issues} issues); ${report.options.connections} connections, ` +
      `${report.options.seconds} s per page; workers: ${report.options.workers ?? 'not set (one process)'}` +
      `${report.options.inPlace ? '; in place' : '; on a copy of the dataset'}`,
    `Database: ${report.database}`,
  );
  if (notes.length > 0) out.push('Notes:', ...notes.map((n) => `  - ${n}`));
  return out.join('\n');
}

/** Writes the report as JSON beside the datasets; returns the file. */
export function writeJson(dataDir: string, report: Report): string {
  mkdirSync(dataDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const engine = report.options.postgresql ? 'postgresql' : 'sqlite';
  const file = path.join(dataDir, `results-${report.size}-${engine}-${stamp}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

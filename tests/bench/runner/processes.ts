import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root: every child runs from here, as `npm start` does. */
export const ROOT = new URL('../../../', import.meta.url).pathname;

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Server {
  name: string;
  child: ChildProcess;
  origin: string;
  logFile: string;
}

/** Runs a TypeScript entry point with Node and tsx (`node [flags] --import tsx <file>`), its output going to a log file. */
export function startNode(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeFlags: readonly string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.once('exit', (code, signal) => log.end(`\n[bench] ${name} exited: code ${code}, signal ${signal}\n`));
  return child;
}

/** The last lines of a log, for an error message. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Waits until GET `url` answers 2xx, failing early if the process exits. */
export async function waitUntilUp(server: Server, path: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`${server.name} exited before answering ${path}:\n${tail(server.logFile)}`);
    }
    try {
      const res = await fetch(server.origin + path, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${server.name} did not answer ${path} within ${timeoutMs / 1000} s:\n${tail(server.logFile)}`);
}

/**
 * Waits until the server's log says it is running (`npm start`'s greeting, printed once every worker
 * listens): /healthz answers as soon as the first worker does. False if it never says so in time.
 */
export async function waitForGreeting(server: Server, text: string, timeoutMs = 60_000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 200) {
    if (tail(server.logFile, 200).includes(text)) return true;
    if (server.child.exitCode !== null || server.child.signalCode !== null) return false;
    await sleep(200);
  }
  return false;
}

/** The process and every process under it (cluster workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    const parent = all[i] as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8').trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return all;
}

export interface ProcessMemory {
  pid: number;
  /** server (one process), primary or worker (WORKERS=n), or helper (tsx's esbuild service). */
  role: 'server' | 'primary' | 'worker' | 'helper';
  /** The command line, shortened. */
  command: string;
  /** Peak resident set size (VmHWM), MiB. */
  peakRssMiB: number;
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
}

const kbField = (status: string, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
};

/** Peak and current RSS of a process and of each process under it (Linux /proc). */
export function memoryOf(pid: number): ProcessMemory[] {
  const read = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const command = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      return { p, status, command };
    } catch {
      return null; // the process ended meanwhile
    }
  };
  const found = processTree(pid)
    .map(read)
    .filter((x) => x !== null);
  const isNode = (command: string) => command.startsWith(process.execPath) || /(^|\/)node\s/.test(command);
  const workers = found.some((x) => x.p !== pid && isNode(x.command));
  return found.map(({ p, status, command }) => ({
    pid: p,
    role: !isNode(command) ? 'helper' : p !== pid ? 'worker' : workers ? 'primary' : 'server',
    command: command.length > 80 ? `${command.slice(0, 77)}...` : command,
    peakRssMiB: Math.round(kbField(status, 'VmHWM') / 102.4) / 10,
    rssMiB: Math.round(kbField(status, 'VmRSS') / 102.4) / 10,
  }));
}

/** SIGTERM (the server shuts down gracefully), then SIGKILL if it has not exited in time. */
export async function stop(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const tree = child.pid ? processTree(child.pid).slice(1) : [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Workers the server started and left behind (it was killed, or did not wait for them): a few seconds
  // to finish, then by pid.
  const alive = (pid: number) => existsSync(`/proc/${pid}`);
  for (let waited = 0; waited < 5000 && tree.some(alive); waited += 100) await sleep(100);
  for (const pid of tree.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The Node flags `npm start` runs the server with (package.json's start script), so the bench runs it the same way. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => /^--max-old-space-size=\d+$/.test(word));
}

import { spawn } from 'node:child_process';
import { ROOT } from './processes.ts';
import type { LoadConfig, LoadResult } from './types.ts';

/**
 * Runs one load in its own process (tests/bench/load.ts): the config goes in as JSON on stdin, the
 * result comes back as JSON on stdout. The runner's own event loop only waits.
 */
export function runLoad(config: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/load.ts'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`load process exited with ${code}:\n${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch (error) {
        reject(new Error(`load process printed no result: ${line.slice(0, 500)} (${String(error)})`));
      }
    });
    child.stdin.end(JSON.stringify(config));
  });
}

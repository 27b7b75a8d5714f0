/**
 * The load generator: one autocannon run in its own process, so it never shares an event loop with the
 * runner or the server it measures. Reads a LoadConfig as JSON from stdin (or from argv[2]) and prints
 * one LoadResult as JSON on stdout.
 *
 *   echo '{"origin":"http://127.0.0.1:3000","method":"GET","path":"/healthz","headers":{},"connections":10,"duration":5}' \
 *     | node --import tsx tests/bench/load.ts
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import type { LoadConfig, LoadResult } from './runner/types.ts';

async function readConfig(): Promise<LoadConfig> {
  if (process.argv[2]) return JSON.parse(process.argv[2]) as LoadConfig;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadConfig;
}

/** A token unique to this run and request: a random prefix (so reruns differ) and a counter. */
function uniqueTokens(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return () => `${prefix}${(n++).toString(36).padStart(6, '0')}`;
}

/**
 * The request autocannon repeats. A `unique` placeholder or a `list` needs a fresh request each time:
 * setupRequest is called for every request of every connection (the first when the connection is made,
 * then once per response), so a shared counter here hands each request its own token or list entry.
 */
function requestOf(config: LoadConfig): autocannon.Request {
  const { list, unique } = config;
  if (list) {
    let next = 0;
    return {
      setupRequest: (request) => {
        // autocannon builds exactly `amount` requests; wrapping round only guards against a miscount.
        const entry = list[next++ % list.length];
        if (!entry) throw new Error('empty request list');
        return { ...request, path: entry.path, headers: { ...request.headers, ...entry.headers }, body: entry.body };
      },
    };
  }
  if (unique) {
    const token = uniqueTokens();
    return {
      setupRequest: (request) => {
        const id = token();
        return {
          ...request,
          path: config.path.replaceAll(unique, id),
          body: (config.body ?? '').replaceAll(unique, id),
        };
      },
    };
  }
  return {};
}

async function main() {
  const config = await readConfig();
  const url = new URL(config.path, config.origin);
  const result = await autocannon({
    url: url.toString(),
    method: config.method,
    headers: config.headers,
    body: config.body,
    connections: config.list ? Math.min(config.connections, config.list.length) : config.connections,
    ...(config.list ? { amount: config.list.length } : { duration: config.duration }),
    requests: [requestOf(config)],
    // A slow page is measured, not dropped: only a request that takes this long counts as a timeout.
    timeout: 30,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  const out: LoadResult = {
    rps: result.requests.average,
    total: result.requests.total,
    seconds: result.duration,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();

import Database from 'better-sqlite3';
import { Browser, formBody, unescapeHtml } from './browser.ts';
import type { ListedRequest, Manifest } from './types.ts';

const CHOICES = ['agree', 'disagree', 'abstain'] as const;

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface BallotPlan {
  /** One POST per voter who could vote, in voter order. */
  requests: ListedRequest[];
  voterKeys: string[];
  /** Voters who could not log in or had no ballot form, with why. */
  refused: { username: string; reason: string }[];
  loginSeconds: number;
}

/**
 * Logs each voter in through the login form (scrypt makes each login slow on purpose, so a few at a time)
 * and reads their ballot form on the vote page: the CSRF token bound to their session and the voter key of
 * their household. The choices rotate, so no outcome is fixed early.
 */
export async function planBallots(origin: string, m: Manifest, concurrency = 6): Promise<BallotPlan> {
  const started = Date.now();
  const path = `/votes/${m.ids.proposalId}`;
  const refused: BallotPlan['refused'] = [];
  const planned = await mapLimit(m.accounts.voters, concurrency, async (username, i) => {
    try {
      const voter = new Browser(origin, username);
      const page = await voter.login(username, m.password, path);
      const key = /name="voterKey" value="([^"]+)"/.exec(page.body)?.[1];
      if (!key) {
        refused.push({ username, reason: 'no ballot form on the vote page' });
        return null;
      }
      const voterKey = unescapeHtml(key);
      const request: ListedRequest = {
        path: `${path}/ballot`,
        headers: { cookie: voter.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({ _csrf: voter.csrf, voterKey, choice: CHOICES[i % CHOICES.length] as string }),
      };
      return { request, voterKey };
    } catch (error) {
      refused.push({ username, reason: (error as Error).message });
      return null;
    }
  });
  const ok = planned.filter((p) => p !== null);
  return {
    requests: ok.map((p) => p.request),
    voterKeys: ok.map((p) => p.voterKey),
    refused,
    loginSeconds: (Date.now() - started) / 1000,
  };
}

export interface BallotCount {
  /** Ballots standing on the proposal. */
  total: number;
  /** Ballot changes recorded on it (every cast writes one). */
  changes: number;
  /** Ballots standing under the given voter keys. */
  ours: number;
}

/** Counts a proposal's ballots in the database file (read only; the server is not running). */
export function countBallots(databaseFile: string, proposalId: number, voterKeys: string[]): BallotCount {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get(proposalId) as { n: number }).n;
    const keys = new Set(voterKeys);
    const rows = db.prepare('SELECT voterKey FROM Ballot WHERE proposalId = ?').all(proposalId) as { voterKey: string }[];
    return {
      total: count('SELECT COUNT(*) AS n FROM Ballot WHERE proposalId = ?'),
      changes: count('SELECT COUNT(*) AS n FROM BallotChange WHERE proposalId = ?'),
      ours: rows.filter((r) => keys.has(r.voterKey)).length,
    };
  } finally {
    db.close();
  }
}

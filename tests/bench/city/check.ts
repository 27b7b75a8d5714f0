import type Database from 'better-sqlite3';
import { DAY } from './city.ts';
import { iso } from './store.ts';

/**
 * What `--check` asks of a generated city: the counters on Issue equal their rows, every issue's
 * community is its estate's, nothing the scheduler would act on at once (as of the city's `now`), and no
 * dangling reference.
 */
const CHECKS: [string, string][] = [
  [
    'issues whose supportCount differs from their Support rows',
    'SELECT COUNT(*) FROM "Issue" i WHERE i."supportCount" <> (SELECT COUNT(*) FROM "Support" s WHERE s."issueId" = i."id")',
  ],
  [
    'issues whose attachmentCount differs from their Attachment rows',
    'SELECT COUNT(*) FROM "Issue" i WHERE i."attachmentCount" <> (SELECT COUNT(*) FROM "Attachment" a WHERE a."issueId" = i."id")',
  ],
  [
    "issues whose communityId is not their estate's",
    'SELECT COUNT(*) FROM "Issue" i JOIN "Estate" e ON e."id" = i."estateId" WHERE i."communityId" IS NOT e."communityId"',
  ],
  [
    'issues whose reopenCount or handoffCount differs from their events',
    `SELECT COUNT(*) FROM "Issue" i WHERE i."reopenCount" <> (SELECT COUNT(*) FROM "IssueEvent" v WHERE v."issueId" = i."id" AND v."action" = 'reopen')
       OR i."handoffCount" <> (SELECT COUNT(*) FROM "IssueEvent" v WHERE v."issueId" = i."id" AND v."action" = 'handoff')`,
  ],
  [
    "issues whose state is not their last event's",
    `SELECT COUNT(*) FROM "Issue" i WHERE i."state" <> (SELECT v."toState" FROM "IssueEvent" v WHERE v."issueId" = i."id" ORDER BY v."createdAt" DESC, v."id" DESC LIMIT 1)`,
  ],
  [
    'open issues filed more than 45 days ago',
    `SELECT COUNT(*) FROM "Issue" WHERE "state" IN ('submitted','accepted','in_progress','awaiting_meeting','awaiting_vote','resolved')
       AND "createdAt" < @minus45`,
  ],
  [
    'resolved issues the auto-close job would close now',
    `SELECT COUNT(*) FROM "Issue" WHERE "state" = 'resolved' AND "resolvedAt" < @minus7`,
  ],
  [
    'overdue open issues the overdue job would tell now',
    `SELECT COUNT(*) FROM "Issue" WHERE "overdueNotifiedAt" IS NULL AND "state" IN ('submitted','accepted','in_progress','awaiting_meeting','awaiting_vote')
       AND "resolveBy" < @now`,
  ],
  ['open votes past their closing time', `SELECT COUNT(*) FROM "FundProposal" WHERE "status" = 'open' AND "closesAt" <= @now`],
  ['scheduled meetings already started', `SELECT COUNT(*) FROM "Meeting" WHERE "status" = 'scheduled' AND "startsAt" <= @now`],
  [
    'ballots outside their electorate',
    'SELECT COUNT(*) FROM "Ballot" b WHERE NOT EXISTS (SELECT 1 FROM "VoteUnit" u WHERE u."proposalId" = b."proposalId" AND u."voterKey" = b."voterKey")',
  ],
];

export function checkCity(db: Database.Database, now: number, log: (message: string) => void): boolean {
  let ok = true;
  const at = { now: iso(now), minus7: iso(now - 7 * DAY), minus45: iso(now - 45 * DAY) };
  for (const [what, sql] of CHECKS) {
    const params = Object.fromEntries(Object.entries(at).filter(([k]) => sql.includes(`@${k}`)));
    const n = db.prepare(sql).pluck().get(params) as number;
    if (n !== 0) ok = false;
    log(`check: ${n === 0 ? 'ok ' : 'BAD'} ${n} ${what}`);
  }
  const dangling = db.prepare('PRAGMA foreign_key_check').all().length;
  if (dangling !== 0) ok = false;
  log(`check: ${dangling === 0 ? 'ok ' : 'BAD'} ${dangling} rows with a dangling foreign key`);
  const states = db.prepare('SELECT "state", COUNT(*) AS n FROM "Issue" GROUP BY "state" ORDER BY n DESC').all() as {
    state: string;
    n: number;
  }[];
  log(`issue states: ${states.map((s) => `${s.state} ${s.n}`).join(', ')}`);
  return ok;
}

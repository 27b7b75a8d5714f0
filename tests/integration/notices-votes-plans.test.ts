import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../helpers/world.ts';
import { iso, planHarness, randomSequence, type PlanHarness } from './pages-at-scale.ts';
import { planOf, scansOf } from '../helpers/plans.ts';
import { recountVoteCounts } from '../../src/modules/votes/index.ts';

/**
 * The notice board and the live page of a fund vote at scale (issue #11): a city with thousands of
 * notices over many estates, and an open vote over a 3,000-unit electorate with two thousand ballots
 * beside two smaller votes. Each page is a fixed number of statements (the session load included), none
 * reading a growing table whole, and the page still shows what it showed.
 */

const START = new Date('2026-11-20T02:00:00Z');
const DAY = 86_400_000;
const ELECTORATE = 3000;
const NOTICES = 6000;

let h: PlanHarness;
let bigVote: number;
let residentKey: string;

/** An open vote in an estate: `units` units in 20 buildings, every tenth owner with two units, 2/3 voted. */
function writeVote(
  db: Database.Database,
  w: World,
  estateId: number,
  units: number,
  opts: { title: string; linkUserId?: number; status?: string },
) {
  const now = START.getTime();
  const buildings = Array.from({ length: 20 }, (_, b) =>
    Number(
      db
        .prepare('INSERT INTO Building (estateId, name, sortOrder, floors) VALUES (?, ?, ?, 30)')
        .run(estateId, `${opts.title}${b + 1}号楼`, 100 + b).lastInsertRowid,
    ),
  );
  const proposalId = Number(
    db
      .prepare(
        `INSERT INTO FundProposal (estateId, matter, title, description, scope, amountFen, status, opensAt, closesAt, openedAt, createdById, createdAt, updatedAt)
         VALUES (?, 'use_fund', ?, '', 'estate', 5000000, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        estateId,
        opts.title,
        opts.status ?? 'open',
        iso(now - 3 * DAY),
        iso(now + 10 * DAY),
        iso(now - 3 * DAY),
        w.users.committeeA.id,
        iso(now - 4 * DAY),
        iso(now),
      ).lastInsertRowid,
  );
  const unit = db.prepare(
    "INSERT INTO Unit (buildingId, entrance, room, floor, areaCentiM2, developerUnsold, createdAt, updatedAt) VALUES (?, '1', ?, ?, ?, 0, ?, ?)",
  );
  const owner = db.prepare(
    "INSERT INTO Owner (estateId, ownerKey, name, phone, isDeveloper, userId, createdAt, updatedAt) VALUES (?, ?, ?, '', 0, ?, ?, ?)",
  );
  const voteUnit = db.prepare(
    "INSERT INTO VoteUnit (proposalId, unitId, areaCentiM2, voterKey, buildingName, floor, room, entrance, ownerNames) VALUES (?, ?, ?, ?, ?, ?, ?, '1', ?)",
  );
  const keys: string[] = [];
  for (let u = 0; u < units; u++) {
    const b = u % buildings.length;
    const floor = (Math.floor(u / buildings.length) % 30) + 1;
    const room = `${floor}${String(u).padStart(4, '0')}`;
    const area = 6000 + (u % 97) * 100;
    const unitId = Number(unit.run(buildings[b], room, floor, area, iso(now), iso(now)).lastInsertRowid);
    if (u % 10 !== 1 || keys.length === 0) {
      const userId = u === 0 ? (opts.linkUserId ?? null) : null;
      const ownerId = Number(owner.run(estateId, `${opts.title}-${u}`, `业主${u}号`, userId, iso(now), iso(now)).lastInsertRowid);
      keys.push(`o:${ownerId}`);
    }
    voteUnit.run(proposalId, unitId, area, keys[keys.length - 1], `${opts.title}${b + 1}号楼`, floor, room, `业主${u}号`);
  }
  const ballot = db.prepare(
    "INSERT INTO Ballot (proposalId, voterKey, choice, channel, recorderName, agentName, castAt, updatedAt) VALUES (?, ?, ?, 'online', '', '', ?, ?)",
  );
  const change = db.prepare(
    "INSERT INTO BallotChange (ballotId, proposalId, voterKey, fromChoice, toChoice, channel, actorId, recorderName, agentName, createdAt) VALUES (?, ?, ?, ?, ?, 'online', ?, '', '', ?)",
  );
  const choices = ['agree', 'agree', 'disagree', 'abstain'];
  // the first key (the linked resident's, if any) stays unvoted; two thirds of the rest vote
  for (let i = 1; i < Math.floor((keys.length * 2) / 3); i++) {
    const at = iso(now - 2 * DAY + i * 60_000);
    const choice = choices[i % choices.length]!;
    const id = Number(ballot.run(proposalId, keys[i], choice, at, at).lastInsertRowid);
    change.run(id, proposalId, keys[i], null, choice, w.users.residentA.id, at);
    if (i % 7 === 0) change.run(id, proposalId, keys[i], 'disagree', choice, w.users.residentA.id, at);
  }
  db.prepare(
    "INSERT INTO Notice (estateId, kind, title, body, proposalId, publishedAt) VALUES (?, 'vote_opening', ?, '', ?, ?)",
  ).run(estateId, `${opts.title}表决公告`, proposalId, iso(now - 3 * DAY));
  return { proposalId, firstKey: keys[0]! };
}

/** Many notices over the world's estates and thirty more (twenty in the world's community), newest last. */
function writeNotices(db: Database.Database, w: World) {
  const next = randomSequence(7);
  const community = (id: number) =>
    Number(
      db
        .prepare("INSERT INTO Estate (communityId, name, address, propertyCompanyName, createdAt) VALUES (?, ?, '', '', ?)")
        .run(id, `公示压测小区${id}-${next().toString(36).slice(2, 8)}`, iso(START.getTime())).lastInsertRowid,
    );
  const estates = [
    w.estateA.id,
    w.estateB.id,
    w.estateC.id,
    ...Array.from({ length: 20 }, () => community(w.community.id)),
    ...Array.from({ length: 10 }, () => community(w.otherCommunity.id)),
  ];
  const kinds = ['vote_opening', 'vote_result', 'meeting_decision', 'fund_use', 'general', 'emergency_repair'];
  const notice = db.prepare('INSERT INTO Notice (estateId, kind, title, body, publishedAt) VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < NOTICES; i++) {
    const at = START.getTime() - (NOTICES - i) * 3 * 3_600_000;
    notice.run(estates[Math.floor(next() * estates.length)], kinds[i % kinds.length], `公示第${i}号`, '正文', iso(at));
  }
  // issue #12: a pinned notice on every estate's board (estate A's pinned last, so its pin is the newest),
  // and in estate A a pinned one that has ended, a pinned one withdrawn and an ended one: none on the board
  const staff = db.prepare(
    "INSERT INTO Notice (estateId, kind, title, body, publishedAt, pinnedAt, endsAt, withdrawnAt) VALUES (?, 'general', ?, '正文', ?, ?, ?, ?)",
  );
  const hoursAgo = (h: number) => iso(START.getTime() - h * 3_600_000);
  estates.forEach((estateId, i) => staff.run(estateId, `置顶第${i}号`, hoursAgo(500 + i), hoursAgo(10 + i), null, null));
  staff.run(w.estateA.id, '已结束的置顶', hoursAgo(900), hoursAgo(5), hoursAgo(1), null);
  staff.run(w.estateA.id, '已撤回的置顶', hoursAgo(900), hoursAgo(4), null, hoursAgo(2));
  staff.run(w.estateA.id, '已结束的通知', hoursAgo(1), null, hoursAgo(0.5), null);
}

beforeAll(async () => {
  h = await planHarness(
    START,
    async (file, w, app) => {
      const db = new Database(file);
      let votes: number[] = [];
      db.transaction(() => {
        writeNotices(db, w);
        const big = writeVote(db, w, w.estateA.id, ELECTORATE, { title: '屋面', linkUserId: w.users.residentA.id });
        bigVote = big.proposalId;
        residentKey = big.firstKey;
        const small = writeVote(db, w, w.estateB.id, 600, { title: '电梯' });
        const other = writeVote(db, w, w.estateC.id, 600, { title: '外墙' });
        votes = [big.proposalId, small.proposalId, other.proposalId];
      })();
      db.close();
      // the ballots were written in bulk: the votes' running tallies are recounted, as a bulk import must
      for (const id of votes) await recountVoteCounts(app.db, id);
    },
    ['residenta', 'committeea', 'community', 'admin'],
  );
}, 180_000);

afterAll(async () => h?.close());

async function page(username: string, url: string, headers: Record<string, string> = {}) {
  const { result, statements } = await h.captured(() => h.clients[username]!.get(url, headers));
  expect(result.statusCode, result.body.slice(0, 500)).toBe(200);
  expect(h.scans(statements)).toEqual([]);
  return { body: result.body, statements };
}

describe('the plan check', () => {
  it('catches a scan of a growing table, a covering-index scan too', () => {
    expect(h.scans(['select "v"."voterKey" from "VoteUnit" as "v" where "v"."ownerNames" = \'x\''])).toHaveLength(1);
    expect(h.scans(['select count(*) from "Ballot"'])).toHaveLength(1);
    expect(h.scans([`select "id" from "Ballot" where "proposalId" = ${bigVote} and "voterKey" = 'o:1'`])).toEqual([]);
  });
});

describe('the notice board over thousands of notices', () => {
  it('is two statements for a resident (the session and the page), newest first, paged by keyset', async () => {
    const first = await page('residenta', '/notices');
    expect(first.statements).toHaveLength(2);
    expect(first.body.match(/<li class="issue-row">/g)).toHaveLength(20);
    const dates = [...first.body.matchAll(/公示第(\d+)号/g)].map((m) => Number(m[1]));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const older = /href="(\/notices\?before=[^"]+)" rel="next"/.exec(first.body)?.[1];
    const second = await page('residenta', String(older));
    expect(second.statements).toHaveLength(2);
    const next = [...second.body.matchAll(/公示第(\d+)号/g)].map((m) => Number(m[1]));
    expect(Math.max(...next)).toBeLessThan(Math.min(...dates));
    const kind = await page('residenta', '/notices?kind=emergency_repair');
    expect(kind.statements).toHaveLength(2);
  });

  it('is three statements for community staff over their twenty-two estates (the filter’s estates too)', async () => {
    expect((await page('community', '/notices')).statements).toHaveLength(3);
    expect((await page('community', `/notices?estate=${h.world.estateB.id}&kind=general`)).statements).toHaveLength(3);
  });

  it('is three statements for an administrator over every estate', async () => {
    const all = await page('admin', '/notices');
    expect(all.statements).toHaveLength(3);
    expect(all.body).toContain(`公示第${NOTICES - 1}号`);
  });
});

describe('the pinned head of the board (issue #12)', () => {
  /** The board's own statement (the one that reads Notice), and its plan. */
  function boardStatement(statements: string[]) {
    const board = statements.filter((s) => /from "Notice"/.test(s));
    expect(board).toHaveLength(1);
    return { statement: board[0]!, plan: planOf(h.databaseFile, board[0]!) };
  }

  it('reads the pinned notices in the page’s statement, down the (estateId, pinnedAt) index, never scanning Notice', async () => {
    const { body, statements } = await page('residenta', '/notices');
    expect(statements).toHaveLength(2);
    const { statement, plan } = boardStatement(statements);
    expect(scansOf(h.databaseFile, statement, ['Notice'])).toEqual([]);
    expect(plan.some((line) => line.includes('Notice_estateId_pinnedAt_idx'))).toBe(true);
    expect(body.match(/<li class="issue-row is-pinned">/g)).toHaveLength(1);
    expect(body.indexOf('置顶第0号')).toBeLessThan(body.indexOf('公示第'));
    expect(body.match(/<li class="issue-row">/g)).toHaveLength(20);
  });

  it('keeps ended and withdrawn notices, pinned or not, off the board, and lists the ended ones apart', async () => {
    const board = await page('residenta', '/notices');
    for (const gone of ['已结束的置顶', '已撤回的置顶', '已结束的通知']) expect(board.body).not.toContain(gone);
    const ended = await page('residenta', '/notices?show=ended');
    expect(ended.statements).toHaveLength(2);
    expect(scansOf(h.databaseFile, boardStatement(ended.statements).statement, ['Notice'])).toEqual([]);
    expect(ended.body).toContain('已结束的置顶');
    expect(ended.body).toContain('已结束的通知');
    // a resident is not shown a withdrawn notice even among the ended; the staff who keep it are
    expect(ended.body).not.toContain('已撤回的置顶');
    expect((await page('community', `/notices?show=ended&estate=${h.world.estateA.id}`)).body).toContain('已撤回的置顶');
  });

  it('heads a board of twenty-two estates with the ten newest pins, newest first, in the same statements', async () => {
    const { body, statements } = await page('community', '/notices');
    expect(statements).toHaveLength(3);
    expect(scansOf(h.databaseFile, boardStatement(statements).statement, ['Notice'])).toEqual([]);
    const pins = [...body.matchAll(/置顶第(\d+)号/g)].map((m) => Number(m[1]));
    // estate C (the third) is another community's: not on this board
    expect(pins).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('shows the pinned head on the first page only', async () => {
    const first = await page('residenta', '/notices');
    const older = /href="(\/notices\?before=[^"]+)" rel="next"/.exec(first.body)?.[1];
    const second = await page('residenta', String(older).replaceAll('&amp;', '&'));
    expect(second.body).not.toContain('is-pinned');
  });
});

describe('the live page of a vote over a 3,000-unit electorate', () => {
  it.each(['committeea', 'residenta', 'community'])('is two statements for %s, each an index search', async (username) => {
    const { body, statements } = await page(username, `/votes/${bigVote}`);
    expect(statements).toHaveLength(2);
    expect(body).toContain('屋面');
    expect(body).toContain('id="tally-figures"');
  });

  it('polls its figures in two statements', async () => {
    const { body, statements } = await page('residenta', `/votes/${bigVote}`, { 'hx-request': 'true' });
    expect(statements).toHaveLength(2);
    expect(body).toContain('id="tally-figures"');
    expect(body).not.toContain('<html');
  });

  it('shows the first units of the canvass list and the owner’s own ballot form, and links the whole list', async () => {
    const { body } = await page('residenta', `/votes/${bigVote}`);
    expect(body).toContain(`name="voterKey" value="${residentKey}"`);
    expect(body).toMatch(/此处列出前 20 户；全部 \d+ 户见入户名单/);
    expect(body.match(/class="room"/g)).toHaveLength(20);
    const committee = await page('committeea', `/votes/${bigVote}`);
    expect(committee.body).toContain(`href="/votes/${bigVote}/record"`);
    expect(committee.body).not.toContain('<option value="o:'); // no electorate-long choice on the page
  });

  it('reads the whole canvass list on its own page, still by index', async () => {
    const { body, statements } = await page('committeea', `/votes/${bigVote}/canvass`);
    expect(statements).toHaveLength(2);
    expect(body.match(/class="room"/g)!.length).toBeGreaterThan(900);
  });
});

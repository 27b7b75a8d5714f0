import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../helpers/world.ts';
import { iso, planHarness, randomSequence, type PlanHarness } from './pages-at-scale.ts';
import { BOUNCING_HANDOFFS } from '../../src/domain/issue-workflow.ts';
import { dashboardPeriod, type PeriodKey } from '../../src/domain/dashboard-periods.ts';

/**
 * The dashboards at scale (issues #11, #12): over a year of issues in two communities, the page is a fixed
 * number of statements whatever the period (the session, the issues of the period, the period before and
 * the trend's weeks as one range, and, once a minute per estate set (src/modules/dashboard/places-cache.ts),
 * the weight setting and for a scoped actor the buildings of the grid with their estates' names),
 * the issues are read by an index range on the filing time (never the community's or the estates' whole
 * history), and the figures are those of the issues filed in the period in the actor's scope.
 */

const START = new Date('2026-11-20T02:00:00Z');
const DAY = 86_400_000;
const ISSUES = 8000;
const STATES = ['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'resolved', 'closed', 'closed', 'rejected'];

let h: PlanHarness;

/** A year of issues, filed in time order, over ten estates of the world's community and two of the other. */
function writeIssues(db: Database.Database, w: World) {
  const next = randomSequence(11);
  const now = START.getTime();
  const estate = (communityId: number, name: string) =>
    Number(
      db
        .prepare("INSERT INTO Estate (communityId, name, address, propertyCompanyName, createdAt) VALUES (?, ?, '', '', ?)")
        .run(communityId, name, iso(now)).lastInsertRowid,
    );
  const estates = [
    w.estateA.id,
    w.estateB.id,
    ...Array.from({ length: 8 }, (_, i) => estate(w.community.id, `看板压测${i + 1}区`)),
    w.estateC.id,
    estate(w.otherCommunity.id, '另社区压测小区'),
  ];
  const places = estates.flatMap((estateId) =>
    Array.from({ length: 5 }, (_, b) => ({
      estateId,
      buildingId: Number(
        db
          .prepare('INSERT INTO Building (estateId, name, sortOrder, floors) VALUES (?, ?, ?, 18)')
          .run(estateId, `看板${b + 1}号楼`, 50 + b).lastInsertRowid,
      ),
    })),
  );
  const categories = db.prepare('SELECT id, emergency FROM Category').all() as { id: number; emergency: number }[];
  const issue = db.prepare(
    `INSERT INTO Issue (estateId, buildingId, locationType, locationNote, isPublic, categoryId, emergency, title, description,
       reporterId, submissionKey, state, assignedParty, assignedOrg, respondBy, resolveBy, acceptedAt, resolvedAt, rejectedAt,
       rating, reopenCount, handoffCount, supportCount, attachmentCount, ratingComment, version, createdAt, updatedAt)
     VALUES (?, ?, 'building', '', 1, ?, ?, ?, '', ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '', 0, ?, ?)`,
  );
  const times = Array.from({ length: ISSUES }, () => now - Math.floor(next() * 365 * DAY)).sort((a, b) => a - b);
  times.forEach((created, i) => {
    const place = places[Math.floor(next() * places.length)]!;
    const category = categories[Math.floor(next() * categories.length)]!;
    const state = STATES[Math.floor(next() * STATES.length)]!;
    const accepted = state === 'submitted' || state === 'rejected' ? null : created + Math.floor(next() * 48 * 3_600_000);
    const resolved = state === 'resolved' || state === 'closed' ? (accepted ?? created) + Math.floor(next() * 9 * DAY) : null;
    const rating = state === 'closed' ? (['satisfied', 'basically_satisfied', 'dissatisfied', null] as const)[i % 4]! : null;
    issue.run(
      place.estateId,
      place.buildingId,
      category.id,
      category.emergency,
      `看板诉求 ${i}`,
      w.users.residentA.id,
      `dashboard-plans-${i}`,
      state,
      accepted === null ? null : (['property', 'committee', 'community'] as const)[i % 3],
      iso(created + DAY),
      iso(created + 7 * DAY),
      accepted === null ? null : iso(accepted),
      resolved === null ? null : iso(resolved),
      state === 'rejected' ? iso(created + 3_600_000) : null,
      rating,
      i % 17 === 0 ? 1 : 0,
      i % 23 === 0 ? BOUNCING_HANDOFFS + (i % 3) : 0,
      iso(created),
      iso(created),
    );
  });
}

beforeAll(async () => {
  h = await planHarness(
    START,
    (file, w) => {
      const db = new Database(file);
      db.transaction(() => writeIssues(db, w))();
      db.close();
    },
    ['community', 'community2', 'admin', 'propertya', 'committeea'],
  );
}, 180_000);

afterAll(async () => h?.close());

/** The valid issues (not rejected, not duplicates) filed in the period, in a community, an estate or everywhere. */
function validIssues(key: PeriodKey, scope: { communityId: number } | { estateId: number } | null): number {
  const { current } = dashboardPeriod(key, START);
  const communityId = scope && 'communityId' in scope ? scope.communityId : null;
  const estateId = scope && 'estateId' in scope ? scope.estateId : null;
  const db = new Database(h.databaseFile, { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT COUNT(*) AS n FROM Issue i JOIN Estate e ON e.id = i.estateId
         WHERE i.createdAt >= ? AND i.createdAt <= ? AND i.state <> 'rejected' AND i.duplicateOfId IS NULL
           AND (? IS NULL OR e.communityId = ?) AND (? IS NULL OR i.estateId = ?)`,
      )
      .get(iso(current.start.getTime()), iso(current.end.getTime()), communityId, communityId, estateId, estateId) as {
      n: number;
    };
    return row.n;
  } finally {
    db.close();
  }
}

/** The valid bouncing issues filed in the period in a community. */
function bouncingIssues(key: PeriodKey, communityId: number): number {
  const { current } = dashboardPeriod(key, START);
  const db = new Database(h.databaseFile, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM Issue WHERE createdAt >= ? AND createdAt <= ? AND state <> 'rejected'
             AND duplicateOfId IS NULL AND handoffCount >= ? AND communityId = ?`,
        )
        .get(iso(current.start.getTime()), iso(current.end.getTime()), BOUNCING_HANDOFFS, communityId) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

/** The query plan of the statement that reads the issues. */
function issuePlan(statements: string[]): string[] {
  const issues = statements.filter((s) => /from "Issue" as "i"/.test(s));
  expect(issues).toHaveLength(1);
  const db = new Database(h.databaseFile, { readonly: true });
  try {
    return (db.prepare(`EXPLAIN QUERY PLAN ${issues[0]}`).all() as { detail: string }[]).map((r) => r.detail);
  } finally {
    db.close();
  }
}

const valid = (n: number) => new RegExp(`提交的诉求，有效 ${n} 件`);

describe('the dashboards over a year of issues in two communities', () => {
  it.each<PeriodKey>(['week', '30d', 'month', 'last-month', 'quarter'])(
    'is at most five statements for community staff’s %s, the issues read by an index range on the filing time',
    async (key) => {
      const { result, statements } = await h.captured(() => h.clients.community!.get(`/dashboard?period=${key}`));
      expect(result.statusCode).toBe(200);
      expect(statements.length).toBeLessThanOrEqual(5);
      expect(h.scans(statements)).toEqual([]);
      const plan = issuePlan(statements);
      expect(
        plan.some((line) => /^SEARCH i USING INDEX \w+ \(communityId=\? AND createdAt>\? AND createdAt<\?\)/.test(line)),
        plan.join('\n'),
      ).toBe(true);
      expect(result.body).toMatch(valid(validIssues(key, { communityId: h.world.community.id })));
    },
  );

  it.each(['propertya', 'committeea'])(
    'gives %s the estates they serve only, read by their estate’s index range',
    async (username) => {
      const { result, statements } = await h.captured(() => h.clients[username]!.get('/dashboard?period=quarter'));
      expect(result.statusCode).toBe(200);
      expect(statements.length).toBeLessThanOrEqual(5);
      expect(h.scans(statements)).toEqual([]);
      const plan = issuePlan(statements);
      expect(
        plan.some((line) => /^SEARCH i USING INDEX \w+ \(estateId=\? AND createdAt>\? AND createdAt<\?\)/.test(line)),
        plan.join('\n'),
      ).toBe(true);
      expect(result.body).toMatch(valid(validIssues('quarter', { estateId: h.world.estateA.id })));
      expect(result.body).not.toContain('乙小区');
      expect(result.body).not.toContain('看板压测1区');
    },
  );

  it('gives each community its own issues, an administrator everyone’s, in three statements at most', async () => {
    const other = await h.captured(() => h.clients.community2!.get('/dashboard?period=quarter'));
    expect(other.result.body).toMatch(valid(validIssues('quarter', { communityId: h.world.otherCommunity.id })));
    expect(other.result.body).not.toContain('甲小区');
    const admin = await h.captured(() => h.clients.admin!.get('/dashboard?period=quarter'));
    expect(admin.statements.length).toBeLessThanOrEqual(3);
    expect(h.scans(admin.statements)).toEqual([]);
    expect(admin.result.body).toMatch(valid(validIssues('quarter', null)));
    expect(admin.result.body).toContain('另社区压测小区');
  });

  it('answers the htmx filter and the CSV export with the same statements, the places read once a minute', async () => {
    // a first request reads the community's places (and fills the minute's cache) whenever it comes
    await h.clients.community!.get('/dashboard?period=30d');
    const partial = await h.captured(() => h.clients.community!.get('/dashboard?period=30d', { 'hx-request': 'true' }));
    expect(partial.result.body).not.toContain('<html');
    // the places are cached: the session and the issues only
    expect(partial.statements).toHaveLength(2);
    const csv = await h.captured(() => h.clients.community!.get('/dashboard.csv?period=quarter'));
    expect(csv.result.statusCode).toBe(200);
    expect(csv.statements).toHaveLength(2);
    expect(h.scans(csv.statements)).toEqual([]);
  });

  it('lists the most handed-off issues of the period by name, fifty at most, and counts them all', async () => {
    const { result } = await h.captured(() => h.clients.community!.get('/dashboard?period=quarter'));
    const listed = result.body.match(/<span class="tag bouncing">/g) ?? [];
    const total = bouncingIssues('quarter', h.world.community.id);
    expect(total).toBeGreaterThan(20);
    expect(listed.length).toBe(Math.min(total, 50));
    expect(/id="bouncing-h"[\s\S]*?<\/section>/.exec(result.body)![0]).toContain(total > 50 ? `共 ${total} 件` : '');
    expect(result.body).toContain(`data-figure="bouncing">${total}<`);
    const handoffs = [...result.body.matchAll(/class="tag bouncing">[\s\S]*?转交 (\d+) 次/g)].map((m) => Number(m[1]));
    expect(handoffs).toHaveLength(listed.length);
    expect(handoffs).toEqual([...handoffs].sort((a, b) => b - a));
  });
});

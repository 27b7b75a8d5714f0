import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../helpers/world.ts';
import { iso, planHarness, randomSequence, type PlanHarness } from './pages-at-scale.ts';
import { BOUNCING_HANDOFFS } from '../../src/domain/issue-workflow.ts';

/**
 * The community dashboard at scale (issue #11): over a year of issues in two communities, the page is
 * three statements (the session, the issues of the period, the weight setting) whatever the period, the
 * issues are read by an index range on the period (never the community's whole history), and the figures
 * are those of the issues filed in the period in the actor's community.
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
    ['community', 'community2', 'admin'],
  );
}, 180_000);

afterAll(async () => h?.close());

/** The valid issues (not rejected) filed in the last `days` days, in a community or everywhere. */
function validIssues(days: number, communityId: number | null): number {
  const db = new Database(h.databaseFile, { readonly: true });
  try {
    const since = iso(START.getTime() - days * DAY);
    const row = db
      .prepare(
        `SELECT COUNT(*) AS n FROM Issue i JOIN Estate e ON e.id = i.estateId
         WHERE i.createdAt >= ? AND i.createdAt <= ? AND i.state <> 'rejected' AND (? IS NULL OR e.communityId = ?)`,
      )
      .get(since, iso(START.getTime()), communityId, communityId) as { n: number };
    return row.n;
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

describe('the community dashboard over a year of issues in two communities', () => {
  it.each([7, 30, 90])(
    'is three statements for the last %i days, the issues read by an index range on the period',
    async (days) => {
      const { result, statements } = await h.captured(() => h.clients.community!.get(`/dashboard?days=${days}`));
      expect(result.statusCode).toBe(200);
      expect(statements).toHaveLength(3);
      expect(h.scans(statements)).toEqual([]);
      const plan = issuePlan(statements);
      expect(
        plan.some((line) => /^SEARCH i USING INDEX \w+ \(.*createdAt>\? AND createdAt<\?\)/.test(line)),
        plan.join('\n'),
      ).toBe(true);
      expect(result.body).toContain(`有效 ${validIssues(days, h.world.community.id)} 件`);
    },
  );

  it('gives each community its own issues, an administrator everyone’s, in three statements', async () => {
    const other = await h.captured(() => h.clients.community2!.get('/dashboard?days=90'));
    expect(other.result.body).toContain(`有效 ${validIssues(90, h.world.otherCommunity.id)} 件`);
    expect(other.result.body).not.toContain('甲小区');
    const admin = await h.captured(() => h.clients.admin!.get('/dashboard?days=90'));
    expect(admin.statements).toHaveLength(3);
    expect(h.scans(admin.statements)).toEqual([]);
    expect(admin.result.body).toContain(`有效 ${validIssues(90, null)} 件`);
    expect(admin.result.body).toContain('另社区压测小区');
  });

  it('answers the htmx filter with the figures only, in three statements', async () => {
    const { result, statements } = await h.captured(() =>
      h.clients.community!.get('/dashboard?days=30', { 'hx-request': 'true' }),
    );
    expect(result.body).not.toContain('<html');
    expect(statements).toHaveLength(3);
  });

  it('lists the fifty most handed-off issues by name and counts them all', async () => {
    const { result } = await h.captured(() => h.clients.community!.get('/dashboard?days=90'));
    const listed = result.body.match(/<span class="tag bouncing">/g) ?? [];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBe(50);
    expect(result.body).toMatch(/列出转交次数最多的 50 件，共 \d+ 件/);
    const handoffs = [...result.body.matchAll(/class="tag bouncing">[\s\S]*?转交 (\d+) 次/g)].map((m) => Number(m[1]));
    expect(handoffs).toHaveLength(listed.length);
    expect(handoffs).toEqual([...handoffs].sort((a, b) => b - a));
  });
});

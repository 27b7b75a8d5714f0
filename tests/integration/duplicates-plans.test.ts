import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { planOf, scansOf, statementLog } from '../helpers/plans.ts';

/**
 * The similar-issues offer runs while a resident types: on an estate with many issues it reads one
 * index range (building, category, state, newest first), never the estate's issues whole.
 */

const log = statementLog();
let t: TestApp;
let world: World;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp({}, new Date('2026-11-20T02:00:00Z'), log.onStatement);
  world = await makeWorld(t.app.db);
  const categories = ['roof_leak', 'lift_fault', 'sanitation', 'noise', 'parking', 'greening'].map((c) => world.cat(c));
  const buildings = [world.buildingA.id, world.buildingA2.id, null];
  const states = ['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'closed', 'closed', 'rejected'];
  const rows = Array.from({ length: 3000 }, (_, n) => {
    const category = categories[Math.floor(n / 3) % categories.length]!;
    const createdAt = new Date(t.clock.now.getTime() - (n + 1) * 3_600_000);
    return {
      estateId: world.estateA.id,
      buildingId: buildings[n % buildings.length]!,
      locationType: n % buildings.length === 2 ? 'estate' : 'building',
      isPublic: n % 5 !== 0,
      categoryId: category.id,
      title: `诉求 ${n}`,
      description: '描述',
      reporterId: n % 2 === 0 ? world.users.residentA2.id : world.users.tenantA.id,
      submissionKey: randomUUID(),
      state: states[n % states.length]!,
      respondBy: createdAt,
      resolveBy: createdAt,
      createdAt,
    };
  });
  await t.app.db.issue.createMany({ data: rows });
  await t.app.db.$executeRawUnsafe('ANALYZE');
  resident = await loginAs(t.app, 'residenta');
}, 120_000);
afterAll(async () => t.close());

const issueStatements = (statements: string[]) => statements.filter((s) => /from\s+["`]?(main["`]?\.["`]?)?Issue\b/i.test(s));

describe('the offer of similar issues on an estate with thousands of issues', () => {
  it.each(['building', 'estate'])('reads one index range for a %s location, scanning no growing table', async (locationType) => {
    const url = `/issues/new/similar?categoryId=${world.cat('lift_fault').id}&locationType=${locationType}`;
    const { result, statements } = await log.captured(() => resident.get(url, { 'hx-request': 'true' }));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('similar-row');
    const reads = issueStatements(statements);
    expect(reads.length).toBeGreaterThan(0);
    for (const statement of statements) expect(scansOf(t.config.databaseFile, statement), statement).toEqual([]);
    for (const statement of reads) {
      expect(planOf(t.config.databaseFile, statement).join('\n'), statement).toMatch(
        /USING (COVERING )?INDEX \S*buildingId_categoryId_state_createdAt/,
      );
    }
  });

  it('holds the plain form with the same index search', async () => {
    await resident.get('/issues/new');
    const form = {
      categoryId: String(world.cat('lift_fault').id),
      locationType: 'building',
      locationNote: '',
      title: '电梯坏了',
      description: '停在三楼',
      submissionKey: randomUUID(),
    };
    const { result, statements } = await log.captured(() => resident.post('/issues', form));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('不是同一个问题，继续提交');
    for (const statement of statements) expect(scansOf(t.config.databaseFile, statement), statement).toEqual([]);
  });
});

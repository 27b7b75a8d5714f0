import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { loginAs } from '../helpers/client.ts';
import { makeWorld } from '../helpers/world.ts';
import { inTransaction } from '../../src/plugins/db.ts';
import { recordAudit } from '../../src/modules/audit/index.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await makeWorld(t.app.db);
  await inTransaction(t.app.db, (tx) =>
    recordAudit(tx, {
      who: null,
      ip: '192.0.2.1',
      action: 'login.failure',
      note: 'append-only-marker',
    }),
  );
});
afterAll(async () => {
  await t?.close();
});

interface RouteLine {
  path: string;
  methods: string[];
}

/**
 * Every route of the app with its methods, read from `printRoutes()` (Fastify's own listing of its
 * router): each line is a node whose label extends its parent's path, indented four characters a level.
 */
function registeredRoutes(tree: string): RouteLine[] {
  const routes: RouteLine[] = [];
  const pathAtDepth: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (depth === 0 ? '' : (pathAtDepth[depth - 1] ?? '')) + (m[2] ?? '');
    pathAtDepth[depth] = path;
    pathAtDepth.length = depth + 1;
    if (m[3]) routes.push({ path, methods: m[3].split(', ') });
  }
  return routes;
}

describe('the audit log is append-only', () => {
  it('no route under /audit does anything but read (GET or HEAD)', () => {
    const routes = registeredRoutes(t.app.printRoutes({ commonPrefix: false }));
    // the listing is read correctly: routes elsewhere are found with their methods
    expect(routes).toContainEqual({ path: '/login', methods: expect.arrayContaining(['GET', 'POST']) as unknown as string[] });
    const audit = routes.filter((r) => r.path.startsWith('/audit'));
    expect(audit.map((r) => r.path).sort()).toEqual(['/audit', '/audit.csv']);
    for (const route of audit) {
      expect(
        route.methods.filter((m) => m !== 'GET' && m !== 'HEAD'),
        route.path,
      ).toEqual([]);
    }
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)(
    'an administrator’s %s to the log finds no route and changes nothing',
    async (method) => {
      const admin = await loginAs(t.app, 'admin');
      const before = await t.app.db.auditEntry.findMany({ orderBy: { id: 'asc' } });
      const entry = before.find((e) => e.note === 'append-only-marker');
      expect(entry).toBeDefined();
      for (const url of ['/audit', `/audit/${entry!.id}`, '/audit.csv', `/audit/${entry!.id}/delete`]) {
        const res = await t.app.inject({
          method,
          url,
          headers: {
            cookie: admin.cookieHeader(),
            'x-csrf-token': admin.csrf,
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: `_csrf=${encodeURIComponent(admin.csrf)}&note=changed`,
        });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      const after = await t.app.db.auditEntry.findMany({
        where: { id: { in: before.map((e) => e.id) } },
        orderBy: { id: 'asc' },
      });
      expect(after).toEqual(before);
    },
  );

  it('the database itself refuses UPDATE and DELETE on AuditEntry', () => {
    const sqlite = new Database(t.config.databaseFile);
    try {
      const row = sqlite.prepare(`SELECT "id", "note" FROM "AuditEntry" WHERE "note" = 'append-only-marker'`).get() as {
        id: number;
        note: string;
      };
      expect(row.note).toBe('append-only-marker');
      expect(() => sqlite.prepare(`UPDATE "AuditEntry" SET "note" = 'rewritten' WHERE "id" = ?`).run(row.id)).toThrow(
        /append-only/,
      );
      expect(() => sqlite.prepare(`UPDATE "AuditEntry" SET "actorId" = NULL`).run()).toThrow(/append-only/);
      expect(() => sqlite.prepare(`DELETE FROM "AuditEntry" WHERE "id" = ?`).run(row.id)).toThrow(/append-only/);
      expect(() => sqlite.prepare(`DELETE FROM "AuditEntry"`).run()).toThrow(/append-only/);
      expect(sqlite.prepare(`SELECT "note" FROM "AuditEntry" WHERE "id" = ?`).get(row.id)).toEqual({
        note: 'append-only-marker',
      });
    } finally {
      sqlite.close();
    }
  });

  it('the app’s own database client is refused too', async () => {
    const entry = await t.app.db.auditEntry.findFirstOrThrow({ where: { note: 'append-only-marker' } });
    await expect(t.app.db.auditEntry.update({ where: { id: entry.id }, data: { note: 'rewritten' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(t.app.db.auditEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
    await expect(t.app.db.auditEntry.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await t.app.db.auditEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
  });
});

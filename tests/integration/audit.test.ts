import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { Client, loginAs } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { inTransaction } from '../../src/plugins/db.ts';
import { recordAudit, type AuditInput } from '../../src/modules/audit/index.ts';

let t: TestApp;
let w: World;

const record = (...inputs: AuditInput[]) =>
  inTransaction(t.app.db, async (tx) => {
    for (const input of inputs) await recordAudit(tx, input);
  });

/** The ids of the rows on an audit page, top to bottom. */
const rowIds = (html: string) => [...html.matchAll(/<tr id="audit-(\d+)"/g)].map((m) => Number(m[1]));

/** A pager link's target, as a browser would follow it. */
function link(html: string, rel: 'next' | 'prev'): string | null {
  const m = new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html);
  return m?.[1] ? m[1].replaceAll('&amp;', '&') : null;
}

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
});
afterAll(async () => {
  await t?.close();
});

describe('who may read the audit log', () => {
  beforeAll(async () => {
    const staff = { userId: w.users.community.id, displayName: '社区刘', role: 'community' };
    await record(
      {
        who: staff,
        ip: '10.0.0.1',
        action: 'account.create',
        entityType: 'user',
        entityId: 901,
        communityId: w.community.id,
        note: 'scope-marker community A',
      },
      {
        who: staff,
        ip: '10.0.0.1',
        action: 'roster.edit',
        entityType: 'unit',
        entityId: w.unitA.id,
        estateId: w.estateA.id,
        note: 'scope-marker estate A',
      },
      { who: null, ip: '10.0.0.2', action: 'account.create', communityId: w.otherCommunity.id, note: 'scope-marker community B' },
      { who: null, ip: '10.0.0.2', action: 'roster.edit', estateId: w.estateC.id, note: 'scope-marker estate C' },
      { who: null, ip: '10.0.0.3', action: 'login.failure', note: 'scope-marker nowhere' },
    );
  });

  const markers = (html: string) => [...html.matchAll(/scope-marker ([\w ]+?)</g)].map((m) => m[1]).sort();

  it('community staff see their community’s entries and their estates’, not another community’s', async () => {
    const staff = await loginAs(t.app, 'community');
    const res = await staff.get('/audit?q=scope-marker');
    expect(res.statusCode).toBe(200);
    expect(markers(res.body)).toEqual(['community A', 'estate A']);
  });

  it('the other community’s staff see only theirs', async () => {
    const staff = await loginAs(t.app, 'community2');
    const res = await staff.get('/audit?q=scope-marker');
    expect(markers(res.body)).toEqual(['community B', 'estate C']);
  });

  it('an administrator sees every entry', async () => {
    const admin = await loginAs(t.app, 'admin');
    const res = await admin.get('/audit?q=scope-marker');
    expect(markers(res.body)).toEqual(['community A', 'community B', 'estate A', 'estate C', 'nowhere']);
  });

  it.each(['propertya', 'committeea', 'residenta', 'tenanta'])('%s gets a 404 for the page and the export', async (username) => {
    const client = await loginAs(t.app, username);
    expect((await client.get('/audit')).statusCode).toBe(404);
    expect((await client.get('/audit.csv')).statusCode).toBe(404);
    expect(markers((await client.get('/audit?q=scope-marker')).body)).toEqual([]);
  });

  it('a visitor who is not signed in is sent to the login page', async () => {
    const res = await new Client(t.app).get('/audit');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?/);
  });

  it('the navigation links the log for administrators and community staff only', async () => {
    expect((await (await loginAs(t.app, 'admin')).get('/issues')).body).toContain('href="/audit"');
    expect((await (await loginAs(t.app, 'community')).get('/issues')).body).toContain('href="/audit"');
    expect((await (await loginAs(t.app, 'propertya')).get('/issues')).body).not.toContain('href="/audit"');
    expect((await (await loginAs(t.app, 'residenta')).get('/issues/mine')).body).not.toContain('href="/audit"');
  });
});

describe('an entry as the page shows it', () => {
  it('shows the Shanghai time, who and their role, the address, the labelled action, the record and only the changed keys', async () => {
    await record({
      who: { userId: w.users.admin.id, displayName: '管理员张', role: 'admin' },
      ip: '203.0.113.7',
      action: 'account.role',
      entityType: 'user',
      entityId: w.users.propertyA.id,
      before: { role: 'resident', estates: [1], displayName: '周' },
      after: { role: 'property', estates: [1, 2], displayName: '周', orgName: '甲物业' },
      note: 'show-marker <script>alert(1)</script>',
      at: new Date('2026-11-20T02:00:05Z'),
    });
    const admin = await loginAs(t.app, 'admin');
    const res = await admin.get('/audit?q=show-marker');
    expect(res.statusCode).toBe(200);
    const row = /<tr id="audit-\d+">([\s\S]*?)<\/tr>/.exec(res.body)?.[1] ?? '';
    expect(row).toContain('2026-11-20 10:00:05');
    expect(row).toContain('管理员张');
    expect(row).toContain('管理员'); // the role, translated
    expect(row).toContain('203.0.113.7');
    expect(row).toContain('变更角色');
    expect(row).toContain('<code>account.role</code>');
    expect(row).toContain(`账号 #${w.users.propertyA.id}`);
    expect(row).toMatch(/<code>role<\/code>：<del>resident<\/del> → <ins>property<\/ins>/);
    expect(row).toMatch(/<code>estates<\/code>：<del>\[1\]<\/del> → <ins>\[1,2\]<\/ins>/);
    expect(row).toMatch(/<code>orgName<\/code>：<span class="muted">∅<\/span> → <ins>甲物业<\/ins>/);
    expect(row).not.toContain('<code>displayName</code>');
    expect(row).toContain('&lt;script&gt;');
    expect(row).not.toContain('<script>');
  });

  it('records a failed login with no one behind it and the username tried in the note', async () => {
    await record(
      { who: null, ip: '198.51.100.9', action: 'login.failure', note: 'login-marker-someone' },
      {
        who: { userId: w.users.residentA.id, displayName: '王秀英', role: 'resident' },
        ip: '198.51.100.9',
        action: 'login.success',
        entityType: 'user',
        entityId: w.users.residentA.id,
        note: 'login-marker-residenta',
      },
    );
    const admin = await loginAs(t.app, 'admin');
    const res = await admin.get('/audit?action=login.&q=login-marker');
    const rows = res.body.split('<tr id="audit-').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('登录成功');
    expect(rows[0]).toContain('王秀英');
    expect(rows[1]).toContain('登录失败');
    expect(rows[1]).toContain('未登录 / 系统');
    expect(rows[1]).toContain('login-marker-someone');
  });

  it('an action without a label is shown by its code', async () => {
    await record({ who: null, ip: '', action: 'brand.new_thing', note: 'unlabelled-marker' });
    const res = await (await loginAs(t.app, 'admin')).get('/audit?q=unlabelled-marker');
    expect(res.body).toContain('<code>brand.new_thing</code>');
  });

  it('an htmx search gets the results fragment, a browser the whole page', async () => {
    const admin = await loginAs(t.app, 'admin');
    const fragment = await admin.get('/audit?q=show-marker', { 'hx-request': 'true' });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).not.toContain('<html');
    expect(rowIds(fragment.body)).toHaveLength(1);
    const page = await admin.get('/audit?q=show-marker');
    expect(page.body).toContain('<html');
    expect(page.body).toContain('<form method="get" action="/audit"');
  });
});

describe('searching the log', () => {
  let ids: Record<string, number> = {};
  beforeAll(async () => {
    const who = (name: string, role = 'community') => ({ userId: w.users.community.id, displayName: name, role });
    const at = (iso: string) => new Date(iso);
    const entries: [string, AuditInput][] = [
      // 2026-11-19 23:59:59 in Shanghai
      [
        'lateOn19',
        {
          who: who('陈芳'),
          ip: '1.1.1.1',
          action: 'search.account.create',
          entityType: 'user',
          entityId: 11,
          note: 'search-set first',
          at: at('2026-11-19T15:59:59Z'),
        },
      ],
      // 2026-11-20 00:00:00 in Shanghai
      [
        'startOf20',
        {
          who: who('陈芳'),
          ip: '1.1.1.1',
          action: 'search.account.role',
          entityType: 'user',
          entityId: 12,
          note: 'search-set 屋面漏水 second',
          at: at('2026-11-19T16:00:00Z'),
        },
      ],
      // 2026-11-20 23:59:59 in Shanghai
      [
        'endOf20',
        {
          who: who('李明'),
          ip: '1.1.1.1',
          action: 'search.roster.edit',
          entityType: 'unit',
          entityId: 11,
          note: 'search-set third',
          at: at('2026-11-20T15:59:59Z'),
        },
      ],
      // 2026-11-21 00:00:00 in Shanghai
      [
        'startOf21',
        {
          who: who('李明'),
          ip: '1.1.1.1',
          action: 'search.settings.update',
          entityType: 'estate',
          entityId: 3,
          note: 'search-set fourth',
          at: at('2026-11-20T16:00:00Z'),
        },
      ],
    ];
    await record(...entries.map(([, e]) => e));
    const rows = await t.app.db.auditEntry.findMany({ where: { note: { startsWith: 'search-set' } } });
    ids = Object.fromEntries(entries.map(([name, e]) => [name, rows.find((r) => r.note === e.note)!.id]));
  });

  /** A search among this block's entries (their notes start with search-set) unless it names its own q. */
  const search = async (query: string) => {
    const res = await (await loginAs(t.app, 'admin')).get(`/audit?${query.startsWith('q=') ? query : `q=search-set&${query}`}`);
    expect(res.statusCode).toBe(200);
    return rowIds(res.body);
  };

  it('finds by the start of the action code, newest first', async () => {
    expect(await search('action=search.account')).toEqual([ids.startOf20, ids.lateOn19]);
    expect(await search('action=search.')).toEqual([ids.startOf21, ids.endOf20, ids.startOf20, ids.lateOn19]);
    expect(await search('action=account.create')).toEqual([]); // a prefix, not a substring
  });

  it('finds by the actor’s name', async () => {
    expect(await search(`actor=${encodeURIComponent('李明')}`)).toEqual([ids.startOf21, ids.endOf20]);
  });

  it('finds by record type and number', async () => {
    expect(await search('entityType=user')).toEqual([ids.startOf20, ids.lateOn19]);
    expect(await search('entityId=11')).toEqual([ids.endOf20, ids.lateOn19]);
    expect(await search('entityType=unit&entityId=11')).toEqual([ids.endOf20]);
  });

  it('reads the dates as whole days in Asia/Shanghai', async () => {
    expect(await search('from=2026-11-20&to=2026-11-20')).toEqual([ids.endOf20, ids.startOf20]);
    expect(await search('from=2026-11-21')).toEqual([ids.startOf21]);
    expect(await search('to=2026-11-19')).toEqual([ids.lateOn19]);
  });

  it('finds free text in the note', async () => {
    expect(await search(`q=${encodeURIComponent('屋面漏水')}`)).toEqual([ids.startOf20]);
  });

  it('an empty form is no filter at all', async () => {
    expect(await search('action=&actor=&entityType=&entityId=&from=&to=')).toEqual([
      ids.startOf21,
      ids.endOf20,
      ids.startOf20,
      ids.lateOn19,
    ]);
  });

  it('a date that is not one, or a range that ends before it starts, is an inline message, not a 500', async () => {
    const admin = await loginAs(t.app, 'admin');
    const bad = await admin.get('/audit?from=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请按“年-月-日”填写一个真实的日期');
    expect(bad.body).toContain('href="#f-auditFrom"');
    expect(bad.body).toContain('value="2026-02-30"');
    const reversed = await admin.get('/audit?from=2026-11-21&to=2026-11-20');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('不能早于开始日期');
    expect((await admin.get('/audit.csv?from=yesterday')).statusCode).toBe(400);
  });

  it.each([
    ['an overlong search text', `q=${'x'.repeat(101)}`],
    ['a malformed page position', 'before=abc'],
    ['a page position past any id', 'before=1700000000000.99999999999'],
    ['a page position with an id beyond the integer range', 'after=1700000000000.9999999999'],
  ])('%s is a 400 page', async (_name, query) => {
    const res = await (await loginAs(t.app, 'admin')).get(`/audit?${query}`);
    expect(res.statusCode).toBe(400);
  });
});

describe('paging through the log', () => {
  it('walks 120 entries 50 at a time by (time, id), newest first, without duplicates or gaps, and back', async () => {
    const base = Date.parse('2026-10-01T00:00:00Z');
    const inputs: AuditInput[] = Array.from({ length: 120 }, (_, i) => ({
      who: null,
      ip: '',
      action: 'paging.test',
      note: `page-entry ${i}`,
      // groups of seven share one moment, so the id must break the ties; the order of ids is not the
      // order of time either (later moments are written first within each half)
      at: new Date(base + (i < 60 ? 60 - Math.floor(i / 7) : 200 - Math.floor(i / 7)) * 60_000),
    }));
    await record(...inputs);
    const expected = (await t.app.db.auditEntry.findMany({ where: { action: 'paging.test' } }))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id)
      .map((e) => e.id);
    expect(expected).toHaveLength(120);

    const admin = await loginAs(t.app, 'admin');
    const pages: number[][] = [];
    const pageHtml: string[] = [];
    let url: string | null = '/audit?action=paging.';
    while (url) {
      const res = await admin.get(url);
      expect(res.statusCode).toBe(200);
      pages.push(rowIds(res.body));
      pageHtml.push(res.body);
      url = link(res.body, 'next');
      expect(pages.length).toBeLessThan(5);
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(expected);
    expect(link(pageHtml[0]!, 'prev')).toBeNull();
    expect(link(pageHtml[1]!, 'next')).toContain('action=paging.');

    // back from the last page: the middle page again, then the first
    const middle = await admin.get(link(pageHtml[2]!, 'prev')!);
    expect(rowIds(middle.body)).toEqual(pages[1]);
    const first = await admin.get(link(middle.body, 'prev')!);
    expect(rowIds(first.body)).toEqual(pages[0]);
    expect(link(first.body, 'prev')).toBeNull();
  });
});

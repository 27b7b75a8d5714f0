import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSql } from '../../src/plugins/sql.ts';
import { issuePage } from '../../src/modules/issues/page-reads.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actorFor, makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';

let t: TestApp;
let world: World;
let residentA: Client;
let residentA2: Client;
let tenantA: Client;

beforeAll(async () => {
  t = await createTestApp({ uploadMaxBytes: 64 * 1024, uploadMaxFiles: 6 });
  world = await makeWorld(t.app.db);
  [residentA, residentA2, tenantA] = await Promise.all([
    loginAs(t.app, 'residenta'),
    loginAs(t.app, 'residenta2'),
    loginAs(t.app, 'tenanta'),
  ]);
});
afterAll(async () => t.close());

let keySeq = 0;
const photo = (n: number) => ({ filename: `p${n}.png`, contentType: 'image/png', data: IMAGES.png });

function filingForm(submissionKey = `counts-submission-${++keySeq}-abcdef`) {
  return {
    categoryId: String(world.cat('roof_leak').id),
    locationType: 'building',
    locationNote: '',
    title: '顶楼漏水',
    description: '下雨后天花板渗水。',
    submissionKey,
    // neighbours report the same leak here on purpose: past the offer of similar issues
    similarChecked: '1',
  };
}

async function fileWithPhotos(client: Client, photos: number, submissionKey?: string): Promise<number> {
  await client.get('/issues/new');
  const res = await client.postMultipart('/issues', filingForm(submissionKey), {
    photos: Array.from({ length: photos }, (_, i) => photo(i)),
  });
  expect(res.statusCode).toBe(303);
  return Number(/\/issues\/(\d+)/.exec(String(res.headers.location))?.[1]);
}

/** Every issue's kept counts against COUNT(*) of its rows, straight from the database file. */
function countsAgainstRows() {
  const db = new Database(t.config.databaseFile, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT i.id, i.supportCount, i.attachmentCount,
           (SELECT COUNT(*) FROM Support s WHERE s.issueId = i.id) AS supportRows,
           (SELECT COUNT(*) FROM Attachment a WHERE a.issueId = i.id) AS attachmentRows
         FROM Issue i ORDER BY i.id`,
      )
      .all() as { id: number; supportCount: number; attachmentCount: number; supportRows: number; attachmentRows: number }[];
  } finally {
    db.close();
  }
}

describe('the support and photo counts kept on each issue', () => {
  it('equal the rows after filing with photos, "me too"s (double submits included) and comments with photos', async () => {
    const twoPhotos = await fileWithPhotos(residentA, 2);
    const threePhotos = await fileWithPhotos(residentA2, 3);
    const noPhotos = await fileWithPhotos(tenantA, 0);
    // the same form submitted twice files once and stores its photos once
    const again = `counts-double-${++keySeq}-abcdef`;
    const doubled = await fileWithPhotos(residentA, 1, again);
    expect(await fileWithPhotos(residentA, 1, again)).toBe(doubled);

    // "me too": one each, a double submit in a row, and two racing each other
    await residentA2.get(`/issues/${twoPhotos}`);
    await tenantA.get(`/issues/${twoPhotos}`);
    expect((await residentA2.post(`/issues/${twoPhotos}/support`)).statusCode).toBe(303);
    expect((await residentA2.post(`/issues/${twoPhotos}/support`)).statusCode).toBe(303);
    const raced = await Promise.all([tenantA.post(`/issues/${twoPhotos}/support`), tenantA.post(`/issues/${twoPhotos}/support`)]);
    expect(raced.map((r) => r.statusCode)).toEqual([303, 303]);
    await residentA.get(`/issues/${threePhotos}`);
    expect((await residentA.post(`/issues/${threePhotos}/support`)).statusCode).toBe(303);
    // one's own issue is refused and counts nothing
    expect((await residentA.post(`/issues/${twoPhotos}/support`)).statusCode).toBe(400);

    // a comment's photos belong to the comment, not to the issue
    await residentA.get(`/issues/${noPhotos}`);
    const comment = await residentA.postMultipart(`/issues/${noPhotos}/comments`, { body: '也漏了' }, { photos: [photo(9)] });
    expect(comment.statusCode).toBe(303);

    const rows = countsAgainstRows();
    for (const row of rows) {
      expect(row.supportCount, `supportCount of #${row.id}`).toBe(row.supportRows);
      expect(row.attachmentCount, `attachmentCount of #${row.id}`).toBe(row.attachmentRows);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(twoPhotos)).toMatchObject({ supportCount: 2, attachmentCount: 2 });
    expect(byId.get(threePhotos)).toMatchObject({ supportCount: 1, attachmentCount: 3 });
    expect(byId.get(noPhotos)).toMatchObject({ supportCount: 0, attachmentCount: 0 });
    expect(byId.get(doubled)).toMatchObject({ supportCount: 0, attachmentCount: 1 });

    // the lists and the issue page show the columns
    const page = await residentA.get(`/issues/${twoPhotos}`);
    expect(page.body).toMatch(/class="support-count">[^<]*2/);
  });
});

describe('the query plan of the issue page', () => {
  it('finds the issues "linked from" this one through the linkedFromId index, never scanning Issue', async () => {
    const closed = await makeIssue(t.app, world, { state: 'closed' });
    const followUp = await makeIssue(t.app, world, {});
    await t.app.db.issue.update({ where: { id: followUp.id }, data: { linkedFromId: closed.id } });

    // The page's own statements (with their values inlined), captured from a logging connection on the same file.
    const statements: string[] = [];
    const { sql, close } = openSql(t.config.databaseFile, (statement) => statements.push(statement));
    const actors = [
      actorFor(world.users.residentA, [world.estateA.id]),
      actorFor(world.users.community, [world.estateA.id, world.estateB.id], { communityId: world.community.id }),
    ];
    try {
      for (const actor of actors) {
        const page = await issuePage(sql, actor, closed.id);
        expect(page.followUps.map((f) => f.id)).toEqual([followUp.id]);
      }
    } finally {
      await close();
    }

    const linkedFrom = statements.filter((s) => /^SELECT/i.test(s.trim()) && /"linkedFromId"\s*=\s*"i"\."id"/.test(s));
    expect(linkedFrom).toHaveLength(actors.length);
    const sqlite = new Database(t.config.databaseFile, { readonly: true });
    try {
      for (const query of linkedFrom) {
        const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as { detail: string }[]).map((r) => r.detail);
        expect(plan.join('\n')).toMatch(/SEARCH (`?main`?\.)?`?Issue`? USING INDEX Issue_linkedFromId_idx \(linkedFromId=\?\)/);
        expect(plan.filter((d) => /^SCAN (`?main`?\.)?`?Issue`?\b/.test(d))).toEqual([]);
      }
    } finally {
      sqlite.close();
    }
  });
});

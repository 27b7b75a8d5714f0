import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { makeIssue, seedOwners } from './votes-fixtures.ts';

/**
 * #12: a fund vote's title defaulted to the complaint's headline, so the notice read "表决通过：卧室天花板
 * 漏水，下雨就滴". The draft form now asks for the title, suggests a neutral one beside the empty field,
 * and refuses the complaint's own headline.
 */
let t: TestApp;
let w: World;
let committee: Client;

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
});
afterAll(async () => t.close());

function proposalForm(issueId: number, title: string) {
  return {
    estateId: String(w.estateA.id),
    issueId: String(issueId),
    matter: 'use_fund',
    title,
    description: '',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '1,000.00',
    opensAt: '',
    closesAt: '2026-11-28T18:00',
    quotesText: '',
  };
}

const proposalsOf = (issueId: number) => t.app.db.fundProposal.findMany({ where: { issueId }, select: { title: true } });

describe('the title of a fund vote drafted from an issue', () => {
  it('is an empty required field with the suggestion as its placeholder, shown beside it with a fill button for JS', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    const body = (await committee.get(`/votes/new?issue=${issue.id}`)).body;
    expect(body).toContain('<label for="f-title">表决标题</label>');
    expect(body).toContain('value="" placeholder="使用维修资金维修5号楼屋面/外墙渗漏"');
    expect(body).toContain('建议标题：<span id="title-suggestion">使用维修资金维修5号楼屋面/外墙渗漏</span>');
    expect(body).toMatch(
      /<button type="button" class="link" data-fill-target="f-title" data-fill-from="title-suggestion" hidden>使用建议标题<\/button>/,
    );
    expect(body).not.toContain(`value="${issue.title}"`);
  });

  it('left empty, is refused inline and nothing is drafted', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    await committee.get(`/votes/new?issue=${issue.id}`);
    const res = await committee.post('/votes', proposalForm(issue.id, '  '));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<p class="field-error" id="err-title">必填</p>');
    expect(res.body).toContain('aria-invalid="true" aria-describedby="err-title"');
    // the form shown again still offers the suggestion
    expect(res.body).toContain('placeholder="使用维修资金维修5号楼屋面/外墙渗漏"');
    expect(await proposalsOf(issue.id)).toEqual([]);
  });

  it('refuses the complaint’s own headline, also with other spacing and punctuation', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    for (const title of [issue.title, ` ${issue.title.replace(' ', '')}。`]) {
      await committee.get(`/votes/new?issue=${issue.id}`);
      const res = await committee.post('/votes', proposalForm(issue.id, title));
      expect(res.statusCode, title).toBe(400);
      expect(res.body).toContain('不能直接使用诉求的标题，请写明表决的事项和范围');
    }
    expect(await proposalsOf(issue.id)).toEqual([]);
  });

  it('refuses a title too short or too long', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    for (const [title, message] of [
      ['修缮', '太短了，至少 3 个字符'],
      ['修'.repeat(81), '太长了，最多 80 个字'],
    ]) {
      await committee.get(`/votes/new?issue=${issue.id}`);
      const res = await committee.post('/votes', proposalForm(issue.id, title as string));
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(message);
    }
    expect(await proposalsOf(issue.id)).toEqual([]);
  });

  it('drafts the vote under the suggested title once it is typed (or filled)', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    await committee.get(`/votes/new?issue=${issue.id}`);
    const res = await committee.post('/votes', proposalForm(issue.id, '使用维修资金维修5号楼屋面/外墙渗漏'));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    expect(await proposalsOf(issue.id)).toEqual([{ title: '使用维修资金维修5号楼屋面/外墙渗漏' }]);
  });

  it('is suggested in English for an English reader', async () => {
    const issue = await makeIssue(t.app.db, w, 'awaiting_vote');
    const body = (await committee.get(`/votes/new?issue=${issue.id}`, { cookie: `${committee.cookieHeader()}; lang=en` })).body;
    expect(body).toContain('placeholder="Use of the maintenance fund to repair roof or wall leak at 5号楼"');
    expect(body).toContain('Use the suggested title');
  });

  it('has no suggestion when the vote is not drafted from an issue', async () => {
    const body = (await committee.get('/votes/new')).body;
    expect(body).toMatch(/<input id="f-title" name="title" required minlength="3" maxlength="80" value="">/);
    expect(body).not.toContain('title-suggestion');
  });
});

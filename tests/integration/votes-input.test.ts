import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { loginAs, type Client } from '../helpers/client.ts';
import { seedOwners } from './votes-fixtures.ts';

let t: TestApp;
let w: World;
let committee: Client;

const BAD_IDS = ['0', '1.5', '2147483648', '12345678901234567890'];

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
});
afterAll(async () => t.close());

function proposalForm(overrides: Record<string, string | string[]> = {}) {
  return {
    estateId: String(w.estateA.id),
    issueId: '',
    matter: 'use_fund',
    title: '编号校验',
    description: '',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '1,000.00',
    opensAt: '',
    closesAt: '2026-11-28T18:00',
    ...overrides,
  };
}

describe('ids a vote page or form is sent', () => {
  it.each(BAD_IDS)('the proposal id %s in the address is a 400 page, for pages and buttons alike', async (id) => {
    const page = await committee.get(`/votes/${id}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('</html>');
    expect((await committee.get(`/votes/${id}/canvass`)).statusCode).toBe(400);
    await committee.get('/votes');
    const emergency = ['emergency/apply', 'emergency/confirm', 'emergency/authority'];
    const actions = ['open', 'close', 'cancel', 'record', 'ballot', ...emergency];
    for (const action of actions) {
      expect((await committee.post(`/votes/${id}/${action}`)).statusCode, action).toBe(400);
    }
  });

  it.each(BAD_IDS)('the issue %s to draft from is a 400, on the form and when posted, and nothing is drafted', async (id) => {
    expect((await committee.get(`/votes/new?issue=${id}`)).statusCode).toBe(400);
    const before = await t.app.db.fundProposal.count();
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ issueId: id }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(await t.app.db.fundProposal.count()).toBe(before);
  });

  it.each(BAD_IDS)('the estate or building id %s posted with a draft is refused inline (400)', async (id) => {
    const before = await t.app.db.fundProposal.count();
    await committee.get('/votes/new');
    const estate = await committee.post('/votes', proposalForm({ estateId: id }));
    expect(estate.statusCode).toBe(400);
    expect(estate.body).toContain('id="err-fundEstate"');
    const building = await committee.post('/votes', proposalForm({ buildingIds: [String(w.buildingA.id), id] }));
    expect(building.statusCode).toBe(400);
    expect(building.body).toContain('id="err-fundBuildings"');
    expect(await t.app.db.fundProposal.count()).toBe(before);
  });

  it('a well-formed draft still saves after the refusals', async () => {
    await committee.get('/votes/new');
    const res = await committee.post('/votes', proposalForm({ title: '编号校验之后' }));
    expect(res.statusCode).toBe(303);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';

let t: TestApp;
let w: World;
let committee: Client;
let proposalId: number;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

beforeAll(async () => {
  t = await createTestApp();
  w = await makeWorld(t.app.db);
  committee = await loginAs(t.app, 'committeea');
  const p = await t.app.db.fundProposal.create({
    data: {
      estateId: w.estateA.id,
      matter: 'use_fund',
      title: '5号楼屋面翻修',
      scope: 'estate',
      amountFen: 38_600_000,
      status: 'passed',
      createdById: w.users.committeeA.id,
    },
  });
  proposalId = p.id;
  await t.app.db.fundLedgerEntry.create({
    data: { estateId: w.estateA.id, proposalId, kind: 'approved', amountFen: 38_600_000, recordedById: w.users.committeeA.id },
  });
});
afterAll(async () => t.close());

async function spend(
  client: Client,
  fields: Record<string, string>,
  files: { filename: string; contentType: string; data: Buffer }[] = [],
) {
  await client.get('/ledger');
  return client.postMultipart(
    '/ledger/spend',
    { estateId: String(w.estateA.id), proposalId: String(proposalId), ...fields },
    files.length ? { receipts: files } : {},
  );
}

const spentRows = () =>
  t.app.db.fundLedgerEntry.findMany({ where: { proposalId, kind: 'spent' }, include: { attachments: true } });

describe('the fund ledger', () => {
  it('records spending with receipts, publishes it and shows approved, spent and remaining', async () => {
    const res = await spend(committee, { amount: '200,000', note: '首期工程款' }, [
      { filename: 'invoice.pdf', contentType: 'application/pdf', data: PDF },
      { filename: 'receipt.png', contentType: 'image/png', data: IMAGES.png },
    ]);
    expect(res.statusCode).toBe(303);
    const rows = await spentRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amountFen: 20_000_000, note: '首期工程款' });
    expect(rows[0]?.attachments).toHaveLength(2);
    const notice = await t.app.db.notice.findFirstOrThrow({ where: { proposalId, kind: 'fund_use' } });
    expect(notice.body).toContain('200,000.00');
    const resident = await loginAs(t.app, 'residenta');
    const page = await resident.get('/ledger');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('¥386,000.00');
    expect(page.body).toContain('¥200,000.00');
    expect(page.body).toContain('¥186,000.00');
    expect(page.body).not.toContain('action="/ledger/spend"');
    const receipt = rows[0]?.attachments[0];
    expect((await resident.get(`/attachments/${receipt?.id}`)).statusCode).toBe(200);
  });

  it.each([
    [{ amount: 'abc', note: 'x' }, '不是有效的金额'],
    [{ amount: '0', note: 'x' }, '金额必须大于 0'],
    [{ amount: '100', note: '' }, 'id="err-spendNote"'],
    [{ amount: '186,000.01', note: '超支' }, '超出剩余获批金额'],
  ])('refuses %j inline and writes nothing', async (fields, message) => {
    const before = (await spentRows()).length;
    const notices = await t.app.db.notice.count();
    const res = await spend(committee, fields);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect((await spentRows()).length).toBe(before);
    expect(await t.app.db.notice.count()).toBe(notices);
  });

  it('records a double-submitted spending form once', async () => {
    const before = (await spentRows()).length;
    expect((await spend(committee, { amount: '1,000', note: '验收检测费' })).statusCode).toBe(303);
    expect((await spend(committee, { amount: '1,000', note: '验收检测费' })).statusCode).toBe(303);
    expect((await spentRows()).length).toBe(before + 1);
  });

  it('refuses a receipt that is not a PDF or image', async () => {
    const res = await spend(committee, { amount: '1', note: 'x' }, [
      { filename: 'a.html', contentType: 'text/html', data: IMAGES.fakeJpeg },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('不是 PDF 或图片');
  });

  it('is read-only for residents and 404 for another estate', async () => {
    const resident = await loginAs(t.app, 'residenta');
    await resident.get('/ledger');
    expect(
      (await resident.postMultipart('/ledger/spend', { proposalId: String(proposalId), amount: '1', note: 'x' })).statusCode,
    ).toBe(404);
    const other = await loginAs(t.app, 'propertyb');
    expect((await other.get(`/ledger?estate=${w.estateA.id}`)).statusCode).toBe(404);
    await other.get('/ledger');
    const res = await other.postMultipart('/ledger/spend', { proposalId: String(proposalId), amount: '1', note: 'x' });
    expect(res.statusCode).toBe(404);
    expect(await t.app.db.fundLedgerEntry.count({ where: { recordedById: w.users.propertyB.id } })).toBe(0);
  });

  it.each(['0', '1.5', '2147483648', '12345678901234567890'])(
    'a proposal or estate id %s is refused with a 400 page and writes nothing',
    async (id) => {
      const before = (await spentRows()).length;
      const proposal = await spend(committee, { proposalId: id, amount: '1', note: '编号校验' });
      expect(proposal.statusCode).toBe(400);
      expect(proposal.body).toContain('id="err-spendProposal"');
      const estate = await spend(committee, { estateId: id, amount: '1', note: '编号校验' });
      expect(estate.statusCode).toBe(400);
      expect(estate.body).toContain('class="error-summary"');
      expect((await spentRows()).length).toBe(before);
      expect((await committee.get(`/ledger?estate=${id}`)).statusCode).toBe(400);
    },
  );
});

import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';

/**
 * Ballots recorded by the committee (paper, door to door, written proxy) carry evidence, name the
 * signed-in recorder, never silently replace the owner's own online ballot, and tell the owners under
 * the key (issue #10, item 3). Every refusal is inline and writes nothing.
 */

let t: TestApp;
let w: World;
let o: Owners;
let committee: Client;
let wang: Client;

const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai
const SCAN = { filename: '表决票.png', contentType: 'image/png', data: IMAGES.png };

beforeAll(async () => {
  t = await createTestApp({}, START);
  w = await makeWorld(t.app.db);
  o = await seedOwners(t.app.db, w);
  committee = await loginAs(t.app, 'committeea');
  wang = await loginAs(t.app, 'residenta');
});
afterAll(async () => t.close());

async function openVote(title: string) {
  await committee.get('/votes/new');
  const drafted = await committee.post('/votes', {
    estateId: String(w.estateA.id),
    issueId: '',
    matter: 'use_fund',
    title,
    description: '',
    scope: 'buildings',
    buildingIds: [String(w.buildingA.id)],
    amount: '386,000.00',
    opensAt: '',
    closesAt: '2026-12-10T18:00',
    quotesText: '',
  });
  expect(drafted.statusCode, drafted.body.slice(0, 2000)).toBe(303);
  const id = Number(/\/votes\/(\d+)/.exec(String(drafted.headers.location))?.[1]);
  await committee.get(`/votes/${id}`);
  expect((await committee.post(`/votes/${id}/open`)).statusCode).toBe(303);
  return id;
}

type Files = Record<string, { filename: string; contentType: string; data: Buffer }[]>;

/** Posts the record form as the browser does (multipart), after loading it for its CSRF token. */
async function record(id: number, fields: Record<string, string>, files: Files = { evidence: [SCAN] }, client = committee) {
  await client.get(`/votes/${id}/record`);
  return client.postMultipart(
    `/votes/${id}/record`,
    { channel: 'paper', choice: 'agree', signedAt: '2026-11-20', ...fields },
    files,
  );
}

async function cast(client: Client, id: number, voterKey: string, choice: string) {
  await client.get(`/votes/${id}`);
  return client.post(`/votes/${id}/ballot`, { voterKey, choice });
}

function storedFiles(): number {
  try {
    return readdirSync(t.config.uploadDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

/** Everything a ballot writes, to show that a refusal wrote none of it. */
async function footprint() {
  const db = t.app.db;
  return {
    ballots: await db.ballot.findMany({ orderBy: { id: 'asc' } }),
    changes: await db.ballotChange.count(),
    attachments: await db.attachment.count(),
    notifications: await db.notification.count(),
    audit: await db.auditEntry.count({ where: { action: { startsWith: 'ballot.' } } }),
    files: storedFiles(),
  };
}

const lastAudit = async (action: string) => {
  const entry = await t.app.db.auditEntry.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } });
  return { ...entry, before: JSON.parse(entry.beforeJson) as unknown, after: JSON.parse(entry.afterJson) as unknown };
};

describe('a recorded ballot over the owner’s own online ballot', () => {
  let id: number;

  it('the attack: a paper "agree" over the owner’s online "disagree" without newer signed evidence is refused inline, nothing written', async () => {
    id = await openVote('屋面翻修（代录攻击）');
    expect((await cast(wang, id, o.keys.wang, 'disagree')).statusCode).toBe(303);
    const before = await footprint();

    // a paper of the same day without a time: the order cannot be told, so the owner's own act stands
    const sameDay = await record(id, { voterKey: o.keys.wang, choice: 'agree', signedAt: '2026-11-20' });
    expect(sameDay.statusCode).toBe(400);
    expect(sameDay.body).toContain('id="err-ballotSignedAt"');
    expect(sameDay.body).toContain('业主本人已于 2026-11-20 10:00 网上投票');
    expect(sameDay.body).toContain(`action="/votes/${id}/record"`);

    // signed earlier than the online ballot on the same day: refused the same way
    const earlier = await record(id, { voterKey: o.keys.wang, choice: 'agree', signedAt: '2026-11-20', signedTime: '09:59' });
    expect(earlier.statusCode).toBe(400);
    expect(earlier.body).toContain('业主本人已于 2026-11-20 10:00 网上投票');

    // a later signature but no scan of it: refused for the missing evidence
    t.clock.now = new Date('2026-11-20T08:00:00Z'); // 16:00
    committee = await loginAs(t.app, 'committeea'); // the morning's session has idled out
    const noScan = await record(id, { voterKey: o.keys.wang, choice: 'agree', signedTime: '15:00' }, {});
    expect(noScan.statusCode).toBe(400);
    expect(noScan.body).toContain('id="err-ballotEvidence"');
    expect(noScan.body).toContain('请上传业主签字的表决票的照片或扫描件');

    // a signature dated in the future: refused
    const future = await record(id, { voterKey: o.keys.wang, choice: 'agree', signedTime: '17:00' });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('签署日期不能晚于现在');

    expect(await footprint()).toEqual(before);
    const ballot = await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.wang } });
    expect(ballot).toMatchObject({ choice: 'disagree', channel: 'online' });
    expect(await t.app.db.notification.count({ where: { userId: w.users.residentA.id, kind: { startsWith: 'ballot_' } } })).toBe(
      0,
    );
  });

  it('a paper signed after the online ballot, with its scan, replaces it; the owner is told and the history keeps every step', async () => {
    const res = await record(id, { voterKey: o.keys.wang, choice: 'agree', signedTime: '15:00' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);

    const ballot = await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.wang } });
    expect(ballot).toMatchObject({
      choice: 'agree',
      channel: 'paper',
      recordedById: w.users.committeeA.id,
      recorderName: 'committeea',
    });
    expect(ballot.signedAt?.toISOString()).toBe('2026-11-20T07:00:00.000Z');

    const history = await t.app.db.ballotChange.findMany({
      where: { proposalId: id, voterKey: o.keys.wang },
      orderBy: { id: 'asc' },
      include: { evidence: true },
    });
    expect(history.map((c) => [c.fromChoice, c.toChoice, c.channel, c.actorId])).toEqual([
      [null, 'disagree', 'online', w.users.residentA.id],
      ['disagree', 'agree', 'paper', w.users.committeeA.id],
    ]);
    expect(history[0]?.evidence).toEqual([]);
    expect(history[1]).toMatchObject({ recorderName: 'committeea', agentName: '' });
    expect(history[1]?.signedAt?.toISOString()).toBe('2026-11-20T07:00:00.000Z');
    expect(history[1]?.evidence).toEqual([
      expect.objectContaining({
        purpose: 'ballot',
        mime: 'image/png',
        uploaderId: w.users.committeeA.id,
        originalName: '表决票.png',
      }),
    ]);

    const notes = await t.app.db.notification.findMany({
      where: { userId: w.users.residentA.id, proposalId: id, kind: 'ballot_recorded_changed' },
    });
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0]!.paramsJson)).toMatchObject({
      recorder: 'committeea',
      channel: 'paper',
      choice: 'agree',
      fromChoice: 'disagree',
      at: '2026-11-20 15:00',
    });
    wang = await loginAs(t.app, 'residenta');
    const inbox = await wang.get('/notifications');
    expect(inbox.body).toContain('committeea 登记的纸质表决票更改了您的表决');
    expect(inbox.body).toContain('反对 → 同意');

    const audit = await lastAudit('ballot.record');
    expect(audit.actorId).toBe(w.users.committeeA.id);
    expect(audit.after).toEqual({
      proposalId: id,
      voterKey: o.keys.wang,
      choice: 'agree',
      channel: 'paper',
      recorder: 'committeea',
      agent: '',
      signedAt: '2026-11-20 15:00',
      evidence: 1,
      replaces: 'online',
    });
    expect(audit.before).toMatchObject({ choice: 'disagree', channel: 'online', recorder: '' });
  });

  it('the committee sees the scan; the owner of another household and other estates do not', async () => {
    const scan = await t.app.db.attachment.findFirstOrThrow({ where: { ballotChange: { proposalId: id } } });
    expect((await committee.get(`/attachments/${scan.id}`)).statusCode).toBe(200);
    const li = await loginAs(t.app, 'residenta2');
    expect((await li.get(`/attachments/${scan.id}`)).statusCode).toBe(404);
    const otherEstate = await loginAs(t.app, 'propertyb');
    expect((await otherEstate.get(`/attachments/${scan.id}`)).statusCode).toBe(404);
    const page = await committee.get(`/votes/${id}/record?voter=${encodeURIComponent(o.keys.wang)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/attachments/${scan.id}"`);
    expect(page.body).toContain('签署于 2026-11-20 15:00');
  });

  it('the owner may still vote online again before the close: their own act replaces the paper, and nothing is rewritten', async () => {
    wang = await loginAs(t.app, 'residenta');
    expect((await cast(wang, id, o.keys.wang, 'disagree')).statusCode).toBe(303);
    const ballot = await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.wang } });
    expect(ballot).toMatchObject({
      choice: 'disagree',
      channel: 'online',
      recordedById: null,
      recorderName: '',
      agentName: '',
      signedAt: null,
    });
    const history = await t.app.db.ballotChange.findMany({
      where: { proposalId: id, voterKey: o.keys.wang },
      orderBy: { id: 'asc' },
    });
    expect(history.map((c) => c.toChoice)).toEqual(['disagree', 'agree', 'disagree']);
    expect(await t.app.db.attachment.count({ where: { ballotChange: { proposalId: id } } })).toBe(1);
    expect((await lastAudit('ballot.cast')).after).toMatchObject({ choice: 'disagree', channel: 'online', replaces: 'paper' });
  });

  it('a recorded ballot replaces another recorded one only if signed later', async () => {
    const first = await record(id, { voterKey: o.keys.zhang, choice: 'agree', signedTime: '11:00' });
    expect(first.statusCode).toBe(303);
    const before = await footprint();
    const older = await record(id, { voterKey: o.keys.zhang, choice: 'disagree', channel: 'door_to_door', signedTime: '11:00' });
    expect(older.statusCode).toBe(400);
    expect(older.body).toContain('这户已有一张签署于 2026-11-20 11:00 的登记表决票');
    expect(await footprint()).toEqual(before);
    const newer = await record(id, { voterKey: o.keys.zhang, choice: 'disagree', channel: 'door_to_door', signedTime: '12:30' });
    expect(newer.statusCode).toBe(303);
    expect(await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.zhang } })).toMatchObject({
      choice: 'disagree',
      channel: 'door_to_door',
    });
    t.clock.now = START;
  });
});

describe('what the record form requires', () => {
  let id: number;
  beforeAll(async () => {
    t.clock.now = START;
    committee = await loginAs(t.app, 'committeea');
    id = await openVote('屋面翻修（登记要求）');
  });

  it('a proxy without the agent’s name is refused inline and writes nothing', async () => {
    const before = await footprint();
    const res = await record(
      id,
      { voterKey: o.keys.li, channel: 'proxy', agentName: '  ' },
      { evidence: [{ ...SCAN, filename: '委托书.png' }] },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-ballotAgent"');
    expect(res.body).toContain('书面委托须填写受托人（代理人）姓名');
    expect(await footprint()).toEqual(before);
  });

  it('a proxy without a scan of the written proxy is refused inline and writes nothing', async () => {
    const before = await footprint();
    const res = await record(id, { voterKey: o.keys.li, channel: 'proxy', agentName: '李小四' }, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-ballotEvidence"');
    expect(res.body).toContain('请上传书面委托书的照片或扫描件');
    expect(res.body).toContain('value="李小四"');
    expect(await footprint()).toEqual(before);
  });

  it('a file that is not an image or PDF is refused inline and no file is left behind', async () => {
    const before = await footprint();
    const res = await record(
      id,
      { voterKey: o.keys.li },
      { evidence: [{ filename: 'x.jpg', contentType: 'image/jpeg', data: IMAGES.fakeJpeg }] },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-ballotEvidence"');
    expect(await footprint()).toEqual(before);
  });

  it('a proxy with the agent’s name and the scan is recorded with both, and the owner is told', async () => {
    const res = await record(id, { voterKey: o.keys.li, channel: 'proxy', choice: 'abstain', agentName: '李小四' });
    expect(res.statusCode).toBe(303);
    const ballot = await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.li } });
    expect(ballot).toMatchObject({ choice: 'abstain', channel: 'proxy', agentName: '李小四' });
    const change = await t.app.db.ballotChange.findFirstOrThrow({ where: { ballotId: ballot.id }, include: { evidence: true } });
    expect(change).toMatchObject({ agentName: '李小四', channel: 'proxy' });
    expect(change.evidence.map((a) => a.purpose)).toEqual(['proxy']);
    expect((await lastAudit('ballot.record')).after).toMatchObject({ agent: '李小四', evidence: 1, channel: 'proxy' });
    const notes = await t.app.db.notification.findMany({
      where: { userId: w.users.residentA2.id, proposalId: id, kind: { startsWith: 'ballot_' } },
    });
    expect(notes.map((n) => n.kind)).toEqual(['ballot_recorded']);
    expect(JSON.parse(notes[0]!.paramsJson)).toMatchObject({ recorder: 'committeea', channel: 'proxy', choice: 'abstain' });
  });

  it('the recorder is the signed-in user even if a recorder’s name is forged', async () => {
    const res = await record(id, { voterKey: o.keys.developer, recorderName: '王秀英' });
    expect(res.statusCode).toBe(303);
    const ballot = await t.app.db.ballot.findFirstOrThrow({ where: { proposalId: id, voterKey: o.keys.developer } });
    expect(ballot).toMatchObject({ recordedById: w.users.committeeA.id, recorderName: 'committeea' });
    const change = await t.app.db.ballotChange.findFirstOrThrow({ where: { ballotId: ballot.id } });
    expect(change).toMatchObject({ actorId: w.users.committeeA.id, recorderName: 'committeea' });
    expect((await lastAudit('ballot.record')).after).toMatchObject({ recorder: 'committeea' });
    const page = await committee.get(`/votes/${id}/record`);
    expect(page.body).not.toContain('name="recorderName"');
  });

  it('the door-to-door form with no household chosen shows an inline error on the form (400), not a bare 400 page', async () => {
    const before = await footprint();
    const res = await record(id, { voterKey: '', channel: 'door_to_door' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('id="err-ballotVoter"');
    expect(res.body).toContain('请选择业主（户）');
    expect(res.body).toContain(`action="/votes/${id}/record"`);
    expect(res.body).toContain('</html>');
    expect(await footprint()).toEqual(before);
  });

  it('a form missing every field says so for each, inline, urlencoded or multipart', async () => {
    await committee.get(`/votes/${id}/record`);
    const res = await committee.post(`/votes/${id}/record`, {});
    expect(res.statusCode).toBe(400);
    for (const field of ['ballotVoter', 'ballotChoice', 'ballotSignedAt', 'ballotEvidence']) {
      expect(res.body, field).toContain(`id="err-${field}"`);
    }
    expect(res.body).toContain('请选择同意、反对或弃权');
    expect(res.body).toContain('请填写表决票或委托书上的签署日期');
    const junk = await record(id, { voterKey: 'o:999999', channel: 'telepathy', signedAt: '2026-02-30' });
    expect(junk.statusCode).toBe(400);
    expect(junk.body).toContain('id="err-ballotChannel"');
    expect(junk.body).toContain('id="err-ballotSignedAt"');
    const stranger = await record(id, { voterKey: 'o:999999' });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('这位业主不在本次表决范围内');
  });

  it('a paper ballot signed before the vote opened is refused', async () => {
    const res = await record(id, { voterKey: o.keys.zhang, signedAt: '2026-11-19' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('签署日期早于表决开始');
  });

  it('co-owners each hear of a ballot recorded under their shared key', async () => {
    const accounts = [];
    for (const [owner, username] of [
      [o.owners.zhao, 'zhaoyi'],
      [o.owners.qian, 'qianer'],
    ] as const) {
      const user = await t.app.db.user.create({
        data: {
          username,
          displayName: owner.name,
          passwordHash: (await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.residentA.id } })).passwordHash,
          role: 'resident',
          estateId: w.estateA.id,
          communityId: w.community.id,
        },
      });
      await t.app.db.owner.update({ where: { id: owner.id }, data: { userId: user.id } });
      accounts.push(user.id);
    }
    const res = await record(id, { voterKey: o.keys.couple, channel: 'door_to_door', choice: 'agree' });
    expect(res.statusCode).toBe(303);
    const notes = await t.app.db.notification.findMany({
      where: { proposalId: id, kind: 'ballot_recorded', userId: { in: accounts } },
    });
    expect(notes.map((n) => n.userId).sort()).toEqual([...accounts].sort());
    expect(JSON.parse(notes[0]!.paramsJson)).toMatchObject({ recorder: 'committeea', channel: 'door_to_door', choice: 'agree' });
  });

  it('the record form is the committee’s: a resident and the property get 404 and nothing is written', async () => {
    const before = await footprint();
    const resident = await loginAs(t.app, 'residenta');
    expect((await resident.get(`/votes/${id}/record`)).statusCode).toBe(404);
    await resident.get(`/votes/${id}`);
    expect(
      (
        await resident.postMultipart(
          `/votes/${id}/record`,
          { voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', signedAt: '2026-11-20' },
          { evidence: [SCAN] },
        )
      ).statusCode,
    ).toBe(404);
    const property = await loginAs(t.app, 'propertya');
    expect((await property.get(`/votes/${id}/record`)).statusCode).toBe(404);
    expect(await footprint()).toEqual(before);
  });

  it('the canvass list leads to the record form with the household chosen', async () => {
    const page = await committee.get(`/votes/${id}`);
    expect(page.body).toContain(`/votes/${id}/record?voter=`);
    const form = await committee.get(`/votes/${id}/record?voter=${encodeURIComponent(o.keys.zhang)}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`<option value="${o.keys.zhang}" selected>`);
    expect(form.body).toContain('这户还没有投票');
  });

  it('the owner’s own ballot form without a choice says so inline on the page', async () => {
    const li = await loginAs(t.app, 'residenta2');
    await li.get(`/votes/${id}`);
    const res = await li.post(`/votes/${id}/ballot`, { voterKey: o.keys.li });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="my-ballot"');
    expect(res.body).toContain('id="err-ballotChoice"');
  });

  it('the record form renders in English without raw message keys', async () => {
    committee.setCookie('lang', 'en');
    const res = await record(id, { voterKey: '', channel: 'proxy' }, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/\b(votes|field|fieldError)\.[a-zA-Z_.]+/);
    expect(res.body).toContain('a written proxy needs the agent’s name');
    committee.setCookie('lang', 'zh-CN');
  });
});

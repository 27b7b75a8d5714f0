import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PASSWORD, makeWorld, type World } from '../helpers/world.ts';
import { IMAGES, loginAs, type Client } from '../helpers/client.ts';
import { makeIssue } from './issues-fixtures.ts';
import { ACCOUNT_POLICY } from '../../src/domain/login-delay.ts';
import { seedOwners, type Owners } from './votes-fixtures.ts';

/**
 * Security review: every object route is scoped to the actor (another estate's or community's object is a
 * 404 and nothing is written), every unsafe route needs a CSRF token, malformed ids are a 400, and
 * residents never see another resident's full name or phone.
 */

let t: TestApp;
let w: World;
let o: Owners;
const START = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai

/** Everyone who logs in, by username. */
const c: Record<string, Client> = {};

/** The objects of estate A (and its community) the outsiders go after. */
const ids = {
  issue: 0,
  privateIssue: 0,
  issueAttachment: 0,
  comment: 0,
  commentAttachment: 0,
  meeting: 0,
  agendaItem: 0,
  actionItem: 0,
  draft: 0,
  draftAttachment: 0,
  open: 0,
  openAttachment: 0,
  passed: 0,
  ledgerAttachment: 0,
  notice: 0,
  notification: 0,
};

const TABLES = [
  'issue',
  'issueEvent',
  'comment',
  'support',
  'attachment',
  'meeting',
  'meetingEstate',
  'meetingParticipant',
  'agendaItem',
  'decision',
  'actionItem',
  'fundProposal',
  'fundProposalBuilding',
  'voteUnit',
  'ballot',
  'ballotChange',
  'fundLedgerEntry',
  'notice',
  'notification',
  'owner',
  'ownerUnit',
  'unit',
  'building',
] as const;

/** Every row of every domain table, so "nothing written" means exactly that. */
async function snapshot(): Promise<string> {
  const db = t.app.db as unknown as Record<string, { findMany(): Promise<unknown[]> }>;
  const parts: string[] = [];
  for (const table of TABLES) {
    const rows = (await db[table]!.findMany()).map((r) => JSON.stringify(r)).sort();
    parts.push(`${table}:${rows.length}:${rows.join('|')}`);
  }
  return parts.join('\n');
}

function storeFile(data: Buffer): string {
  const key = `sec/${randomBytes(12).toString('hex')}`;
  mkdirSync(path.join(t.config.uploadDir, 'sec'), { recursive: true });
  writeFileSync(path.join(t.config.uploadDir, key), data);
  return key;
}

async function attach(db: PrismaClient, owner: Record<string, number>, uploaderId: number): Promise<number> {
  const row = await db.attachment.create({
    data: {
      storageKey: storeFile(IMAGES.png),
      mime: 'image/png',
      sizeBytes: IMAGES.png.length,
      originalName: 'p.png',
      sha256: 'x',
      uploaderId,
      ...owner,
    },
  });
  return row.id;
}

const version = async (id: number) => String((await t.app.db.issue.findUniqueOrThrow({ where: { id } })).version);

beforeAll(async () => {
  t = await createTestApp({}, START);
  const db = t.app.db;
  w = await makeWorld(db);
  o = await seedOwners(db, w);
  const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: w.users.committeeA.id } });
  await db.user.create({
    data: {
      username: 'committeeb',
      displayName: '乙业委会',
      passwordHash,
      role: 'committee',
      estates: { create: [{ estateId: w.estateB.id }] },
    },
  });
  for (const name of [
    'residenta',
    'residenta2',
    'tenanta',
    'residentb',
    'residentc',
    'propertya',
    'propertyb',
    'committeea',
    'committeeb',
    'community',
    'community2',
  ]) {
    c[name] = await loginAs(t.app, name);
  }

  // Issues of estate A: a public one with a photo and a comment with a photo, and residentA's private one.
  const issue = await makeIssue(t.app, w, {
    state: 'submitted',
    isPublic: true,
    reporterId: w.users.residentA.id,
    title: '5号楼楼道灯坏了',
  });
  ids.issue = issue.id;
  ids.issueAttachment = await attach(db, { issueId: issue.id }, w.users.residentA.id);
  const comment = await db.comment.create({
    data: { issueId: issue.id, authorId: w.users.residentA.id, body: '我家门口也黑', createdAt: START },
  });
  ids.comment = comment.id;
  ids.commentAttachment = await attach(db, { commentId: comment.id }, w.users.residentA.id);
  ids.privateIssue = (
    await makeIssue(t.app, w, { state: 'submitted', isPublic: false, reporterId: w.users.residentA.id, title: '我家卫生间渗水' })
  ).id;

  // A joint meeting of estate A, convened by its community, with two resident representatives.
  const staff = c.community!;
  await staff.get('/meetings/new');
  const convened = await staff.post('/meetings', {
    kind: 'regular',
    title: '甲小区三方联席会议',
    place: '社区会议室',
    startsAt: '2026-11-21T14:00',
    endsAt: '2026-11-21T16:00',
    estateIds: [String(w.estateA.id)],
    participantIds: [
      w.users.community.id,
      w.users.propertyA.id,
      w.users.committeeA.id,
      w.users.residentA.id,
      w.users.residentA2.id,
    ].map(String),
  });
  expect(convened.statusCode, convened.body.slice(0, 2000)).toBe(303);
  ids.meeting = Number(/\/meetings\/(\d+)/.exec(String(convened.headers.location))?.[1]);
  await staff.get(`/meetings/${ids.meeting}`);
  expect((await staff.post(`/meetings/${ids.meeting}/agenda`, { title: '电动车充电桩' })).statusCode).toBe(303);
  expect(
    (
      await staff.post(`/meetings/${ids.meeting}/actions`, {
        ownerId: String(w.users.residentA.id),
        title: '王秀英联系楼长',
        dueAt: '2026-11-25T10:00',
      })
    ).statusCode,
  ).toBe(303);
  ids.agendaItem = (await db.agendaItem.findFirstOrThrow({ where: { meetingId: ids.meeting } })).id;
  ids.actionItem = (await db.actionItem.findFirstOrThrow({ where: { meetingId: ids.meeting } })).id;

  // Fund proposals of estate A: a draft and an open vote (each with a quote), and a passed one in the ledger.
  const committee = c.committeea!;
  const draft = async (title: string) => {
    await committee.get('/votes/new');
    const res = await committee.post('/votes', {
      estateId: String(w.estateA.id),
      issueId: '',
      matter: 'use_fund',
      title,
      description: '',
      scope: 'buildings',
      buildingIds: [String(w.buildingA.id)],
      amount: '1000.00',
      opensAt: '',
      closesAt: '2026-12-23T18:00',
    });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    return Number(/\/votes\/(\d+)/.exec(String(res.headers.location))?.[1]);
  };
  ids.draft = await draft('草稿：外墙修补');
  ids.draftAttachment = await attach(db, { proposalId: ids.draft }, w.users.committeeA.id);
  ids.open = await draft('5号楼屋面防水翻修');
  ids.openAttachment = await attach(db, { proposalId: ids.open }, w.users.committeeA.id);
  await committee.get(`/votes/${ids.open}`);
  expect((await committee.post(`/votes/${ids.open}/open`)).statusCode).toBe(303);
  const passed = await db.fundProposal.create({
    data: {
      estateId: w.estateA.id,
      matter: 'use_fund',
      title: '单元门禁更换',
      scope: 'estate',
      amountFen: 500_000,
      status: 'passed',
      createdById: w.users.committeeA.id,
      createdAt: START,
    },
  });
  ids.passed = passed.id;
  const entry = await db.fundLedgerEntry.create({
    data: {
      estateId: w.estateA.id,
      proposalId: passed.id,
      kind: 'approved',
      amountFen: 500_000,
      recordedById: w.users.committeeA.id,
      createdAt: START,
    },
  });
  ids.ledgerAttachment = await attach(db, { ledgerEntryId: entry.id }, w.users.committeeA.id);

  ids.notice = (
    await db.notice.create({
      data: { estateId: w.estateA.id, kind: 'general', title: '停水通知', body: '周六停水', publishedAt: START },
    })
  ).id;
  ids.notification = (
    await db.notification.create({
      data: { userId: w.users.residentA.id, kind: 'issue_state', link: `/issues/${ids.issue}`, createdAt: START },
    })
  ).id;
});
afterAll(async () => t.close());

// ───────────────────────────── reads ─────────────────────────────

interface ReadCase {
  what: string;
  url: () => string;
  insider: string;
  outsiders: string[];
}

const READS: ReadCase[] = [
  {
    what: 'an issue',
    url: () => `/issues/${ids.issue}`,
    insider: 'propertya',
    outsiders: ['propertyb', 'residentb', 'residentc', 'community2', 'committeeb'],
  },
  {
    what: "another resident's private issue",
    url: () => `/issues/${ids.privateIssue}`,
    insider: 'residenta',
    outsiders: ['residenta2', 'residentb', 'propertyb'],
  },
  {
    what: "an issue's photo",
    url: () => `/attachments/${ids.issueAttachment}`,
    insider: 'residenta2',
    outsiders: ['propertyb', 'residentb', 'community2'],
  },
  {
    what: "a comment's photo",
    url: () => `/attachments/${ids.commentAttachment}`,
    insider: 'committeea',
    outsiders: ['propertyb', 'residentb', 'community2'],
  },
  {
    what: "an open vote's quote",
    url: () => `/attachments/${ids.openAttachment}`,
    insider: 'residenta2',
    outsiders: ['propertyb', 'residentb', 'community2'],
  },
  {
    what: "a draft proposal's quote",
    url: () => `/attachments/${ids.draftAttachment}`,
    insider: 'committeea',
    outsiders: ['residenta', 'residenta2', 'tenanta', 'propertyb'],
  },
  {
    what: "a ledger entry's receipt",
    url: () => `/attachments/${ids.ledgerAttachment}`,
    insider: 'residenta',
    outsiders: ['residentb', 'propertyb', 'community2'],
  },
  {
    what: 'a meeting',
    url: () => `/meetings/${ids.meeting}`,
    insider: 'residenta2',
    outsiders: ['community2', 'propertyb', 'committeeb', 'residentb', 'tenanta'],
  },
  {
    what: "a meeting's .ics",
    url: () => `/meetings/${ids.meeting}.ics`,
    insider: 'propertya',
    outsiders: ['community2', 'propertyb', 'residentb'],
  },
  {
    what: "a meeting's edit form",
    url: () => `/meetings/${ids.meeting}/edit`,
    insider: 'community',
    outsiders: ['community2', 'propertya', 'residenta'],
  },
  {
    what: 'an open vote',
    url: () => `/votes/${ids.open}`,
    insider: 'residenta2',
    outsiders: ['residentb', 'propertyb', 'committeeb', 'community2'],
  },
  {
    what: "an open vote's canvass list",
    url: () => `/votes/${ids.open}/canvass`,
    insider: 'propertya',
    outsiders: ['residentb', 'propertyb', 'committeeb', 'community2'],
  },
  {
    what: 'a draft proposal',
    url: () => `/votes/${ids.draft}`,
    insider: 'committeea',
    outsiders: ['residenta', 'tenanta', 'committeeb', 'community2'],
  },
  {
    what: "a draft proposal's canvass list",
    url: () => `/votes/${ids.draft}/canvass`,
    insider: 'committeea',
    outsiders: ['residenta', 'committeeb'],
  },
  {
    what: 'the proposal form for an issue',
    url: () => `/votes/new?issue=${ids.issue}`,
    insider: 'committeea',
    outsiders: ['committeeb', 'propertyb'],
  },
  {
    what: "an estate's roster",
    url: () => `/roster?estate=${w.estateA.id}`,
    insider: 'committeea',
    outsiders: ['propertyb', 'committeeb', 'residenta', 'community'],
  },
  {
    what: 'a roster unit',
    url: () => `/roster/units/${w.unitA.id}`,
    insider: 'propertya',
    outsiders: ['propertyb', 'committeeb', 'residenta', 'community'],
  },
  {
    what: "an estate's fund ledger",
    url: () => `/ledger?estate=${w.estateA.id}`,
    insider: 'residenta',
    outsiders: ['propertyb', 'residentb', 'community2'],
  },
  {
    what: 'a notice',
    url: () => `/notices/${ids.notice}`,
    insider: 'residenta2',
    outsiders: ['residentb', 'propertyb', 'community2', 'residentc'],
  },
];

describe('reading an object of another estate or community', () => {
  it.each(READS)('$what is shown to its own side', async ({ url, insider }) => {
    const res = await c[insider]!.get(url());
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
  });

  it.each(READS.flatMap((r) => r.outsiders.map((who) => ({ ...r, who }))))('$what is a 404 for $who', async ({ url, who }) => {
    const res = await c[who]!.get(url());
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('draft proposals are hidden from residents everywhere', () => {
  it("a draft on an issue is not listed on the issue's page for residents, but is for the committee", async () => {
    await t.app.db.fundProposal.create({
      data: {
        estateId: w.estateA.id,
        issueId: ids.issue,
        matter: 'use_fund',
        title: '草稿：楼道灯整体更换',
        scope: 'estate',
        amountFen: 120_000,
        createdById: w.users.committeeA.id,
        createdAt: START,
      },
    });
    for (const who of ['residenta', 'residenta2']) {
      const res = await c[who]!.get(`/issues/${ids.issue}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('草稿：楼道灯整体更换');
    }
    expect((await c.committeea!.get(`/issues/${ids.issue}`)).body).toContain('草稿：楼道灯整体更换');
  });
});

// ───────────────────────────── writes ─────────────────────────────

interface WriteCase {
  what: string;
  who: string;
  url: () => string;
  form?: () => Promise<Record<string, string | string[]>>;
  multipart?: boolean;
  /** The page whose form the attacker would have a token from. */
  status?: number;
}

const WRITES: WriteCase[] = [
  {
    what: 'accept an issue',
    who: 'community2',
    url: () => `/issues/${ids.issue}/actions/accept`,
    form: async () => ({ version: await version(ids.issue), party: 'property', dueAt: '' }),
  },
  {
    what: 'reject an issue',
    who: 'community2',
    url: () => `/issues/${ids.issue}/actions/reject`,
    form: async () => ({ version: await version(ids.issue), reason: '不属实' }),
  },
  {
    what: 'escalate an issue',
    who: 'propertyb',
    url: () => `/issues/${ids.issue}/actions/escalate`,
    form: async () => ({ version: await version(ids.issue), note: 'x' }),
  },
  {
    what: 'confirm an issue',
    who: 'residentb',
    url: () => `/issues/${ids.issue}/actions/confirm`,
    form: async () => ({ version: await version(ids.issue), rating: 'satisfied' }),
  },
  {
    what: 'act on an issue with a photo',
    who: 'propertyb',
    url: () => `/issues/${ids.issue}/actions/start`,
    multipart: true,
    form: async () => ({ version: await version(ids.issue) }),
  },
  {
    what: 'comment on an issue',
    who: 'propertyb',
    url: () => `/issues/${ids.issue}/comments`,
    form: async () => ({ body: '看看' }),
  },
  {
    what: 'comment on an issue',
    who: 'residentb',
    url: () => `/issues/${ids.issue}/comments`,
    form: async () => ({ body: '看看' }),
  },
  {
    what: 'comment on an issue',
    who: 'community2',
    url: () => `/issues/${ids.issue}/comments`,
    form: async () => ({ body: '看看' }),
  },
  {
    what: "comment on another resident's private issue",
    who: 'residenta2',
    url: () => `/issues/${ids.privateIssue}/comments`,
    form: async () => ({ body: '看看' }),
  },
  {
    what: 'comment on an issue with a photo',
    who: 'residentb',
    url: () => `/issues/${ids.issue}/comments`,
    multipart: true,
    form: async () => ({ body: '看看' }),
  },
  {
    what: '"me too" an issue',
    who: 'residentb',
    url: () => `/issues/${ids.issue}/support`,
    form: async () => ({ back: '/issues/public' }),
  },
  { what: '"me too" another resident\'s private issue', who: 'residenta2', url: () => `/issues/${ids.privateIssue}/support` },
  {
    what: 'edit a meeting',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}`,
    form: async () => ({ kind: 'regular', title: '改', place: 'x', startsAt: '2026-11-22T14:00', endsAt: '2026-11-22T15:00' }),
  },
  {
    what: 'edit a meeting',
    who: 'propertya',
    url: () => `/meetings/${ids.meeting}`,
    form: async () => ({ kind: 'regular', title: '改', place: 'x', startsAt: '2026-11-22T14:00', endsAt: '2026-11-22T15:00' }),
  },
  { what: 'cancel a meeting', who: 'community2', url: () => `/meetings/${ids.meeting}/cancel` },
  { what: 'cancel a meeting', who: 'committeea', url: () => `/meetings/${ids.meeting}/cancel` },
  { what: 'cancel a meeting', who: 'residenta', url: () => `/meetings/${ids.meeting}/cancel` },
  { what: "refresh a meeting's agenda", who: 'community2', url: () => `/meetings/${ids.meeting}/agenda/refresh` },
  {
    what: 'add an agenda item',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}/agenda`,
    form: async () => ({ title: '别的事' }),
  },
  {
    what: 'move an agenda item',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}/agenda/${ids.agendaItem}/move`,
    form: async () => ({ direction: 'up' }),
  },
  { what: 'delete an agenda item', who: 'community2', url: () => `/meetings/${ids.meeting}/agenda/${ids.agendaItem}/delete` },
  {
    what: 'record attendance',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}/attendance`,
    form: async () => ({ attended: [String(w.users.community.id)], minutes: 'x' }),
  },
  {
    what: 'record a decision',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}/agenda/${ids.agendaItem}/decision`,
    form: async () => ({ kind: 'defer', reason: 'x' }),
  },
  { what: 'apply the minutes', who: 'community2', url: () => `/meetings/${ids.meeting}/apply` },
  {
    what: 'add an action item',
    who: 'community2',
    url: () => `/meetings/${ids.meeting}/actions`,
    form: async () => ({ ownerId: String(w.users.propertyA.id), title: 'x', dueAt: '2026-11-25T10:00' }),
  },
  { what: 'mark an action item done', who: 'community2', url: () => `/meetings/${ids.meeting}/actions/${ids.actionItem}/done` },
  { what: 'mark an action item done', who: 'propertyb', url: () => `/meetings/${ids.meeting}/actions/${ids.actionItem}/done` },
  {
    what: "mark someone else's action item done",
    who: 'residenta2',
    url: () => `/meetings/${ids.meeting}/actions/${ids.actionItem}/done`,
  },
  {
    what: 'draft a proposal on an issue',
    who: 'propertyb',
    url: () => '/votes',
    form: async () => ({
      estateId: String(w.estateA.id),
      issueId: String(ids.issue),
      matter: 'use_fund',
      title: 'x',
      scope: 'estate',
      amount: '1',
      closesAt: '2026-12-23T18:00',
    }),
  },
  { what: 'open a vote', who: 'committeeb', url: () => `/votes/${ids.draft}/open` },
  { what: 'open a vote', who: 'propertya', url: () => `/votes/${ids.draft}/open` },
  { what: 'cancel a draft', who: 'committeeb', url: () => `/votes/${ids.draft}/cancel` },
  {
    what: 'cast a ballot',
    who: 'residentb',
    url: () => `/votes/${ids.open}/ballot`,
    form: async () => ({ voterKey: o.keys.wang, choice: 'agree' }),
  },
  {
    what: 'record a paper ballot',
    who: 'committeeb',
    url: () => `/votes/${ids.open}/record`,
    form: async () => ({ voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', recorderName: '某' }),
  },
  {
    what: 'record a paper ballot',
    who: 'propertya',
    url: () => `/votes/${ids.open}/record`,
    form: async () => ({ voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', recorderName: '某' }),
  },
  {
    what: 'record a paper ballot',
    who: 'residenta',
    url: () => `/votes/${ids.open}/record`,
    form: async () => ({ voterKey: o.keys.zhang, choice: 'agree', channel: 'paper', recorderName: '某' }),
  },
  { what: 'close a vote', who: 'committeeb', url: () => `/votes/${ids.open}/close` },
  { what: 'close a vote', who: 'propertya', url: () => `/votes/${ids.open}/close` },
  {
    what: 'confirm an emergency',
    who: 'community2',
    url: () => `/votes/${ids.open}/emergency/confirm`,
    form: async () => ({ note: 'x' }),
  },
  {
    what: 'confirm an emergency',
    who: 'committeea',
    url: () => `/votes/${ids.open}/emergency/confirm`,
    form: async () => ({ note: 'x' }),
  },
  {
    what: 'apply for emergency use',
    who: 'community',
    url: () => `/votes/${ids.open}/emergency/apply`,
    form: async () => ({ note: 'x' }),
  },
  {
    what: "record the authority's approval",
    who: 'community2',
    url: () => `/votes/${ids.open}/emergency/authority`,
    multipart: true,
    form: async () => ({ docNo: 'x', approvedOn: '2026-11-20' }),
  },
  {
    what: 'import a roster',
    who: 'propertyb',
    url: () => '/roster/import',
    multipart: true,
    form: async () => ({ estateId: String(w.estateA.id) }),
  },
  {
    what: 'import a roster',
    who: 'community',
    url: () => '/roster/import',
    multipart: true,
    form: async () => ({ estateId: String(w.estateA.id) }),
  },
  {
    what: 'edit a roster unit',
    who: 'propertyb',
    url: () => `/roster/units/${w.unitA.id}`,
    form: async () => ({ area: '1.00', floor: '1', owners: 'X1,某人,13800000000' }),
  },
  {
    what: 'edit a roster unit',
    who: 'committeeb',
    url: () => `/roster/units/${w.unitA.id}`,
    form: async () => ({ area: '1.00', floor: '1', owners: 'X1,某人,13800000000' }),
  },
  {
    what: 'record fund spending',
    who: 'propertyb',
    url: () => '/ledger/spend',
    multipart: true,
    form: async () => ({ estateId: String(w.estateA.id), proposalId: String(ids.passed), amount: '1.00', note: '材料' }),
  },
  {
    what: 'record fund spending',
    who: 'residenta',
    url: () => '/ledger/spend',
    multipart: true,
    form: async () => ({ estateId: String(w.estateA.id), proposalId: String(ids.passed), amount: '1.00', note: '材料' }),
  },
  { what: "read someone else's notification", who: 'residentb', url: () => `/notifications/${ids.notification}/read` },
  {
    what: "read someone else's notification",
    who: 'residenta2',
    url: () => `/notifications/${ids.notification}/read`,
    form: async () => ({ open: '1' }),
  },
];

describe('writing to an object out of scope or with the wrong role', () => {
  it.each(WRITES)('$who cannot $what: 404 and nothing written', async ({ who, url, form, multipart }) => {
    const client = c[who]!;
    await client.get('/account/password'); // a fresh token of the attacker's own session
    const fields = form ? await form() : {};
    const before = await snapshot();
    const res = multipart
      ? await client.postMultipart(url(), Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), {
          [url().includes('roster') ? 'file' : url().includes('ledger') ? 'receipts' : 'photos']: [
            url().includes('roster')
              ? {
                  filename: 'r.csv',
                  contentType: 'text/csv',
                  data: Buffer.from(
                    'building,entrance,room,floor,area,owner_key,owner_name,phone\n5号楼,1,601,6,1.00,X,某,13800000000\n',
                  ),
                }
              : { filename: 'p.png', contentType: 'image/png', data: IMAGES.png },
          ],
        })
      : await client.post(url(), fields);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(404);
    expect(await snapshot()).toBe(before);
  });

  it('a tenant of the estate cannot vote (403), and nothing is written', async () => {
    const tenant = c.tenanta!;
    await tenant.get(`/votes/${ids.open}`);
    const before = await snapshot();
    const res = await tenant.post(`/votes/${ids.open}/ballot`, { voterKey: o.keys.zhang, choice: 'agree' });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it("an owner cannot cast another owner's ballot (403), and nothing is written", async () => {
    const li = c.residenta2!;
    await li.get(`/votes/${ids.open}`);
    const before = await snapshot();
    const res = await li.post(`/votes/${ids.open}/ballot`, { voterKey: o.keys.wang, choice: 'disagree' });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it('a calendar feed with an unknown or malformed token is a 404', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: `/calendar/${randomBytes(32).toString('base64url')}.ics` })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/calendar/..%2F..%2Fetc.ics' })).statusCode).toBe(404);
  });
});

describe("the calendar feed follows the owner's scope", () => {
  it('a property user who no longer serves the estate stops receiving its meetings', async () => {
    const { passwordHash } = await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.propertyA.id } });
    const leaver = await t.app.db.user.create({
      data: {
        username: 'leaver',
        displayName: '调岗物业',
        passwordHash,
        role: 'property',
        orgName: '甲物业',
        estates: { create: [{ estateId: w.estateA.id }] },
      },
    });
    await t.app.db.meetingParticipant.create({ data: { meetingId: ids.meeting, userId: leaver.id, party: 'property' } });
    const token = randomBytes(32).toString('base64url');
    await t.app.db.user.update({ where: { id: leaver.id }, data: { calendarToken: token } });
    const before = await t.app.inject({ method: 'GET', url: `/calendar/${token}.ics` });
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain(`meeting-${ids.meeting}@sanfang`);
    await t.app.db.userEstate.deleteMany({ where: { userId: leaver.id } });
    const after = await t.app.inject({ method: 'GET', url: `/calendar/${token}.ics` });
    expect(after.statusCode).toBe(200);
    expect(after.body).not.toContain(`meeting-${ids.meeting}@sanfang`);
    await t.app.db.meetingParticipant.deleteMany({ where: { userId: leaver.id } });
  });
});

// ───────────────────────────── CSRF ─────────────────────────────

/** Every unsafe route the app declares, read from the route files so a new route cannot slip past. */
function unsafeRoutes(): { method: string; url: string }[] {
  const dir = path.resolve(import.meta.dirname, '../../src/modules');
  const found: { method: string; url: string }[] = [];
  for (const mod of readdirSync(dir)) {
    let files: string[];
    try {
      // a module's routes may be split into routes.ts and routes-<part>.ts
      files = readdirSync(path.join(dir, mod)).filter((f) => /^routes(-[a-z-]+)?\.ts$/.test(f));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(path.join(dir, mod, file), 'utf8');
      for (const m of text.matchAll(/app\.(post|put|patch|delete)\(\s*'([^']+)'/g)) {
        found.push({ method: m[1]!.toUpperCase(), url: m[2]! });
      }
    }
  }
  return found;
}

const concrete = (url: string) =>
  url
    .replace(':id', String(ids.meeting || 1))
    .replace(':itemId', String(ids.agendaItem || 1))
    .replace(':actionId', String(ids.actionItem || 1))
    .replace(':action', 'accept');

describe('CSRF on every unsafe request', () => {
  const routes = unsafeRoutes();

  it('finds the unsafe routes to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes.map((r) => r.url)).toContain('/votes/:id/ballot');
  });

  it.each(routes)('$method $url without a token is refused with 403 and writes nothing', async ({ method, url }) => {
    const client = c.community!;
    await client.get('/account/password'); // the CSRF secret cookie exists; only the token is missing
    const before = await snapshot();
    const res = await t.app.inject({
      method: method as 'POST',
      url: concrete(url),
      payload: 'title=x&body=y',
      headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it.each(routes)('$method $url with a forged token is refused with 403', async ({ method, url }) => {
    const client = c.residenta!;
    const res = await t.app.inject({
      method: method as 'POST',
      url: concrete(url),
      payload: `_csrf=${'a'.repeat(40)}`,
      headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(403);
  });
});

// ───────────────────────────── malformed ids ─────────────────────────────

describe('malformed ids', () => {
  it.each([
    '/issues/abc',
    '/issues/0',
    '/issues/99999999999',
    '/attachments/1e3',
    '/meetings/abc',
    '/meetings/abc.ics',
    '/meetings/-1/edit',
    '/votes/abc',
    '/votes/abc/canvass',
    '/notices/x',
    '/roster/units/x',
    '/roster?estate=x',
    '/ledger?estate=x',
    '/votes/new?issue=x',
  ])('GET %s is a 400 or 404, never a 500', async (url) => {
    const res = await c.committeea!.get(url);
    expect([400, 404]).toContain(res.statusCode);
  });

  it.each([
    '/issues/abc/comments',
    '/issues/abc/support',
    '/votes/abc/ballot',
    '/meetings/abc/cancel',
    '/notifications/abc/read',
    '/roster/units/abc',
  ])('POST %s is a 400 or 404, never a 500, and writes nothing', async (url) => {
    const client = c.committeea!;
    await client.get('/account/password');
    const before = await snapshot();
    const res = await client.post(url, { body: 'x' });
    expect([400, 404]).toContain(res.statusCode);
    expect(await snapshot()).toBe(before);
  });
});

describe('double-booking warnings', () => {
  it("are shown to the convener only, never naming another estate's meeting to its staff", async () => {
    const staff = c.community!;
    await staff.get('/meetings/new');
    const res = await staff.post('/meetings', {
      kind: 'ad_hoc',
      title: '乙小区临时会议',
      place: '乙小区物业',
      startsAt: '2026-11-21T14:30',
      endsAt: '2026-11-21T15:30',
      estateIds: [String(w.estateB.id)],
      participantIds: [w.users.community.id, w.users.propertyB.id, w.users.residentB.id].map(String),
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    const id = Number(/\/meetings\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const convener = await staff.get(`/meetings/${id}`);
    expect(convener.body).toContain('甲小区三方联席会议');
    for (const who of ['propertyb', 'residentb']) {
      const page = await c[who]!.get(`/meetings/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('甲小区三方联席会议');
    }
    await staff.get(`/meetings/${id}`);
    expect((await staff.post(`/meetings/${id}/cancel`)).statusCode).toBe(303);
  });
});

// ───────────────────────────── masking ─────────────────────────────

const FULL = ['王秀英', '13812345678', '张三', '13500000003', '赵一', '钱二', '13500000004'];

function expectMasked(body: string) {
  for (const s of FULL) expect(body, `${s} shown`).not.toContain(s);
}

describe("residents see other residents' names and phones masked", () => {
  it('on the public issue list', async () => {
    const res = await c.residenta2!.get('/issues/public');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('5号楼楼道灯坏了');
    expectMasked(res.body);
    expect(res.body).toContain('王**');
  });

  it('on an issue page, in the reporter line and the comments', async () => {
    const res = await c.residenta2!.get(`/issues/${ids.issue}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('我家门口也黑');
    expectMasked(res.body);
  });

  it('on a vote page and its canvass list', async () => {
    for (const url of [`/votes/${ids.open}`, `/votes/${ids.open}/canvass`]) {
      const res = await c.residenta2!.get(url);
      expect(res.statusCode).toBe(200);
      expectMasked(res.body);
      expect(res.body).toContain('张*');
    }
  });

  it('on a meeting page they were invited to (participants and action items)', async () => {
    const res = await c.residenta2!.get(`/meetings/${ids.meeting}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('王**');
    expect(res.body).not.toContain('>王秀英<');
    expect(res.body).not.toMatch(/·\s*王秀英/);
    expect(res.body).not.toContain('13812345678');
  });

  it('staff of the estate still see full names', async () => {
    const res = await c.propertya!.get(`/meetings/${ids.meeting}`);
    expect(res.body).toContain('王秀英');
  });

  it('on the notice board after a meeting names its resident representatives', async () => {
    // Hold the meeting (all three parties and both resident reps) and apply the minutes: a notice is published.
    const meeting = await t.app.db.meeting.findUniqueOrThrow({ where: { id: ids.meeting } });
    t.clock.now = new Date(meeting.startsAt.getTime() + 5 * 60_000);
    const staff = await loginAs(t.app, 'community');
    await staff.get(`/meetings/${ids.meeting}`);
    const present = [
      w.users.community.id,
      w.users.propertyA.id,
      w.users.committeeA.id,
      w.users.residentA.id,
      w.users.residentA2.id,
    ].map(String);
    expect(
      (await staff.post(`/meetings/${ids.meeting}/attendance`, { attended: present, minutes: '三方到会。' })).statusCode,
    ).toBe(303);
    const decided = await staff.post(`/meetings/${ids.meeting}/agenda/${ids.agendaItem}/decision`, {
      kind: 'defer',
      reason: '下次再议',
    });
    expect(decided.statusCode, decided.body.slice(0, 1500)).toBe(303);
    const applied = await staff.post(`/meetings/${ids.meeting}/apply`);
    expect(applied.statusCode, applied.body.slice(0, 1500)).toBe(303);
    const notice = await t.app.db.notice.findFirstOrThrow({ where: { meetingId: ids.meeting, kind: 'meeting_decision' } });
    expect(notice.body).toContain('王**');
    expect(notice.body).not.toContain('王秀英');
    const resident = await loginAs(t.app, 'residenta2');
    const list = await resident.get('/notices');
    expectMasked(list.body);
    const page = await resident.get(`/notices/${notice.id}`);
    expect(page.statusCode).toBe(200);
    expectMasked(page.body);
  });
});

describe('re-authentication is rate-limited', () => {
  it('guessing the current password from a session is stopped after the per-account limit (429), and the password stays', async () => {
    const { passwordHash } = await t.app.db.user.findUniqueOrThrow({ where: { id: w.users.residentA.id } });
    await t.app.db.user.create({
      data: { username: 'guesser', displayName: '猜密码', passwordHash, role: 'resident', estateId: w.estateA.id },
    });
    const client = await loginAs(t.app, 'guesser');
    const guess = async (current: string) => {
      await client.get('/account/password');
      return client.post('/account/password', { current, next: 'a new password 77', confirm: 'a new password 77' });
    };
    for (let i = 0; i <= ACCOUNT_POLICY.free; i += 1) expect((await guess(`wrong ${i}`)).statusCode).toBe(400);
    const locked = await guess(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect((await t.app.db.user.findUniqueOrThrow({ where: { username: 'guesser' } })).passwordHash).toBe(passwordHash);
  });
});

describe('double-submitted forms', () => {
  it('the same comment posted twice is recorded once', async () => {
    const client = await loginAs(t.app, 'residenta2');
    await client.get(`/issues/${ids.issue}`);
    const before = await t.app.db.comment.count({ where: { issueId: ids.issue } });
    expect((await client.post(`/issues/${ids.issue}/comments`, { body: '同问，什么时候修？' })).statusCode).toBe(303);
    expect((await client.post(`/issues/${ids.issue}/comments`, { body: '同问，什么时候修？' })).statusCode).toBe(303);
    expect(await t.app.db.comment.count({ where: { issueId: ids.issue } })).toBe(before + 1);
  });
});

describe('junk input never gives a 500', () => {
  const JUNK: Record<string, string | string[]>[] = [
    {
      id: 'x',
      title: '\u0000',
      body: '\u0000',
      version: '99999999999',
      party: '<script>',
      dueAt: '9999-99-99T99:99',
      reason: 'x'.repeat(3000),
      note: '\ud800',
    },
    {
      voterKey: 'o:1+o:2+' + 'o:9'.repeat(100),
      choice: 'agree',
      channel: 'paper',
      recorderName: '\u0000',
      kind: 'assign',
      amount: '1e400',
      startsAt: '2026-02-30T10:00',
      endsAt: '2026-02-31T10:00',
    },
    {
      estateIds: ['0', '-1', 'x', '99999999999'],
      participantIds: ['1', '1', 'abc'],
      attended: ['x', '0'],
      ownerId: '1.5',
      direction: 'up',
      proposalId: '00000000001',
      area: 'NaN',
      floor: '-0',
      owners: ',,,\n\n',
    },
  ];
  const routes = unsafeRoutes().filter((r) => !['/login', '/logout', '/account/password', '/locale'].includes(r.url));

  it.each(routes.flatMap((r) => ['community', 'committeea', 'residenta2'].map((who) => ({ ...r, who }))))(
    '$method $url as $who',
    async ({ url, who }) => {
      const client = await loginAs(t.app, who);
      for (const junk of JUNK) {
        await client.get('/account/password');
        const res = await client.post(concrete(url), junk);
        expect(res.statusCode, `${url} ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }
    },
  );
});

describe('response headers', () => {
  it('pages are not cached and vary by htmx; files are served with nosniff and a sandbox', async () => {
    const client = await loginAs(t.app, 'residenta');
    const page = await client.get(`/issues/${ids.issue}`);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(String(page.headers.vary)).toMatch(/HX-Request/i);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBeDefined();
    const file = await client.get(`/attachments/${ids.issueAttachment}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(String(file.headers['content-security-policy'])).toContain('sandbox');
  });
});

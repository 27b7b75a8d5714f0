import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../src/generated/prisma/client.ts';
import type { World } from '../helpers/world.ts';

/**
 * A generated city for the issue page's tests (issue #11): thousands of ordinary issues with their
 * events, comments, photos, "me too"s, notifications, meetings and fund proposals, and one rich issue with a long timeline
 * (300 events, 40 comments, 20 photos), two joint meetings, four fund proposals, follow-ups and the
 * issue it was linked from. Everything goes in through Prisma's createMany, in chunks.
 */

const HOUR = 3600_000;
const CHUNK = 500;

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

let photoSeq = 0;
const photo = (uploaderId: number, owner: Record<string, number>) => ({
  storageKey: `fixture-${randomUUID()}`,
  mime: 'image/jpeg',
  sizeBytes: 1000,
  originalName: `photo-${++photoSeq}.jpg`,
  sha256: 'x'.repeat(64),
  uploaderId,
  ...owner,
});

/** Ordinary issues spread over estates A, B and C, with what hangs off them. */
export async function makeCrowd(db: PrismaClient, world: World, count: number, start: Date) {
  const { users } = world;
  const estates = [
    {
      estateId: world.estateA.id,
      buildingId: world.buildingA.id,
      reporters: [users.residentA.id, users.residentA2.id, users.tenantA.id],
    },
    { estateId: world.estateB.id, buildingId: world.buildingB.id, reporters: [users.residentB.id] },
    { estateId: world.estateC.id, buildingId: null, reporters: [users.residentC.id] },
  ];
  const category = world.cat('sanitation');
  const issues: (Prisma.IssueCreateManyInput & { createdAt: Date })[] = [];
  for (let n = 0; n < count; n++) {
    const place = estates[n % estates.length]!;
    const createdAt = new Date(start.getTime() - (count - n) * 60_000);
    issues.push({
      estateId: place.estateId,
      buildingId: place.buildingId,
      locationType: n % 4 === 0 ? 'unit' : 'building',
      isPublic: n % 4 !== 0,
      categoryId: category.id,
      title: `群众诉求 ${n}`,
      description: '描述',
      reporterId: place.reporters[n % place.reporters.length]!,
      submissionKey: randomUUID(),
      state: n % 3 === 0 ? 'accepted' : 'submitted',
      respondBy: new Date(createdAt.getTime() + 24 * HOUR),
      resolveBy: new Date(createdAt.getTime() + 72 * HOUR),
      createdAt,
    });
  }
  const ids: number[] = [];
  await inChunks(issues, async (chunk) => {
    const made = await db.issue.createManyAndReturn({ data: chunk, select: { id: true, reporterId: true } });
    ids.push(...made.map((m) => m.id));
  });
  const events = ids.flatMap((issueId, n) => [
    {
      issueId,
      actorId: issues[n]!.reporterId,
      actorRole: 'resident',
      action: 'submit',
      toState: 'submitted',
      createdAt: issues[n]!.createdAt,
    },
    ...(n % 3 === 0
      ? [
          {
            issueId,
            actorId: users.propertyA.id,
            actorRole: 'property',
            action: 'accept',
            fromState: 'submitted',
            toState: 'accepted',
            party: 'property',
            createdAt: new Date(issues[n]!.createdAt.getTime() + HOUR),
          },
        ]
      : []),
  ]);
  await inChunks(events, (chunk) => db.issueEvent.createMany({ data: chunk }));
  await inChunks(
    ids.filter((_, n) => n % 5 === 0).map((issueId) => ({ issueId, authorId: users.propertyA.id, body: '已派人查看' })),
    (chunk) => db.comment.createMany({ data: chunk }),
  );
  await inChunks(
    ids.filter((_, n) => n % 2 === 0).map((issueId, n) => photo(issues[n * 2]!.reporterId, { issueId })),
    (chunk) => db.attachment.createMany({ data: chunk }),
  );
  await inChunks(
    ids.filter((_, n) => n % 7 === 1).map((issueId) => ({ issueId, userId: users.residentA2.id })),
    (chunk) => db.support.createMany({ data: chunk }),
  );
  // joint meetings of the past years, each with a few issues on its agenda and what it decided
  const meetings = await db.meeting.createManyAndReturn({
    data: Array.from({ length: 200 }, (_, n) => ({
      communityId: world.community.id,
      kind: 'regular',
      title: `联席会议 ${n}`,
      place: '社区会议室',
      startsAt: new Date(start.getTime() - (200 - n) * 72 * HOUR),
      endsAt: new Date(start.getTime() - (200 - n) * 72 * HOUR + 2 * HOUR),
      status: 'closed',
      convenerId: users.community.id,
    })),
    select: { id: true },
  });
  const items = await db.agendaItem.createManyAndReturn({
    data: meetings.flatMap((m, n) =>
      [0, 1, 2, 3].map((k) => ({ meetingId: m.id, issueId: ids[(n * 4 + k) * 3]!, title: '议题', position: k + 1 })),
    ),
    select: { id: true },
  });
  await inChunks(
    items
      .filter((_, n) => n % 2 === 0)
      .map((item) => ({ agendaItemId: item.id, kind: 'assign', party: 'property', dueAt: start })),
    (chunk) => db.decision.createMany({ data: chunk }),
  );
  await inChunks(
    ids
      .filter((_, n) => n % 9 === 0 && n % 3 === 0)
      .map((issueId) => ({
        estateId: world.estateA.id,
        issueId,
        matter: 'use_fund',
        title: '维修资金使用',
        scope: 'estate',
        amountFen: 100000,
        status: 'passed',
        createdById: users.committeeA.id,
      })),
    (chunk) => db.fundProposal.createMany({ data: chunk }),
  );
  const readers = [users.residentA.id, users.propertyA.id, users.community.id, users.admin.id];
  await inChunks(
    ids.slice(0, 2000).map((issueId, n) => ({
      userId: readers[n % readers.length]!,
      kind: 'issue_accepted',
      issueId,
      link: `/issues/${issueId}`,
      readAt: n % 2 === 0 ? start : null,
    })),
    (chunk) => db.notification.createMany({ data: chunk }),
  );
  return ids;
}

/** Texts of the rich issue the page tests look for. */
export const RICH = {
  title: '3号楼电梯反复停运',
  description: '电梯每周停运两三次，老人上下楼困难',
  firstNote: '时间线第 1 条记录',
  lastNote: '时间线第 299 条记录',
  firstComment: '第 1 条留言',
  lastComment: '第 40 条留言',
  meetingTitle: '十一月三方联席会议',
  laterMeetingTitle: '十二月三方联席会议',
  decisionReason: '物业两周内更换控制板',
  openProposal: '更换电梯控制板',
  draftProposal: '电梯整体更新（草稿）',
  withdrawnDraft: '撤回的草稿提案',
  cancelledAfterOpening: '已开始后取消的表决',
  linkedFromTitle: '电梯第一次停运',
  publicFollowUp: '电梯停运后续（公共）',
  privateFollowUp: '电梯停运后续（私人）',
};

/**
 * The rich issue: public, in estate A's building, filed by residentA2 and supported by residentA, with
 * 300 events (some with photos, some from meetings), 40 comments (some with photos), 20 photos of its own.
 */
export async function makeRichIssue(db: PrismaClient, world: World, start: Date) {
  const { users } = world;
  const category = world.cat('sanitation');
  const base = {
    estateId: world.estateA.id,
    buildingId: world.buildingA.id,
    locationType: 'building',
    isPublic: true,
    categoryId: category.id,
    description: '描述',
    reporterId: users.residentA2.id,
    respondBy: new Date(start.getTime() + 24 * HOUR),
    resolveBy: new Date(start.getTime() + 72 * HOUR),
    createdAt: new Date(start.getTime() - 200 * HOUR),
  };
  const earlier = await db.issue.create({
    data: { ...base, title: RICH.linkedFromTitle, submissionKey: randomUUID(), state: 'closed', closedAt: start },
  });
  const issue = await db.issue.create({
    data: {
      ...base,
      title: RICH.title,
      description: RICH.description,
      submissionKey: randomUUID(),
      state: 'awaiting_vote',
      assignedParty: 'property',
      assignedOrg: '甲物业维修部',
      handoffCount: 2,
      reopenCount: 1,
      supportCount: 1,
      attachmentCount: 20,
      linkedFromId: earlier.id,
      createdAt: new Date(start.getTime() - 150 * HOUR),
    },
  });
  await db.support.create({ data: { issueId: issue.id, userId: users.residentA.id } });
  for (const [title, reporterId, isPublic] of [
    [RICH.publicFollowUp, users.residentA2.id, true],
    [RICH.privateFollowUp, users.residentA2.id, false],
  ] as const)
    await db.issue.create({
      data: {
        ...base,
        title,
        reporterId,
        isPublic,
        locationType: isPublic ? 'building' : 'unit',
        submissionKey: randomUUID(),
        linkedFromId: issue.id,
      },
    });

  const meeting = await db.meeting.create({
    data: {
      communityId: world.community.id,
      kind: 'regular',
      title: RICH.meetingTitle,
      place: '社区会议室',
      startsAt: new Date(start.getTime() - 100 * HOUR),
      endsAt: new Date(start.getTime() - 98 * HOUR),
      status: 'closed',
      convenerId: users.community.id,
      agendaItems: { create: [{ issueId: issue.id, title: RICH.title, position: 1 }] },
    },
    include: { agendaItems: true },
  });
  await db.decision.create({
    data: {
      agendaItemId: meeting.agendaItems[0]!.id,
      kind: 'assign',
      party: 'property',
      dueAt: new Date(start.getTime() + 300 * HOUR),
      reason: RICH.decisionReason,
      appliedAt: new Date(start.getTime() - 97 * HOUR),
    },
  });
  await db.meeting.create({
    data: {
      communityId: world.community.id,
      kind: 'ad_hoc',
      title: RICH.laterMeetingTitle,
      place: '社区会议室',
      startsAt: new Date(start.getTime() + 100 * HOUR),
      endsAt: new Date(start.getTime() + 102 * HOUR),
      convenerId: users.community.id,
      agendaItems: { create: [{ issueId: issue.id, title: RICH.title, position: 1 }] },
    },
  });

  const proposal = (title: string, status: string, openedAt: Date | null) => ({
    estateId: world.estateA.id,
    issueId: issue.id,
    matter: 'use_fund',
    title,
    scope: 'estate',
    amountFen: 1234500,
    status,
    openedAt,
    closesAt: status === 'open' ? new Date(start.getTime() + 240 * HOUR) : null,
    createdById: users.committeeA.id,
  });
  await db.fundProposal.createMany({
    data: [
      proposal(RICH.openProposal, 'open', start),
      proposal(RICH.draftProposal, 'draft', null),
      proposal(RICH.withdrawnDraft, 'cancelled', null),
      proposal(RICH.cancelledAfterOpening, 'cancelled', start),
    ],
  });

  const actors = [
    { actorId: users.propertyA.id, actorRole: 'property' },
    { actorId: users.community.id, actorRole: 'community' },
    { actorId: users.residentA2.id, actorRole: 'resident' },
    { actorId: null, actorRole: 'system' },
  ];
  const events = Array.from({ length: 300 }, (_, n) => ({
    issueId: issue.id,
    ...(n === 0 ? { actorId: users.residentA2.id, actorRole: 'resident' } : actors[n % actors.length]!),
    action: n === 0 ? 'submit' : n % 10 === 5 ? 'meeting_assign' : 'handoff',
    fromState: n === 0 ? null : 'accepted',
    toState: n === 0 ? 'submitted' : 'accepted',
    party: n === 0 ? null : 'property',
    note: n === 0 ? '' : `时间线第 ${n} 条记录`,
    meetingId: n % 10 === 5 ? meeting.id : null,
    // a few events share a moment: the timeline then keeps their order by id
    createdAt: new Date(start.getTime() - 150 * HOUR + Math.floor(n / 2) * 60_000),
  }));
  await db.issueEvent.createMany({ data: events });
  const eventIds = (
    await db.issueEvent.findMany({ where: { issueId: issue.id }, select: { id: true }, orderBy: { id: 'asc' } })
  ).map((e) => e.id);
  await db.attachment.createMany({
    data: eventIds.filter((_, n) => n % 50 === 10).map((eventId) => photo(users.propertyA.id, { eventId })),
  });

  const authors = [users.residentA2.id, users.propertyA.id, users.residentA.id, users.committeeA.id];
  await db.comment.createMany({
    data: Array.from({ length: 40 }, (_, n) => ({
      issueId: issue.id,
      authorId: authors[n % authors.length]!,
      body: `第 ${n + 1} 条留言`,
      createdAt: new Date(start.getTime() - 100 * HOUR + n * 60_000),
    })),
  });
  const commentIds = (
    await db.comment.findMany({ where: { issueId: issue.id }, select: { id: true }, orderBy: { id: 'asc' } })
  ).map((c) => c.id);
  await db.attachment.createMany({
    data: commentIds.filter((_, n) => n % 10 === 3).map((commentId) => photo(users.propertyA.id, { commentId })),
  });
  await db.attachment.createMany({
    data: Array.from({ length: 20 }, () => photo(users.residentA2.id, { issueId: issue.id })),
  });
  return { issueId: issue.id, earlierId: earlier.id, meetingId: meeting.id };
}

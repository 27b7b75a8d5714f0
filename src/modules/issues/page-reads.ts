import type { Actor } from '../../actor.ts';
import { NotFound } from '../../errors.ts';
import { fromSqlTime, jsonArrayFrom, jsonObjectFrom, jsonRow, jsonRows, rare, sqlBool, type Sql } from '../../plugins/sql.ts';
import { visibleIssueSql, visibleProposalSql } from './visibility-sql.ts';
import { photosByEvent, readEvents, type AttachmentRow } from './timeline-reads.ts';
import { issueProgress } from '../../domain/issue-progress.ts';
import type { IssueState } from '../../domain/issue-workflow.ts';

/**
 * The issue page's read model (issue #11): two statements whatever the length of the timeline. The
 * first reads the issue, its display joins and everything hanging off it (photos, the events' photos,
 * comments, meetings, proposals, linked issues, the reader's "me too") as JSON columns, and returns no
 * row when the actor may not see the issue; the second reads the timeline with each event's actor and
 * meeting. Every lookup is an index search (tests/integration/issue-page-plans.test.ts). The result has
 * the shape the view has always read: nested objects, Date values and booleans.
 */

/** The element type of a JSON array column, as Kysely infers it. */
type RowOf<A> = A extends readonly (infer E)[] ? E : never;

/** Authorises a form on an issue page: the issue must be one the actor may see (else NotFound). */
export async function assertIssueVisible(sql: Sql, actor: Actor, id: number): Promise<void> {
  const row = await sql
    .selectFrom('Issue as i')
    .select((eb) => eb.lit(1).as('one'))
    .where('i.id', '=', id)
    .where(visibleIssueSql(actor, 'i'))
    .executeTakeFirst();
  if (!row) throw new NotFound();
}

/** The issue with its places, reporter, photos, comments, meetings, proposals and linked issues. */
function readIssue(sql: Sql, actor: Actor, id: number) {
  return issueQuery(sql, actor, id).executeTakeFirst();
}

/** No row when the issue is not one the actor may see: the subqueries then never run. */
function issueQuery(sql: Sql, actor: Actor, id: number) {
  return sql
    .selectFrom('Issue as i')
    .innerJoin('Category as c', 'c.id', 'i.categoryId')
    .innerJoin('Estate as es', 'es.id', 'i.estateId')
    .innerJoin('User as r', 'r.id', 'i.reporterId')
    .leftJoin('Building as b', 'b.id', 'i.buildingId')
    .leftJoin('Unit as u', 'u.id', 'i.unitId')
    .leftJoin('User as fb', 'fb.id', 'i.filedById')
    .where('i.id', '=', id)
    .where(visibleIssueSql(actor, 'i'))
    .select([
      'i.id',
      'i.estateId',
      'i.buildingId',
      'i.unitId',
      'i.locationType',
      'i.locationNote',
      'i.isPublic',
      'i.categoryId',
      'i.emergency',
      'i.title',
      'i.description',
      'i.reporterId',
      'i.state',
      'i.assignedParty',
      'i.assignedOrg',
      'i.respondBy',
      'i.resolveBy',
      'i.acceptedAt',
      'i.startedAt',
      'i.resolvedAt',
      'i.closedAt',
      'i.rejectedAt',
      'i.rejectReason',
      'i.reopenCount',
      'i.supportCount',
      'i.attachmentCount',
      'i.handoffCount',
      'i.rating',
      'i.ratingComment',
      'i.ratedAt',
      'i.approvedAmountFen',
      'i.linkedFromId',
      'i.lastChasedAt',
      'i.chaseCount',
      'i.duplicateOfId',
      'i.channel',
      'i.filedById',
      'i.callerName',
      'i.callerPhone',
      'fb.displayName as filedByName',
      'i.version',
      'i.createdAt',
      'i.updatedAt',
      'c.communityId as categoryCommunityId',
      'c.code as categoryCode',
      'c.nameZh as categoryNameZh',
      'c.nameEn as categoryNameEn',
      'c.emergency as categoryEmergency',
      'c.responseHours as categoryResponseHours',
      'c.resolveHours as categoryResolveHours',
      'c.defaultParty as categoryDefaultParty',
      'c.sortOrder as categorySortOrder',
      'c.active as categoryActive',
      'es.name as estateName',
      'b.name as buildingName',
      'u.room as unitRoom',
      'u.entrance as unitEntrance',
      'r.displayName as reporterName',
      'r.phone as reporterPhone',
      'r.verified as reporterVerified',
    ])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('Support as s')
            .select('s.userId')
            .whereRef('s.issueId', '=', 'i.id')
            .where('s.userId', '=', actor.userId),
        )
        .as('supported'),
      jsonObjectFrom(
        eb
          .selectFrom('Issue')
          .select(['Issue.id', 'Issue.title'])
          .whereRef('Issue.id', '=', 'i.linkedFromId')
          .where(visibleIssueSql(actor, 'Issue')),
      ).as('linkedFrom'),
      jsonArrayFrom(
        eb
          .selectFrom('Issue')
          .select(['Issue.id', 'Issue.title', 'Issue.state'])
          .where((f) => rare(f('Issue.linkedFromId', '=', f.ref('i.id'))))
          .where(visibleIssueSql(actor, 'Issue'))
          .orderBy('Issue.id'),
      ).as('followUps'),
      // duplicates: the original this one was closed into, and the ones closed into this one
      jsonObjectFrom(
        eb
          .selectFrom('Issue')
          .select(['Issue.id', 'Issue.title', 'Issue.state'])
          .whereRef('Issue.id', '=', 'i.duplicateOfId')
          .where(visibleIssueSql(actor, 'Issue')),
      ).as('duplicateOf'),
      jsonArrayFrom(
        eb
          .selectFrom('Issue')
          .select(['Issue.id', 'Issue.title'])
          .where((f) => rare(f('Issue.duplicateOfId', '=', f.ref('i.id'))))
          .where(visibleIssueSql(actor, 'Issue'))
          .orderBy('Issue.id'),
      ).as('duplicates'),
      jsonArrayFrom(
        eb
          .selectFrom('Attachment as a')
          .select(['a.id', 'a.mime', 'a.originalName'])
          .whereRef('a.issueId', '=', 'i.id')
          .where('a.eventId', 'is', null)
          .where('a.commentId', 'is', null)
          .orderBy('a.id'),
      ).as('attachments'),
      jsonArrayFrom(
        eb
          .selectFrom('IssueEvent as ev')
          // the issue's events drive (SQLite keeps a cross join's order): a probe of the eventId index per
          // event, never a pass over Attachment, whose mostly-null eventId makes its statistics look poor
          .crossJoin('Attachment as ea')
          .select(['ea.eventId', 'ea.id', 'ea.mime', 'ea.originalName'])
          .whereRef('ev.issueId', '=', 'i.id')
          .whereRef('ea.eventId', '=', 'ev.id')
          .orderBy('ea.id'),
      ).as('eventPhotos'),
      jsonArrayFrom(
        eb
          .selectFrom('Comment as cm')
          .innerJoin('User as au', 'au.id', 'cm.authorId')
          .select((cb) => [
            'cm.id',
            'cm.issueId',
            'cm.authorId',
            'cm.body',
            'cm.createdAt',
            'au.displayName as authorName',
            'au.role as authorRole',
            jsonArrayFrom(
              cb
                .selectFrom('Attachment as ca')
                .select(['ca.id', 'ca.mime', 'ca.originalName'])
                .whereRef('ca.commentId', '=', 'cm.id')
                .orderBy('ca.id'),
            ).as('attachments'),
          ])
          .whereRef('cm.issueId', '=', 'i.id')
          .orderBy('cm.createdAt')
          .orderBy('cm.id'),
      ).as('comments'),
      jsonArrayFrom(
        eb
          .selectFrom('AgendaItem as ag')
          .innerJoin('Meeting as m', 'm.id', 'ag.meetingId')
          .leftJoin('Decision as d', 'd.agendaItemId', 'ag.id')
          .select([
            'ag.id',
            'm.id as meetingId',
            'm.title as meetingTitle',
            'm.startsAt as meetingStartsAt',
            'm.status as meetingStatus',
            'd.id as decisionId',
            'd.kind as decisionKind',
            'd.party as decisionParty',
            'd.dueAt as decisionDueAt',
            'd.reason as decisionReason',
            'd.appliedAt as decisionAppliedAt',
          ])
          .whereRef('ag.issueId', '=', 'i.id')
          .orderBy('m.startsAt')
          .orderBy('ag.id'),
      ).as('agendaItems'),
      jsonArrayFrom(
        eb
          .selectFrom('FundProposal as p')
          .select(['p.id', 'p.title', 'p.status', 'p.amountFen', 'p.closesAt', 'p.emergency'])
          .whereRef('p.issueId', '=', 'i.id')
          .where(visibleProposalSql(actor, 'p'))
          .orderBy('p.createdAt')
          .orderBy('p.id'),
      ).as('proposals'),
    ]);
}

/** Everything the issue page shows, or NotFound if the actor may not see the issue. */
async function readPage(sql: Sql, actor: Actor, id: number, allEvents: boolean) {
  const row = await readIssue(sql, actor, id);
  if (!row) throw new NotFound();
  const { events, earlier } = await readEvents(sql, row.id, photosByEvent(jsonRows(row.eventPhotos)), allEvents);
  return { ...shapeIssue(row, events), earlierEvents: earlier };
}

type IssueRow = NonNullable<Awaited<ReturnType<typeof readIssue>>>;
type EventRows = Awaited<ReturnType<typeof readEvents>>['events'];

function shapeIssue(row: IssueRow, events: EventRows) {
  const {
    categoryCommunityId,
    categoryCode,
    categoryNameZh,
    categoryNameEn,
    categoryEmergency,
    categoryResponseHours,
    categoryResolveHours,
    categoryDefaultParty,
    categorySortOrder,
    categoryActive,
    estateName,
    buildingName,
    unitRoom,
    unitEntrance,
    reporterName,
    reporterPhone,
    reporterVerified,
    supported,
    linkedFrom,
    followUps,
    duplicateOf,
    duplicates,
    eventPhotos: _eventPhotos,
    attachments,
    comments,
    agendaItems,
    proposals,
    ...i
  } = row;
  const issue = {
    ...i,
    isPublic: sqlBool(i.isPublic),
    emergency: sqlBool(i.emergency),
    respondBy: fromSqlTime(i.respondBy),
    resolveBy: fromSqlTime(i.resolveBy),
    acceptedAt: fromSqlTime(i.acceptedAt),
    startedAt: fromSqlTime(i.startedAt),
    resolvedAt: fromSqlTime(i.resolvedAt),
    closedAt: fromSqlTime(i.closedAt),
    rejectedAt: fromSqlTime(i.rejectedAt),
    ratedAt: fromSqlTime(i.ratedAt),
    lastChasedAt: fromSqlTime(i.lastChasedAt),
    createdAt: fromSqlTime(i.createdAt),
    updatedAt: fromSqlTime(i.updatedAt),
    category: {
      id: i.categoryId,
      communityId: categoryCommunityId,
      code: categoryCode,
      nameZh: categoryNameZh,
      nameEn: categoryNameEn,
      emergency: sqlBool(categoryEmergency),
      responseHours: categoryResponseHours,
      resolveHours: categoryResolveHours,
      defaultParty: categoryDefaultParty,
      sortOrder: categorySortOrder,
      active: sqlBool(categoryActive),
    },
    estate: { id: i.estateId, name: estateName },
    building: i.buildingId === null ? null : { id: i.buildingId, name: buildingName ?? '' },
    unit: i.unitId === null ? null : { id: i.unitId, room: unitRoom ?? '', entrance: unitEntrance ?? '' },
    reporter: { id: i.reporterId, displayName: reporterName, phone: reporterPhone, verified: sqlBool(reporterVerified) },
    duplicateOf: jsonRow<NonNullable<IssueRow['duplicateOf']>>(duplicateOf),
    duplicates: jsonRows<RowOf<IssueRow['duplicates']>>(duplicates),
    events,
    attachments: jsonRows<AttachmentRow>(attachments),
    comments: jsonRows<RowOf<IssueRow['comments']>>(comments).map(({ authorName, authorRole, attachments: photos, ...c }) => ({
      ...c,
      createdAt: fromSqlTime(c.createdAt),
      author: { id: c.authorId, displayName: authorName, role: authorRole },
      attachments: jsonRows<AttachmentRow>(photos),
    })),
    agendaItems: jsonRows<RowOf<IssueRow['agendaItems']>>(agendaItems).map((a) => ({
      id: a.id,
      meeting: { id: a.meetingId, title: a.meetingTitle, startsAt: fromSqlTime(a.meetingStartsAt), status: a.meetingStatus },
      decision:
        a.decisionId === null
          ? null
          : {
              kind: a.decisionKind ?? '',
              party: a.decisionParty,
              dueAt: fromSqlTime(a.decisionDueAt),
              reason: a.decisionReason ?? '',
              appliedAt: fromSqlTime(a.decisionAppliedAt),
            },
    })),
    proposals: jsonRows<RowOf<IssueRow['proposals']>>(proposals).map((p) => ({
      ...p,
      closesAt: fromSqlTime(p.closesAt),
      emergency: sqlBool(p.emergency),
    })),
  };
  return {
    issue,
    supported: sqlBool(supported),
    linkedFrom: jsonRow<NonNullable<IssueRow['linkedFrom']>>(linkedFrom),
    followUps: jsonRows<RowOf<IssueRow['followUps']>>(followUps),
  };
}

/** The stepper at the top of the page, from what the page read anyway (no statement of its own). */
function progressOf(issue: ReturnType<typeof shapeIssue>['issue']) {
  return issueProgress({
    ...issue,
    state: issue.state as IssueState,
    meetingAt: issue.agendaItems[0]?.meeting.startsAt ?? null,
    hadMeeting: issue.agendaItems.length > 0,
    hadVote: issue.proposals.length > 0,
  });
}

/** The issue page: the issue, whether the actor already said "me too", and its linked issues either way. */
export async function issuePage(sql: Sql, actor: Actor, id: number, options: { allEvents?: boolean } = {}) {
  const { issue, supported, linkedFrom, followUps, earlierEvents } = await readPage(sql, actor, id, options.allEvents ?? false);
  const withProgress = { ...issue, progress: progressOf(issue) };
  return { issue: withProgress, supported: actor.role === 'resident' && supported, followUps, linkedFrom, earlierEvents };
}

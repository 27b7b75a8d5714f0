import { fromSqlTime, type Sql } from '../../plugins/sql.ts';

/** A photo as the issue page lists it. */
export interface AttachmentRow {
  id: number;
  mime: string;
  originalName: string;
}

/** How many of the latest events the page shows unless the reader asks for the whole timeline. */
export const TIMELINE_LATEST = 50;

/**
 * The timeline, oldest first, with who did it and the meeting it came from: the latest TIMELINE_LATEST
 * events (and whether earlier ones exist), or all of them. An issue that went through years and hundreds
 * of steps should not make every page view read and draw them all.
 */
export async function readEvents(sql: Sql, issueId: number, photos: Map<number, AttachmentRow[]>, all: boolean) {
  const query = sql
    .selectFrom('IssueEvent as e')
    .leftJoin('User as a', 'a.id', 'e.actorId')
    .leftJoin('Meeting as m', 'm.id', 'e.meetingId')
    .where('e.issueId', '=', issueId)
    .select([
      'e.id',
      'e.issueId',
      'e.actorId',
      'e.actorRole',
      'e.action',
      'e.fromState',
      'e.toState',
      'e.party',
      'e.note',
      'e.meetingId',
      'e.proposalId',
      'e.createdAt',
      'a.displayName as actorName',
      'a.role as actorUserRole',
      'a.orgName as actorOrgName',
      'm.title as meetingTitle',
    ]);
  let rows;
  let earlier = false;
  if (all) rows = await query.orderBy('e.createdAt').orderBy('e.id').execute();
  else {
    const latest = await query
      .orderBy('e.createdAt', 'desc')
      .orderBy('e.id', 'desc')
      .limit(TIMELINE_LATEST + 1)
      .execute();
    earlier = latest.length > TIMELINE_LATEST;
    rows = latest.slice(0, TIMELINE_LATEST).reverse();
  }
  // A plain loop with literal objects: a timeline has hundreds of events, read a thousand times a second.
  const events = [];
  for (const e of rows) {
    events.push({
      id: e.id,
      issueId: e.issueId,
      actorId: e.actorId,
      actorRole: e.actorRole,
      action: e.action,
      fromState: e.fromState,
      toState: e.toState,
      party: e.party,
      note: e.note,
      meetingId: e.meetingId,
      proposalId: e.proposalId,
      createdAt: fromSqlTime(e.createdAt),
      actor:
        e.actorId === null
          ? null
          : { id: e.actorId, displayName: e.actorName ?? '', role: e.actorUserRole ?? '', orgName: e.actorOrgName ?? '' },
      meeting: e.meetingId === null ? null : { id: e.meetingId, title: e.meetingTitle ?? '' },
      attachments: photos.get(e.id) ?? [],
    });
  }
  return { events, earlier };
}

/** The photos of the issue's events, by event (read with the issue: a few rows, not one subquery per event). */
export function photosByEvent(rows: (AttachmentRow & { eventId: number | null })[]): Map<number, AttachmentRow[]> {
  const byEvent = new Map<number, AttachmentRow[]>();
  for (const { eventId, ...photo } of rows) {
    if (eventId === null) continue;
    const list = byEvent.get(eventId);
    if (list) list.push(photo);
    else byEvent.set(eventId, [photo]);
  }
  return byEvent;
}

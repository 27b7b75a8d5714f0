import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, InvalidTransition, NotFound, ValidationFailed } from '../../errors.ts';
import { actsForParty, transition, type IssueState, type Party } from '../../domain/issue-workflow.ts';
import { SIMILAR_LIMIT, SIMILAR_STATES, duplicateTargetError, parseIssueNumber } from '../../domain/issue-duplicates.ts';
import { recordAudit } from '../audit/index.ts';
import { performIssueAction } from './perform-action.ts';
import { visibleIssuesWhere } from './scope.ts';

/**
 * Duplicates: the similar open issues a filing resident is offered a "me too" on instead, staff closing
 * an issue into the original it repeats, and the followers that closing makes.
 */

const DUPLICATE_NOTE_MAX = 500;

/** What the filing form has chosen so far: the category and where (the resident's building, or the estate). */
export interface SimilarQuery {
  categoryId: string;
  locationType: string;
}

/**
 * The neighbours' open common-area issues of the same building (or, for an estate-wide problem, the
 * estate's) and category, never the resident's own and never an in-unit (private) one. An index range
 * of (buildingId, categoryId, state, createdAt).
 */
function similarWhere(actor: Actor, query: SimilarQuery): Prisma.IssueWhereInput | null {
  if (actor.role !== 'resident' || actor.homeEstateId === null) return null;
  if (!/^[0-9]{1,9}$/.test(query.categoryId)) return null;
  const estateWide = query.locationType === 'estate';
  if (!estateWide && actor.buildingId === null) return null;
  return {
    buildingId: estateWide ? null : actor.buildingId,
    categoryId: Number(query.categoryId),
    state: { in: [...SIMILAR_STATES] },
    estateId: actor.homeEstateId,
    isPublic: true,
    reporterId: { not: actor.userId },
  };
}

export interface SimilarIssue {
  id: number;
  title: string;
  state: string;
  supportCount: number;
  createdAt: Date;
  ageMinutes: number;
  supported: boolean;
}

/** The similar issues the filing form lists, newest first, with whether this resident already said "me too". */
export async function similarIssues(db: DbTx, actor: Actor, query: SimilarQuery, now: Date): Promise<SimilarIssue[]> {
  const where = similarWhere(actor, query);
  if (!where) return [];
  const rows = await db.issue.findMany({
    where,
    select: {
      id: true,
      title: true,
      state: true,
      supportCount: true,
      createdAt: true,
      supports: { where: { userId: actor.userId }, select: { userId: true } },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: SIMILAR_LIMIT,
  });
  return rows.map(({ supports, ...r }) => ({
    ...r,
    ageMinutes: Math.max(0, Math.floor((now.getTime() - r.createdAt.getTime()) / 60_000)),
    supported: supports.length > 0,
  }));
}

/** Whether the filing form should be held once to show similar issues (the no-JavaScript path). */
export async function hasSimilarIssues(db: DbTx, actor: Actor, query: SimilarQuery): Promise<boolean> {
  const where = similarWhere(actor, query);
  if (!where) return false;
  return (await db.issue.findFirst({ where, select: { id: true } })) !== null;
}

/** Someone hears about the issue's changes from now on; following twice keeps the first reason. */
export async function followIssue(
  tx: DbTx,
  issueId: number,
  userId: number,
  reason: 'duplicate' | 'support' | 'manual',
  now: Date,
) {
  await tx.issueFollow.upsert({
    where: { issueId_userId: { issueId, userId } },
    create: { issueId, userId, reason, createdAt: now },
    update: {},
  });
}

export interface MarkDuplicateForm {
  originalId: string;
  note: string;
  version: string;
}

/**
 * Closes an issue as a duplicate of another, in the caller's transaction: the workflow's mark_duplicate
 * (closed, duplicateOfId set, resolvedAt left null, the reporter told "merged into #N"), the reporter
 * following the original, and the audit entry. An original the actor may not see, or in another estate,
 * is refused on the form like any other wrong number, so its existence does not leak.
 */
export async function markDuplicate(
  tx: DbTx,
  actor: Actor,
  issueId: number,
  form: MarkDuplicateForm,
  context: { now: Date; ip: string },
): Promise<{ issueId: number; originalId: number }> {
  const scope = visibleIssuesWhere(actor);
  const duplicate = await tx.issue.findFirst({ where: { AND: [{ id: issueId }, scope] } });
  if (!duplicate) throw new NotFound();
  // A stale page or a move this actor may not make is said as such, before the number is looked at.
  if (duplicate.version !== Number(form.version)) throw new Conflict('errors.issueChanged');
  const allowed = transition(
    duplicate.state as IssueState,
    {
      role: actor.role,
      userId: actor.userId,
      isReporter: duplicate.reporterId === actor.userId,
      isAssignedParty: actsForParty(actor.role, (duplicate.assignedParty as Party | null) ?? null),
    },
    'mark_duplicate',
  );
  if (!allowed.ok) {
    const key = allowed.error === 'invalid_action_for_state' ? 'errors.invalidTransition' : 'errors.notAllowed';
    throw new InvalidTransition(key, { state: duplicate.state });
  }
  const note = form.note.trim();
  if (Array.from(note).length > DUPLICATE_NOTE_MAX) {
    throw new ValidationFailed([{ field: 'note', code: 'too_long', params: { max: DUPLICATE_NOTE_MAX } }]);
  }
  const originalId = parseIssueNumber(form.originalId);
  if (originalId === null) {
    throw new ValidationFailed([{ field: 'originalId', code: form.originalId.trim() === '' ? 'required' : 'duplicate_number' }]);
  }
  const original = await tx.issue.findFirst({ where: { AND: [{ id: originalId }, scope] } });
  const problem = duplicateTargetError(duplicate, original);
  if (problem !== null || !original) {
    // Another estate's issue reads as no such issue: the number alone must not tell what exists there.
    const code = problem === 'other_estate' || problem === null ? 'duplicate_not_found' : `duplicate_${problem}`;
    throw new ValidationFailed([{ field: 'originalId', code, params: { id: originalId } }]);
  }
  const eventNote = `#${original.id}「${original.title}」${note === '' ? '' : `\n${note}`}`;
  const result = await performIssueAction(
    tx,
    actor,
    issueId,
    'mark_duplicate',
    { note: eventNote, duplicateOfId: original.id },
    { now: context.now, expectedVersion: Number(form.version) },
  );
  // The reporter of the duplicate now hears about the original instead (its own reporter already does).
  if (duplicate.reporterId !== original.reporterId) {
    await followIssue(tx, original.id, duplicate.reporterId, 'duplicate', context.now);
  }
  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: context.ip,
    action: 'issue.mark_duplicate',
    entityType: 'issue',
    entityId: duplicate.id,
    communityId: duplicate.communityId,
    estateId: duplicate.estateId,
    before: { state: duplicate.state, duplicateOfId: null },
    after: { state: result.to, duplicateOfId: original.id },
    note,
    at: context.now,
  });
  return { issueId: duplicate.id, originalId: original.id };
}

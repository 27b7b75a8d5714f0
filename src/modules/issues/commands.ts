import type { Static } from '@sinclair/typebox';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { BadRequest, Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import { parseShanghaiLocal } from '../../domain/deadlines.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import type { IssueActionForm } from './schemas.ts';
import { visibleIssuesWhere } from './scope.ts';
import { canSupportState, type FormAction } from './page-actions.ts';
import { performIssueAction, type IssueActionInput, type IssueActionResult } from './perform-action.ts';
import { charLength, fileLinkedIssue } from './filing.ts';

/** State changes from the issue pages. Each takes the transaction its route opened. */

const COMMENT_MAX = 2000;
const ORG_MAX = 60;
const RATING_COMMENT_MAX = 500;
/** The same comment sent again within this time (a double tap, a resend) is posted once. */
const COMMENT_REPEAT_MS = 10 * 60_000;

/**
 * 附议: a resident of the estate adds "me too" to a public issue. Idempotent (one per resident); not on
 * one's own issue, and not once the issue is closed or rejected.
 */
export async function supportIssue(tx: DbTx, actor: Actor, issueId: number, now: Date): Promise<{ created: boolean }> {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  if (!actor.verified) throw new Forbidden('registrations.gate.unverifiedSupport');
  const issue = await tx.issue.findFirst({
    where: { id: issueId, estateId: actor.homeEstateId, isPublic: true },
    select: { id: true, state: true, reporterId: true },
  });
  if (!issue) throw new NotFound();
  if (issue.reporterId === actor.userId) throw new BadRequest('issues.support.own');
  if (!canSupportState(issue.state)) throw new InvalidTransition('issues.support.notOpen', { state: issue.state });
  const existing = await tx.support.findUnique({ where: { issueId_userId: { issueId, userId: actor.userId } } });
  if (existing) return { created: false };
  await tx.support.create({ data: { issueId, userId: actor.userId, createdAt: now } });
  // The count the lists show and sort by, kept with its row (checked against the rows in tests).
  await tx.issue.update({ where: { id: issueId }, data: { supportCount: { increment: 1 }, updatedAt: now } });
  return { created: true };
}

/** Two "me too" racing each other: the unique key stopped the second, which changed nothing. */
export function alreadySupported(error: unknown): { created: boolean } {
  if ((error as { code?: string }).code === 'P2002') return { created: false };
  throw error;
}

/** A comment (or a party's progress note) with its stored photos, by anyone who can see the issue. */
export async function addComment(
  tx: DbTx,
  actor: Actor,
  issueId: number,
  body: string,
  photos: StoredFile[],
  now: Date,
): Promise<{ commentId: number; duplicate: boolean }> {
  const issue = await tx.issue.findFirst({ where: { AND: [{ id: issueId }, visibleIssuesWhere(actor)] }, select: { id: true } });
  if (!issue) throw new NotFound();
  const text = body.trim();
  if (text === '') throw new ValidationFailed([{ field: 'body', code: 'required' }]);
  if (charLength(text) > COMMENT_MAX)
    throw new ValidationFailed([{ field: 'body', code: 'too_long', params: { max: COMMENT_MAX } }]);
  const repeat = await tx.comment.findFirst({
    where: { issueId, authorId: actor.userId, body: text, createdAt: { gte: new Date(now.getTime() - COMMENT_REPEAT_MS) } },
    select: { id: true },
  });
  if (repeat) return { commentId: repeat.id, duplicate: true };
  const comment = await tx.comment.create({ data: { issueId, authorId: actor.userId, body: text, createdAt: now } });
  await recordAttachments(tx, photos, actor.userId, { commentId: comment.id }, now);
  return { commentId: comment.id, duplicate: false };
}

type ActionFormValues = Static<typeof IssueActionForm>;

/** Field errors the workflow does not check itself: the outside unit's name and the rating comment. */
function pageFieldErrors(action: FormAction, form: ActionFormValues): FieldError[] {
  const errors: FieldError[] = [];
  const needsParty = action === 'accept' || action === 'reassign' || action === 'handoff';
  if (needsParty && form.party === 'outside') {
    if (form.assignedOrg.trim() === '') errors.push({ field: 'assignedOrg', code: 'required' });
    else if (charLength(form.assignedOrg.trim()) > ORG_MAX)
      errors.push({ field: 'assignedOrg', code: 'too_long', params: { max: ORG_MAX } });
  }
  if (charLength(form.ratingComment.trim()) > RATING_COMMENT_MAX) {
    errors.push({ field: 'ratingComment', code: 'too_long', params: { max: RATING_COMMENT_MAX } });
  }
  return errors;
}

/**
 * One action from the issue page, checked against the form's version: the state change, its event and
 * its stored photos (attached to the event), in the caller's transaction. A "not fixed" on a closed issue
 * files a linked follow-up issue instead (closed is terminal).
 */
export async function actOnIssue(
  tx: DbTx,
  actor: Actor,
  issueId: number,
  action: FormAction,
  form: ActionFormValues,
  photos: StoredFile[],
  now: Date,
): Promise<{ issueId: number; linked: boolean }> {
  const expectedVersion = Number(form.version);
  if (action === 'reopen') {
    const current = await tx.issue.findFirst({ where: { AND: [{ id: issueId }, visibleIssuesWhere(actor)] } });
    if (!current) throw new NotFound();
    if (current.version !== expectedVersion) throw new Conflict('errors.issueChanged');
    if (current.state === ISSUE_STATES.closed) {
      if (actor.role !== 'resident' || current.reporterId !== actor.userId || current.duplicateOfId !== null) {
        throw new InvalidTransition('errors.notAllowed', { state: current.state });
      }
      const id = await fileLinkedIssue(tx, actor, current, form.note, photos, now);
      return { issueId: id, linked: true };
    }
  }
  const dueAt = form.dueAt.trim() === '' ? null : (parseShanghaiLocal(form.dueAt) ?? new Date(Number.NaN));
  // Blank means absent: the event's note falls back to the reason (hand-off, rejection).
  const input: IssueActionInput = {
    note: form.note.trim() === '' ? undefined : form.note,
    reason: form.reason.trim() === '' ? undefined : form.reason,
    party: form.party,
    assignedOrg: form.assignedOrg,
    dueAt,
    rating: form.rating,
    ratingComment: form.ratingComment,
  };
  const pageErrors = pageFieldErrors(action, form);
  let result: IssueActionResult;
  try {
    result = await performIssueAction(tx, actor, issueId, action, input, { now, expectedVersion });
  } catch (error) {
    if (error instanceof ValidationFailed && pageErrors.length > 0) throw new ValidationFailed([...error.errors, ...pageErrors]);
    throw error;
  }
  if (pageErrors.length > 0) throw new ValidationFailed(pageErrors);
  await recordAttachments(tx, photos, actor.userId, { eventId: result.eventId }, now);
  return { issueId: result.issueId, linked: false };
}

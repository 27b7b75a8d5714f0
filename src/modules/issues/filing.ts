import type { Static } from '@sinclair/typebox';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import { dueDates } from '../../domain/deadlines.ts';
import { notify, partyRecipients } from '../notifications/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import { categoryById } from '../places/index.ts';
import type { FilingForm } from './schemas.ts';
import { issueIdBySubmissionKey } from './queries.ts';
import { hasSimilarIssues } from './duplicates.ts';

/** Filing an issue: a resident's new one, and the follow-up a "not fixed" files after closure. */

export const LOCATION_TYPES = ['unit', 'building', 'estate'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const TITLE_MAX = 60;
export const DESCRIPTION_MAX = 2000;
export const LOCATION_NOTE_MAX = 100;

/** Length as a reader counts it: characters, not UTF-16 units. */
export const charLength = (s: string) => Array.from(s).length;

type FileIssueInput = Static<typeof FilingForm>;
type Category = NonNullable<Awaited<ReturnType<typeof categoryById>>>;

/** Field errors for a new issue, and its category; the category and the actor's unit are checked against the database. */
async function checkNewIssue(
  db: DbTx,
  actor: Actor,
  input: FileIssueInput,
): Promise<{ errors: FieldError[]; category: Category | null }> {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  const description = input.description.trim();
  if (title === '') errors.push({ field: 'title', code: 'required' });
  else if (charLength(title) > TITLE_MAX) errors.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
  if (description === '') errors.push({ field: 'description', code: 'required' });
  else if (charLength(description) > DESCRIPTION_MAX)
    errors.push({ field: 'description', code: 'too_long', params: { max: DESCRIPTION_MAX } });
  if (charLength(input.locationNote.trim()) > LOCATION_NOTE_MAX) {
    errors.push({ field: 'locationNote', code: 'too_long', params: { max: LOCATION_NOTE_MAX } });
  }
  let category: Category | null = null;
  if (input.categoryId === '') errors.push({ field: 'categoryId', code: 'required' });
  else {
    const found = /^[0-9]{1,9}$/.test(input.categoryId) ? await categoryById(db, Number(input.categoryId)) : null;
    if (found?.active) category = found;
    else errors.push({ field: 'categoryId', code: 'unknown_category' });
  }
  if (!(LOCATION_TYPES as readonly string[]).includes(input.locationType)) {
    errors.push({ field: 'locationType', code: 'required' });
  } else if (input.locationType !== 'estate' && (actor.unitId === null || actor.buildingId === null)) {
    // A unit or building location is always the resident's own; one without a unit picks the estate.
    errors.push({ field: 'locationType', code: 'not_your_unit' });
  }
  return { errors, category };
}

/**
 * Files a resident's issue with its (already stored) photos: the issue, its first event, the photos'
 * rows and the staff's notice, in the caller's transaction. The same form submitted twice (same
 * submission key) files once and answers with the first issue.
 */
export async function fileIssue(
  tx: DbTx,
  actor: Actor,
  input: FileIssueInput,
  photos: StoredFile[],
  now: Date,
): Promise<{ issueId: number; duplicate: boolean }> {
  if (actor.role !== 'resident' || actor.homeEstateId === null) throw new NotFound();
  const existing = await issueIdBySubmissionKey(tx, actor.userId, input.submissionKey);
  if (existing !== null) return { issueId: existing, duplicate: true };

  const { errors, category } = await checkNewIssue(tx, actor, input);
  if (errors.length > 0 || !category) throw new ValidationFailed(errors);
  // Without JavaScript the neighbours' reports of the same problem are shown once, on the form, before
  // filing; the resident then adds a "me too" or confirms it is a different problem (similarChecked).
  if (input.similarChecked !== '1' && (await hasSimilarIssues(tx, actor, input))) {
    throw new ValidationFailed([{ field: 'similar', code: 'similar_found' }]);
  }

  const locationType = input.locationType as LocationType;
  const { created } = await createSubmittedIssue(
    tx,
    {
      estateId: actor.homeEstateId,
      buildingId: locationType === 'estate' ? null : actor.buildingId,
      unitId: locationType === 'unit' ? actor.unitId : null,
      locationType,
      locationNote: input.locationNote.trim(),
      isPublic: locationType !== 'unit',
      categoryId: category.id,
      emergency: category.emergency,
      title: input.title.trim(),
      description: input.description.trim(),
      reporterId: actor.userId,
      submissionKey: input.submissionKey,
    },
    category,
    actor,
    now,
  );
  await recordIssuePhotos(tx, created.id, photos, actor.userId, now);
  await notifyNewIssue(tx, created, category.emergency);
  return { issueId: created.id, duplicate: false };
}

/** What a new issue is made of; its state (submitted), deadlines and creation time are set here. */
export type NewIssueData = Omit<Prisma.IssueUncheckedCreateInput, 'state' | 'respondBy' | 'resolveBy' | 'createdAt'>;

/**
 * The one way an issue comes into being, whoever files it (a resident, staff for a caller, a "not fixed"
 * after closure): the row in state submitted with the category's deadlines from `now`, and its first event
 * ('submit', by the person who filed it, with an optional note). Returns the issue and the event, so the
 * caller can attach photos to either and tell whom it must.
 */
export async function createSubmittedIssue(
  tx: DbTx,
  data: NewIssueData,
  category: { responseHours: number; resolveHours: number },
  filer: { userId: number; role: string; note?: string },
  now: Date,
) {
  const due = dueDates(category, now);
  const created = await tx.issue.create({
    data: { ...data, state: ISSUE_STATES.submitted, respondBy: due.respondBy, resolveBy: due.resolveBy, createdAt: now },
  });
  const event = await tx.issueEvent.create({
    data: {
      issueId: created.id,
      actorId: filer.userId,
      actorRole: filer.role,
      action: 'submit',
      fromState: null,
      toState: ISSUE_STATES.submitted,
      note: filer.note ?? '',
      createdAt: now,
    },
  });
  return { created, event };
}

/**
 * Records photos that belong to the issue itself (Attachment.issueId) and adds them to the issue's
 * attachmentCount in the same transaction: the attachments module stores the rows, this module keeps
 * its own counter (checked against the rows in tests).
 */
export async function recordIssuePhotos(tx: DbTx, issueId: number, photos: StoredFile[], uploaderId: number, now: Date) {
  const stored = await recordAttachments(tx, photos, uploaderId, { issueId }, now);
  if (stored > 0) {
    await tx.issue.update({ where: { id: issueId }, data: { attachmentCount: { increment: stored }, updatedAt: now } });
  }
}

/**
 * A double submission racing the first fails on the unique submission key; its answer is the first
 * issue. Any other error goes on.
 */
export async function firstFilingAfterRace(
  db: DbTx,
  actor: Actor,
  submissionKey: string,
  error: unknown,
): Promise<{ issueId: number }> {
  if ((error as { code?: string }).code === 'P2002') {
    const first = await issueIdBySubmissionKey(db, actor.userId, submissionKey);
    if (first !== null) return { issueId: first };
  }
  throw error;
}

/** Community staff triage every new issue: tell them one has arrived (emergencies say so), except whoever filed it. */
export async function notifyNewIssue(
  tx: DbTx,
  issue: { id: number; estateId: number; title: string },
  emergency: boolean,
  filedBy: number | null = null,
) {
  const staff = await partyRecipients(tx, issue.estateId, 'community');
  await notify(
    tx,
    staff
      .filter((userId) => userId !== filedBy)
      .map((userId) => ({
        userId,
        kind: emergency ? 'issue_submitted_emergency' : 'issue_submitted',
        params: { id: issue.id, title: issue.title },
        link: `/issues/${issue.id}`,
        issueId: issue.id,
      })),
  );
}

/** A resident's "not fixed" after closure: a new issue, linked to the closed one, in the same place. */
export async function fileLinkedIssue(
  tx: DbTx,
  actor: Actor,
  closed: Prisma.IssueGetPayload<object>,
  note: string,
  stored: StoredFile[],
  now: Date,
): Promise<number> {
  const category = await categoryById(tx, closed.categoryId);
  if (!category) throw new NotFound();
  const text = note.trim();
  if (charLength(text) > DESCRIPTION_MAX)
    throw new ValidationFailed([{ field: 'note', code: 'too_long', params: { max: DESCRIPTION_MAX } }]);
  const { created, event } = await createSubmittedIssue(
    tx,
    {
      estateId: closed.estateId,
      buildingId: closed.buildingId,
      unitId: closed.unitId,
      locationType: closed.locationType,
      locationNote: closed.locationNote,
      isPublic: closed.isPublic,
      categoryId: closed.categoryId,
      emergency: category.emergency,
      title: closed.title,
      description: text === '' ? closed.description : `${text}\n\n${closed.description}`.slice(0, DESCRIPTION_MAX),
      reporterId: actor.userId,
      // One follow-up per closed issue and version: a double-submitted "not fixed" files once.
      submissionKey: `reopen-${closed.id}-${closed.version}`,
      linkedFromId: closed.id,
    },
    category,
    { userId: actor.userId, role: actor.role, note: text },
    now,
  );
  // The closed issue's version moves on so the same stale form cannot file a second follow-up.
  await tx.issue.update({ where: { id: closed.id }, data: { version: { increment: 1 }, updatedAt: now } });
  await recordAttachments(tx, stored, actor.userId, { eventId: event.id }, now);
  await notifyNewIssue(tx, created, category.emergency);
  return created.id;
}

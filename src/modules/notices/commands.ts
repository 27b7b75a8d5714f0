import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { checkNoticeDates } from '../../domain/notice-dates.ts';
import { recordAudit } from '../audit/index.ts';
import { recordAttachments, type StoredFile } from '../attachments/index.ts';
import { estatesByIds } from '../places/index.ts';
import { STAFF_NOTICE_KINDS } from './service.ts';

/**
 * Staff notices (issue #12): posting one with its files, pinning it to the head of the board, and
 * withdrawing it. Each is one transaction with its audit entry. Only staff of the notice's estate (and
 * administrators) change a notice; to anyone else it is not there (404).
 */

export const TITLE_MAX = 100;
export const BODY_MAX = 5000;
export const WITHDRAW_REASON_MAX = 500;

const charLength = (s: string) => Array.from(s).length;

/** Whether the actor posts and changes notices on this estate's board: its property, committee and
 * community staff, and administrators. */
export function isBoardStaff(actor: Actor, estateId: number): boolean {
  if (actor.role === 'admin') return true;
  return actor.role !== 'resident' && actor.estateIds.includes(estateId);
}

/** Where a change comes from, as the audit log records it. */
export interface ChangeContext {
  ip: string;
  now: Date;
}

export interface NoticeInput {
  estateId: string;
  kind: string;
  title: string;
  body: string;
  publicUntil: string;
  endsAt: string;
  pin?: string;
  submissionKey: string;
}

async function audit(
  tx: DbTx,
  actor: Actor,
  ctx: ChangeContext,
  notice: { id: number; estateId: number; estate: { communityId: number } },
  entry: { action: string; before?: unknown; after?: unknown; note?: string },
) {
  await recordAudit(tx, {
    who: { userId: actor.userId, displayName: actor.displayName, role: actor.role },
    ip: ctx.ip,
    at: ctx.now,
    entityType: 'notice',
    entityId: notice.id,
    estateId: notice.estateId,
    communityId: notice.estate.communityId,
    ...entry,
  });
}

/** The notice this actor posted with this form, if the form was sent before. */
export async function noticeBySubmissionKey(db: DbTx, actor: Actor, submissionKey: string): Promise<number | null> {
  const found = await db.notice.findUnique({
    where: { createdById_submissionKey: { createdById: actor.userId, submissionKey } },
    select: { id: true },
  });
  return found?.id ?? null;
}

/**
 * Posts a staff notice with its (already stored) files, pinned at once if asked, and audits it. The same
 * form sent twice (same submission key) posts once and answers with the first notice.
 */
export async function postNotice(
  tx: DbTx,
  actor: Actor,
  input: NoticeInput,
  files: StoredFile[],
  ctx: ChangeContext,
): Promise<{ noticeId: number; duplicate: boolean }> {
  const existing = await noticeBySubmissionKey(tx, actor, input.submissionKey);
  if (existing !== null) return { noticeId: existing, duplicate: true };
  const estateId = Number(input.estateId);
  // an estate outside the actor's scope is refused like one that does not exist: the form asks again
  const [estate] = isBoardStaff(actor, estateId) ? await estatesByIds(tx, [estateId]) : [];
  if (!estate) throw new ValidationFailed([{ field: 'noticeEstate', code: 'required' }]);
  const errors: FieldError[] = [];
  if (!(STAFF_NOTICE_KINDS as readonly string[]).includes(input.kind)) errors.push({ field: 'noticeKind', code: 'required' });
  const title = input.title.trim();
  const body = input.body.trim();
  if (title === '') errors.push({ field: 'noticeTitle', code: 'required' });
  else if (charLength(title) > TITLE_MAX) errors.push({ field: 'noticeTitle', code: 'too_long', params: { max: TITLE_MAX } });
  if (body === '') errors.push({ field: 'noticeBody', code: 'required' });
  else if (charLength(body) > BODY_MAX) errors.push({ field: 'noticeBody', code: 'too_long', params: { max: BODY_MAX } });
  const dates = checkNoticeDates(input, ctx.now);
  if (!dates.ok) errors.push(...dates.errors);
  if (errors.length > 0 || !dates.ok) throw new ValidationFailed(errors);

  const notice = await tx.notice.create({
    data: {
      estateId,
      kind: input.kind,
      title,
      body,
      createdById: actor.userId,
      publishedAt: ctx.now,
      publicUntil: dates.publicUntil,
      endsAt: dates.endsAt,
      pinnedAt: input.pin === '1' ? ctx.now : null,
      submissionKey: input.submissionKey,
    },
    include: { estate: { select: { communityId: true } } },
  });
  const recorded = await recordAttachments(tx, files, actor.userId, { noticeId: notice.id }, ctx.now);
  await audit(tx, actor, ctx, notice, {
    action: 'notice.post',
    after: {
      kind: notice.kind,
      title,
      publicUntil: dates.publicUntil,
      endsAt: dates.endsAt,
      pinned: notice.pinnedAt !== null,
      files: recorded,
    },
  });
  return { noticeId: notice.id, duplicate: false };
}

/**
 * A double submission racing the first fails on the unique submission key; its answer is the first
 * notice. Any other error goes on.
 */
export async function firstPostAfterRace(db: DbTx, actor: Actor, submissionKey: string, error: unknown) {
  if ((error as { code?: string }).code === 'P2002') {
    const first = await noticeBySubmissionKey(db, actor, submissionKey);
    if (first !== null) return { noticeId: first, duplicate: true };
  }
  throw error;
}

/** The notice the actor may change, or a 404. */
async function changeable(tx: DbTx, actor: Actor, id: number) {
  const notice = await tx.notice.findUnique({ where: { id }, include: { estate: { select: { communityId: true } } } });
  if (!notice || !isBoardStaff(actor, notice.estateId)) throw new NotFound();
  return notice;
}

/**
 * Pins a notice to the head of its board, or unpins it. Pinning again, or unpinning one not pinned,
 * changes nothing (a double-sent button); a notice off the board cannot be pinned.
 */
export async function setPinned(tx: DbTx, actor: Actor, id: number, pinned: boolean, ctx: ChangeContext) {
  const notice = await changeable(tx, actor, id);
  if ((notice.pinnedAt !== null) === pinned) return;
  const offBoard = notice.withdrawnAt !== null || (notice.endsAt !== null && notice.endsAt <= ctx.now);
  if (pinned && offBoard) throw new Conflict('notices.errors.offBoard');
  await tx.notice.update({ where: { id }, data: { pinnedAt: pinned ? ctx.now : null } });
  await audit(tx, actor, ctx, notice, {
    action: pinned ? 'notice.pin' : 'notice.unpin',
    before: { pinnedAt: notice.pinnedAt },
    after: { pinnedAt: pinned ? ctx.now : null },
  });
}

/**
 * Withdraws a staff notice with a reason: it leaves the board (and is unpinned) but stays on record, who,
 * when and why with it. A vote's or a meeting's notice is part of that record and is never withdrawn.
 * Withdrawing again changes nothing.
 */
export async function withdrawNotice(tx: DbTx, actor: Actor, id: number, reason: string, ctx: ChangeContext) {
  const notice = await changeable(tx, actor, id);
  if (notice.withdrawnAt !== null) return;
  if (notice.proposalId !== null || notice.meetingId !== null) throw new Conflict('notices.errors.recordNotice');
  const why = reason.trim();
  if (why === '') throw new ValidationFailed([{ field: 'withdrawReason', code: 'required' }]);
  if (charLength(why) > WITHDRAW_REASON_MAX) {
    throw new ValidationFailed([{ field: 'withdrawReason', code: 'too_long', params: { max: WITHDRAW_REASON_MAX } }]);
  }
  await tx.notice.update({
    where: { id },
    data: { withdrawnAt: ctx.now, withdrawnById: actor.userId, withdrawReason: why, pinnedAt: null },
  });
  await audit(tx, actor, ctx, notice, {
    action: 'notice.withdraw',
    before: { title: notice.title, pinnedAt: notice.pinnedAt },
    after: { withdrawnAt: ctx.now },
    note: why,
  });
}

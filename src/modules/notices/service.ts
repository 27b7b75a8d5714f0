import type { Prisma } from '../../generated/prisma/client.ts';
import type { Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { NotFound } from '../../errors.ts';
import { allEstates, estatesByIds } from '../places/index.ts';

export const NOTICE_KINDS = [
  'vote_opening',
  'vote_result',
  'vote_cancelled',
  'meeting_decision',
  'fund_use',
  'emergency_repair',
  'general',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
/** What staff post themselves; the other kinds are published by votes and meetings with their record. */
export const STAFF_NOTICE_KINDS = ['general', 'emergency_repair', 'fund_use'] as const satisfies readonly NoticeKind[];
export const isNoticeKind = (kind: string): kind is NoticeKind => (NOTICE_KINDS as readonly string[]).includes(kind);

interface NewNotice {
  estateId: number;
  kind: NoticeKind;
  title: string;
  body: string;
  proposalId?: number;
  meetingId?: number;
  createdById?: number | null;
  publishedAt: Date;
}

/** Publishes a notice on an estate's board (公示栏), in the caller's transaction. */
export async function publishNotice(tx: DbTx, notice: NewNotice) {
  return tx.notice.create({
    data: {
      estateId: notice.estateId,
      kind: notice.kind,
      title: notice.title.slice(0, 200),
      body: notice.body,
      proposalId: notice.proposalId ?? null,
      meetingId: notice.meetingId ?? null,
      createdById: notice.createdById ?? null,
      publishedAt: notice.publishedAt,
    },
  });
}

/** Estates whose boards the actor reads: their own estates (admin: every estate). */
function noticeScope(actor: Actor): Prisma.NoticeWhereInput {
  return actor.role === 'admin' ? {} : { estateId: { in: actor.estateIds } };
}

/** The estates the board's filter offers: the actor's, when there is more than one (admin: every estate). */
export async function filterEstates(db: DbTx, actor: Actor) {
  if (actor.role === 'admin') return allEstates(db);
  return actor.estateIds.length > 1 ? estatesByIds(db, actor.estateIds) : [];
}

export async function getNotice(db: DbTx, actor: Actor, id: number) {
  const notice = await db.notice.findFirst({
    where: { AND: [{ id }, noticeScope(actor)] },
    include: {
      estate: { select: { name: true, communityId: true } },
      createdBy: { select: { displayName: true, orgName: true } },
      withdrawnBy: { select: { displayName: true, orgName: true } },
      attachments: { select: { id: true, mime: true, originalName: true }, orderBy: { id: 'asc' } },
    },
  });
  if (!notice) throw new NotFound();
  return notice;
}

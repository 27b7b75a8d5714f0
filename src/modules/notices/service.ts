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
type NoticeKind = (typeof NOTICE_KINDS)[number];
const NOTICE_PAGE_SIZE = 20;

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

export async function listNotices(db: DbTx, actor: Actor, query: { estateId?: number; kind?: string; page: number }) {
  const where: Prisma.NoticeWhereInput = { AND: [noticeScope(actor)] };
  if (query.estateId) where.estateId = query.estateId;
  if (query.kind && (NOTICE_KINDS as readonly string[]).includes(query.kind)) where.kind = query.kind;
  const [total, items, estates] = await Promise.all([
    db.notice.count({ where }),
    db.notice.findMany({
      where,
      orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
      skip: (query.page - 1) * NOTICE_PAGE_SIZE,
      take: NOTICE_PAGE_SIZE,
      include: { estate: { select: { name: true } } },
    }),
    actor.role === 'admin' ? allEstates(db) : estatesByIds(db, actor.estateIds),
  ]);
  return { total, items, estates, page: query.page, pages: Math.max(1, Math.ceil(total / NOTICE_PAGE_SIZE)) };
}

export async function getNotice(db: DbTx, actor: Actor, id: number) {
  const notice = await db.notice.findFirst({
    where: { AND: [{ id }, noticeScope(actor)] },
    include: { estate: { select: { name: true } }, createdBy: { select: { displayName: true, orgName: true } } },
  });
  if (!notice) throw new NotFound();
  return notice;
}

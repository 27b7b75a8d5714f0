import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../actor.ts';
import { NotFound, type FieldError } from '../../errors.ts';
import { actorOf } from '../../lib/guards.ts';
import { formatNoticeDay, noticeStanding } from '../../domain/notice-dates.ts';
import { getNotice } from './service.ts';
import { isBoardStaff, WITHDRAW_REASON_MAX } from './commands.ts';

/** The flashes a notice page says after a change (`?done=`). */
const DONE = ['posted', 'pinned', 'unpinned', 'withdrawn'];

/**
 * A notice as its page and its print show it: where it stands (on the board, ended, withdrawn), its days
 * as the notice says them, and what this actor may do with it. A withdrawn notice stays on record for the
 * estate's staff; a resident who follows a link to it learns only that it was withdrawn and why.
 */
export async function noticeView(request: FastifyRequest, id: number, locale: string) {
  const actor: Actor = actorOf(request);
  const notice = await getNotice(request.server.db, actor, id);
  const now = request.server.now();
  const standing = noticeStanding(notice, now);
  const staff = isBoardStaff(actor, notice.estateId);
  const isRecord = notice.proposalId !== null || notice.meetingId !== null;
  return {
    notice,
    standing,
    staff,
    // what a resident sees of a withdrawn notice: that it was, when and why
    withheld: standing === 'withdrawn' && !staff,
    publicUntilDay: notice.publicUntil ? formatNoticeDay(notice.publicUntil, locale) : '',
    endsAtDay: notice.endsAt ? formatNoticeDay(notice.endsAt, locale) : '',
    publicUntilOpen: notice.publicUntil !== null && notice.publicUntil > now,
    // the photos print on the sheet; a scan (PDF) is read online through the QR code
    photos: notice.attachments.filter((a) => a.mime !== 'application/pdf'),
    // pinning needs the notice on the board; a pin left on a notice that has ended can still be taken off
    canPin: staff && (standing === 'current' || (standing === 'ended' && notice.pinnedAt !== null)),
    canWithdraw: staff && standing !== 'withdrawn' && !isRecord,
  };
}

export interface NoticePageState {
  errors?: FieldError[];
  reason?: string;
}

export async function renderNotice(
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  canSeeMeeting: (actor: Actor, meetingId: number) => Promise<boolean>,
  state: NoticePageState = {},
) {
  const view = await noticeView(request, id, request.locale);
  const { notice } = view;
  const actor = actorOf(request);
  // Every owner reads a meeting's decisions here, but only its participants and staff open the
  // meeting itself: link to it only for them, rather than to a 404.
  const meetingLink = notice.meetingId !== null && (await canSeeMeeting(actor, notice.meetingId));
  const done = (request.query as { done?: string }).done ?? '';
  return reply.page('notices/show.njk', {
    ...view,
    canSeeMeeting: meetingLink,
    done: DONE.includes(done) ? done : '',
    errors: state.errors ?? [],
    reason: state.reason ?? '',
    reasonMax: WITHDRAW_REASON_MAX,
  });
}

/** The notice's print page: any reader of the notice, except a withdrawn one (staff only, marked so). */
export async function printableNotice(request: FastifyRequest, id: number) {
  const view = await noticeView(request, id, 'zh-CN');
  if (view.withheld) throw new NotFound();
  return view;
}

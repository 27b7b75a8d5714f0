import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor } from '../../actor.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { BadRequest } from '../../errors.ts';
import { formatNoticeDay } from '../../domain/notice-dates.ts';
import { filterEstates, isNoticeKind, NOTICE_KINDS } from './service.ts';
import { boardEstates, noticeBoard, readNoticeCursor, writeNoticeCursor, type NoticeCursor } from './board-reads.ts';
import { BoardQuery, IdParams, NoticePageQuery } from './schemas.ts';
import { printableNotice, renderNotice } from './pages.ts';
import { printPageData } from './print.ts';
import noticeStaffRoutes from './routes-staff.ts';

interface NoticesOptions {
  /** Whether the actor may open this meeting: the meetings module's rule, handed in by the app (meetings
   * publish notices, so the notices module does not import meetings back). */
  canSeeMeeting: (actor: Actor, meetingId: number) => Promise<boolean>;
}

export default async function noticeRoutes(fastify: FastifyInstance, { canSeeMeeting }: NoticesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/notices', { preHandler: requireActor, schema: { querystring: BoardQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const { estate, before, after } = request.query;
    const kind = request.query.kind ?? '';
    const view = request.query.show ?? 'current';
    const position = { before: readNoticeCursor(before), after: readNoticeCursor(after) };
    if ((before !== undefined && !position.before) || (after !== undefined && !position.after)) throw new BadRequest();
    const staff = actor.role !== 'resident';
    const [page, estates] = await Promise.all([
      noticeBoard(app.sql, {
        estateIds: boardEstates(actor, estate),
        kind: isNoticeKind(kind) ? kind : null,
        view,
        withdrawnToo: staff,
        now: app.now(),
        ...(position.after ? { after: position.after } : position.before ? { before: position.before } : {}),
      }),
      filterEstates(app.db, actor),
    ]);
    const params = (extra: Record<string, string>) => {
      const p = new URLSearchParams();
      if (kind) p.set('kind', kind);
      if (estate) p.set('estate', String(estate));
      for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
      const text = p.toString();
      return text ? `/notices?${text}` : '/notices';
    };
    const href = (key: 'before' | 'after', at: NoticeCursor) =>
      params({ show: view === 'ended' ? 'ended' : '', [key]: writeNoticeCursor(at) });
    const day = (d: Date | null) => (d ? formatNoticeDay(d, request.locale) : '');
    const withDays = <T extends { publicUntil: Date | null }>(n: T) => ({ ...n, publicUntilDay: day(n.publicUntil) });
    const data = {
      items: page.items.map(withDays),
      pinned: page.pinned.map(withDays),
      estates,
      kind,
      kinds: NOTICE_KINDS,
      view,
      estateId: estate ?? '',
      currentHref: params({}),
      endedHref: params({ show: 'ended' }),
      olderHref: page.older ? href('before', page.older) : '',
      newerHref: page.newer ? href('after', page.newer) : '',
      canPost: staff,
      now: app.now(),
    };
    return reply.page(request.isHtmx ? 'notices/_list.njk' : 'notices/index.njk', data);
  });

  // the staff's form and changes (before /notices/:id, though static paths win anyway)
  await app.register(noticeStaffRoutes, { canSeeMeeting });

  app.get(
    '/notices/:id',
    { preHandler: requireActor, schema: { params: IdParams, querystring: NoticePageQuery } },
    async (request, reply) => renderNotice(request, reply, request.params.id, canSeeMeeting),
  );

  /** The notice as one A4 sheet for the lobby board, with a QR code to its page. */
  app.get('/notices/:id/print', { preHandler: requireActor, schema: { params: IdParams } }, async (request, reply) => {
    const id = request.params.id;
    const view = await printableNotice(request, id);
    return reply.page('notices/print.njk', { ...view, ...(await printPageData(request, `/notices/${id}`, `/notices/${id}`)) });
  });
}

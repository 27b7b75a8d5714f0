import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFound } from '../../errors.ts';
import { actorOf, requireActor } from '../../lib/guards.ts';
import { MEETING_STATUSES } from '../../domain/meeting-status.ts';
import { printPageData } from '../notices/index.ts';
import { getMeetingForActor } from './queries.ts';
import { attendanceLines, meetingRecord, verdictLines, zh } from './record.ts';
import { MeetingParams } from './schemas.ts';

/**
 * A meeting's minutes as one printable A4 sheet for the lobby board (issue #12), in Chinese, with a QR
 * code to the minutes online. Whoever may open the meeting may print it, once it has been held.
 */
export default async function meetingPrintRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/meetings/:id/minutes/print',
    { preHandler: requireActor, schema: { params: MeetingParams } },
    async (request, reply) => {
      const id = request.params.id;
      const meeting = await getMeetingForActor(app.db, actorOf(request), id);
      if (meeting.status !== MEETING_STATUSES.held && meeting.status !== MEETING_STATUSES.closed) throw new NotFound();
      const record = await meetingRecord(app.db, id, meeting.participants);
      return reply.page('meetings/minutes-print.njk', {
        meeting,
        attendance: attendanceLines(zh, record),
        verdicts: verdictLines(zh, record),
        ...(await printPageData(request, `/meetings/${id}/minutes`, `/meetings/${id}/minutes`)),
      });
    },
  );
}

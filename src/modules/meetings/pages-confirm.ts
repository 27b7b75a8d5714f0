import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../errors.ts';
import { errorsAs } from '../../lib/form.ts';
import { actorOf } from '../../lib/guards.ts';
import { NotFound } from '../../errors.ts';
import { previewApply } from './apply-preview.ts';
import { getMeetingForActor } from './queries.ts';
import { canManage, requireMove } from './scope.ts';
import { meetingRecord } from './record.ts';

/**
 * The pages that ask before an irreversible step (applying the minutes, cancelling the meeting) and the
 * printable minutes. They read only; their forms POST the action. No JavaScript needed.
 */

const partyList = (request: FastifyRequest, parties: readonly string[]) =>
  parties.map((p) => request.t(`meetings.party.${p}`)).join('、');

export async function renderConfirmApply(
  request: FastifyRequest,
  reply: FastifyReply,
  id: number,
  extra: { errors?: FieldError[]; reason?: string } = {},
) {
  const { meeting, record, preview } = await previewApply(request.server.db, actorOf(request), id, request.server.now());
  return reply.page('meetings/confirm-apply.njk', {
    meeting,
    record,
    preview,
    parties: partyList(
      request,
      preview.outcome === 'hold' ? preview.missing : preview.outcome === 'apply' ? preview.heldFor : [],
    ),
    errors: errorsAs(extra.errors ?? [], { reason: 'applyReason' }),
    reason: extra.reason ?? '',
  });
}

export async function renderConfirmCancel(request: FastifyRequest, reply: FastifyReply, id: number) {
  const actor = actorOf(request);
  const meeting = await getMeetingForActor(request.server.db, actor, id);
  if (!canManage(actor, meeting)) throw new NotFound();
  if (meeting.status === 'cancelled') return reply.redirect(`/meetings/${id}`, 303);
  requireMove(meeting, 'cancel', request.server.now());
  return reply.page('meetings/confirm-cancel.njk', {
    meeting,
    told: meeting.participants.filter((p) => p.userId !== actor.userId).length,
    issuesWaiting: meeting.agendaItems.filter((i) => i.issueId !== null).length,
  });
}

export async function renderMinutes(request: FastifyRequest, reply: FastifyReply, id: number) {
  const db = request.server.db;
  const meeting = await getMeetingForActor(db, actorOf(request), id);
  const record = await meetingRecord(db, id, meeting.participants);
  return reply.page('meetings/minutes.njk', { meeting, record });
}

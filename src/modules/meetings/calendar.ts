import { randomBytes } from 'node:crypto';
import { actorFromUser, type Actor } from '../../actor.ts';
import type { DbTx } from '../../plugins/db.ts';
import { buildCalendar, type IcsEvent } from '../../domain/ical.ts';
import { translate, type Locale } from '../../i18n/index.ts';
import { NotFound } from '../../errors.ts';
import { calendarFeedOwner, setCalendarToken } from '../auth/index.ts';
import { visibleMeetingsWhere } from './scope.ts';

const PROD_ID = '-//Sanfang//Joint meetings//ZH';
/** A phone shows the reminder an hour before; the in-app reminder comes the day before. */
const ALARM_MINUTES = 60;
/** 32 random bytes, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

interface CalendarMeeting {
  id: number;
  title: string;
  place: string;
  kind: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  convener: { displayName: string; orgName: string };
  agendaItems: { title: string; position: number }[];
}

const calendarSelect = {
  id: true,
  title: true,
  place: true,
  kind: true,
  status: true,
  startsAt: true,
  endsAt: true,
  sequence: true,
  convener: { select: { displayName: true, orgName: true } },
  agendaItems: { select: { title: true, position: true }, orderBy: { position: 'asc' as const } },
};

function toEvent(meeting: CalendarMeeting, baseUrl: string, locale: Locale): IcsEvent {
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const description = [
    `${t(`meetings.kind.${meeting.kind}`)} · ${t('meetings.convenedBy', { name: `${meeting.convener.displayName} ${meeting.convener.orgName}`.trim() })}`,
    ...meeting.agendaItems.map((a) => `${a.position}. ${a.title}`),
  ].join('\n');
  return {
    uid: `meeting-${meeting.id}@sanfang`,
    sequence: meeting.sequence,
    start: meeting.startsAt,
    end: meeting.endsAt,
    summary: meeting.title,
    description,
    location: meeting.place,
    url: `${baseUrl}/meetings/${meeting.id}`,
    status: meeting.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    alarmMinutesBefore: ALARM_MINUTES,
  };
}

/** One meeting as an .ics file; the caller has already checked the actor may see it. */
export async function meetingCalendar(db: DbTx, meetingId: number, baseUrl: string, locale: Locale, now: Date): Promise<string> {
  const meeting = await db.meeting.findUnique({ where: { id: meetingId }, select: calendarSelect });
  if (!meeting) throw new NotFound();
  return buildCalendar({
    prodId: PROD_ID,
    name: translate(locale, 'meetings.calendar.name'),
    events: [toEvent(meeting, baseUrl, locale)],
    now,
  });
}

/**
 * The per-user feed: every meeting the token's owner is invited to or convened. No session: the secret
 * token is the credential, so a wrong or revoked token is simply not found.
 */
export async function feedCalendar(db: DbTx, token: string, baseUrl: string, now: Date): Promise<string> {
  if (!TOKEN_PATTERN.test(token)) throw new NotFound();
  const owner = await calendarFeedOwner(db, token);
  if (!owner) throw new NotFound();
  const locale: Locale = owner.user.locale === 'en' ? 'en' : 'zh-CN';
  // The feed shows what the owner could open in the app today: someone who has since left an estate (or
  // its community) stops receiving its meetings, as their pages would be 404s too.
  const scope = visibleMeetingsWhere(actorFromUser(owner.user, owner.places, ''));
  const userId = owner.user.id;
  const meetings = await db.meeting.findMany({
    where: { AND: [scope, { OR: [{ convenerId: userId }, { participants: { some: { userId } } }] }] },
    orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
    take: 500,
    select: calendarSelect,
  });
  return buildCalendar({
    prodId: PROD_ID,
    name: translate(locale, 'meetings.calendar.name'),
    events: meetings.map((m) => toEvent(m, baseUrl, locale)),
    now,
  });
}

/** Creates or replaces the actor's feed token; the old feed URL stops working at once. */
export async function rotateCalendarToken(tx: DbTx, actor: Actor): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await setCalendarToken(tx, actor.userId, token);
  return token;
}

export async function revokeCalendarToken(tx: DbTx, actor: Actor): Promise<void> {
  await setCalendarToken(tx, actor.userId, null);
}

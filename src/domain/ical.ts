/**
 * RFC 5545 iCalendar writer for joint meetings: one meeting's .ics and the per-user subscribable feed.
 *
 * Pure: the caller supplies `now` (for DTSTAMP) and gets the calendar text back. Every date is written in
 * UTC form, so no VTIMEZONE is needed; X-WR-TIMEZONE only tells clients which zone to display in.
 */

export type IcsStatus = 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE';

export interface IcsOrganizer {
  name: string;
  email?: string;
}

export interface IcsEvent {
  /** Globally unique and stable across updates, e.g. `meeting-12@sanfang.example`. */
  uid: string;
  /** Bumped on every change, so clients replace the copy they hold (RFC 5545 §3.8.7.4). */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  status?: IcsStatus;
  organizer?: IcsOrganizer;
  alarmMinutesBefore?: number;
}

export interface CalendarInput {
  prodId: string;
  /** Display name of the calendar (X-WR-CALNAME), e.g. 三方联席会议. */
  name: string;
  events: readonly IcsEvent[];
  /** Written as every event's DTSTAMP: when this text was generated. */
  now: Date;
}

const CRLF = '\r\n';
/** RFC 5545 §3.1: content lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;
const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/**
 * Escapes a TEXT value (RFC 5545 §3.3.11). Backslash goes first so the escapes added after it are not
 * doubled. Every line-break form becomes `\n`; other control characters are not allowed in TEXT and are dropped.
 */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** `20250301T013000Z`: the UTC DATE-TIME form (RFC 5545 §3.3.5, form #2). Milliseconds are dropped. */
export function formatUtcDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('iCalendar: invalid date');
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Folds one content line into physical lines of at most 75 octets of UTF-8, joined by CRLF + one space
 * (the space counts toward the next line's 75). Iterating by code point never splits a multi-byte character,
 * which many clients would otherwise show as mojibake.
 */
export function foldLine(line: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char);
    if (octets + size > MAX_LINE_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join(CRLF);
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A lone surrogate is encoded as U+FFFD, which is three octets too.
  if (code < 0x10000) return 3;
  return 4;
}

/**
 * A parameter value (RFC 5545 §3.2) is always quoted, since names may hold `,` `;` or `:`. A quoted value
 * cannot hold a double quote or a line break, so those use RFC 6868 caret encoding.
 */
function quoteParam(value: string): string {
  const encoded = value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\^/g, '^^')
    .replace(/\r\n|\r|\n/g, '^n')
    .replace(/"/g, "^'");
  return `"${encoded}"`;
}

/** URI values are written verbatim; a control character in one could inject properties, so it is refused. */
function uri(value: string, what: string): string {
  if (/[\u0000-\u001F\u007F]/.test(value)) throw new RangeError(`iCalendar: control character in ${what}`);
  return value;
}

function eventLines(event: IcsEvent, dtstamp: string): string[] {
  if (!Number.isInteger(event.sequence) || event.sequence < 0) {
    throw new RangeError('iCalendar: SEQUENCE must be a non-negative integer');
  }
  const dtstart = formatUtcDateTime(event.start);
  const dtend = formatUtcDateTime(event.end);
  // RFC 5545 §3.8.2.2: DTEND must be later than DTSTART, as written (whole seconds, so compare the text).
  if (dtend <= dtstart) {
    throw new RangeError('iCalendar: event must end after it starts');
  }
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${dtstamp}`,
    `DTSTART:${dtstart}`,
    `DTEND:${dtend}`,
    `SUMMARY:${escapeText(event.summary)}`,
  ];
  if (event.description !== undefined) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location !== undefined) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.url !== undefined) lines.push(`URL:${uri(event.url, 'URL')}`);
  if (event.status !== undefined) lines.push(`STATUS:${event.status}`);
  // ORGANIZER's value must be a cal-address (§3.8.4.3). Without an e-mail there is none to give, so the
  // property is left out rather than written invalid; callers name the convener in the description.
  if (event.organizer?.email !== undefined) {
    const { name, email } = event.organizer;
    lines.push(`ORGANIZER;CN=${quoteParam(name)}:mailto:${uri(email, 'organizer e-mail')}`);
  }
  // No reminder for a meeting that will not take place.
  if (event.alarmMinutesBefore !== undefined && event.status !== 'CANCELLED') {
    const minutes = event.alarmMinutesBefore;
    if (!Number.isInteger(minutes) || minutes < 0) {
      throw new RangeError('iCalendar: alarm minutes must be a non-negative integer');
    }
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      // DESCRIPTION is required for a DISPLAY alarm (§3.6.6): it is the text the reminder shows.
      `DESCRIPTION:${escapeText(event.summary)}`,
      `TRIGGER:-PT${minutes}M`,
      'END:VALARM',
    );
  }
  lines.push('END:VEVENT');
  return lines;
}

/** The whole VCALENDAR, every line folded and terminated by CRLF (the last one included). */
export function buildCalendar(input: CalendarInput): string {
  const dtstamp = formatUtcDateTime(input.now);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(input.prodId)}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
    `X-WR-TIMEZONE:${DISPLAY_TIME_ZONE}`,
    ...input.events.flatMap((event) => eventLines(event, dtstamp)),
    'END:VCALENDAR',
  ];
  return lines.map((line) => foldLine(line) + CRLF).join('');
}

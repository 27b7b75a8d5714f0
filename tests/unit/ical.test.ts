import { describe, expect, it } from 'vitest';
import ical from 'node-ical';
import type { VEvent } from 'node-ical';
import { buildCalendar, escapeText, foldLine, formatUtcDateTime } from '../../src/domain/ical.ts';
import type { IcsEvent } from '../../src/domain/ical.ts';

const now = new Date('2025-03-01T02:00:00Z');
const start = new Date('2025-03-05T06:30:00Z'); // 14:30 in Shanghai
const end = new Date('2025-03-05T08:00:00Z');

function event(overrides: Partial<IcsEvent> = {}): IcsEvent {
  return { uid: 'meeting-1@sanfang.test', sequence: 0, start, end, summary: '三方联席会议', ...overrides };
}

function calendar(events: IcsEvent[], name = '三方联席会议'): string {
  return buildCalendar({ prodId: '-//Sanfang//三方联动//ZH', name, events, now });
}

function parseOne(text: string): VEvent {
  const parsed = ical.sync.parseICS(text);
  const events = Object.values(parsed).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0]!;
}

/** Physical lines, without the CRLF that ends the text. */
function physicalLines(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n');
}

/** RFC 5545 §3.1 unfolding: CRLF followed by one space or tab disappears. */
function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

const octets = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('escapeText', () => {
  it.each([
    ['plain', '5号楼屋面漏水', '5号楼屋面漏水'],
    ['comma', '甲,乙', '甲\\,乙'],
    ['semicolon', '甲;乙', '甲\\;乙'],
    ['backslash', 'C:\\dir', 'C:\\\\dir'],
    ['backslash before n stays a backslash', '\\n', '\\\\n'],
    ['LF', '第一行\n第二行', '第一行\\n第二行'],
    ['CRLF is one break', '第一行\r\n第二行', '第一行\\n第二行'],
    ['lone CR', 'a\rb', 'a\\nb'],
    ['other control characters dropped, tab kept', 'a\u0000b\u0007c\td', 'abc\td'],
    ['colon needs no escape', '时间:下午', '时间:下午'],
  ])('%s', (_name, input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe('formatUtcDateTime', () => {
  it('writes the UTC form and drops milliseconds', () => {
    expect(formatUtcDateTime(new Date('2025-03-05T06:30:09.999Z'))).toBe('20250305T063009Z');
  });
  it('refuses an invalid date', () => {
    expect(() => formatUtcDateTime(new Date('nope'))).toThrow(RangeError);
  });
});

describe('foldLine', () => {
  it.each([
    ['ASCII exactly 75 octets stays one line', 'A'.repeat(75), ['A'.repeat(75)]],
    ['ASCII 76 octets folds after 75', 'A'.repeat(76), ['A'.repeat(75), ' A']],
    // 25 Chinese characters = 75 octets: fits. 26 = 78: the 26th moves to the next line.
    ['25 Chinese characters fit', '漏'.repeat(25), ['漏'.repeat(25)]],
    ['26th Chinese character wraps whole', '漏'.repeat(26), ['漏'.repeat(25), ' 漏']],
    // 'X:' (2) + 24 x 3 = 74; the next character (3) would make 77, so it wraps; continuation is 1 + 3 x 24 = 73.
    ['mixed prefix', 'X:' + '水'.repeat(49), ['X:' + '水'.repeat(24), ' ' + '水'.repeat(24), ' 水']],
    // A 4-octet emoji at octets 73..76 must not be split.
    ['astral character not split', 'A'.repeat(72) + '😀', ['A'.repeat(72), ' 😀']],
  ])('%s', (_name, input, expected) => {
    expect(foldLine(input).split('\r\n')).toEqual(expected);
  });

  it('never produces a physical line over 75 octets and unfolds to the input', () => {
    const line = 'DESCRIPTION:' + '五号楼顶层住户反映屋面渗漏，a,b;c '.repeat(40);
    const folded = foldLine(line);
    for (const physical of folded.split('\r\n')) expect(octets(physical)).toBeLessThanOrEqual(75);
    expect(unfold(folded)).toBe(line);
  });
});

describe('buildCalendar', () => {
  it('writes the calendar header, CRLF everywhere, and parses back', () => {
    const text = calendar([event()], '和平社区,联席会议');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = physicalLines(text);
    expect(lines.slice(0, 7)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Sanfang//三方联动//ZH',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:和平社区\\,联席会议',
      'X-WR-TIMEZONE:Asia/Shanghai',
    ]);
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('DTSTART:20250305T063000Z');
    expect(lines).toContain('DTEND:20250305T080000Z');
    expect(lines).toContain('DTSTAMP:20250301T020000Z');
    expect(lines).toContain('SEQUENCE:0');

    const parsed = ical.sync.parseICS(text);
    expect(parsed.vcalendar?.['WR-CALNAME']).toBe('和平社区,联席会议');
    expect(parsed.vcalendar?.['WR-TIMEZONE']).toBe('Asia/Shanghai');
    const e = parseOne(text);
    expect(e.uid).toBe('meeting-1@sanfang.test');
    expect(e.start.getTime()).toBe(start.getTime());
    expect(e.end?.getTime()).toBe(end.getTime());
    expect(e.dtstamp.getTime()).toBe(now.getTime());
  });

  it('round-trips Chinese text with commas, semicolons and newlines', () => {
    const summary = '5号楼屋面漏水:维修资金使用,表决;动员';
    const location = '和平社区党群服务中心二楼会议室(A座,203室)';
    const description = '议题一：5号楼屋面渗漏，涉及2,400㎡；\n议题二：电梯故障。\r\n请三方准时参加';
    const e = parseOne(calendar([event({ summary, location, description })]));
    expect(e.summary).toBe(summary);
    expect(e.location).toBe(location);
    // One CRLF in the input is one line break, not two.
    expect(e.description).toBe('议题一：5号楼屋面渗漏，涉及2,400㎡；\n议题二：电梯故障。\n请三方准时参加');
  });

  it('round-trips a backslash', () => {
    // node-ical unescapes `\n` before `\\`, so a backslash followed by n would not survive *its* parsing;
    // escapeText's own table above covers that case.
    expect(parseOne(calendar([event({ summary: '路径 C:\\共享\\纪要' })])).summary).toBe('路径 C:\\共享\\纪要');
  });

  it('folds a long Chinese description without breaking characters', () => {
    const description = '五号楼顶层住户反映屋面渗漏，屋面面积约2,400平方米，维修需动用住宅专项维修资金；业主意见不一。\n'.repeat(
      12,
    );
    const text = calendar([event({ description })]);
    const lines = physicalLines(text);
    expect(lines.length).toBeGreaterThan(30);
    for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
    // Read the octets back one physical line at a time, as a client does: a character split across a fold
    // would make a strict decoder throw.
    const strict = new TextDecoder('utf-8', { fatal: true });
    const bytes = Buffer.from(text, 'utf8');
    let from = 0;
    for (let at = bytes.indexOf('\r\n'); at !== -1; at = bytes.indexOf('\r\n', from)) {
      expect(() => strict.decode(bytes.subarray(from, at))).not.toThrow();
      from = at + 2;
    }
    expect(from).toBe(bytes.length);
    const unfolded = physicalLines(unfold(text));
    expect(unfolded).toContain(`DESCRIPTION:${escapeText(description)}`);
    expect(parseOne(text).description).toBe(description);
  });

  it('writes status, url and organizer', () => {
    const text = calendar([
      event({
        status: 'CANCELLED',
        sequence: 3,
        url: 'https://sanfang.example/meetings/1?tab=agenda,minutes',
        organizer: { name: '王主任, 社区', email: 'wang@community.example' },
      }),
    ]);
    const lines = physicalLines(unfold(text));
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('SEQUENCE:3');
    expect(lines).toContain('URL:https://sanfang.example/meetings/1?tab=agenda,minutes');
    expect(lines).toContain('ORGANIZER;CN="王主任, 社区":mailto:wang@community.example');
    const e = parseOne(text);
    expect(e.status).toBe('CANCELLED');
    expect(e.sequence).toBe(3);
    expect(e.organizer).toEqual({ params: { CN: '王主任, 社区' }, val: 'mailto:wang@community.example' });
  });

  it('leaves ORGANIZER out when there is no e-mail to address', () => {
    expect(calendar([event({ organizer: { name: '王主任' } })])).not.toContain('ORGANIZER');
  });

  it('caret-encodes a double quote in the organizer name (RFC 6868)', () => {
    const text = calendar([event({ organizer: { name: '王"大"主任', email: 'w@x.example' } })]);
    expect(text).toContain(`ORGANIZER;CN="王^'大^'主任":mailto:w@x.example`);
  });

  it('writes a display alarm', () => {
    const text = calendar([event({ alarmMinutesBefore: 30 })]);
    const lines = physicalLines(text);
    const alarm = lines.slice(lines.indexOf('BEGIN:VALARM'), lines.indexOf('END:VALARM') + 1);
    expect(alarm).toEqual(['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:三方联席会议', 'TRIGGER:-PT30M', 'END:VALARM']);
    const alarms = parseOne(text).alarms;
    expect(alarms).toHaveLength(1);
    expect(alarms?.[0]?.action).toBe('DISPLAY');
  });

  it('gives a cancelled meeting no alarm', () => {
    expect(calendar([event({ status: 'CANCELLED', alarmMinutesBefore: 30 })])).not.toContain('VALARM');
  });

  it('writes a feed of several events and an empty one', () => {
    const text = calendar([event(), event({ uid: 'meeting-2@sanfang.test', summary: '紧急会议' })]);
    const parsed = ical.sync.parseICS(text);
    expect(
      Object.keys(parsed)
        .filter((k) => parsed[k]?.type === 'VEVENT')
        .sort(),
    ).toEqual(['meeting-1@sanfang.test', 'meeting-2@sanfang.test']);
    expect(physicalLines(calendar([]))).toHaveLength(8);
  });

  it.each([
    ['end before start', { end: new Date('2025-03-05T06:00:00Z') }],
    ['end equal to start', { end: start }],
    ['end within the same second', { end: new Date(start.getTime() + 500) }],
    ['invalid start', { start: new Date('nope') }],
    ['negative sequence', { sequence: -1 }],
    ['fractional alarm', { alarmMinutesBefore: 1.5 }],
    ['control character in URL (header injection)', { url: 'https://x.example/\r\nATTACH:evil' }],
    ['control character in e-mail', { organizer: { name: 'x', email: 'a@b\r\nX:1' } }],
  ] satisfies [string, Partial<IcsEvent>][])('refuses %s', (_name, overrides) => {
    expect(() => calendar([event(overrides)])).toThrow(RangeError);
  });
});

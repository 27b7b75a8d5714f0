import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { groupRosterByUnit } from '../../src/domain/roster-units.ts';
import {
  DEVELOPER_OWNER_KEY,
  MAX_ROSTER_ROWS,
  parseRosterCsv,
  type RosterError,
  type RosterRow,
} from '../../src/domain/roster-csv.ts';

const HEADER_ZH = '楼栋,单元,房号,楼层,专有面积,业主姓名,手机号,业主编号,开发商未售';
const HEADER_EN = 'building,entrance,room,floor,area,owner_name,phone,owner_key,developer_unsold';

// Building 5: one person with two units, a co-owned unit, two unsold developer units.
const BODY = [
  '5,1,101,1,86.35,张三,13800138000,P001,否',
  '5,1,102,1,90.10,张三,13800138000,P001,否',
  '5,1,201,2,86.35,李四,,P002,',
  '5,1,201,2,86.35,王五,13900139000,P003,no',
  '5,2,301,3,120.00,,,,是',
  '5,2,302,3,120,,,,1',
];

const EXPECTED: RosterRow[] = [
  {
    line: 2,
    building: '5',
    entrance: '1',
    room: '101',
    floor: 1,
    areaCentiM2: 8635,
    ownerName: '张三',
    phone: '13800138000',
    ownerKey: 'P001',
    developerUnsold: false,
  },
  {
    line: 3,
    building: '5',
    entrance: '1',
    room: '102',
    floor: 1,
    areaCentiM2: 9010,
    ownerName: '张三',
    phone: '13800138000',
    ownerKey: 'P001',
    developerUnsold: false,
  },
  {
    line: 4,
    building: '5',
    entrance: '1',
    room: '201',
    floor: 2,
    areaCentiM2: 8635,
    ownerName: '李四',
    phone: '',
    ownerKey: 'P002',
    developerUnsold: false,
  },
  {
    line: 5,
    building: '5',
    entrance: '1',
    room: '201',
    floor: 2,
    areaCentiM2: 8635,
    ownerName: '王五',
    phone: '13900139000',
    ownerKey: 'P003',
    developerUnsold: false,
  },
  {
    line: 6,
    building: '5',
    entrance: '2',
    room: '301',
    floor: 3,
    areaCentiM2: 12000,
    ownerName: '',
    phone: '',
    ownerKey: DEVELOPER_OWNER_KEY,
    developerUnsold: true,
  },
  {
    line: 7,
    building: '5',
    entrance: '2',
    room: '302',
    floor: 3,
    areaCentiM2: 12000,
    ownerName: '',
    phone: '',
    ownerKey: DEVELOPER_OWNER_KEY,
    developerUnsold: true,
  },
];

const utf8 = (lines: readonly string[], eol = '\n') => Buffer.from(lines.join(eol) + eol, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Moves each cell of a comma-separated line to the position given by `order` (no quoted cells). */
const reorder = (line: string, order: readonly number[]) => {
  const cells = line.split(',');
  return order.map((i) => cells[i]).join(',');
};
const ORDER = [8, 7, 6, 5, 4, 3, 2, 1, 0]; // every column moved

const rowsOf = (bytes: Uint8Array): RosterRow[] => {
  const result = parseRosterCsv(bytes);
  if (!result.ok) throw new Error(`expected rows, got ${JSON.stringify(result.errors)}`);
  return result.rows;
};
const errorsOf = (bytes: Uint8Array): RosterError[] => {
  const result = parseRosterCsv(bytes);
  if (result.ok) throw new Error('expected errors, got rows');
  return result.errors;
};

describe('parseRosterCsv: good files', () => {
  const gbk = iconv.encode([HEADER_ZH, ...BODY].join('\r\n') + '\r\n', 'gbk');

  it.each([
    ['UTF-8 without BOM', utf8([HEADER_ZH, ...BODY])],
    ['UTF-8 with BOM (Excel "CSV UTF-8")', Buffer.concat([BOM, utf8([HEADER_ZH, ...BODY], '\r\n')])],
    ['GBK (Excel "CSV" on Chinese Windows)', gbk],
    ['English headers', utf8([HEADER_EN, ...BODY])],
    ['columns in another order', utf8([HEADER_ZH, ...BODY].map((line) => reorder(line, ORDER)))],
    [
      'English headers in another order, mixed case and padding',
      utf8([
        ' Developer_Unsold ,OWNER KEY,phone,Owner-Name,AREA,floor,Room,entrance, Building',
        ...BODY.map((l) => reorder(l, ORDER)),
      ]),
    ],
    [
      'headers with a required mark and a unit in brackets',
      utf8(['楼栋*,单元,房号*,楼层*,专有面积（m²）,业主姓名*,手机号,业主编号*,开发商未售', ...BODY]),
    ],
    ['an extra column is ignored', utf8([`${HEADER_ZH},备注`, ...BODY.map((l) => `${l},顶楼漏水`)])],
    [
      'UTF-16LE tab-separated (Excel "Unicode text")',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from([HEADER_ZH, ...BODY].map((l) => l.replaceAll(',', '\t')).join('\r\n'), 'utf16le'),
      ]),
    ],
  ])('%s', (_name, bytes) => {
    expect(rowsOf(bytes)).toEqual(EXPECTED);
  });

  it('the GBK fixture really is not UTF-8', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
  });

  it('normalises full-width characters, padding and phone formatting', () => {
    const rows = rowsOf(utf8([HEADER_ZH, ' ５ , １ ,３０１,３,８６．３５,\u3000赵六\u3000,+86 138-0013-8000,Ｐ００９,否']));
    expect(rows).toEqual([
      {
        line: 2,
        building: '5',
        entrance: '1',
        room: '301',
        floor: 3,
        areaCentiM2: 8635,
        ownerName: '赵六',
        phone: '13800138000',
        ownerKey: 'P009',
        developerUnsold: false,
      },
    ]);
  });

  it('keeps file line numbers across blank lines, empty Excel rows and quoted line breaks', () => {
    const bytes = utf8([
      HEADER_ZH,
      '',
      ',,,,,,,,',
      '5,1,101,1,"1,086.35","张三',
      '(户主)",13800138000,P001,否',
      '',
      '5,1,102,-1,90.10,李四,,P002,',
    ]);
    const rows = rowsOf(bytes);
    expect(rows.map((r) => [r.line, r.ownerName, r.areaCentiM2, r.floor])).toEqual([
      [4, '张三 (户主)', 108635, 1],
      [7, '李四', 9010, -1],
    ]);
  });

  it(`accepts exactly ${MAX_ROSTER_ROWS} data rows`, () => {
    const body = Array.from({ length: MAX_ROSTER_ROWS }, (_, i) => `1,1,${i + 1},1,80,业主${i},,K${i},否`);
    expect(rowsOf(utf8([HEADER_ZH, ...body]))).toHaveLength(MAX_ROSTER_ROWS);
  });

  it('a developer row keeps a given name but always gets the developer key', () => {
    const rows = rowsOf(utf8([HEADER_ZH, '5,2,301,3,120,某某置业有限公司,,DEV-A,是', '5,2,302,3,120,,,DEV-B,true']));
    expect(rows.map((r) => [r.ownerName, r.ownerKey])).toEqual([
      ['某某置业有限公司', DEVELOPER_OWNER_KEY],
      ['', DEVELOPER_OWNER_KEY],
    ]);
  });
});

describe('parseRosterCsv: whole-file errors', () => {
  it.each<[string, Uint8Array, RosterError[]]>([
    ['zero bytes', Buffer.alloc(0), [{ line: 1, reason: 'empty_file' }]],
    ['only a BOM', BOM, [{ line: 1, reason: 'empty_file' }]],
    ['only blank lines', utf8(['', '  ', ',,,']), [{ line: 1, reason: 'empty_file' }]],
    ['header without data', utf8([HEADER_ZH]), [{ line: 2, reason: 'no_data_rows' }]],
    ['neither UTF-8 nor GBK', Buffer.from([0x41, 0xff, 0x42, 0x0a]), [{ line: 1, reason: 'bad_encoding' }]],
    [
      'UTF-8 BOM followed by invalid UTF-8',
      Buffer.concat([BOM, Buffer.from([0xc4, 0xe3])]),
      [{ line: 1, reason: 'bad_encoding' }],
    ],
    ['an .xlsx workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), [{ line: 1, reason: 'not_csv' }]],
    [
      'an unclosed quote on the last line',
      utf8([HEADER_ZH, '5,1,101,1,86.35,"张三,13800138000,P001,否']),
      [{ line: 2, reason: 'csv_syntax' }],
    ],
    [
      'an unclosed quote swallowing the rows after it',
      utf8([HEADER_ZH, BODY[0] ?? '', '', '5,1,102,1,90.10,"张三,13800138000,P001,否', BODY[2] ?? '', BODY[3] ?? '']),
      [{ line: 4, reason: 'csv_syntax' }],
    ],
    [
      'a stray quote inside a cell',
      utf8([HEADER_ZH, BODY[0] ?? '', '5,1,102,1,90.10,张"三,13800138000,P001,否']),
      [{ line: 3, reason: 'csv_syntax' }],
    ],
    ['first line is data, not a header', utf8(BODY), [{ line: 1, reason: 'missing_header' }]],
    [
      'missing columns',
      utf8(['楼栋,单元,房号,楼层,业主姓名,业主编号,开发商未售', '5,1,101,1,张三,P001,否']),
      [
        { line: 1, column: 'area', reason: 'missing_column' },
        { line: 1, column: 'phone', reason: 'missing_column' },
      ],
    ],
    [
      'the same column twice (Chinese and English)',
      utf8([`${HEADER_ZH},area`, '5,1,101,1,86.35,张三,,P001,否,86.35']),
      [{ line: 1, column: 'area', reason: 'duplicate_column', value: 'area' }],
    ],
  ])('%s', (_name, bytes, errors) => {
    expect(errorsOf(bytes)).toEqual(errors);
  });

  it(`rejects more than ${MAX_ROSTER_ROWS} data rows at the first row too many`, () => {
    const body = Array.from({ length: MAX_ROSTER_ROWS + 1 }, (_, i) => `1,1,${i + 1},1,80,业主${i},,K${i},否`);
    expect(errorsOf(utf8([HEADER_ZH, ...body]))).toEqual([{ line: MAX_ROSTER_ROWS + 2, reason: 'too_many_rows' }]);
  });
});

describe('parseRosterCsv: bad cells', () => {
  // One data row (line 2) built from a good one with one cell replaced.
  const GOOD: Record<string, string> = {
    building: '5',
    entrance: '1',
    room: '101',
    floor: '1',
    area: '86.35',
    owner_name: '张三',
    phone: '13800138000',
    owner_key: 'P001',
    developer_unsold: '否',
  };
  const file = (cells: Record<string, string>) =>
    utf8([
      HEADER_EN,
      HEADER_EN.split(',')
        .map((c) => cells[c] ?? '')
        .join(','),
    ]);

  it.each<[string, Record<string, string>, RosterError[]]>([
    ['negative area', { area: '-86.35' }, [{ line: 2, column: 'area', reason: 'area_negative', value: '-86.35' }]],
    ['non-numeric area', { area: '八十六' }, [{ line: 2, column: 'area', reason: 'area_not_a_number', value: '八十六' }]],
    [
      'area with three decimals',
      { area: '86.355' },
      [{ line: 2, column: 'area', reason: 'area_too_many_decimals', value: '86.355' }],
    ],
    ['zero area', { area: '0' }, [{ line: 2, column: 'area', reason: 'area_zero', value: '0' }]],
    ['absurd area', { area: '100000' }, [{ line: 2, column: 'area', reason: 'area_too_large', value: '100000' }]],
    ['empty area', { area: '' }, [{ line: 2, column: 'area', reason: 'required' }]],
    ['fractional floor', { floor: '2.5' }, [{ line: 2, column: 'floor', reason: 'floor_not_integer', value: '2.5' }]],
    ['floor in words', { floor: '二' }, [{ line: 2, column: 'floor', reason: 'floor_not_integer', value: '二' }]],
    ['floor 0', { floor: '0' }, [{ line: 2, column: 'floor', reason: 'floor_out_of_range', value: '0' }]],
    [
      'room number typed as floor',
      { floor: '1203' },
      [{ line: 2, column: 'floor', reason: 'floor_out_of_range', value: '1203' }],
    ],
    ['phone too short', { phone: '12345' }, [{ line: 2, column: 'phone', reason: 'phone_invalid', value: '12345' }]],
    [
      'phone not a mobile prefix',
      { phone: '12800138000' },
      [{ line: 2, column: 'phone', reason: 'phone_invalid', value: '12800138000' }],
    ],
    [
      'phone mangled by Excel',
      { phone: '1.38001E+10' },
      [{ line: 2, column: 'phone', reason: 'phone_invalid', value: '1.38001E+10' }],
    ],
    ['empty building', { building: '' }, [{ line: 2, column: 'building', reason: 'required' }]],
    ['empty room', { room: '' }, [{ line: 2, column: 'room', reason: 'required' }]],
    ['empty owner name of an owned unit', { owner_name: '' }, [{ line: 2, column: 'owner_name', reason: 'required' }]],
    ['empty owner key of an owned unit', { owner_key: '' }, [{ line: 2, column: 'owner_key', reason: 'required' }]],
    [
      'unreadable developer flag',
      { developer_unsold: 'maybe' },
      [{ line: 2, column: 'developer_unsold', reason: 'developer_unsold_invalid', value: 'maybe' }],
    ],
    [
      'reserved owner key',
      { owner_key: DEVELOPER_OWNER_KEY },
      [{ line: 2, column: 'owner_key', reason: 'owner_key_reserved', value: DEVELOPER_OWNER_KEY }],
    ],
    [
      'overlong name',
      { owner_name: '张'.repeat(101) },
      [{ line: 2, column: 'owner_name', reason: 'too_long', value: '张'.repeat(100) }],
    ],
    [
      'several bad cells in one row, in column order',
      { floor: 'x', area: '-1', phone: '1' },
      [
        { line: 2, column: 'floor', reason: 'floor_not_integer', value: 'x' },
        { line: 2, column: 'area', reason: 'area_negative', value: '-1' },
        { line: 2, column: 'phone', reason: 'phone_invalid', value: '1' },
      ],
    ],
  ])('%s', (_name, change, errors) => {
    expect(errorsOf(file({ ...GOOD, ...change }))).toEqual(errors);
  });

  it.each([
    ['basement floor', { floor: '-1' }],
    ['empty phone', { phone: '' }],
    ['empty entrance (building without 单元)', { entrance: '' }],
    ['developer row without owner', { owner_name: '', owner_key: '', phone: '', developer_unsold: 'YES' }],
  ])('accepts %s', (_name, change) => {
    expect(parseRosterCsv(file({ ...GOOD, ...change })).ok).toBe(true);
  });
});

describe('parseRosterCsv: rows against each other', () => {
  it.each<[string, string[], RosterError[]]>([
    [
      'the same room twice with the same owner key',
      ['5,1,101,1,86.35,张三,,P001,否', '5,1,101,1,86.35,张三,,P001,否'],
      [{ line: 3, column: 'room', reason: 'duplicate_room', value: '101', relatedLine: 2 }],
    ],
    [
      'an unsold developer room twice',
      ['5,2,301,3,120,,,,是', '5,2,301,3,120,,,,是'],
      [{ line: 3, column: 'room', reason: 'duplicate_room', value: '301', relatedLine: 2 }],
    ],
    [
      'one owner key with two names',
      ['5,1,101,1,86.35,张三,,P001,否', '5,1,102,1,86.35,李四,,P001,否'],
      [{ line: 3, column: 'owner_name', reason: 'owner_key_conflict', value: '李四', relatedLine: 2 }],
    ],
    [
      'co-owners listing different areas',
      ['5,1,201,2,86.35,李四,,P002,否', '5,1,201,2,86.53,王五,,P003,否'],
      [{ line: 3, column: 'area', reason: 'area_conflict', value: '86.53', relatedLine: 2 }],
    ],
    [
      'co-owners listing different floors',
      ['5,1,201,2,86.35,李四,,P002,否', '5,1,201,3,86.35,王五,,P003,否'],
      [{ line: 3, column: 'floor', reason: 'floor_conflict', value: '3', relatedLine: 2 }],
    ],
    [
      'a room both owned and unsold',
      ['5,1,201,2,86.35,李四,,P002,否', '5,1,201,2,86.35,,,,是'],
      [{ line: 3, column: 'developer_unsold', reason: 'developer_unsold_conflict', relatedLine: 2 }],
    ],
  ])('%s', (_name, body, errors) => {
    expect(errorsOf(utf8([HEADER_ZH, ...body]))).toEqual(errors);
  });

  it.each([
    ['co-owners of one room', ['5,1,201,2,86.35,李四,,P002,否', '5,1,201,2,86.35,王五,,P003,否']],
    ['the same room number in two entrances', ['5,1,101,1,86.35,张三,,P001,否', '5,2,101,1,90,李四,,P002,否']],
    ['one name padded for alignment', ['5,1,101,1,86.35,张三,,P001,否', '5,1,102,1,86.35,张  三,,P001,否']],
  ])('accepts %s', (_name, body) => {
    expect(parseRosterCsv(utf8([HEADER_ZH, ...body])).ok).toBe(true);
  });

  it('reports every bad row with its line number', () => {
    const bytes = utf8([
      HEADER_ZH, //                                   line 1
      '5,1,101,1,86.35,张三,13800138000,P001,否', //   line 2  good
      '5,1,102,1,-90,张三,13800138000,P001,否', //     line 3  negative area
      '5,1,103,1,abc,李四,,P002,否', //                line 4  area not a number
      '', //                                           line 5  blank, skipped
      '5,1,104,1.5,86.355,王五,123,P003,否', //        line 6  floor, area decimals, phone
      '5,1,201,2,86.35,赵六,,P004,否', //              line 7  good
      '5,1,101,1,86.35,张三,,P001,否', //              line 8  duplicate of line 2
      '5,1,202,2,86.35,张三丰,,P001,否', //            line 9  P001 is 张三
      '5,1,203,2,86.35,,,P005,否', //                  line 10 name required
    ]);
    expect(errorsOf(bytes)).toEqual([
      { line: 3, column: 'area', reason: 'area_negative', value: '-90' },
      { line: 4, column: 'area', reason: 'area_not_a_number', value: 'abc' },
      { line: 6, column: 'floor', reason: 'floor_not_integer', value: '1.5' },
      { line: 6, column: 'area', reason: 'area_too_many_decimals', value: '86.355' },
      { line: 6, column: 'phone', reason: 'phone_invalid', value: '123' },
      { line: 8, column: 'room', reason: 'duplicate_room', value: '101', relatedLine: 2 },
      { line: 9, column: 'owner_name', reason: 'owner_key_conflict', value: '张三丰', relatedLine: 2 },
      { line: 10, column: 'owner_name', reason: 'required' },
    ]);
  });
});

describe('groupRosterByUnit', () => {
  it('returns each unit once, in file order, with its owners', () => {
    expect(groupRosterByUnit(EXPECTED)).toEqual([
      {
        building: '5',
        entrance: '1',
        room: '101',
        floor: 1,
        areaCentiM2: 8635,
        developerUnsold: false,
        ownerKeys: ['P001'],
        lines: [2],
      },
      {
        building: '5',
        entrance: '1',
        room: '102',
        floor: 1,
        areaCentiM2: 9010,
        developerUnsold: false,
        ownerKeys: ['P001'],
        lines: [3],
      },
      {
        building: '5',
        entrance: '1',
        room: '201',
        floor: 2,
        areaCentiM2: 8635,
        developerUnsold: false,
        ownerKeys: ['P002', 'P003'],
        lines: [4, 5],
      },
      {
        building: '5',
        entrance: '2',
        room: '301',
        floor: 3,
        areaCentiM2: 12000,
        developerUnsold: true,
        ownerKeys: [DEVELOPER_OWNER_KEY],
        lines: [6],
      },
      {
        building: '5',
        entrance: '2',
        room: '302',
        floor: 3,
        areaCentiM2: 12000,
        developerUnsold: true,
        ownerKeys: [DEVELOPER_OWNER_KEY],
        lines: [7],
      },
    ]);
  });

  it('returns nothing for no rows', () => {
    expect(groupRosterByUnit([])).toEqual([]);
  });
});

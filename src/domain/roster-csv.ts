/**
 * Owner roster (业主名册) CSV import: bytes in, validated rows or every problem with its line out.
 *
 * The file usually comes from Excel on a Chinese Windows machine, so:
 * - "CSV UTF-8" writes UTF-8 with a BOM, plain "CSV" writes the ANSI code page, i.e. GBK. Bytes that are
 *   valid UTF-8 are read as UTF-8, anything else as GB18030 (a superset of GBK that also covers rare
 *   characters found in names). "Unicode text" (UTF-16 with a BOM, tab-separated) is read too.
 * - Cells are NFKC-normalised, so full-width digits and letters typed with a Chinese input method
 *   ("３０１") equal their ASCII forms and one room is not imported twice under two spellings.
 * Errors carry stable reason codes and the 1-based line in the file (header = line 1) for the UI to
 * translate; every bad row is reported, not only the first.
 */
import { formatArea, parseAreaToCentiM2 } from './money.ts';
import { decodeSpreadsheetText, readCsvRecords, type CsvRecord } from './spreadsheet-csv.ts';
import { rosterUnitKey } from './roster-units.ts';

/** Larger files are split by the estate; this also bounds the work one upload can cause. */
export const MAX_ROSTER_ROWS = 5000;

/**
 * Owner key given to every unsold developer unit: the law counts the developer's unsold units as one
 * owner, whatever keys the file put on those rows.
 */
export const DEVELOPER_OWNER_KEY = '__developer__';

/** Longest accepted cell; anything longer is pasted garbage, not a name or a room number. */
const MAX_CELL_LENGTH = 100;

// Floors run from basements (-1 ... -9) to the tallest residential towers; 0 does not exist in Chinese
// floor numbering. A value outside is usually a room number typed into the floor column.
const MIN_FLOOR = -9;
const MAX_FLOOR = 200;

export const ROSTER_COLUMNS = [
  'building',
  'entrance',
  'room',
  'floor',
  'area',
  'owner_name',
  'phone',
  'owner_key',
  'developer_unsold',
] as const;
type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** Chinese header first (what the template says), English second. */
export const ROSTER_HEADERS: Readonly<Record<RosterColumn, readonly [string, string]>> = {
  building: ['楼栋', 'building'],
  entrance: ['单元', 'entrance'],
  room: ['房号', 'room'],
  floor: ['楼层', 'floor'],
  area: ['专有面积', 'area'],
  owner_name: ['业主姓名', 'owner_name'],
  phone: ['手机号', 'phone'],
  owner_key: ['业主编号', 'owner_key'],
  developer_unsold: ['开发商未售', 'developer_unsold'],
};

type RosterErrorCode =
  // the file as a whole
  | 'empty_file'
  | 'bad_encoding'
  | 'not_csv'
  | 'csv_syntax'
  | 'missing_header'
  | 'missing_column'
  | 'duplicate_column'
  | 'no_data_rows'
  | 'too_many_rows'
  // one cell
  | 'required'
  | 'too_long'
  | 'area_not_a_number'
  | 'area_negative'
  | 'area_zero'
  | 'area_too_many_decimals'
  | 'area_too_large'
  | 'floor_not_integer'
  | 'floor_out_of_range'
  | 'phone_invalid'
  | 'developer_unsold_invalid'
  | 'owner_key_reserved'
  // rows against each other (reported on the later row, relatedLine = the earlier one)
  | 'duplicate_room'
  | 'owner_key_conflict'
  | 'area_conflict'
  | 'floor_conflict'
  | 'developer_unsold_conflict';

export interface RosterError {
  /** 1-based line in the file; the header is line 1. */
  readonly line: number;
  readonly column?: RosterColumn;
  readonly reason: RosterErrorCode;
  /** The offending cell as read (normalised), for the message. */
  readonly value?: string;
  /** For conflicts between rows: the earlier line it conflicts with. */
  readonly relatedLine?: number;
}

export interface RosterRow {
  readonly line: number;
  readonly building: string;
  /** Empty when the building has no entrances (单元). */
  readonly entrance: string;
  readonly room: string;
  readonly floor: number;
  readonly areaCentiM2: number;
  /** May be empty on developer-unsold rows. */
  readonly ownerName: string;
  /** 11-digit mainland mobile number, or empty. */
  readonly phone: string;
  /** DEVELOPER_OWNER_KEY on developer-unsold rows. */
  readonly ownerKey: string;
  readonly developerUnsold: boolean;
}

type RosterParseResult = { ok: true; rows: RosterRow[] } | { ok: false; errors: RosterError[] };

/** NFKC, whitespace (including line breaks and U+3000) collapsed to one space, trimmed. */
function normaliseCell(raw: string | undefined): string {
  return (raw ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------
// Header

/** Header text as compared: "业主姓名 *", "Owner Name", "owner-name" and "专有面积（m²）" all match. */
function headerKey(text: string): string {
  return normaliseCell(text)
    .toLowerCase()
    .replace(/\(.*?\)/g, '') // a unit or hint in brackets; NFKC made "（）" ASCII
    .replace(/[\s_*-]/g, '');
}

const COLUMN_BY_HEADER: ReadonlyMap<string, RosterColumn> = new Map(
  ROSTER_COLUMNS.flatMap((column) => ROSTER_HEADERS[column].map((name) => [headerKey(name), column] as const)),
);

type ColumnIndex = Readonly<Record<RosterColumn, number>>;

function readHeader(header: CsvRecord): { ok: true; index: ColumnIndex } | { ok: false; errors: RosterError[] } {
  const index = new Map<RosterColumn, number>();
  const errors: RosterError[] = [];
  header.cells.forEach((cell, i) => {
    const column = COLUMN_BY_HEADER.get(headerKey(cell));
    if (column === undefined) return; // extra columns such as 备注 are ignored
    if (index.has(column)) errors.push({ line: header.line, column, reason: 'duplicate_column', value: normaliseCell(cell) });
    else index.set(column, i);
  });
  // Not one known column: the first line is data or a title, not the header.
  if (index.size === 0) return { ok: false, errors: [{ line: header.line, reason: 'missing_header' }] };
  for (const column of ROSTER_COLUMNS) {
    if (!index.has(column)) errors.push({ line: header.line, column, reason: 'missing_column' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, index: Object.fromEntries(index) as Record<RosterColumn, number> };
}

// ---------------------------------------------------------------------------------------------------
// One row

const YES = new Set(['是', 'yes', 'y', 'true', '1']);
const NO = new Set(['', '否', 'no', 'n', 'false', '0']);

const MOBILE = /^1[3-9]\d{9}$/;

/** "138 0013 8000", "138-0013-8000" and "+86 13800138000" are the same number. */
function normalisePhone(text: string): string {
  return text.replace(/[\s-]/g, '').replace(/^(?:\+?86)(?=1\d{10}$)/, '');
}

const AREA_REASON = {
  empty: 'required',
  not_a_number: 'area_not_a_number',
  negative: 'area_negative',
  zero: 'area_zero',
  too_many_decimals: 'area_too_many_decimals',
  too_large: 'area_too_large',
} as const satisfies Record<string, RosterErrorCode>;

/** A row's fields; a field that failed validation is undefined, so later checks can skip just that field. */
interface RowDraft {
  line: number;
  building?: string;
  entrance?: string;
  room?: string;
  floor?: number;
  areaCentiM2?: number;
  ownerName?: string;
  phone?: string;
  ownerKey?: string;
  developerUnsold?: boolean;
}

function readRow(record: CsvRecord, index: ColumnIndex, errors: RosterError[]): RowDraft {
  const { line } = record;
  const fail = (column: RosterColumn, reason: RosterErrorCode, value?: string): undefined => {
    errors.push(value === undefined || value === '' ? { line, column, reason } : { line, column, reason, value });
    return undefined;
  };
  const text = (column: RosterColumn, required: boolean): string | undefined => {
    const value = normaliseCell(record.cells[index[column]]);
    if (value.length > MAX_CELL_LENGTH) return fail(column, 'too_long', value.slice(0, MAX_CELL_LENGTH));
    if (required && value === '') return fail(column, 'required');
    return value;
  };

  const draft: RowDraft = { line };
  draft.building = text('building', true);
  draft.entrance = text('entrance', false);
  draft.room = text('room', true);

  const floorText = text('floor', true);
  if (floorText !== undefined) {
    if (!/^-?\d+$/.test(floorText)) fail('floor', 'floor_not_integer', floorText);
    else {
      const floor = Number(floorText);
      if (floor === 0 || floor < MIN_FLOOR || floor > MAX_FLOOR) fail('floor', 'floor_out_of_range', floorText);
      else draft.floor = floor;
    }
  }

  const areaText = text('area', false);
  if (areaText !== undefined) {
    const area = parseAreaToCentiM2(areaText);
    if (area.ok) draft.areaCentiM2 = area.centiM2;
    else fail('area', AREA_REASON[area.reason], areaText);
  }

  const flagText = text('developer_unsold', false);
  if (flagText !== undefined) {
    const flag = flagText.toLowerCase();
    if (YES.has(flag)) draft.developerUnsold = true;
    else if (NO.has(flag)) draft.developerUnsold = false;
    else fail('developer_unsold', 'developer_unsold_invalid', flagText);
  }
  // Owner name and key are required for owned units only; with an unreadable flag, whether they are
  // required is unknown, so only the flag is reported.
  const ownerRequired = draft.developerUnsold === false;

  draft.ownerName = text('owner_name', ownerRequired);

  const phoneText = text('phone', false);
  if (phoneText !== undefined) {
    const phone = normalisePhone(phoneText);
    if (phone === '' || MOBILE.test(phone)) draft.phone = phone;
    else fail('phone', 'phone_invalid', phoneText);
  }

  const keyText = text('owner_key', ownerRequired);
  if (draft.developerUnsold === true) draft.ownerKey = DEVELOPER_OWNER_KEY;
  else if (keyText === DEVELOPER_OWNER_KEY) fail('owner_key', 'owner_key_reserved', keyText);
  // Left unset when empty: only possible with an unreadable flag, so it must not meet other rows' keys.
  else if (keyText !== '') draft.ownerKey = keyText;

  return draft;
}

// ---------------------------------------------------------------------------------------------------
// Rows against each other

/** Names compared without spaces: Excel users pad two-character names ("张  三") to align columns. */
function nameKey(name: string): string {
  return name.replace(/\s/g, '');
}

function crossCheck(drafts: readonly RowDraft[], errors: RosterError[]): void {
  interface UnitSeen {
    readonly line: number;
    readonly floor?: number;
    readonly areaCentiM2?: number;
    readonly developerUnsold?: boolean;
    readonly ownerLines: Map<string, number>;
  }
  const units = new Map<string, UnitSeen>();
  const owners = new Map<string, { line: number; name: string }>();

  for (const row of drafts) {
    const { line } = row;
    if (row.ownerKey !== undefined && row.ownerKey !== DEVELOPER_OWNER_KEY && row.ownerName !== undefined) {
      const first = owners.get(row.ownerKey);
      if (first === undefined) owners.set(row.ownerKey, { line, name: row.ownerName });
      else if (nameKey(first.name) !== nameKey(row.ownerName)) {
        errors.push({ line, column: 'owner_name', reason: 'owner_key_conflict', value: row.ownerName, relatedLine: first.line });
      }
    }

    if (row.building === undefined || row.entrance === undefined || row.room === undefined) continue;
    const key = rosterUnitKey({ building: row.building, entrance: row.entrance, room: row.room });
    const seen = units.get(key);
    if (seen === undefined) {
      units.set(key, {
        line,
        floor: row.floor,
        areaCentiM2: row.areaCentiM2,
        developerUnsold: row.developerUnsold,
        ownerLines: new Map(row.ownerKey === undefined ? [] : [[row.ownerKey, line]]),
      });
      continue;
    }
    // A unit's own attributes must agree across its rows (co-owners); compared with the unit's first
    // row, skipped where either side was unreadable (that is reported already).
    const { areaCentiM2, floor, developerUnsold } = row;
    if (areaCentiM2 !== undefined && seen.areaCentiM2 !== undefined && areaCentiM2 !== seen.areaCentiM2) {
      errors.push({ line, column: 'area', reason: 'area_conflict', value: formatArea(areaCentiM2), relatedLine: seen.line });
    }
    if (floor !== undefined && seen.floor !== undefined && floor !== seen.floor) {
      errors.push({ line, column: 'floor', reason: 'floor_conflict', value: String(floor), relatedLine: seen.line });
    }
    if (developerUnsold !== undefined && seen.developerUnsold !== undefined && developerUnsold !== seen.developerUnsold) {
      errors.push({ line, column: 'developer_unsold', reason: 'developer_unsold_conflict', relatedLine: seen.line });
    }

    if (row.ownerKey !== undefined) {
      const earlier = seen.ownerLines.get(row.ownerKey);
      if (earlier !== undefined) {
        errors.push({ line, column: 'room', reason: 'duplicate_room', value: row.room, relatedLine: earlier });
      } else seen.ownerLines.set(row.ownerKey, line);
    }
  }
}

// ---------------------------------------------------------------------------------------------------

const COLUMN_ORDER = new Map<RosterColumn | undefined, number>([
  [undefined, -1],
  ...ROSTER_COLUMNS.map((column, i) => [column, i] as const),
]);

function byPosition(a: RosterError, b: RosterError): number {
  return a.line - b.line || (COLUMN_ORDER.get(a.column) ?? 0) - (COLUMN_ORDER.get(b.column) ?? 0);
}

function isBlank(record: CsvRecord): boolean {
  return record.cells.every((cell) => normaliseCell(cell) === '');
}

/** Parses an uploaded roster file. */
export function parseRosterCsv(bytes: Uint8Array): RosterParseResult {
  const decoded = decodeSpreadsheetText(bytes);
  if (!decoded.ok) return { ok: false, errors: [{ line: 1, reason: decoded.reason }] };

  const read = readCsvRecords(decoded.text);
  if (!read.ok) return { ok: false, errors: [{ line: read.line, reason: 'csv_syntax' }] };
  // Excel writes rows of empty cells (",,,,") for formatted but empty rows; they are not data.
  const [header, ...data] = read.records.filter((record) => !isBlank(record));
  if (header === undefined) return { ok: false, errors: [{ line: 1, reason: 'empty_file' }] };

  const columns = readHeader(header);
  if (!columns.ok) return { ok: false, errors: columns.errors };
  if (data.length === 0) return { ok: false, errors: [{ line: header.line + 1, reason: 'no_data_rows' }] };
  const firstExcess = data[MAX_ROSTER_ROWS];
  if (firstExcess !== undefined) return { ok: false, errors: [{ line: firstExcess.line, reason: 'too_many_rows' }] };

  const errors: RosterError[] = [];
  const drafts = data.map((record) => readRow(record, columns.index, errors));
  crossCheck(drafts, errors);
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPosition) };
  return { ok: true, rows: drafts.map(completeRow) };
}

/** Without errors every field was read: a field is left undefined only together with an error. */
function completeRow(draft: RowDraft): RosterRow {
  const { line, building, entrance, room, floor, areaCentiM2, ownerName, phone, ownerKey, developerUnsold } = draft;
  if (
    building === undefined ||
    entrance === undefined ||
    room === undefined ||
    floor === undefined ||
    areaCentiM2 === undefined ||
    ownerName === undefined ||
    phone === undefined ||
    ownerKey === undefined ||
    developerUnsold === undefined
  ) {
    throw new Error(`roster line ${line}: a field was left unread without an error`);
  }
  return { line, building, entrance, room, floor, areaCentiM2, ownerName, phone, ownerKey, developerUnsold };
}

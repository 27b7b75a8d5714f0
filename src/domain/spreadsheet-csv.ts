/**
 * Reading a CSV file as a spreadsheet writes it (the owner roster comes from Excel on a Chinese Windows
 * machine): bytes to text in the right encoding, then text to records with the line each starts on.
 * The roster parser (roster-csv.ts) validates what the records say.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

// ---------------------------------------------------------------------------------------------------
// Bytes to text

type Decoded = { ok: true; text: string } | { ok: false; reason: 'empty_file' | 'bad_encoding' | 'not_csv' };

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

export function decodeSpreadsheetText(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, reason: 'empty_file' };
  // TextDecoder drops a leading BOM of its own encoding.
  if (startsWith(bytes, [0xff, 0xfe])) return decodeStrict(bytes, 'utf-16le');
  if (startsWith(bytes, [0xfe, 0xff])) return decodeStrict(bytes, 'utf-16be');
  // An .xlsx (a zip archive) or other binary uploaded by mistake: say so instead of "bad encoding".
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || bytes.includes(0)) return { ok: false, reason: 'not_csv' };
  const utf8 = decodeStrict(bytes, 'utf-8');
  if (utf8.ok || startsWith(bytes, [0xef, 0xbb, 0xbf])) return utf8;
  const text = iconv.decode(bytes, 'gb18030');
  // iconv-lite substitutes U+FFFD for byte sequences that are not GB18030 either.
  return text.includes('\uFFFD') ? { ok: false, reason: 'bad_encoding' } : { ok: true, text };
}

function decodeStrict(bytes: Uint8Array, encoding: string): Decoded {
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'bad_encoding' };
  }
}

// ---------------------------------------------------------------------------------------------------
// Text to records

export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

type Records = { ok: true; records: CsvRecord[] } | { ok: false; line: number };

export function readCsvRecords(text: string): Records {
  // csv-parse miscounts lines around CRLF inside quoted fields; with LF only its counts are exact.
  // Line breaks inside a quoted cell become "\n", which the cell normalisation collapses anyway.
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // Excel's "Unicode text" export separates with tabs; everything else here uses commas.
  const header = lines.find((line) => line.trim() !== '') ?? '';
  const delimiter = header.includes('\t') && !header.includes(',') ? '\t' : ',';
  let lastRecordEnd = 0;
  const records: CsvRecord[] = [];
  try {
    parse(lines.join('\n'), {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (cells, context) => {
        lastRecordEnd = context.lines;
        // context.lines is the line the record ends on; a quoted cell may span lines: report where it starts.
        const innerBreaks = cells.reduce((sum, cell) => sum + (cell.match(/\n/g)?.length ?? 0), 0);
        records.push({ line: context.lines - innerBreaks, cells });
        return cells;
      },
    });
    return { ok: true, records };
  } catch (err) {
    // For an unclosed quote csv-parse names the end of the file; the quote opened on the first
    // non-blank line after the last complete record.
    const code = (err as { code?: unknown }).code;
    const reported = (err as { lines?: unknown }).lines;
    const opening = lines.findIndex((line, i) => i >= lastRecordEnd && line.trim() !== '');
    const line = code === 'CSV_QUOTE_NOT_CLOSED' && opening >= 0 ? opening + 1 : typeof reported === 'number' ? reported : 1;
    return { ok: false, line };
  }
}

import { Readable } from 'node:stream';

/**
 * Writing CSV for people who open it in a spreadsheet (Excel, WPS, LibreOffice), shared by every export.
 *
 * - UTF-8 with a byte-order mark: without it Excel on a Chinese Windows reads the file as GBK and shows
 *   mojibake.
 * - RFC 4180 quoting: a cell holding a comma, a quote or a line break is quoted, quotes doubled; lines end
 *   in CRLF.
 * - Formula injection (CSV injection, OWASP): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
 *   carriage return would be run as a formula by the spreadsheet (`=HYPERLINK(...)`, DDE). It is
 *   neutralised by a leading `'`, which spreadsheets show as text. Numbers are data, never formulas, so a
 *   negative number stays a number.
 */

export const CSV_BOM = '\uFEFF';

export type CsvValue = string | number | bigint | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, neutralised and quoted as needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A whole (small) document in memory: BOM, header, rows. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  let out = CSV_BOM + csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}

/**
 * A streamed export: the BOM and header first, then one chunk per batch of rows as the source yields
 * them (a source reads the database in batches by keyset), so a large export never sits in memory whole.
 * Hand the result to `reply.send()`.
 */
export function csvStream(header: readonly string[], batches: AsyncIterable<readonly (readonly CsvValue[])[]>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(CSV_BOM + csvLine(header), 'utf8');
    for await (const batch of batches) {
      if (batch.length > 0) yield Buffer.from(batch.map(csvLine).join(''), 'utf8');
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * The response headers of a CSV download. The export carries personal data: never kept by a shared cache
 * or by the browser. A non-ASCII name is sent as RFC 5987 `filename*` beside an ASCII fallback.
 */
export function csvDownloadHeaders(filename: string): Record<string, string> {
  const ascii = filename.replace(/[^\w.-]/g, '_');
  const disposition =
    ascii === filename
      ? `attachment; filename="${filename}"`
      : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': disposition,
    'cache-control': 'private, no-store',
  };
}

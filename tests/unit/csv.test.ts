import { type Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvDocument, csvDownloadHeaders, csvLine, csvStream, type CsvValue } from '../../src/lib/csv.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('csvCell', () => {
  it.each<[string, CsvValue, string]>([
    ['plain text stays as it is', '王秀英', '王秀英'],
    ['an empty string stays empty', '', ''],
    ['null is an empty cell', null, ''],
    ['undefined is an empty cell', undefined, ''],
    ['a comma is quoted', '5号楼,601', '"5号楼,601"'],
    ['a quote is doubled inside quotes', 'say "hi"', '"say ""hi"""'],
    ['a line feed is quoted', 'line1\nline2', '"line1\nline2"'],
    ['a CR LF is quoted', 'line1\r\nline2', '"line1\r\nline2"'],
    ['a leading = is neutralised', '=1+1', "'=1+1"],
    ['a leading + is neutralised', '+8613812345678', "'+8613812345678"],
    ['a leading - is neutralised', '-2+3', "'-2+3"],
    ['a leading @ is neutralised', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab is neutralised', '\t=1', "'\t=1"],
    ['a leading CR is neutralised and quoted', '\r=1', `"'\r=1"`],
    [
      'a formula with a quote and a comma is neutralised and quoted',
      '=HYPERLINK("http://x","y")',
      `"'=HYPERLINK(""http://x"",""y"")"`,
    ],
    ['an = inside the text is left alone', 'a=b', 'a=b'],
    ['a leading apostrophe is left alone', "'quoted", "'quoted"],
    ['a negative number is a number, not a formula', -5, '-5'],
    ['a number is written as it is', 12.5, '12.5'],
    ['a non-finite number is an empty cell', Number.NaN, ''],
    ['a boolean is written as text', true, 'true'],
    ['a bigint is written as it is', 12345678901234567890n, '12345678901234567890'],
  ])('%s', (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvLine and csvDocument', () => {
  it('a line joins cells with commas and ends in CRLF', () => {
    expect(csvLine(['a', 1, null, '=x'])).toBe("a,1,,'=x\r\n");
  });

  it('a document starts with the BOM and reads back through csv-parse to the neutralised cells', () => {
    const text = csvDocument(
      ['时间', '备注'],
      [
        ['2026-11-20', '=cmd|" /C calc"!A0'],
        ['2026-11-21', '多行\n备注,带逗号'],
      ],
    );
    expect(text.startsWith(CSV_BOM)).toBe(true);
    const records = parse(text, { bom: true }) as string[][];
    expect(records).toEqual([
      ['时间', '备注'],
      ['2026-11-20', `'=cmd|" /C calc"!A0`],
      ['2026-11-21', '多行\n备注,带逗号'],
    ]);
  });
});

describe('csvStream', () => {
  it('writes the BOM and header, then every batch, as UTF-8 bytes', async () => {
    async function* batches() {
      yield [
        ['1', '甲'],
        ['2', '乙'],
      ];
      yield [];
      yield [['3', '+丙']];
    }
    const bytes = await readAll(csvStream(['编号', '名称'], batches()));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parse(bytes, { bom: true })).toEqual([
      ['编号', '名称'],
      ['1', '甲'],
      ['2', '乙'],
      ['3', "'+丙"],
    ]);
  });

  it('an export without rows is the header alone', async () => {
    async function* none(): AsyncGenerator<string[][]> {}
    const bytes = await readAll(csvStream(['a', 'b'], none()));
    expect(bytes.toString('utf8')).toBe(`${CSV_BOM}a,b\r\n`);
  });
});

describe('csvDownloadHeaders', () => {
  it('an ASCII name is an attachment that no cache keeps', () => {
    expect(csvDownloadHeaders('audit-20261120.csv')).toEqual({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit-20261120.csv"',
      'cache-control': 'private, no-store',
    });
  });

  it('a Chinese name gets an ASCII fallback and an RFC 5987 name', () => {
    expect(csvDownloadHeaders('审计-1.csv')['content-disposition']).toBe(
      `attachment; filename="__-1.csv"; filename*=UTF-8''${encodeURIComponent('审计-1.csv')}`,
    );
  });

  it('a quote in a name cannot break out of the header value', () => {
    expect(csvDownloadHeaders('a"b.csv')['content-disposition']).toMatch(/^attachment; filename="a_b\.csv"; filename\*=/);
  });
});

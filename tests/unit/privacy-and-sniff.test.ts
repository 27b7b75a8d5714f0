import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from '../../src/domain/privacy.ts';
import { sniffDocument, sniffImage } from '../../src/domain/image-sniff.ts';
import { safeLocalPath } from '../../src/lib/safe-redirect.ts';
import { hashPassword, verifyPassword } from '../../src/lib/password.ts';

describe('masking personal data', () => {
  it.each([
    ['张三', '张*'],
    ['王秀英', '王**'],
    ['欧阳娜娜', '欧***'],
    ['  李  ', '李*'],
    ['', ''],
    ['John Smith', 'J.'],
  ])('masks the name %j as %j', (name, masked) => expect(maskName(name)).toBe(masked));

  it.each([
    ['13812341234', '138****1234'],
    ['138-1234-1234', '138****1234'],
    ['02784440003', '027****0003'],
    ['123', '***'],
    ['', ''],
  ])('masks the phone %j as %j', (phone, masked) => expect(maskPhone(phone)).toBe(masked));
});

describe('recognising uploads by content', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  it.each([
    ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0), 'image/jpeg'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    ['a WebP', Uint8Array.from(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'image/webp'],
    ['a RIFF that is not WebP (WAV)', Uint8Array.from(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), null],
    ['HTML named .jpg', Uint8Array.from(Buffer.from('<html><script>')), null],
    ['a GIF', Uint8Array.from(Buffer.from('GIF89a......')), null],
    ['a truncated PNG header', bytes(0x89, 0x50, 0x4e), null],
    ['nothing', bytes(), null],
  ])('sniffs %s', (_name, data, mime) => expect(sniffImage(data)).toBe(mime));

  it('accepts a PDF only where documents are allowed', () => {
    const pdf = Uint8Array.from(Buffer.from('%PDF-1.7\n'));
    expect(sniffImage(pdf)).toBeNull();
    expect(sniffDocument(pdf)).toBe('application/pdf');
  });
});

describe('redirects after login', () => {
  it.each([
    ['/issues/3', '/issues/3'],
    ['/issues?state=submitted', '/issues?state=submitted'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['', '/'],
    [undefined, '/'],
    ['/x\r\nSet-Cookie: a=b', '/'],
  ])('%j -> %j', (value, expected) => expect(safeLocalPath(value)).toBe(expected));
});

describe('password hashing', () => {
  it('verifies the right password, refuses a wrong one, and salts every hash', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('anything', '!')).toBe(false);
  });
});

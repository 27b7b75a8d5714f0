/**
 * Recognises an image by its first bytes, never by its name or declared type: a file that merely says
 * it is a JPEG is refused. Only formats a phone camera or screenshot produces are accepted.
 */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

export function sniffImage(data: Uint8Array): ImageMime | null {
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (data.length >= 8 && png.every((b, i) => data[i] === b)) return 'image/png';
  if (data.length >= 12 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** PDF, for quotes and receipts attached to fund proposals. */
export function sniffDocument(data: Uint8Array): ImageMime | 'application/pdf' | null {
  if (data.length >= 5 && ascii(data, 0, 5) === '%PDF-') return 'application/pdf';
  return sniffImage(data);
}

function ascii(data: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...data.subarray(from, to));
}

export const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

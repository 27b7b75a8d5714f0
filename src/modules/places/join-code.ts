import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';

/**
 * An estate's join code: what residents type or scan to register. Lower-case letters and digits without
 * the look-alikes (0/o, 1/l/i), so a code read off a poster is typed right; 10 characters of 31 give
 * about 50 bits, far beyond guessing through a throttled form.
 */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const JOIN_CODE_LENGTH = 10;

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The absolute URL a poster's QR code carries. */
export function joinUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/join/${encodeURIComponent(code)}`;
}

/**
 * The QR code as an inline SVG element, drawn on the server: no script, no style attribute (the CSP
 * forbids both), only paths with presentation attributes. Level M survives a scuffed lobby poster.
 */
export async function qrSvg(url: string, label: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const safeLabel = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return svg.replace('<svg ', `<svg class="qr" role="img" aria-label="${safeLabel}" `);
}

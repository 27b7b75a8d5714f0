import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { translator } from '../../i18n/index.ts';
import { formatShanghai } from '../../domain/deadlines.ts';

/**
 * The printable A4 pages for the lobby board (a notice, a vote's result, a meeting's minutes): printed in
 * the record's language (Chinese), each with a QR code to its online version. The votes and meetings
 * modules build theirs with these, through the notices front door.
 */

/** Where residents reach this server: the request's own scheme and host (trustProxy decides whether
 * X-Forwarded-* count), as the person printing the page reaches it, like the join poster. */
export function absoluteUrl(request: FastifyRequest, path: string): string {
  return `${request.protocol}://${request.host}${path}`;
}

/**
 * The QR code as an inline SVG element, drawn on the server: no script and no style attribute (the CSP
 * forbids both). Level M survives a scuffed lobby board.
 */
export async function qrSvg(url: string, label: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const safeLabel = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return svg.replace('<svg ', `<svg class="qr" role="img" aria-label="${safeLabel}" `);
}

/**
 * What every print page renders with: the sheet in Chinese (`t`, `dt`), the screen's controls around it
 * in the reader's language (`ui`), and the QR code of `path`.
 */
export async function printPageData(request: FastifyRequest, path: string, backHref: string) {
  const zh = translator('zh-CN');
  const url = absoluteUrl(request, path);
  return {
    t: zh,
    locale: 'zh-CN',
    dt: (d: Date | string | null | undefined) => (d ? formatShanghai(new Date(d), 'zh-CN') : ''),
    ui: request.t,
    uiLocale: request.locale,
    url,
    qr: await qrSvg(url, zh('notices.print.qrLabel')),
    backHref,
    printedAt: request.server.now(),
  };
}

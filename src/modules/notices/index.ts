// Front door of the notices module (the estates' notice boards, 公示栏: the Notice table): the only file
// other modules (and app.ts) may import.
export { default as noticesRoutes } from './routes.ts';
export { publishNotice } from './service.ts';
// the printable A4 pages of votes' results and meetings' minutes are built like a notice's
export { absoluteUrl, printPageData, qrSvg } from './print.ts';

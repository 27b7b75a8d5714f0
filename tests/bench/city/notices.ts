import { DAY, HISTORY_DAYS, type City } from './city.ts';
import { iso } from './store.ts';
import { NOTICE_TITLES } from './text.ts';

/** The notice board (公示栏): what votes and meetings publish, and each estate's own general notices. */
export class NoticeWriter {
  private nextId = 1;
  private readonly insert;

  constructor(city: City) {
    this.insert = city.store.table('Notice', [
      'id',
      'estateId',
      'kind',
      'title',
      'body',
      'proposalId',
      'meetingId',
      'createdById',
      'publishedAt',
    ]);
  }

  write(row: {
    estateId: number;
    kind: string;
    title: string;
    body: string;
    proposalId?: number;
    meetingId?: number;
    createdById: number | null;
    at: number;
  }): void {
    this.insert({
      id: this.nextId++,
      estateId: row.estateId,
      kind: row.kind,
      title: row.title,
      body: row.body,
      proposalId: row.proposalId ?? null,
      meetingId: row.meetingId ?? null,
      createdById: row.createdById,
      publishedAt: iso(row.at),
    });
  }
}

export const GENERAL_NOTICES_PER_ESTATE = 10;

/** Ten general notices per estate over the years, by its property or committee. */
export function writeGeneralNotices(city: City, notices: NoticeWriter): void {
  const { rng, now } = city;
  for (const estate of city.estates) {
    for (let i = 0; i < GENERAL_NOTICES_PER_ESTATE; i++) {
      const title = rng.pick(NOTICE_TITLES);
      notices.write({
        estateId: estate.id,
        kind: 'general',
        title: `${estate.name}${title}`,
        body: `各位业主：\n${title}，具体安排请见物业服务中心公告栏或致电值班电话。\n特此通知。`,
        createdById: rng.chance(0.7) ? estate.propertyUserId : estate.committeeUserId,
        at: now - rng.next() * HISTORY_DAYS * DAY,
      });
    }
  }
}

import { DAY, HISTORY_DAYS, HOUR, MINUTE, type City, type CommunityInfo, type EstateInfo } from './city.ts';
import type { NoticeWriter } from './notices.ts';
import { Weighted } from './random.ts';
import { iso, isoOrNull } from './store.ts';
import type { MeetingSlot } from './timeline.ts';

interface AgendaEntry {
  issueId: number;
  title: string;
  estate: number;
  decision: { kind: 'assign' | 'reject'; party: string | null; dueAt: number | null; reason: string } | null;
}

interface MeetingPlan {
  id: number;
  community: number;
  kind: string;
  startsAt: number;
  endsAt: number;
  status: 'scheduled' | 'closed' | 'cancelled';
  appliedAt: number | null;
  agenda: AgendaEntry[];
}

const FREE_ITEMS = ['物业费收支年度公示方案', '小区停车管理办法修订', '垃圾分类推进情况通报', '公共收益使用情况通报'];
const PARTY_NAMES: Record<string, string> = { property: '物业', committee: '业委会', community: '社区', outside: '相关单位' };

/**
 * The joint meetings (三方联席会议) of the city: planned first, so issues escalated to a meeting can find the
 * next one of their community; written last, with the agenda those issues put on them. A past meeting was
 * held with all three parties and its minutes applied (or it was cancelled); a coming one is scheduled.
 */
export class Meetings {
  private readonly plans: MeetingPlan[] = [];
  private readonly byCommunity = new Map<number, MeetingPlan[]>();

  constructor(
    private readonly city: City,
    count: number,
  ) {
    const { rng, now } = city;
    const weights = new Weighted(
      city.communities.map((c) => c.estates.reduce((sum, e) => sum + (city.estates[e] as EstateInfo).issueWeight, 0)),
    );
    const first = Math.floor((now - HISTORY_DAYS * DAY) / DAY);
    const last = Math.floor((now + 30 * DAY) / DAY);
    const draft: Omit<MeetingPlan, 'id'>[] = [];
    for (let i = 0; i < count; i++) {
      // 14:30 in Shanghai; none runs across the moment the city is generated.
      let startsAt = rng.int(first, last) * DAY + 6.5 * HOUR;
      if (Math.abs(startsAt - now) < 6 * HOUR) startsAt -= DAY;
      const endsAt = startsAt + 2 * HOUR;
      const past = endsAt < now;
      const status = past ? (rng.chance(0.05) ? 'cancelled' : 'closed') : 'scheduled';
      const r = rng.next();
      draft.push({
        community: weights.index(rng),
        kind: r < 0.7 ? 'regular' : r < 0.95 ? 'ad_hoc' : 'emergency',
        startsAt,
        endsAt,
        status,
        appliedAt: status === 'closed' ? endsAt - 5 * MINUTE : null,
        agenda: [],
      });
    }
    draft.sort((a, b) => a.startsAt - b.startsAt);
    for (const [i, d] of draft.entries()) {
      const plan = { ...d, id: i + 1 };
      this.plans.push(plan);
      if (plan.status === 'cancelled') continue;
      const list = this.byCommunity.get(plan.community) ?? [];
      list.push(plan);
      this.byCommunity.set(plan.community, list);
    }
  }

  get count(): number {
    return this.plans.length;
  }

  /** The community's first meeting starting after `after` (and no later than `latest`), to put an issue to. */
  after(community: number, after: number, latest: number, issue: Omit<AgendaEntry, 'decision'>): MeetingSlot | null {
    const list = this.byCommunity.get(community);
    if (!list) return null;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as MeetingPlan).startsAt > after) hi = mid;
      else lo = mid + 1;
    }
    const plan = list[lo];
    if (!plan || plan.startsAt > latest) return null;
    return {
      id: plan.id,
      startsAt: plan.startsAt,
      appliedAt: plan.appliedAt,
      agenda: (decision) => plan.agenda.push({ ...issue, decision }),
    };
  }

  write(notices: NoticeWriter): void {
    const { city } = this;
    const { store, rng, now } = city;
    const meeting = store.table('Meeting', [
      'id',
      'communityId',
      'kind',
      'title',
      'place',
      'startsAt',
      'endsAt',
      'status',
      'minutes',
      'convenerId',
      'appliedAt',
      'sequence',
      'reminderSentAt',
      'createdAt',
      'updatedAt',
    ]);
    const meetingEstate = store.table('MeetingEstate', ['meetingId', 'estateId']);
    const participant = store.table('MeetingParticipant', ['id', 'meetingId', 'userId', 'party', 'attended']);
    const mark = store.table('AttendanceMark', ['id', 'participantId', 'meetingId', 'attended', 'recordedById', 'recordedAt']);
    const verdict = store.table('MeetingVerdict', ['id', 'meetingId', 'verdict', 'decidedById', 'decidedAt']);
    const item = store.table('AgendaItem', ['id', 'meetingId', 'issueId', 'title', 'position']);
    const decision = store.table('Decision', [
      'id',
      'agendaItemId',
      'kind',
      'party',
      'dueAt',
      'reason',
      'appliedAt',
      'createdAt',
    ]);
    const action = store.table('ActionItem', ['id', 'meetingId', 'ownerId', 'title', 'dueAt', 'doneAt', 'createdAt']);
    let participantId = 1;
    let itemId = 1;
    let decisionId = 1;
    let verdictId = 1;
    let actionId = 1;
    for (const plan of this.plans) {
      const community = city.communities[plan.community] as CommunityInfo;
      const convener = community.staff[0] as number;
      const closed = plan.status === 'closed';
      const estates = [...new Set(plan.agenda.map((a) => a.estate))];
      if (estates.length === 0) estates.push(rng.pick(community.estates));
      const month = new Date(plan.startsAt + 8 * HOUR).getUTCMonth() + 1;
      const title =
        plan.kind === 'regular'
          ? `${community.name}${month}月三方联席会议`
          : `${(city.estates[estates[0] as number] as EstateInfo).name}${plan.kind === 'emergency' ? '紧急' : '专题'}协调会`;
      const createdAt = plan.startsAt - rng.int(5, 14) * DAY;
      const reminded = plan.status === 'scheduled' ? (plan.startsAt - now <= DAY ? now : null) : plan.startsAt - DAY + 3 * MINUTE;
      meeting({
        id: plan.id,
        communityId: community.id,
        kind: plan.kind,
        title,
        place: `${community.name}党群服务中心会议室`,
        startsAt: iso(plan.startsAt),
        endsAt: iso(plan.endsAt),
        status: plan.status,
        minutes: closed ? `会议由社区主持，物业、业委会参加，议定事项${plan.agenda.length}项，详见各议题决定。` : '',
        convenerId: convener,
        appliedAt: isoOrNull(plan.appliedAt),
        sequence: plan.status === 'cancelled' ? 1 : 0,
        reminderSentAt: isoOrNull(plan.status === 'cancelled' ? null : reminded),
        createdAt: iso(createdAt),
        updatedAt: iso(plan.appliedAt ?? createdAt),
      });
      const invited: [number, string][] = [[convener, 'community']];
      for (const e of estates.slice(0, 3)) {
        const estate = city.estates[e] as EstateInfo;
        meetingEstate({ meetingId: plan.id, estateId: estate.id });
        invited.push([estate.propertyUserId, 'property'], [estate.committeeUserId, 'committee']);
      }
      for (const e of estates.slice(3)) meetingEstate({ meetingId: plan.id, estateId: (city.estates[e] as EstateInfo).id });
      const home = city.estates[estates[0] as number] as EstateInfo;
      if (rng.chance(0.3) && home.residents.length > 0) invited.push([rng.pick(home.residents), 'resident_rep']);
      for (const [userId, party] of invited) {
        const id = participantId++;
        participant({ id, meetingId: plan.id, userId, party, attended: closed ? 1 : null });
        if (closed) {
          mark({
            id,
            participantId: id,
            meetingId: plan.id,
            attended: 1,
            recordedById: convener,
            recordedAt: iso(plan.startsAt + 10 * MINUTE),
          });
        }
      }
      const lines: string[] = [];
      plan.agenda.forEach((entry, i) => {
        const id = itemId++;
        item({ id, meetingId: plan.id, issueId: entry.issueId, title: entry.title, position: i + 1 });
        if (entry.decision) {
          const d = entry.decision;
          decision({
            id: decisionId++,
            agendaItemId: id,
            kind: d.kind,
            party: d.party,
            dueAt: isoOrNull(d.dueAt),
            reason: d.reason,
            appliedAt: isoOrNull(plan.appliedAt),
            createdAt: iso(plan.startsAt + HOUR),
          });
          lines.push(
            `${i + 1}. ${entry.title}：${d.kind === 'assign' ? `交由${PARTY_NAMES[d.party ?? ''] ?? ''}办理` : `不予受理（${d.reason}）`}`,
          );
        }
      });
      item({ id: itemId++, meetingId: plan.id, issueId: null, title: rng.pick(FREE_ITEMS), position: plan.agenda.length + 1 });
      if (!closed || plan.appliedAt === null) continue;
      verdict({ id: verdictId++, meetingId: plan.id, verdict: 'applied', decidedById: convener, decidedAt: iso(plan.appliedAt) });
      const due = plan.appliedAt + 7 * DAY;
      action({
        id: actionId++,
        meetingId: plan.id,
        ownerId: home.propertyUserId,
        title: '落实会议议定事项并在公示栏公示',
        dueAt: iso(due),
        doneAt: due - 3 * DAY < now ? iso(due - 3 * DAY) : null,
        createdAt: iso(plan.startsAt + HOUR),
      });
      for (const e of estates) {
        const estate = city.estates[e] as EstateInfo;
        notices.write({
          estateId: estate.id,
          kind: 'meeting_decision',
          title: `${title}决定公示`,
          body: [`${title}已召开，社区、物业、业委会三方均出席。`, ...(lines.length ? lines : ['本次会议无议定事项。'])].join(
            '\n',
          ),
          meetingId: plan.id,
          createdById: convener,
          at: plan.appliedAt,
        });
      }
    }
  }
}

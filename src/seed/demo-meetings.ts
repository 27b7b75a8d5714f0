import type { DbTx } from '../plugins/db.ts';
import type { Actor } from '../actor.ts';
import { formatShanghaiLocal } from '../domain/deadlines.ts';
import {
  addActionItem,
  applyMinutes,
  completeActionItem,
  conveneMeeting,
  addFreeItem,
  moveAgendaItem,
  recordAttendance,
  recordDecision,
} from '../modules/meetings/index.ts';

export interface DemoMeetingsContext {
  now: Date;
  estate: { id: number };
  /** The community worker who convenes (an Actor with the community's estates in scope). */
  communityActor: Actor;
  users: {
    community: { id: number };
    property: { id: number };
    committee: { id: number };
    resident: { id: number };
    resident2: { id: number };
  };
}

const DAY = 86_400_000;
const MINUTE = 60_000;
/** The audit log's "from where" for what the seed does: no request, so no address. */
const SEEDED = { ip: '' };

/** A Shanghai wall-clock time `days` from `from`, at hh:mm, as the convene form sends it. */
function at(from: Date, days: number, hhmm: string): string {
  return `${formatShanghaiLocal(new Date(from.getTime() + days * DAY)).slice(0, 10)}T${hhmm}`;
}

/**
 * The joint meetings of the demo story, made through the meeting service so every row is as the app makes
 * it: four days ago a held 三方联席会议 put the building-5 roof repair (38.6 万元 from the maintenance fund)
 * to an owners' vote, and deferred the lawn dispute; next week's regular meeting has the escalated issues
 * still waiting on its agenda.
 */
export async function seedDemoMeetings(tx: DbTx, ctx: DemoMeetingsContext): Promise<void> {
  const { now, estate, communityActor: staff, users } = ctx;
  const roof = await tx.issue.findFirst({ where: { estateId: estate.id, title: { startsWith: '5号楼顶楼屋面漏水' } } });
  if (!roof || roof.state !== 'awaiting_meeting') throw new Error('demo: the roof-leak issue is not awaiting a meeting');

  // ── the held meeting, convened a week ago, held four days ago ──
  const convenedAt = new Date(now.getTime() - 7 * DAY);
  const held = await conveneMeeting(
    tx,
    staff,
    {
      kind: 'ad_hoc',
      title: '森嘉幸福里5号楼屋面维修三方联席会议',
      place: '龚家湾社区党群服务中心二楼会议室',
      startsAt: at(now, -4, '14:30'),
      endsAt: at(now, -4, '16:30'),
      estateIds: [String(estate.id)],
      participantIds: [users.community.id, users.property.id, users.committee.id, users.resident.id].map(String),
    },
    convenedAt,
    SEEDED,
  );
  const meeting = await tx.meeting.findUniqueOrThrow({ where: { id: held.meetingId } });
  const roofItem = await tx.agendaItem.findFirstOrThrow({ where: { meetingId: meeting.id, issueId: roof.id } });
  // The roof is what the meeting was called for: it goes first.
  for (let i = 1; i < roofItem.position; i++) await moveAgendaItem(tx, staff, meeting.id, roofItem.id, 'up', convenedAt);

  const during = new Date(meeting.startsAt.getTime() + 10 * MINUTE);
  await recordAttendance(
    tx,
    staff,
    meeting.id,
    {
      attended: [users.community.id, users.property.id, users.committee.id, users.resident.id].map(String),
      minutes: [
        '一、物业通报：5号楼屋面约 2400 平方米，防水层老化开裂，顶楼 12 户渗水。整体翻修（SBS 改性沥青防水卷材两层＋保护层）预算 38.6 万元，已询价三家。',
        '二、业委会意见：同意动用住宅专项维修资金，按规定提交 5号楼业主表决（双三分之二参与、双过半同意）。',
        '三、居民代表意见：雨季将至，请尽快组织表决；物业和社区入户向有异议的业主解释。',
        '四、草坪改停车位事项分歧较大，先由业委会征求全体业主意见，延至下次例会。',
      ].join('\n'),
    },
    during,
    SEEDED,
  );
  const decidedAt = new Date(meeting.startsAt.getTime() + 60 * MINUTE);
  await recordDecision(
    tx,
    staff,
    meeting.id,
    roofItem.id,
    { kind: 'open_vote', party: '', dueAt: '', reason: '', amount: '386000' },
    decidedAt,
    SEEDED,
  );
  // Issues the meeting only supervises (overdue, bouncing) cannot be decided, so only the rest are deferred.
  const others = await tx.agendaItem.findMany({
    where: { meetingId: meeting.id, id: { not: roofItem.id }, source: { in: ['manual', 'awaiting_meeting'] } },
  });
  const deferReasons: [string, string][] = [
    ['草坪', '改变共有部分用途分歧较大，先由业委会征求全体业主意见'],
    ['外墙', '先请物业出具外墙安全检测报告，物业先行拉设警戒线'],
  ];
  for (const item of others) {
    const reason = deferReasons.find(([word]) => item.title.includes(word))?.[1] ?? '';
    await recordDecision(
      tx,
      staff,
      meeting.id,
      item.id,
      { kind: 'defer', party: '', dueAt: '', reason, amount: '' },
      decidedAt,
      SEEDED,
    );
  }
  const quote = await addActionItem(
    tx,
    staff,
    meeting.id,
    { ownerId: String(users.property.id), title: '提交屋面翻修施工方案和三家报价，在公示栏公示', dueAt: at(now, -2, '18:00') },
    decidedAt,
  );
  await addActionItem(
    tx,
    staff,
    meeting.id,
    { ownerId: String(users.committee.id), title: '组织5号楼业主表决，对有异议的业主入户讲解', dueAt: at(now, 5, '18:00') },
    decidedAt,
  );
  await applyMinutes(tx, staff, meeting.id, new Date(meeting.endsAt.getTime() - 5 * MINUTE), SEEDED);
  await completeActionItem(tx, staff, meeting.id, quote.id, new Date(now.getTime() - 2.5 * DAY));

  // ── next week's regular monthly meeting, with the issues still waiting proposed on its agenda ──
  const upcoming = await conveneMeeting(
    tx,
    staff,
    {
      kind: 'regular',
      title: '森嘉幸福里月度三方联席会议',
      place: '森嘉幸福里物业服务中心会议室',
      startsAt: at(now, 7, '15:00'),
      endsAt: at(now, 7, '17:00'),
      estateIds: [String(estate.id)],
      participantIds: [users.community.id, users.property.id, users.committee.id, users.resident2.id].map(String),
    },
    now,
    SEEDED,
  );
  await addFreeItem(tx, staff, upcoming.meetingId, '物业费收支年度公示方案', now);
}

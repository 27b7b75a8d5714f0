import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { seedDemo } from '../../src/seed/demo.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({}, new Date('2026-11-27T04:00:00Z'));
  await seedDemo(t.app.db, t.clock.now);
}, 120_000);
afterAll(async () => t.close());

describe('the demo’s joint meetings', () => {
  it('held a quorate meeting four days ago that put the building-5 roof to an owners’ vote', async () => {
    const db = t.app.db;
    const roof = await db.issue.findFirstOrThrow({ where: { title: { startsWith: '5号楼顶楼屋面漏水' } } });
    expect(roof.state).toBe('awaiting_vote');
    const event = await db.issueEvent.findFirstOrThrow({ where: { issueId: roof.id, action: 'meeting_open_vote' } });
    expect(event.meetingId).not.toBeNull();
    const meeting = await db.meeting.findUniqueOrThrow({
      where: { id: event.meetingId as number },
      include: {
        participants: true,
        actionItems: true,
        agendaItems: { include: { decision: true }, orderBy: { position: 'asc' } },
      },
    });
    expect(meeting.status).toBe('closed');
    expect(meeting.startsAt < t.clock.now).toBe(true);
    expect(new Set(meeting.participants.filter((p) => p.attended).map((p) => p.party))).toEqual(
      new Set(['community', 'property', 'committee', 'resident_rep']),
    );
    expect(meeting.agendaItems[0]?.issueId).toBe(roof.id);
    expect(meeting.agendaItems[0]?.decision).toMatchObject({ kind: 'open_vote', amountFen: 38_600_000 });
    expect(meeting.actionItems.length).toBe(2);
    expect(await db.notice.count({ where: { meetingId: meeting.id, kind: 'meeting_decision' } })).toBe(1);
  });

  it('has next week’s regular meeting with the escalated issues still waiting on its agenda', async () => {
    const db = t.app.db;
    const next = await db.meeting.findFirstOrThrow({
      where: { status: 'scheduled', kind: 'regular' },
      include: { agendaItems: { include: { issue: true } } },
    });
    expect(next.startsAt > t.clock.now).toBe(true);
    const waiting = await db.issue.findMany({
      where: {
        state: 'awaiting_meeting',
        estateId: { in: (await db.meetingEstate.findMany({ where: { meetingId: next.id } })).map((e) => e.estateId) },
      },
    });
    expect(waiting.length).toBeGreaterThan(0);
    const toDecide = next.agendaItems.filter((i) => i.issue && i.source === 'awaiting_meeting');
    expect(new Set(toDecide.map((i) => i.issueId))).toEqual(new Set(waiting.map((i) => i.id)));
    // Beside them, only the issues proposed for supervision (long overdue or bouncing).
    const others = next.agendaItems.filter((i) => i.issue && i.source !== 'awaiting_meeting');
    expect(others.every((i) => i.source === 'overdue' || i.source === 'bouncing')).toBe(true);
    expect(next.agendaItems.some((i) => i.issueId === null)).toBe(true);
  });
});

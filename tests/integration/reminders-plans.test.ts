import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso, planHarness, randomSequence, type PlanHarness } from './pages-at-scale.ts';
import { planOf } from '../helpers/plans.ts';
import { deadlineWarningJob, overdueJob } from '../../src/modules/issues/index.ts';
import { autoAgendaJob } from '../../src/modules/meetings/index.ts';

/**
 * The reminder jobs over a city (issue #12): 30,000 issues in every state with deadlines spread over a
 * year around now, and a scheduled joint meeting. Every statement a run issues reaches the issues
 * through an index search, never a pass over the table, and a run still does its work.
 */

const START = new Date('2026-11-20T02:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISSUES = 30_000;
const STATES = ['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote', 'resolved', 'closed', 'rejected'];

let h: PlanHarness;

beforeAll(async () => {
  h = await planHarness(
    START,
    (file, world) => {
      const db = new Database(file);
      const next = randomSequence(12);
      const now = START.getTime();
      const category = world.cat('sanitation');
      const insert = db.prepare(
        `INSERT INTO Issue (estateId, buildingId, locationType, isPublic, categoryId, emergency, title, description, reporterId,
           submissionKey, state, assignedParty, respondBy, resolveBy, handoffCount, createdAt, updatedAt)
         VALUES (?, ?, 'building', 1, ?, 0, ?, '描述', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const places = [
        [world.estateA.id, world.buildingA.id, world.users.residentA.id],
        [world.estateB.id, world.buildingB.id, world.users.residentB.id],
        [world.estateC.id, null, world.users.residentC.id],
      ] as const;
      db.transaction(() => {
        for (let n = 0; n < ISSUES; n++) {
          const [estateId, buildingId, reporterId] = places[n % places.length]!;
          const created = now - Math.floor(next() * 365 * DAY);
          const state = STATES[Math.floor(next() * STATES.length)]!;
          insert.run(
            estateId,
            buildingId,
            category.id,
            `诉求 ${n}`,
            reporterId,
            `plan-${n}`,
            state,
            state === 'submitted' ? null : 'property',
            iso(created + DAY),
            iso(created + 7 * DAY),
            n % 50 === 0 ? 2 : 0,
            iso(created),
            iso(created),
          );
        }
        // Some due a warning now: accepted in 3 hours, resolved in 2.
        for (let n = 0; n < 20; n++) {
          const [estateId, buildingId, reporterId] = places[n % places.length]!;
          const submitted = now - 21 * HOUR;
          const working = now - 7 * DAY + 2 * HOUR;
          for (const [state, created] of [
            ['submitted', submitted],
            ['in_progress', working],
          ] as const) {
            insert.run(
              estateId,
              buildingId,
              category.id,
              `将到期 ${n}`,
              reporterId,
              `due-${state}-${n}`,
              state,
              state === 'submitted' ? null : 'property',
              iso(created + DAY),
              iso(created + 7 * DAY),
              0,
              iso(created),
              iso(created),
            );
          }
        }
        const meeting = db
          .prepare(
            `INSERT INTO Meeting (communityId, kind, title, place, startsAt, endsAt, convenerId, createdAt, updatedAt)
             VALUES (?, 'regular', '例会', '会议室', ?, ?, ?, ?, ?)`,
          )
          .run(
            world.community.id,
            iso(now + 2 * DAY),
            iso(now + 2 * DAY + 2 * HOUR),
            world.users.community.id,
            iso(now),
            iso(now),
          );
        db.prepare('INSERT INTO MeetingEstate (meetingId, estateId) VALUES (?, ?)').run(
          meeting.lastInsertRowid,
          world.estateA.id,
        );
      })();
      db.close();
    },
    [],
  );
}, 120_000);
afterAll(async () => h.close());

describe('the reminder jobs over a city of issues', () => {
  it.each([
    ['the warning before a deadline', deadlineWarningJob],
    ['the notice of a passed deadline', overdueJob],
    ['the proposals for the next joint meeting', autoAgendaJob],
  ])('%s reads only index ranges', async (_name, job) => {
    const { result, statements } = await h.captured(() => job.run(h.app, START));
    expect(result).toBeGreaterThan(0);
    const issueReads = statements.filter((s) => /select/i.test(s) && /"Issue"|`Issue`|\bIssue\b/.test(s));
    expect(issueReads.length).toBeGreaterThan(0);
    expect(h.scans(statements)).toEqual([]);
    // Not a walk of the whole table in id order either.
    for (const s of issueReads)
      expect(planOf(h.databaseFile, s).join('\n')).not.toMatch(/USING INTEGER PRIMARY KEY \(rowid>\?\)/);
  });
});

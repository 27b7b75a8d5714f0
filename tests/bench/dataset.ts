import Database from 'better-sqlite3';

export const ESTATES = Number(process.env.BENCH_ESTATES ?? 20);
export const UNITS_PER_ESTATE = Number(process.env.BENCH_UNITS ?? 1500);
export const ISSUES = Number(process.env.BENCH_ISSUES ?? 60000);

const STATES = ['submitted', 'accepted', 'in_progress', 'awaiting_meeting', 'awaiting_vote', 'resolved', 'closed', 'rejected'];

/** Bulk rows through better-sqlite3 in one transaction: the app's own services are too slow for 10^5 rows. */
export function generate(
  file: string,
  world: { estateA: { id: number }; community: { id: number }; users: { residentA: { id: number } } },
) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const t0 = Date.now();
  const now = Date.now();
  const categories = db.prepare('SELECT id, emergency FROM Category').all() as { id: number; emergency: number }[];
  const insertEstate = db.prepare(
    "INSERT INTO Estate (communityId, name, address, propertyCompanyName, createdAt) VALUES (?, ?, '', '', ?)",
  );
  const insertBuilding = db.prepare('INSERT INTO Building (estateId, name, sortOrder, floors) VALUES (?, ?, ?, 18)');
  const insertUnit = db.prepare(
    "INSERT INTO Unit (buildingId, entrance, room, floor, areaCentiM2, developerUnsold, createdAt, updatedAt) VALUES (?, '1', ?, ?, ?, 0, ?, ?)",
  );
  const insertUser = db.prepare(
    "INSERT INTO User (username, passwordHash, displayName, phone, role, communityId, estateId, unitId, isTenant, orgName, locale, active, passwordChangedAt, createdAt, updatedAt) VALUES (?, '!', ?, '13800000000', 'resident', ?, ?, ?, 0, '', 'zh-CN', 1, ?, ?, ?)",
  );
  const insertIssue = db.prepare(
    `INSERT INTO Issue (estateId, buildingId, unitId, locationType, locationNote, isPublic, categoryId, emergency, title, description, reporterId, submissionKey, state, assignedParty, assignedOrg, respondBy, resolveBy, acceptedAt, rejectReason, reopenCount, handoffCount, ratingComment, version, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, '描述', ?, ?, ?, ?, '', ?, ?, ?, '', 0, ?, '', 0, ?, ?)`,
  );
  const insertEvent = db.prepare(
    "INSERT INTO IssueEvent (issueId, actorId, actorRole, action, fromState, toState, note, createdAt) VALUES (?, ?, 'resident', 'submit', NULL, 'submitted', '', ?)",
  );
  const insertSupport = db.prepare('INSERT OR IGNORE INTO Support (issueId, userId, createdAt) VALUES (?, ?, ?)');

  let rand = 12345;
  const next = () => (rand = (rand * 1103515245 + 12345) % 2147483648) / 2147483648;
  db.transaction(() => {
    const estateIds = [world.estateA.id];
    for (let e = 1; e < ESTATES; e++)
      estateIds.push(Number(insertEstate.run(world.community.id, `压测小区${e}`, now).lastInsertRowid));
    const units: { estateId: number; buildingId: number; unitId: number; userId: number }[] = [];
    let userSeq = 0;
    for (const estateId of estateIds) {
      const buildings: number[] = [];
      for (let b = 1; b <= 10; b++)
        buildings.push(Number(insertBuilding.run(estateId, `${b}号楼-${estateId}`, b).lastInsertRowid));
      for (let u = 0; u < UNITS_PER_ESTATE; u++) {
        const buildingId = buildings[u % buildings.length] as number;
        const unitId = Number(
          insertUnit.run(buildingId, `${Math.floor(u / 10) + 100}-${u}`, (u % 18) + 1, 7000 + (u % 70) * 100, now, now)
            .lastInsertRowid,
        );
        const userId =
          u % 3 === 0
            ? Number(
                insertUser.run(`bench_${++userSeq}`, `居民${userSeq}`, world.community.id, estateId, unitId, now, now, now)
                  .lastInsertRowid,
              )
            : 0;
        if (userId) units.push({ estateId, buildingId, unitId, userId });
      }
    }
    const reporters = [
      ...units,
      {
        estateId: world.estateA.id,
        buildingId: units[0]?.buildingId ?? 0,
        unitId: units[0]?.unitId ?? 0,
        userId: world.users.residentA.id,
      },
    ];
    for (let i = 0; i < ISSUES; i++) {
      // residentA gets a realistic share of their own (a few dozen)
      const r =
        i % 2000 === 0
          ? (reporters[reporters.length - 1] as (typeof reporters)[number])
          : (reporters[Math.floor(next() * (reporters.length - 1))] as (typeof reporters)[number]);
      const cat = categories[Math.floor(next() * categories.length)] as { id: number; emergency: number };
      const state = STATES[Math.floor(next() * STATES.length)] as string;
      const created = now - Math.floor(next() * 180 * 86_400_000);
      const isPublic = next() < 0.6 ? 1 : 0;
      const party =
        state === 'submitted' || state === 'rejected' ? null : ['property', 'committee', 'community'][Math.floor(next() * 3)];
      const id = Number(
        insertIssue.run(
          r.estateId,
          isPublic ? r.buildingId : r.buildingId,
          isPublic ? null : r.unitId,
          isPublic ? 'building' : 'unit',
          isPublic,
          cat.id,
          cat.emergency,
          `压测诉求 ${i}`,
          r.userId,
          `bench-${i}`,
          state,
          party,
          created + 86_400_000,
          created + 7 * 86_400_000,
          party ? created + 3_600_000 : null,
          next() < 0.05 ? 2 : 0,
          created,
          created,
        ).lastInsertRowid,
      );
      insertEvent.run(id, r.userId, created);
      if (isPublic && next() < 0.2)
        insertSupport.run(id, (reporters[Math.floor(next() * reporters.length)] as (typeof reporters)[number]).userId, created);
    }
  })();
  db.pragma('optimize');
  db.close();
  console.log(
    `generated ${ESTATES} estates × ${UNITS_PER_ESTATE} units and ${ISSUES} issues in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

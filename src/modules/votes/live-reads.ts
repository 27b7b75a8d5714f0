import type { Actor } from '../../actor.ts';
import { NotFound } from '../../errors.ts';
import { fromSqlTime, jsonArrayFrom, jsonRows, rawSql, sqlBool, type Sql } from '../../plugins/sql.ts';
import { PROPOSAL_STATUS } from '../../domain/proposal-workflow.ts';
import { maskName } from '../../domain/privacy.ts';
import { noBallotReason, ownVoterKeys } from './electorate.ts';
import { countsOf, countsOrRecount, proposalQuery, tallyOrProblem } from './live-tally.ts';

/**
 * The vote page (issue #11), read in one statement after the session whatever the size of the
 * electorate: the proposal with its display joins, the running tally (VoteCount, tally-counts.ts), the
 * first units of the canvass list, the actor's own ballots and, for the estate's committee and community
 * staff, the latest ballot changes, each a bounded index search. The htmx poll of the tally reads the
 * proposal and its counts only. The result has the shape the views read: nested objects, Dates, booleans.
 */

/** Units of the canvass list shown on the vote page; the whole list is its own page (/votes/:id/canvass). */
export const CANVASS_PREVIEW = 20;
/** Ballot changes shown to the committee and community staff. */
const RECENT_CHANGES = 30;

interface CanvassFloor {
  floor: number;
  units: { unitId: number; entrance: string; room: string; area: number; names: string; voterKey: string }[];
}

interface CanvassUnit {
  unitId: number;
  buildingName: string;
  floor: number;
  entrance: string;
  room: string;
  areaCentiM2: number;
  ownerNames: string;
  voterKey: string;
}

/** Units not yet voted, by building and floor (top floor first), names masked for residents. */
function canvassOf(units: CanvassUnit[], actor: Actor) {
  const full = actor.role !== 'resident';
  const buildings: { name: string; floors: CanvassFloor[]; count: number }[] = [];
  for (const u of units) {
    let b = buildings.find((x) => x.name === u.buildingName);
    if (!b) buildings.push((b = { name: u.buildingName, floors: [], count: 0 }));
    let f = b.floors.find((x) => x.floor === u.floor);
    if (!f) b.floors.push((f = { floor: u.floor, units: [] }));
    const names = full ? u.ownerNames : u.ownerNames.split('、').map(maskName).join('、');
    f.units.push({ unitId: u.unitId, entrance: u.entrance, room: u.room, area: u.areaCentiM2, names, voterKey: u.voterKey });
    b.count += 1;
  }
  return buildings;
}

function inWindow(p: { opensAt: Date | null; closesAt: Date | null }, now: Date): boolean {
  return p.opensAt !== null && p.closesAt !== null && now >= p.opensAt && now < p.closesAt;
}

/**
 * The vote page: the proposal with everything it shows. `canvass` is how many units of the canvass list
 * to read (the vote page shows the first few, the canvass page all of them).
 */
export async function liveProposalPage(sql: Sql, actor: Actor, id: number, now: Date, canvass: number | 'all' = CANVASS_PREVIEW) {
  const resident = noBallotReason(actor) === null;
  const staff = actor.role === 'committee' || actor.role === 'community';
  const row = await proposalQuery(sql, actor, id)
    .innerJoin('User as cb', 'cb.id', 'p.createdById')
    .leftJoin('Issue as i', 'i.id', 'p.issueId')
    .select([
      'p.issueId',
      'p.title',
      'p.description',
      'p.scope',
      'p.amountFen',
      'p.emergency',
      'p.opensAt',
      'p.closesAt',
      'p.closedAt',
      'p.closeReason',
      'p.cancelReason',
      'p.secretBallots',
      'p.quotesText',
      'p.emergencyAppliedAt',
      'cb.displayName as createdByName',
      'cb.orgName as createdByOrg',
      'i.title as issueTitle',
      'i.state as issueState',
      'i.emergency as issueEmergency',
    ])
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('FundProposalBuilding as fb')
          .innerJoin('Building as b', 'b.id', 'fb.buildingId')
          .select('b.name')
          .whereRef('fb.proposalId', '=', 'p.id')
          .orderBy('fb.buildingId'),
      ).as('buildings'),
      jsonArrayFrom(
        eb
          .selectFrom('Attachment as a')
          .select(['a.id', 'a.mime', 'a.originalName'])
          .whereRef('a.proposalId', '=', 'p.id')
          .orderBy('a.id'),
      ).as('attachments'),
      jsonArrayFrom(
        eb.selectFrom('Notice as n').select(['n.id', 'n.kind']).whereRef('n.proposalId', '=', 'p.id').orderBy('n.id'),
      ).as('notices'),
      // Not yet voted, in the stairwell round's order: a walk down the (proposalId, building, floor…) index
      // that stops at the page's units, each checked against the ballot index.
      jsonArrayFrom(
        eb
          .selectFrom('VoteUnit as v')
          .select([
            'v.unitId',
            'v.buildingName',
            'v.floor',
            'v.entrance',
            'v.room',
            'v.areaCentiM2',
            'v.ownerNames',
            'v.voterKey',
          ])
          .whereRef('v.proposalId', '=', 'p.id')
          .where('p.openedAt', 'is not', null)
          // the vote page lists it while the vote is open; the canvass page whenever there is an electorate
          .$if(canvass !== 'all', (q) => q.where('p.status', '=', PROPOSAL_STATUS.open))
          .where((w) =>
            w.not(
              w.exists(
                w
                  .selectFrom('Ballot as cbl')
                  .select('cbl.id')
                  .whereRef('cbl.proposalId', '=', 'v.proposalId')
                  .whereRef('cbl.voterKey', '=', 'v.voterKey'),
              ),
            ),
          )
          .orderBy('v.buildingName')
          .orderBy('v.floor', 'desc')
          .orderBy('v.entrance')
          .orderBy('v.room')
          .$if(typeof canvass === 'number', (q) => q.limit(Number(canvass))),
      ).as('canvass'),
      // The actor's own ballots: the units whose voter key names their owner record, with the ballot
      // that stands. The key check is `ownVoterKeys` below; LIKE only narrows the electorate's index.
      jsonArrayFrom(
        eb
          .selectFrom('VoteUnit as mv')
          .leftJoin('Ballot as mb', (j) =>
            j.onRef('mb.proposalId', '=', 'mv.proposalId').onRef('mb.voterKey', '=', 'mv.voterKey'),
          )
          .select([
            'mv.unitId',
            'mv.voterKey',
            'mv.buildingName',
            'mv.entrance',
            'mv.room',
            'mv.areaCentiM2',
            'mv.ownerNames',
            'mb.id as ballotId',
            'mb.choice',
            'mb.channel',
            'mb.recorderName',
            'mb.agentName',
            'mb.signedAt',
            'mb.updatedAt',
          ])
          .whereRef('mv.proposalId', '=', 'p.id')
          .$if(!resident, (q) => q.where(rawSql<boolean>`1 = 0`))
          .where((w) => {
            // The key names the owner alone or among co-owners ('o:12', 'o:12+o:13'). The owner is looked up
            // by the account alone, uncorrelated, so SQLite reads it once rather than once per unit.
            const token = rawSql<string>`'o:' || (${w.selectFrom('Owner as lo').select('lo.id').where('lo.userId', '=', actor.userId)})`;
            return w.or([
              w('mv.voterKey', '=', token),
              w('mv.voterKey', 'like', rawSql<string>`${token} || '+%'`),
              w('mv.voterKey', 'like', rawSql<string>`'%+' || ${token}`),
              w('mv.voterKey', 'like', rawSql<string>`'%+' || ${token} || '+%'`),
            ]);
          })
          .orderBy('mv.unitId'),
      ).as('mine'),
      // the owner of record this account is linked to in the proposal's estate (the roster's link)
      eb
        .selectFrom('Owner as o')
        .select('o.id')
        .where('o.userId', '=', actor.userId)
        .whereRef('o.estateId', '=', 'p.estateId')
        .as('myOwnerId'),
      jsonArrayFrom(
        eb
          .selectFrom('BallotChange as bc')
          .innerJoin('User as ua', 'ua.id', 'bc.actorId')
          .select((rb) => [
            'bc.id',
            'bc.voterKey',
            'bc.fromChoice',
            'bc.toChoice',
            'bc.channel',
            'bc.recorderName',
            'bc.agentName',
            'bc.signedAt',
            'bc.createdAt',
            'ua.displayName as actorName',
            'ua.role as actorRole',
            jsonArrayFrom(
              rb
                .selectFrom('VoteUnit as lv')
                .select(['lv.buildingName', 'lv.entrance', 'lv.room', 'lv.ownerNames'])
                .whereRef('lv.proposalId', '=', 'bc.proposalId')
                .whereRef('lv.voterKey', '=', 'bc.voterKey')
                .orderBy('lv.unitId'),
            ).as('units'),
          ])
          .whereRef('bc.proposalId', '=', 'p.id')
          .$if(!staff, (q) => q.where(rawSql<boolean>`1 = 0`))
          .orderBy('bc.createdAt', 'desc')
          .orderBy('bc.id', 'desc')
          .limit(RECENT_CHANGES),
      ).as('recent'),
    ])
    .executeTakeFirst();
  if (!row) throw new NotFound();

  const isOpen = row.status === PROPOSAL_STATUS.open;
  // A tally exists once the electorate was snapshotted; an emergency confirmed on a draft never had one.
  const live = row.openedAt !== null;
  const counts = live ? await countsOrRecount(sql, row.id, countsOf(row)) : null;
  const { tally, tallyProblem } = counts ? tallyOrProblem(row, counts) : { tally: null, tallyProblem: '' };
  const proposal = {
    id: row.id,
    estateId: row.estateId,
    issueId: row.issueId,
    matter: row.matter,
    title: row.title,
    description: row.description,
    scope: row.scope,
    amountFen: row.amountFen,
    status: row.status,
    emergency: sqlBool(row.emergency),
    opensAt: fromSqlTime(row.opensAt),
    closesAt: fromSqlTime(row.closesAt),
    openedAt: fromSqlTime(row.openedAt),
    closedAt: fromSqlTime(row.closedAt),
    closeReason: row.closeReason,
    cancelReason: row.cancelReason,
    secretBallots: sqlBool(row.secretBallots),
    quotesText: row.quotesText,
    emergencyAppliedAt: fromSqlTime(row.emergencyAppliedAt),
    estate: { id: row.estateId, name: row.estateName },
    issue:
      row.issueId !== null && row.issueTitle !== null
        ? { id: row.issueId, title: row.issueTitle, state: row.issueState ?? '', emergency: sqlBool(row.issueEmergency) }
        : null,
    buildings: jsonRows<{ name: string }>(row.buildings).map((b) => ({ building: { name: b.name } })),
    attachments: jsonRows<{ id: number; mime: string; originalName: string }>(row.attachments),
    createdBy: { displayName: row.createdByName, orgName: row.createdByOrg },
    notices: jsonRows<{ id: number; kind: string }>(row.notices),
  };

  const refused = noBallotReason(actor);
  const mineRows = jsonRows<MineRow>(row.mine);
  const own = refused
    ? { keys: [] as string[], reason: refused }
    : ownVoterKeys(
        row.myOwnerId,
        mineRows.map((m) => m.voterKey),
      );
  const mine = {
    reason: own.reason,
    keys: own.keys.map((key) => {
      const units = mineRows.filter((m) => m.voterKey === key);
      const b = units.find((m) => m.ballotId !== null);
      return {
        key,
        ballot: b
          ? {
              choice: b.choice,
              channel: b.channel,
              recorderName: b.recorderName,
              agentName: b.agentName,
              signedAt: fromSqlTime(b.signedAt),
              updatedAt: fromSqlTime(b.updatedAt),
            }
          : null,
        units: units.map((u) => ({
          unitId: u.unitId,
          voterKey: u.voterKey,
          buildingName: u.buildingName,
          entrance: u.entrance,
          room: u.room,
          areaCentiM2: u.areaCentiM2,
          ownerNames: u.ownerNames,
        })),
      };
    }),
  };

  const isCommittee = actor.role === 'committee' && actor.estateIds.includes(row.estateId);
  const isCommunity = actor.role === 'community' && actor.estateIds.includes(row.estateId);
  const voterLabel: Record<string, string> = {};
  const recent = (isCommittee || isCommunity ? jsonRows<RecentRow>(row.recent) : []).map(
    ({ units, actorName, actorRole, ...c }) => {
      voterLabel[c.voterKey] ??= jsonRows<RecentRow['units'][number]>(units)
        .map((u, i) => (i === 0 ? `${u.ownerNames} · ` : '') + `${u.buildingName} ${u.entrance}-${u.room}`)
        .join('、');
      return {
        ...c,
        signedAt: fromSqlTime(c.signedAt),
        createdAt: fromSqlTime(c.createdAt),
        actor: { displayName: actorName, role: actorRole },
      };
    },
  );
  const canvassList = canvassOf(jsonRows<CanvassUnit>(row.canvass), actor);
  // every unit not voted, from the counts; the list may show only the first of them
  const canvassCount = counts ? counts.electorateUnits - counts.votedUnits : 0;
  const canvassShown = canvassList.reduce((n, b) => n + b.count, 0);
  return {
    proposal,
    tally,
    tallyProblem,
    voterLabel,
    mine,
    isCommittee,
    isCommunity,
    windowOpen: isOpen && inWindow(proposal, now),
    notYetOpen: isOpen && proposal.opensAt !== null && now < proposal.opensAt,
    // a cut list's figure per building would count only the units shown: it is left out
    canvass: canvassCount > canvassShown ? canvassList.map((b) => ({ ...b, count: null })) : canvassList,
    canvassCount,
    canvassShown,
    recent,
    // the emergency path has its own page (emergency.ts): linked wherever it applies or has begun
    emergencyPath: proposal.issue?.emergency === true || proposal.emergencyAppliedAt !== null,
  };
}

interface MineRow {
  unitId: number;
  voterKey: string;
  buildingName: string;
  entrance: string;
  room: string;
  areaCentiM2: number;
  ownerNames: string;
  ballotId: number | null;
  choice: string;
  channel: string;
  recorderName: string;
  agentName: string;
  signedAt: string | null;
  updatedAt: string;
}

interface RecentRow {
  id: number;
  voterKey: string;
  fromChoice: string | null;
  toChoice: string;
  channel: string;
  recorderName: string;
  agentName: string;
  signedAt: string | null;
  createdAt: string;
  actorName: string;
  actorRole: string;
  units: { buildingName: string; entrance: string; room: string; ownerNames: string }[];
}

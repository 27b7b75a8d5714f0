import { tallyVote, type VoteBallot, type VoteChoice, type VoteMatter, type VoteUnit } from '../../../src/domain/vote-tally.ts';
import { approvedLedgerAmount, voteResult } from '../../../src/domain/vote-result.ts';
import { ownerIdsOf } from '../../../src/domain/voter-keys.ts';
import { formatFen } from '../../../src/domain/money.ts';
import { formatShanghai } from '../../../src/domain/deadlines.ts';
import { DAY, HOUR, MINUTE, ownerNamesOfUnit, voterKeyOfUnit, type BuildingInfo, type City, type EstateInfo } from './city.ts';
import type { IssueWriter } from './issue-rows.ts';
import type { NoticeWriter } from './notices.ts';
import { iso, isoOrNull } from './store.ts';

export interface ProposalRequest {
  estate: EstateInfo;
  openedAt: number;
  closesAt?: number;
  /** The issue the vote is for, and the building it is about (null: the whole estate). */
  issue?: { id: number; building: number | null };
  /** The whole estate votes (else drawn: some buildings, or the estate). */
  wholeEstate?: boolean;
  /** What is voted on (else drawn; an issue's vote is on using the fund). */
  matter?: VoteMatter;
  /** Ballots already cast cover about this many units (else a share of the electorate). */
  ballotUnits?: number;
  /** Units whose voters have not voted (the bench voters). */
  notVoted?: (unit: number) => boolean;
  /** Tell every linked owner of the electorate that the vote is open (as opening it does). */
  notifyElectorate?: boolean;
}

export interface ProposalResult {
  id: number;
  status: string;
  closedAt: number | null;
  approvedAmountFen: number | null;
  title: string;
}

const WORKS = ['电梯更换', '屋面防水翻修', '外墙维修', '消防管网改造', '二次供水改造', '雨污管网改造'];

interface Cast {
  key: string;
  choice: VoteChoice;
  at: number;
}

/**
 * Fund votes (维修资金表决) as the votes module leaves them: the proposal, its electorate snapshotted one
 * VoteUnit per unit with the voter key of src/domain/voter-keys.ts, ballots with their BallotChange (online
 * by the linked owner's account, else recorded by the committee), and when closed the tally frozen into
 * resultJson by the domain's own tallyVote, the result notice and, for a passed use of the fund, the ledger.
 */
export class Votes {
  private nextProposal = 1;
  private nextBallot = 1;
  private nextLedger = 1;
  private readonly w;

  constructor(
    private readonly city: City,
    private readonly notices: NoticeWriter,
    private readonly issues: IssueWriter,
  ) {
    const t = city.store.table.bind(city.store);
    this.w = {
      proposal: t('FundProposal', [
        'id',
        'estateId',
        'issueId',
        'matter',
        'title',
        'description',
        'scope',
        'amountFen',
        'status',
        'opensAt',
        'closesAt',
        'openedAt',
        'closedAt',
        'closedById',
        'closeReason',
        'cancelReason',
        'returnIssueState',
        'quotesText',
        'resultJson',
        'closingReminderSentAt',
        'createdById',
        'createdAt',
        'updatedAt',
      ]),
      building: t('FundProposalBuilding', ['proposalId', 'buildingId']),
      unit: t('VoteUnit', [
        'proposalId',
        'unitId',
        'areaCentiM2',
        'voterKey',
        'buildingName',
        'floor',
        'room',
        'entrance',
        'ownerNames',
      ]),
      ballot: t('Ballot', [
        'id',
        'proposalId',
        'voterKey',
        'choice',
        'channel',
        'recordedById',
        'recorderName',
        'agentName',
        'signedAt',
        'castAt',
        'updatedAt',
      ]),
      change: t('BallotChange', [
        'id',
        'ballotId',
        'proposalId',
        'voterKey',
        'fromChoice',
        'toChoice',
        'channel',
        'actorId',
        'recorderName',
        'agentName',
        'signedAt',
        'createdAt',
      ]),
      ledger: t('FundLedgerEntry', ['id', 'estateId', 'proposalId', 'kind', 'amountFen', 'note', 'recordedById', 'createdAt']),
    };
  }

  get count(): number {
    return this.nextProposal - 1;
  }

  create(req: ProposalRequest): ProposalResult {
    const { city } = this;
    const { rng, now } = city;
    const { estate } = req;
    const id = this.nextProposal++;
    const estateBuildings = city.buildings.slice(estate.firstBuilding, estate.firstBuilding + estate.buildingCount);
    const scopeBuildings: BuildingInfo[] = req.issue
      ? req.issue.building === null
        ? []
        : [city.buildings[req.issue.building] as BuildingInfo]
      : req.wholeEstate || rng.chance(0.4)
        ? []
        : rng.sample(estateBuildings.length, rng.int(1, 3)).map((i) => estateBuildings[i] as BuildingInfo);
    const electorate: number[] = [];
    for (const b of scopeBuildings.length ? scopeBuildings : estateBuildings) {
      for (let u = b.firstUnit; u < b.firstUnit + b.unitCount; u++) electorate.push(u);
    }
    const r = rng.next();
    const matter: VoteMatter =
      req.matter ?? (req.issue || r < 0.85 ? 'use_fund' : r < 0.9 ? 'raise_fund' : r < 0.95 ? 'change_use' : 'ordinary');
    const where = scopeBuildings.length ? scopeBuildings.map((b) => b.name).join('、') : estate.name;
    const work = rng.pick(WORKS);
    const title = {
      use_fund: `${where}${work}使用维修资金`,
      raise_fund: `${where}续筹住宅专项维修资金`,
      change_use: `${where}部分绿地改建停车位`,
      ordinary: `${where}选聘物业服务企业`,
      rebuild: `${where}改建`,
    }[matter];
    const amountFen = matter === 'use_fund' || matter === 'raise_fund' ? rng.int(50, 800) * 100_000 : 0;
    const closesAt = req.closesAt ?? req.openedAt + rng.int(10, 21) * DAY;
    const ended = closesAt + 10 * MINUTE <= now;
    const cancelled = ended && !req.issue && rng.chance(0.03);
    const closedAt = cancelled ? req.openedAt + rng.between(1, 5) * DAY : ended ? closesAt + rng.between(1, 10) * MINUTE : null;
    const castUntil = Math.min(closedAt ?? now, closesAt, now);

    const keyUnits = new Map<string, number[]>();
    for (const u of electorate) {
      const key = voterKeyOfUnit(city, u);
      const list = keyUnits.get(key);
      if (list) list.push(u);
      else keyUnits.set(key, [u]);
    }
    const keys = rng.shuffle([...keyUnits.keys()]);
    const elapsed = Math.max(0, Math.min(1, (castUntil - req.openedAt) / (closesAt - req.openedAt)));
    const cast = (participation: number, agree: number): Cast[] => {
      const target = req.ballotUnits ?? Math.round(participation * electorate.length * Math.sqrt(elapsed));
      const out: Cast[] = [];
      let covered = 0;
      for (const key of keys) {
        if (covered >= target) break;
        const units = keyUnits.get(key) as number[];
        if (req.notVoted && units.some(req.notVoted)) continue;
        const x = rng.next();
        out.push({
          key,
          choice: x < agree ? 'agree' : x < agree + (1 - agree) * 0.6 ? 'disagree' : 'abstain',
          at: req.openedAt + rng.next() * (castUntil - req.openedAt),
        });
        covered += units.length;
      }
      return out;
    };
    const voteUnits: VoteUnit[] = electorate.map((u) => ({
      unitId: String(u + 1),
      areaCentiM2: city.units.area[u] as number,
      voterKey: voterKeyOfUnit(city, u),
    }));
    const tallyOf = (ballots: Cast[]) =>
      tallyVote(
        voteUnits,
        ballots.map((b): VoteBallot => ({ voterKey: b.key, choice: b.choice })),
        matter,
      );
    let ballots = cast(req.issue ? rng.between(0.8, 0.95) : rng.between(0.4, 0.8), req.issue ? 0.88 : rng.between(0.55, 0.92));
    let tally = ended && !cancelled ? tallyOf(ballots) : null;
    // A vote an issue waits on passes here (its failure would send the issue back to a meeting).
    for (let attempt = 0; req.issue && tally && !tally.approved && attempt < 4; attempt++) {
      ballots = cast(1, attempt < 3 ? 0.97 : 2);
      tally = tallyOf(ballots);
    }
    const result = tally ? voteResult(tally, matter) : null;
    const status = cancelled ? 'cancelled' : result ? result.outcome : 'open';
    const approved = result ? approvedLedgerAmount(result, Math.max(amountFen, 1)) : null;

    const committee = estate.committeeUserId;
    // Drafted a few days before opening; an issue's vote after its work started (it opens 2 days in at least).
    const createdAt = req.openedAt - (req.issue ? rng.between(0.2, 1.5) : rng.int(1, 5)) * DAY;
    const reminder = closesAt - 48 * HOUR + 2 * MINUTE;
    this.w.proposal({
      id,
      estateId: estate.id,
      issueId: req.issue?.id ?? null,
      matter,
      title,
      description: `经业委会提议，${where}${matter === 'use_fund' ? `拟使用住宅专项维修资金${formatFen(amountFen)}元用于${work}` : '相关事项'}，请业主表决。`,
      scope: scopeBuildings.length ? 'buildings' : 'estate',
      amountFen,
      status,
      opensAt: iso(req.openedAt),
      closesAt: iso(closesAt),
      openedAt: iso(req.openedAt),
      closedAt: isoOrNull(closedAt),
      closedById: cancelled ? committee : null,
      closeReason: cancelled ? 'cancelled' : ended ? 'on_time' : '',
      cancelReason: cancelled ? '报价需重新核实，本次表决取消，另行公告。' : '',
      returnIssueState: req.issue ? 'in_progress' : '',
      quotesText: matter === 'use_fund' ? '已询价三家，选用报价最低的一家。' : '',
      resultJson: tally ? JSON.stringify(tally) : null,
      closingReminderSentAt: isoOrNull(reminder <= (closedAt ?? now) ? reminder : null),
      createdById: committee,
      createdAt: iso(createdAt),
      updatedAt: iso(closedAt ?? req.openedAt),
    });
    for (const b of scopeBuildings) this.w.building({ proposalId: id, buildingId: b.id });
    for (const u of electorate) {
      const b = city.buildings[city.units.building[u] as number] as BuildingInfo;
      this.w.unit({
        proposalId: id,
        unitId: u + 1,
        areaCentiM2: city.units.area[u] as number,
        voterKey: voterKeyOfUnit(city, u),
        buildingName: b.name,
        floor: city.units.floor[u] as number,
        room: String(city.units.room[u]),
        entrance: String(city.units.entrance[u]),
        ownerNames: ownerNamesOfUnit(city, u),
      });
    }
    const recorderName = city.people.displayName.get(committee) ?? '';
    for (const b of ballots) {
      const account = ownerIdsOf(b.key)
        .map((o) => city.owners.user[o - 1] as number)
        .find((u) => u > 0);
      const online = account !== undefined && rng.chance(0.8);
      const x = rng.next();
      const channel = online ? 'online' : x < 0.55 ? 'door_to_door' : x < 0.95 ? 'paper' : 'proxy';
      const signedAt = online ? null : iso(Math.max(req.openedAt, b.at - rng.between(0, 6) * HOUR));
      const ballotId = this.nextBallot++;
      const common = {
        proposalId: id,
        voterKey: b.key,
        channel,
        recorderName: online ? '' : recorderName,
        agentName: channel === 'proxy' ? `${recorderName.slice(0, 1)}某（受托人）` : '',
        signedAt,
      };
      this.w.ballot({
        id: ballotId,
        ...common,
        choice: b.choice,
        recordedById: online ? null : committee,
        castAt: iso(b.at),
        updatedAt: iso(b.at),
      });
      this.w.change({
        id: ballotId,
        ballotId,
        ...common,
        fromChoice: null,
        toChoice: b.choice,
        actorId: online ? (account as number) : committee,
        createdAt: iso(b.at),
      });
    }

    const noticeBy = { estateId: estate.id, proposalId: id, createdById: committee };
    this.notices.write({
      ...noticeBy,
      kind: 'vote_opening',
      title: `关于${title}的业主表决公告`,
      body: `表决事项：${title}\n表决期间：自公告之日起至截止时间，业主可在线投票或由业委会入户记录书面表决票。`,
      at: req.openedAt,
    });
    if (closedAt !== null) {
      this.notices.write({
        ...noticeBy,
        kind: cancelled ? 'vote_cancelled' : 'vote_result',
        title: cancelled ? `${title}表决取消公告` : `${title}表决结果公告`,
        body: cancelled ? '报价需重新核实，本次表决取消，另行公告。' : `本次表决${status === 'passed' ? '通过' : '未通过'}。`,
        at: closedAt,
      });
    }
    if (approved !== null && closedAt !== null) this.ledger(estate, id, approved, closedAt, title);
    if (req.notifyElectorate) {
      const told = new Set<number>();
      for (const key of keyUnits.keys()) {
        for (const o of ownerIdsOf(key)) {
          const user = city.owners.user[o - 1] as number;
          if (user === 0 || told.has(user)) continue;
          told.add(user);
          this.issues.notify({
            userId: user,
            kind: 'vote_opened',
            params: { title, closesAt: formatShanghai(new Date(closesAt), 'zh-CN') },
            link: `/votes/${id}`,
            proposalId: id,
            at: req.openedAt,
            readAt: rng.chance(0.3) ? req.openedAt + rng.between(1, 48) * HOUR : null,
          });
        }
      }
    }
    return { id, status, closedAt, approvedAmountFen: approved, title };
  }

  private ledger(estate: EstateInfo, proposalId: number, approved: number, at: number, title: string): void {
    const { rng, now } = this.city;
    const recordedById = estate.committeeUserId;
    this.w.ledger({
      id: this.nextLedger++,
      estateId: estate.id,
      proposalId,
      kind: 'approved',
      amountFen: approved,
      note: '业主表决通过的批准金额',
      recordedById,
      createdAt: iso(at),
    });
    const first = Math.round(approved * 0.6);
    let spentAt = at;
    let left = approved;
    for (const [i, amountFen] of [first, approved - first].entries()) {
      spentAt += rng.between(10, 60) * DAY;
      if (spentAt > now || rng.chance(0.3)) break;
      left -= amountFen;
      this.w.ledger({
        id: this.nextLedger++,
        estateId: estate.id,
        proposalId,
        kind: 'spent',
        amountFen,
        note: i === 0 ? '首期工程款' : '尾款',
        recordedById,
        createdAt: iso(spentAt),
      });
      this.notices.write({
        estateId: estate.id,
        proposalId,
        createdById: recordedById,
        kind: 'fund_use',
        title: `${title}维修资金使用公示`,
        body: `支出${formatFen(amountFen)}元，剩余${formatFen(left)}元。`,
        at: spentAt,
      });
    }
  }
}

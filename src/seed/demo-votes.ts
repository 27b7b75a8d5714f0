import type { DbTx } from '../plugins/db.ts';
import { closeProposal, recountVoteCounts, snapshotElectorate } from '../modules/votes/index.ts';
import { publishNotice } from '../modules/notices/index.ts';
import { formatFen } from '../domain/money.ts';
import { translate } from '../i18n/index.ts';
import { keyIncludesOwner } from '../domain/voter-keys.ts';
import type { VoteChoice } from '../domain/vote-tally.ts';

const DAY = 86_400_000;

/**
 * The fund-use part of the demo story (docs/domain.md, The demo story): the roof vote of building 5 is open, with ballots
 * cast online and recorded door to door by 陈志强 but the two-thirds participation not yet reached, so
 * the demo committee can record the last visits and close it. 王秀英 (the demo resident, 601) is linked
 * to her owner record and has not voted yet. A past, passed vote for the lifts of buildings 2 and 3
 * shows the ledger with approved and spent money.
 */
export async function seedDemoVotes(tx: DbTx, ctx: { now: Date }): Promise<void> {
  const { now } = ctx;
  const estate = await tx.estate.findFirst({ where: { name: '森嘉幸福里' } });
  const committee = await tx.user.findUnique({ where: { username: 'committee' } });
  const resident = await tx.user.findUnique({ where: { username: 'resident' } });
  if (!estate || !committee || !resident) return;

  await seedPastLiftVote(tx, estate.id, committee.id, now);

  const roof = await tx.issue.findFirst({ where: { estateId: estate.id, title: { startsWith: '5号楼顶楼屋面漏水' } } });
  // Before the joint meeting has put the roof to the owners there is nothing to vote on yet.
  if (!roof || roof.state !== 'awaiting_vote') return;
  const building5 = await tx.building.findFirst({ where: { estateId: estate.id, name: '5号楼' } });
  if (!building5) return;
  const decision = await tx.decision.findFirst({
    where: { kind: 'open_vote', agendaItem: { issueId: roof.id } },
    orderBy: { id: 'desc' },
  });
  const openedAt = new Date(now.getTime() - 3 * DAY);
  const proposal = await tx.fundProposal.create({
    data: {
      estateId: estate.id,
      issueId: roof.id,
      decisionId: decision?.id ?? null,
      matter: 'use_fund',
      title: '5号楼屋面防水整体翻修使用维修资金',
      description:
        '5号楼屋面约 2400 平方米，防水层老化开裂，顶楼多户渗水。经三方联席会议议定，拟使用住宅专项维修资金 38.6 万元整体翻修（SBS 改性沥青防水卷材两层＋保护层），已询价三家，选用报价最低的一家。请 5号楼全体业主表决。',
      scope: 'buildings',
      amountFen: 38_600_000,
      status: 'open',
      opensAt: openedAt,
      openedAt,
      closesAt: new Date(now.getTime() + 3 * DAY),
      createdById: committee.id,
      createdAt: new Date(openedAt.getTime() - 2 * 3_600_000),
      buildings: { create: [{ buildingId: building5.id }] },
    },
  });
  await snapshotElectorate(tx, proposal);

  const units = await tx.voteUnit.findMany({
    where: { proposalId: proposal.id },
    orderBy: [{ floor: 'desc' }, { entrance: 'asc' }, { room: 'asc' }],
  });
  const residentOwner = await tx.owner.findFirst({ where: { userId: resident.id } });
  const keys = [...new Set(units.map((u) => u.voterKey))].filter(
    (k) => !(residentOwner && keyIncludesOwner(k, residentOwner.id)),
  );
  const heads = keys.length + (residentOwner ? 1 : 0);
  // Participation stays below two thirds: a handful of visits are still to be made.
  const voting = keys.slice(0, Math.max(0, Math.ceil((heads * 2) / 3) - 5));
  for (const [i, voterKey] of voting.entries()) {
    const choice: VoteChoice = i % 9 === 4 ? 'disagree' : i % 11 === 7 ? 'abstain' : 'agree';
    const castAt = new Date(openedAt.getTime() + (i + 1) * 2.5 * 3_600_000);
    const online = i % 2 === 0;
    let actorId = committee.id;
    if (online) {
      // An owner who voted online has an account linked to their owner record.
      const ownerId = Number(/^o:(\d+)/.exec(voterKey)?.[1]);
      const owner = Number.isInteger(ownerId) ? await tx.owner.findUnique({ where: { id: ownerId } }) : null;
      const unit = units.find((u) => u.voterKey === voterKey);
      if (owner && unit && owner.userId === null) {
        const user = await tx.user.create({
          data: {
            username: `demo_owner_${owner.id}`,
            passwordHash: '!',
            displayName: owner.name,
            phone: owner.phone,
            role: 'resident',
            estateId: estate.id,
            unitId: unit.unitId,
            communityId: estate.communityId,
          },
        });
        await tx.owner.update({ where: { id: owner.id }, data: { userId: user.id } });
        actorId = user.id;
      } else if (owner?.userId) actorId = owner.userId;
    }
    const channel = online && actorId !== committee.id ? 'online' : 'door_to_door';
    const recorded = channel !== 'online';
    const ballot = await tx.ballot.create({
      data: {
        proposalId: proposal.id,
        voterKey,
        choice,
        channel,
        recordedById: recorded ? committee.id : null,
        recorderName: recorded ? '陈志强' : '',
        castAt,
        updatedAt: castAt,
      },
    });
    await tx.ballotChange.create({
      data: {
        ballotId: ballot.id,
        proposalId: proposal.id,
        voterKey,
        fromChoice: null,
        toChoice: choice,
        channel,
        actorId,
        recorderName: recorded ? '陈志强' : '',
        createdAt: castAt,
      },
    });
  }
  // the ballots above were written directly: bring the page's running tally up to them
  await recountVoteCounts(tx, proposal.id);
  const linked = await tx.owner.findMany({
    where: { userId: { not: null }, estateId: estate.id },
    select: { id: true, userId: true },
  });
  const notified = new Set<number>();
  for (const owner of linked) {
    if (!units.some((u) => keyIncludesOwner(u.voterKey, owner.id)) || owner.userId === null || notified.has(owner.userId))
      continue;
    notified.add(owner.userId);
    await tx.notification.create({
      data: {
        userId: owner.userId,
        kind: 'vote_opened',
        paramsJson: JSON.stringify({ title: proposal.title, closesAt: '' }),
        link: `/votes/${proposal.id}`,
        proposalId: proposal.id,
        createdAt: openedAt,
      },
    });
  }
}

/** A vote held last autumn: replace the lift control boards of buildings 2 and 3; passed, part spent. */
async function seedPastLiftVote(tx: DbTx, estateId: number, committeeId: number, now: Date) {
  const buildings = await tx.building.findMany({ where: { estateId, name: { in: ['2号楼', '3号楼'] } } });
  if (buildings.length === 0) return;
  const openedAt = new Date(now.getTime() - 60 * DAY);
  const closedAt = new Date(now.getTime() - 46 * DAY);
  const proposal = await tx.fundProposal.create({
    data: {
      estateId,
      matter: 'use_fund',
      title: '2号楼、3号楼电梯主板及曳引钢丝绳更换',
      description: '电梯维保单位检测报告指出 2号楼、3号楼四台电梯主板老化、钢丝绳磨损超标，需更换。预算 12.6 万元。',
      scope: 'buildings',
      amountFen: 12_600_000,
      status: 'open',
      opensAt: openedAt,
      openedAt,
      closesAt: closedAt,
      createdById: committeeId,
      createdAt: openedAt,
      buildings: { create: buildings.map((b) => ({ buildingId: b.id })) },
    },
  });
  await snapshotElectorate(tx, proposal);
  const keys = [
    ...new Set(
      (await tx.voteUnit.findMany({ where: { proposalId: proposal.id }, orderBy: { unitId: 'asc' } })).map((u) => u.voterKey),
    ),
  ];
  const voting = keys.slice(0, Math.ceil((keys.length * 4) / 5));
  for (const [i, voterKey] of voting.entries()) {
    const choice: VoteChoice = i % 6 === 5 ? 'disagree' : i % 10 === 3 ? 'abstain' : 'agree';
    const castAt = new Date(openedAt.getTime() + (i + 1) * 3 * 3_600_000);
    const channel = i % 3 === 0 ? 'paper' : 'door_to_door';
    const ballot = await tx.ballot.create({
      data: {
        proposalId: proposal.id,
        voterKey,
        choice,
        channel,
        recordedById: committeeId,
        recorderName: '陈志强',
        castAt,
        updatedAt: castAt,
      },
    });
    await tx.ballotChange.create({
      data: {
        ballotId: ballot.id,
        proposalId: proposal.id,
        voterKey,
        toChoice: choice,
        channel,
        actorId: committeeId,
        recorderName: '陈志强',
        createdAt: castAt,
      },
    });
  }
  await recountVoteCounts(tx, proposal.id);
  const { passed } = await closeProposal(tx, 'system', proposal.id, closedAt);
  if (!passed) return;
  const spending: [number, string, number][] = [
    [7_560_000, '电梯主板四块及安装（首期 60%）', 40],
    [4_830_000, '曳引钢丝绳更换及验收（尾款）', 30],
  ];
  let spent = 0;
  for (const [amountFen, note, daysAgo] of spending) {
    const at = new Date(now.getTime() - daysAgo * DAY);
    spent += amountFen;
    await tx.fundLedgerEntry.create({
      data: { estateId, proposalId: proposal.id, kind: 'spent', amountFen, note, recordedById: committeeId, createdAt: at },
    });
    await publishNotice(tx, {
      estateId,
      kind: 'fund_use',
      title: translate('zh-CN', 'ledger.notice.title', { title: proposal.title }),
      body: translate('zh-CN', 'ledger.notice.body', {
        title: proposal.title,
        amount: formatFen(amountFen),
        note,
        remaining: formatFen(proposal.amountFen - spent),
      }),
      proposalId: proposal.id,
      createdById: committeeId,
      publishedAt: at,
    });
  }
}

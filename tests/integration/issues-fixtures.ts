import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Client } from '../helpers/client.ts';
import type { World } from '../helpers/world.ts';

/** Files an issue through the real form as a logged-in resident; returns its id. */
export async function fileThroughForm(
  client: Client,
  opts: { categoryId: number; locationType?: 'unit' | 'building' | 'estate'; title?: string },
): Promise<number> {
  const res = await client.post('/issues', {
    categoryId: String(opts.categoryId),
    locationType: opts.locationType ?? 'building',
    locationNote: '',
    title: opts.title ?? '楼道灯坏了',
    description: '晚上楼道一片黑',
    submissionKey: randomUUID(),
  });
  if (res.statusCode !== 303) throw new Error(`filing failed: ${res.statusCode}`);
  const m = /\/issues\/(\d+)/.exec(String(res.headers.location));
  if (!m?.[1]) throw new Error('no issue id');
  return Number(m[1]);
}

/** Makes an issue row directly (for queues and jobs), with its submit event. */
export async function makeIssue(
  app: FastifyInstance,
  world: World,
  opts: {
    reporterId?: number;
    estateId?: number;
    buildingId?: number | null;
    category?: string;
    state?: string;
    isPublic?: boolean;
    title?: string;
    createdAt?: Date;
    assignedParty?: string | null;
    handoffCount?: number;
    reopenCount?: number;
    resolvedAt?: Date | null;
    acceptedAt?: Date | null;
    rating?: string | null;
  } = {},
) {
  const category = world.cat(opts.category ?? 'sanitation');
  const createdAt = opts.createdAt ?? app.now();
  const hour = 3600_000;
  const issue = await app.db.issue.create({
    data: {
      estateId: opts.estateId ?? world.estateA.id,
      buildingId: opts.buildingId === undefined ? world.buildingA.id : opts.buildingId,
      locationType: opts.isPublic === false ? 'unit' : 'building',
      isPublic: opts.isPublic ?? true,
      categoryId: category.id,
      emergency: category.emergency,
      title: opts.title ?? `诉求 ${randomUUID().slice(0, 6)}`,
      description: '描述',
      reporterId: opts.reporterId ?? world.users.residentA.id,
      submissionKey: randomUUID(),
      state: opts.state ?? 'submitted',
      assignedParty: opts.assignedParty ?? null,
      respondBy: new Date(createdAt.getTime() + category.responseHours * hour),
      resolveBy: new Date(createdAt.getTime() + category.resolveHours * hour),
      handoffCount: opts.handoffCount ?? 0,
      reopenCount: opts.reopenCount ?? 0,
      resolvedAt: opts.resolvedAt ?? null,
      acceptedAt: opts.acceptedAt ?? null,
      rating: opts.rating ?? null,
      createdAt,
    },
  });
  await app.db.issueEvent.create({
    data: {
      issueId: issue.id,
      actorId: issue.reporterId,
      actorRole: 'resident',
      action: 'submit',
      toState: 'submitted',
      createdAt,
    },
  });
  return issue;
}

export async function versionOf(app: FastifyInstance, id: number): Promise<string> {
  const issue = await app.db.issue.findUniqueOrThrow({ where: { id } });
  return String(issue.version);
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ActionParams, IssueParams, MyIssuesQuery, PublicQuery, QueueQuery } from './schemas.ts';
import {
  PUBLIC_STATES,
  actOnIssue,
  actionsFor,
  addComment,
  fileIssue,
  getIssueForActor,
  isFormAction,
  isOverdueNow,
  listMyIssues,
  listPublicIssues,
  listQueue,
  publicIssueRow,
  queueFilterOptions,
  supportIssue,
  type ActionForm,
  type FileIssueInput,
} from './service.ts';
import { seesReporterIdentity, visibleIssuesWhere } from './scope.ts';
import { actorOf, requireRole, requireActor } from '../auth/guards.ts';
import { checkUploads } from '../attachments/service.ts';
import { fieldFiles, fieldText } from '../../plugins/uploads.ts';
import { Conflict, InvalidTransition, NotFound, ValidationFailed, type FieldError } from '../../errors.ts';
import { ISSUE_STATES, PARTIES, RATINGS, isBouncing } from '../../domain/issue-workflow.ts';
import { dueDates, formatShanghaiLocal, timeLeft } from '../../domain/deadlines.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';

/** The confirmation shown after a redirect: only for the page's own actions, never a caller-chosen key. */
function doneMessage(value: string | undefined): string {
  return value !== undefined && (isFormAction(value) || value === 'linked') ? value : '';
}

export default async function issueRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function renderNewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<FileIssueInput>,
    errors: FieldError[],
  ) {
    const actor = actorOf(request);
    const [categories, unit] = await Promise.all([
      app.db.category.findMany({ where: { active: true }, orderBy: [{ emergency: 'desc' }, { sortOrder: 'asc' }] }),
      actor.unitId
        ? app.db.unit.findUnique({ where: { id: actor.unitId }, include: { building: { select: { name: true } } } })
        : null,
    ]);
    return reply.page('issues/new.njk', {
      categories,
      unit,
      values: { locationType: unit ? 'unit' : 'estate', submissionKey: randomUUID(), ...values },
      errors,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  app.get('/issues/new', { preHandler: requireRole('resident') }, async (request, reply) => {
    return renderNewForm(request, reply, {}, []);
  });

  // Multipart (photos) or urlencoded (no JavaScript and no photos): both arrive as fields here.
  app.post('/issues', { preHandler: requireRole('resident') }, async (request, reply) => {
    const actor = actorOf(request);
    const input: FileIssueInput = {
      categoryId: fieldText(request.body, 'categoryId'),
      locationType: fieldText(request.body, 'locationType'),
      locationNote: fieldText(request.body, 'locationNote'),
      title: fieldText(request.body, 'title'),
      description: fieldText(request.body, 'description'),
      submissionKey: fieldText(request.body, 'submissionKey'),
    };
    const upload = checkUploads(fieldFiles(request.body, 'photos'), 'photos', {
      maxFiles: app.config.uploadMaxFiles,
      maxBytes: app.config.uploadMaxBytes,
    });
    if (upload.errors.length > 0) {
      reply.code(400);
      return renderNewForm(request, reply, input, upload.errors);
    }
    try {
      const { issueId } = await fileIssue(app.db, actor, input, upload.files, app.config.uploadDir, app.now());
      return reply.redirect(`/issues/${issueId}?filed=1`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return renderNewForm(request, reply, input, error.errors);
      }
      throw error;
    }
  });

  app.get('/issues/mine', { preHandler: requireRole('resident'), schema: { querystring: MyIssuesQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const state = request.query.state ?? '';
    const result = await listMyIssues(app.db, actor, { state, page: request.query.page ?? 1 });
    const data = { ...result, state, states: Object.values(ISSUE_STATES) };
    return reply.page(request.isHtmx ? 'issues/_my-list.njk' : 'issues/mine.njk', data);
  });

  app.get(
    '/issues',
    { preHandler: requireRole('property', 'committee', 'community', 'admin'), schema: { querystring: QueueQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      const q = request.query;
      const filters = {
        view: q.view ?? '',
        state: q.state ?? '',
        category: q.category ?? '',
        building: q.building ?? '',
        party: q.party ?? '',
        overdue: q.overdue === '1' ? '1' : '',
        emergency: q.emergency === '1' ? '1' : '',
      };
      const now = app.now();
      const [result, options] = await Promise.all([
        listQueue(
          app.db,
          actor,
          {
            view: filters.view,
            state: filters.state,
            categoryId: filters.category ? Number(filters.category) : undefined,
            buildingId: filters.building ? Number(filters.building) : undefined,
            party: filters.party,
            overdue: filters.overdue === '1',
            emergency: filters.emergency === '1',
            page: q.page ?? 1,
          },
          now,
        ),
        request.isHtmx ? Promise.resolve(null) : queueFilterOptions(app.db, actor),
      ]);
      const query = new URLSearchParams({ ...filters, view: result.view });
      const data = {
        ...result,
        ...(options ?? {}),
        filters: { ...filters, view: result.view },
        states: Object.values(ISSUE_STATES),
        parties: PARTIES,
        base: `/issues?${query.toString()}`,
        now,
      };
      return reply.page(request.isHtmx ? 'issues/_queue-list.njk' : 'issues/queue.njk', data);
    },
  );

  app.get('/issues/public', { preHandler: requireRole('resident'), schema: { querystring: PublicQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const result = await listPublicIssues(app.db, actor, { state: request.query.state, page: request.query.page ?? 1 });
    const data = { ...result, shows: PUBLIC_STATES, base: `/issues/public?state=${result.show}` };
    return reply.page(request.isHtmx ? 'issues/_public-list.njk' : 'issues/public.njk', data);
  });

  app.post('/issues/:id/support', { preHandler: requireRole('resident'), schema: { params: IssueParams } }, async (request, reply) => {
    const actor = actorOf(request);
    await supportIssue(app.db, actor, request.params.id, app.now());
    if (request.isHtmx) {
      const i = await publicIssueRow(app.db, actor, request.params.id);
      return reply.page('issues/_public-row.njk', { i, base: fieldText(request.body, 'back') });
    }
    return reply.redirect(safeLocalPath(fieldText(request.body, 'back'), `/issues/${request.params.id}`), 303);
  });

  interface PageState {
    errors?: FieldError[];
    formAction?: string;
    values?: Record<string, string>;
    message?: { key: string; params?: Record<string, string | number> };
  }

  /** The issue page: facts, deadlines, only the actions this actor may take, comments and the timeline. */
  async function renderIssue(request: FastifyRequest, reply: FastifyReply, id: number, state: PageState = {}) {
    const actor = actorOf(request);
    const issue = await getIssueForActor(app.db, actor, id);
    const now = app.now();
    const [supported, followUps, linkedFrom] = await Promise.all([
      actor.role === 'resident'
        ? app.db.support.findUnique({ where: { issueId_userId: { issueId: issue.id, userId: actor.userId } }, select: { userId: true } })
        : null,
      app.db.issue.findMany({
        where: { AND: [{ linkedFromId: issue.id }, visibleIssuesWhere(actor)] },
        select: { id: true, title: true, state: true },
        orderBy: { id: 'asc' },
      }),
      issue.linkedFromId
        ? app.db.issue.findFirst({ where: { AND: [{ id: issue.linkedFromId }, visibleIssuesWhere(actor)] }, select: { id: true, title: true } })
        : null,
    ]);
    const defaultDue = dueDates(issue.category, issue.createdAt).resolveBy;
    const dueDefault = defaultDue.getTime() > now.getTime() ? defaultDue : dueDates(issue.category, now).resolveBy;
    const canSupport =
      actor.role === 'resident' &&
      issue.isPublic &&
      issue.reporterId !== actor.userId &&
      issue.estateId === actor.homeEstateId &&
      issue.state !== 'closed' &&
      issue.state !== 'rejected' &&
      !supported;
    return reply.page('issues/show.njk', {
      issue,
      actions: actionsFor(actor, issue),
      parties: PARTIES,
      ratings: RATINGS,
      defaultParty: issue.category.defaultParty,
      defaultDueAt: formatShanghaiLocal(dueDefault),
      showIdentity: seesReporterIdentity(actor, issue.reporterId),
      respondLeft: timeLeft(issue.respondBy, now),
      resolveLeft: timeLeft(issue.resolveBy, now),
      overdue: isOverdueNow(issue, now),
      bouncing: isBouncing(issue.handoffCount),
      justFiled: (request.query as Record<string, string>).filed === '1',
      done: doneMessage((request.query as Record<string, string>).done),
      canSupport,
      supported: Boolean(supported),
      followUps,
      linkedFrom,
      errors: state.errors ?? [],
      formAction: state.formAction ?? '',
      values: state.values ?? {},
      message: state.message ?? null,
      maxFiles: app.config.uploadMaxFiles,
    });
  }

  app.get('/issues/:id', { preHandler: requireActor, schema: { params: IssueParams } }, async (request, reply) => {
    return renderIssue(request, reply, request.params.id);
  });

  // One route for every action; multipart (photos) or urlencoded. A stale form or a move the state no
  // longer allows re-renders the page with the new state and says so (409), writing nothing.
  app.post('/issues/:id/actions/:action', { preHandler: requireActor, schema: { params: ActionParams } }, async (request, reply) => {
    const actor = actorOf(request);
    const { id, action } = request.params;
    if (!isFormAction(action)) throw new NotFound();
    const body = request.body;
    const versionText = fieldText(body, 'version');
    const form: ActionForm = {
      version: /^[0-9]{1,9}$/.test(versionText) ? Number(versionText) : null,
      party: fieldText(body, 'party'),
      assignedOrg: fieldText(body, 'assignedOrg'),
      dueAt: fieldText(body, 'dueAt'),
      reason: fieldText(body, 'reason'),
      note: fieldText(body, 'note'),
      rating: fieldText(body, 'rating'),
      ratingComment: fieldText(body, 'ratingComment'),
    };
    const values: Record<string, string> = { ...form, version: versionText };
    const upload = checkUploads(fieldFiles(body, 'photos'), 'photos', {
      maxFiles: app.config.uploadMaxFiles,
      maxBytes: app.config.uploadMaxBytes,
    });
    if (upload.errors.length > 0) {
      // Scope first: someone who may not see the issue gets the 404, not a form.
      await getIssueForActor(app.db, actor, id);
      reply.code(400);
      return renderIssue(request, reply, id, { errors: upload.errors, formAction: action, values });
    }
    try {
      const result = await actOnIssue(app.db, actor, id, action, form, upload.files, app.config.uploadDir, app.now());
      return reply.redirect(`/issues/${result.issueId}?done=${result.linked ? 'linked' : action}`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return renderIssue(request, reply, id, { errors: error.errors, formAction: action, values });
      }
      if (error instanceof Conflict || error instanceof InvalidTransition) {
        reply.code(409);
        return renderIssue(request, reply, id, { message: { key: error.messageKey, params: error.params } });
      }
      throw error;
    }
  });

  app.post('/issues/:id/comments', { preHandler: requireActor, schema: { params: IssueParams } }, async (request, reply) => {
    const actor = actorOf(request);
    const id = request.params.id;
    const text = fieldText(request.body, 'body');
    const upload = checkUploads(fieldFiles(request.body, 'photos'), 'photos', {
      maxFiles: app.config.uploadMaxFiles,
      maxBytes: app.config.uploadMaxBytes,
    });
    if (upload.errors.length > 0) {
      await getIssueForActor(app.db, actor, id);
      reply.code(400);
      return renderIssue(request, reply, id, { errors: upload.errors, formAction: 'comment', values: { body: text } });
    }
    try {
      await addComment(app.db, actor, id, text, upload.files, app.config.uploadDir, app.now());
      return reply.redirect(`/issues/${id}#comments`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return renderIssue(request, reply, id, { errors: error.errors, formAction: 'comment', values: { body: text } });
      }
      throw error;
    }
  });
}

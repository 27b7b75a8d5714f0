import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IssueParams, MyIssuesQuery } from './schemas.ts';
import { fileIssue, getIssueForActor, listMyIssues, listScopedIssues, type FileIssueInput } from './service.ts';
import { seesReporterIdentity } from './scope.ts';
import { actorOf, requireRole, requireActor } from '../auth/guards.ts';
import { checkUploads } from '../attachments/service.ts';
import { fieldFiles, fieldText } from '../../plugins/uploads.ts';
import { ValidationFailed, type FieldError } from '../../errors.ts';
import { ISSUE_STATES } from '../../domain/issue-workflow.ts';
import { timeLeft } from '../../domain/deadlines.ts';

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
    { preHandler: requireRole('property', 'committee', 'community', 'admin'), schema: { querystring: MyIssuesQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      const state = request.query.state ?? '';
      const result = await listScopedIssues(app.db, actor, { state, page: request.query.page ?? 1 });
      const data = { ...result, state, states: Object.values(ISSUE_STATES) };
      return reply.page(request.isHtmx ? 'issues/_queue-list.njk' : 'issues/queue.njk', data);
    },
  );

  app.get('/issues/:id', { preHandler: requireActor, schema: { params: IssueParams } }, async (request, reply) => {
    const actor = actorOf(request);
    const issue = await getIssueForActor(app.db, actor, request.params.id);
    const now = app.now();
    return reply.page('issues/show.njk', {
      issue,
      showIdentity: seesReporterIdentity(actor, issue.reporterId),
      respondLeft: timeLeft(issue.respondBy, now),
      resolveLeft: timeLeft(issue.resolveBy, now),
      justFiled: (request.query as Record<string, string>).filed === '1',
    });
  });
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { inTransaction } from '../../plugins/db.ts';
import { formHandler, readForm, validateFields } from '../../lib/form.ts';
import { safeLocalPath } from '../../lib/safe-redirect.ts';
import { BadRequest, NotFound, type FieldError } from '../../errors.ts';
import { ISSUE_STATES, PARTIES, RATINGS, isBouncing } from '../../domain/issue-workflow.ts';
import { dueDates, formatShanghaiLocal, timeLeft, toShanghaiParts } from '../../domain/deadlines.ts';
import { csvDownloadHeaders, csvStream } from '../../lib/csv.ts';
import { actorOf, requireActor, requireRole } from '../../lib/guards.ts';
import { acceptUploads, withStoredFiles } from '../attachments/index.ts';
import {
  ActionParams,
  CommentForm,
  FilingForm,
  IssueActionForm,
  IssueParams,
  MyIssuesQuery,
  PublicQuery,
  QueueQuery,
  STALE_FORM_FIELDS,
  SupportForm,
} from './schemas.ts';
import { newIssueFormData } from './queries.ts';
import { PUBLIC_STATES, listMyIssues, listPublicIssues, listQueue, publicIssueRow } from './list-reads.ts';
import { queueFilterOptionsCache } from './list-options.ts';
import { queueFormData, readQueueQuery } from './list-filters.ts';
import { listLinks } from './list-links.ts';
import { queueExportBatches, queueExportHeader } from './queue-export.ts';
import { assertIssueVisible, issuePage } from './page-reads.ts';
import { fileIssue, firstFilingAfterRace } from './filing.ts';
import { actOnIssue, addComment, alreadySupported, supportIssue } from './commands.ts';
import { actionsFor, doneMessage, isFormAction, type FormAction } from './page-actions.ts';
import { isOverdueNow } from './overdue.ts';
import { seesReporterIdentity } from './scope.ts';
import { registerDuplicateRoutes, similarOffer } from './duplicates-routes.ts';
import callerRoutes from './caller-routes.ts';
import { chaseOffer } from './chase.ts';
import { registerChaseRoute } from './chase-routes.ts';

type FormValues = Record<string, string | string[]>;

interface PageState {
  errors?: FieldError[];
  formAction?: string;
  values?: FormValues;
  message?: { key: string; params?: Record<string, string | number> };
}

/** A wrong hidden field (submission key, version) means the page the form came from is stale: say that once. */
function staleFormErrors(errors: FieldError[]): FieldError[] {
  const isStale = (e: FieldError) => (STALE_FORM_FIELDS as readonly string[]).includes(e.field);
  const rest = errors.filter((e) => !isStale(e));
  return errors.some(isStale) ? [...rest, { field: 'form', code: 'stale_form' }] : rest;
}

const idOf = (request: FastifyRequest) => (request.params as Static<typeof IssueParams>).id;

export default async function issueRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const photoLimits = () => ({ maxFiles: app.config.uploadMaxFiles, maxBytes: app.config.uploadMaxBytes });

  async function renderNewForm(request: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldError[]) {
    const { categories, unit } = await newIssueFormData(app.db, actorOf(request));
    const key = values.submissionKey;
    const offer = await similarOffer(app.db, actorOf(request), values, errors, app.now());
    // Held to show the neighbours' reports is not an error: nothing was wrong with the form.
    if (offer.similarHeld && offer.errors.length === 0) reply.code(200);
    return reply.page('issues/new.njk', {
      categories,
      unit,
      similar: offer.similar,
      similarHeld: offer.similarHeld,
      values: {
        locationType: unit ? 'unit' : 'estate',
        ...values,
        // A stale form gets a fresh key, so the corrected form can be sent.
        submissionKey: typeof key === 'string' && key !== '' ? key : randomUUID(),
      },
      errors: offer.errors,
      maxFiles: app.config.uploadMaxFiles,
      maxMb: Math.round(app.config.uploadMaxBytes / 1048576),
    });
  }

  /** The issue page: facts, deadlines, only the actions this actor may take, comments and the timeline. */
  async function renderIssue(request: FastifyRequest, reply: FastifyReply, id: number, state: PageState = {}) {
    const actor = actorOf(request);
    const query = request.query as Record<string, string | undefined>;
    const allEvents = query.timeline === 'all';
    const { issue, supported, followUps, linkedFrom, earlierEvents } = await issuePage(app.sql, actor, id, { allEvents });
    const now = app.now();
    const defaultDue = dueDates(issue.category, issue.createdAt).resolveBy;
    const dueDefault = defaultDue.getTime() > now.getTime() ? defaultDue : dueDates(issue.category, now).resolveBy;
    const canSupport =
      actor.role === 'resident' &&
      actor.verified &&
      issue.isPublic &&
      issue.reporterId !== actor.userId &&
      issue.estateId === actor.homeEstateId &&
      issue.state !== 'closed' &&
      issue.state !== 'rejected' &&
      !supported;
    return reply.page('issues/show.njk', {
      issue,
      earlierEvents,
      actions: actionsFor(actor, issue),
      parties: PARTIES,
      ratings: RATINGS,
      defaultParty: issue.category.defaultParty,
      defaultDueAt: formatShanghaiLocal(dueDefault),
      showIdentity: seesReporterIdentity(actor, issue.reporterId),
      respondLeft: timeLeft(issue.respondBy, now),
      resolveLeft: timeLeft(issue.resolveBy, now),
      overdue: isOverdueNow(issue, now),
      chase: chaseOffer(actor, issue, now),
      bouncing: isBouncing(issue.handoffCount),
      justFiled: query.filed === '1',
      done: doneMessage(query.done),
      canSupport,
      supported,
      followUps,
      linkedFrom,
      errors: state.errors ?? [],
      formAction: state.formAction ?? '',
      values: state.values ?? {},
      message: state.message ?? null,
      maxFiles: app.config.uploadMaxFiles,
    });
  }

  registerChaseRoute(app, renderIssue);
  registerDuplicateRoutes(app, renderIssue);
  await app.register(callerRoutes);

  app.get('/issues/new', { preHandler: requireRole('resident') }, async (request, reply) => {
    return renderNewForm(request, reply, {}, []);
  });

  // Multipart (photos) or urlencoded (no JavaScript and no photos): both arrive as fields here.
  app.post(
    '/issues',
    { preHandler: requireRole('resident') },
    formHandler({
      schema: FilingForm,
      act: async ({ request, value, files }) => {
        const actor = actorOf(request);
        const photos = acceptUploads(files.photos, 'photos', photoLimits());
        const { issueId } = await withStoredFiles(app.config.uploadDir, photos, (stored) =>
          inTransaction(app.db, (tx) => fileIssue(tx, actor, value, stored, app.now())),
        ).catch((error: unknown) => firstFilingAfterRace(app.db, actor, value.submissionKey, error));
        return `/issues/${issueId}?filed=1`;
      },
      render: ({ request, reply, raw }, errors) => renderNewForm(request, reply, raw, staleFormErrors(errors)),
    }),
  );

  app.get(
    '/issues/mine',
    { preHandler: requireRole('resident'), schema: { querystring: MyIssuesQuery } },
    async (request, reply) => {
      const state = request.query.state ?? '';
      const result = await listMyIssues(app.sql, actorOf(request), { ...request.query, state });
      const links = listLinks('/issues/mine', { state }, result, request.query, '#my-list');
      const data = { ...result, ...links, state, states: Object.values(ISSUE_STATES) };
      return reply.page(request.isHtmx ? 'issues/_my-list.njk' : 'issues/mine.njk', data);
    },
  );

  // The queue's filter menus: read at most once a minute per estate set (list-options.ts).
  const filterOptions = queueFilterOptionsCache(app.db);

  app.get(
    '/issues',
    { preHandler: requireRole('property', 'committee', 'community', 'admin'), schema: { querystring: QueueQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      const q = request.query;
      const { filters, query } = readQueueQuery(q, actor);
      const now = app.now();
      const options = await filterOptions(actor);
      const result = await listQueue(app.sql, actor, query, options, now);
      const shown = { ...filters, view: result.view };
      const data = {
        ...result,
        ...listLinks('/issues', shown, result, q, '#queue-list'),
        exportHref: `/issues.csv?${new URLSearchParams(Object.entries(shown).filter(([, v]) => v !== '')).toString()}`,
        ...(request.isHtmx ? {} : options),
        ...queueFormData(shown, options),
        filters: shown,
        states: Object.values(ISSUE_STATES),
        parties: PARTIES,
        now,
      };
      return reply.page(request.isHtmx ? 'issues/_queue-list.njk' : 'issues/queue.njk', data);
    },
  );

  // The queue as it stands (tab, filters, search) as CSV for the monthly report: streamed, page by page.
  app.get(
    '/issues.csv',
    { preHandler: requireRole('property', 'committee', 'community', 'admin'), schema: { querystring: QueueQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      const { after: _after, before: _before, ...query } = readQueueQuery(request.query, actor).query;
      const options = await filterOptions(actor);
      // Read where reports are read (a replica when there is one): an export may be a year of issues.
      const batches = queueExportBatches(await app.reports.pick(), actor, query, options, app.now(), request.t, request.locale);
      const day = toShanghaiParts(app.now());
      const stamp = `${day.year}${String(day.month).padStart(2, '0')}${String(day.day).padStart(2, '0')}`;
      reply.headers(csvDownloadHeaders(`issues-${stamp}.csv`));
      return reply.send(csvStream(queueExportHeader(request.t), batches));
    },
  );

  app.get(
    '/issues/public',
    { preHandler: requireRole('resident'), schema: { querystring: PublicQuery } },
    async (request, reply) => {
      const result = await listPublicIssues(app.sql, actorOf(request), request.query);
      const links = listLinks('/issues/public', { state: result.show }, result, request.query, '#public-list');
      const data = { ...result, ...links, shows: PUBLIC_STATES };
      return reply.page(request.isHtmx ? 'issues/_public-list.njk' : 'issues/public.njk', data);
    },
  );

  // "Me too" answers htmx with the row as it now stands, so it does not go through the redirecting pipeline.
  app.post(
    '/issues/:id/support',
    { preHandler: requireRole('resident'), schema: { params: IssueParams } },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = request.params.id;
      const form = validateFields(SupportForm, readForm(request.body).fields);
      if (!form.ok) throw new BadRequest();
      await inTransaction(app.db, (tx) => supportIssue(tx, actor, id, app.now())).catch(alreadySupported);
      if (!request.isHtmx) return reply.redirect(safeLocalPath(form.value.back, `/issues/${id}`), 303);
      const i = await publicIssueRow(app.sql, actor, id);
      return reply.page('issues/_public-row.njk', { i, here: safeLocalPath(form.value.back, '/issues/public') });
    },
  );

  app.get('/issues/:id', { preHandler: requireActor, schema: { params: IssueParams } }, async (request, reply) => {
    return renderIssue(request, reply, request.params.id);
  });

  // One route for every action; multipart (photos) or urlencoded. A stale form or a move the state no
  // longer allows re-renders the page with the new state and says so (409), writing nothing.
  app.post(
    '/issues/:id/actions/:action',
    { preHandler: requireActor, schema: { params: ActionParams } },
    formHandler({
      schema: IssueActionForm,
      load: async (request): Promise<{ id: number; action: FormAction }> => {
        const { id, action } = request.params as Static<typeof ActionParams>;
        if (!isFormAction(action)) throw new NotFound();
        await assertIssueVisible(app.sql, actorOf(request), id);
        return { id, action };
      },
      act: async ({ request, value, files }, { id, action }) => {
        const photos = acceptUploads(files.photos, 'photos', photoLimits());
        const result = await withStoredFiles(app.config.uploadDir, photos, (stored) =>
          inTransaction(app.db, (tx) => actOnIssue(tx, actorOf(request), id, action, value, stored, app.now())),
        );
        return `/issues/${result.issueId}?done=${result.linked ? 'linked' : action}`;
      },
      render: ({ request, reply, raw }, errors) =>
        renderIssue(request, reply, idOf(request), {
          errors: staleFormErrors(errors),
          formAction: (request.params as Static<typeof ActionParams>).action,
          values: raw,
        }),
      conflict: ({ request, reply }, error, { id }) =>
        renderIssue(request, reply, id, { message: { key: error.messageKey, params: error.params } }),
    }),
  );

  app.post(
    '/issues/:id/comments',
    { preHandler: requireActor, schema: { params: IssueParams } },
    formHandler({
      schema: CommentForm,
      load: (request) => assertIssueVisible(app.sql, actorOf(request), idOf(request)),
      act: async ({ request, value, files }) => {
        const photos = acceptUploads(files.photos, 'photos', photoLimits());
        await withStoredFiles(app.config.uploadDir, photos, (stored) =>
          inTransaction(app.db, (tx) => addComment(tx, actorOf(request), idOf(request), value.body, stored, app.now())),
        );
        return `/issues/${idOf(request)}#comments`;
      },
      render: ({ request, reply, raw }, errors) =>
        renderIssue(request, reply, idOf(request), { errors, formAction: 'comment', values: raw }),
    }),
  );
}

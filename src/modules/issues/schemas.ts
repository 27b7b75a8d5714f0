import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** A list's keyset cursor (list-keyset.ts): opaque base64url text, checked again when decoded. */
const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }));

export const IssueParams = Type.Object({ id: Id });
export const ActionParams = Type.Object({ id: Id, action: Type.String({ maxLength: 20 }) });

export const MyIssuesQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 30 })),
  after: Cursor,
  before: Cursor,
});

/** Filter menus send '' for "any"; a number otherwise. */
const OptionalIdText = Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^[0-9]{1,9}$' })]));
const Flag = Type.Optional(Type.String({ maxLength: 5 }));

export const QueueQuery = Type.Object({
  view: Type.Optional(Type.String({ maxLength: 20 })),
  state: Type.Optional(Type.String({ maxLength: 30 })),
  category: OptionalIdText,
  building: OptionalIdText,
  party: Type.Optional(Type.String({ maxLength: 20 })),
  overdue: Flag,
  emergency: Flag,
  /** The search box: words of the title, description or location, or an issue number; the input allows 50 characters. */
  q: Type.Optional(Type.String({ maxLength: 50 })),
  /** The order (list-orders.ts); '' or absent keeps the tab's own. */
  sort: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('due'), Type.Literal('age'), Type.Literal('supports')])),
  /** One of the actor's estates (the dashboard links to it); another is a 400. */
  estate: OptionalIdText,
  /** Filed between these Shanghai days, both included (checked as calendar dates in list-filters.ts). */
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
  /** Issues that bounced (two handoffs or more), were reopened, or were rated dissatisfied. */
  flag: Type.Optional(
    Type.Union([Type.Literal(''), Type.Literal('bouncing'), Type.Literal('reopened'), Type.Literal('dissatisfied')]),
  ),
  after: Cursor,
  before: Cursor,
});

export const PublicQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 20 })),
  after: Cursor,
  before: Cursor,
});

// ───────────────────────────── form bodies ─────────────────────────────
// A text field the browser may leave out ('' then). The caps only refuse what no browser form sends; the
// commands check the real limits on the trimmed text and say which one was passed.
const Text = (maxLength: number) => Type.String({ default: '', maxLength });

/** Hidden fields that tie a form to the page it came from; when they are wrong the form is stale. */
export const STALE_FORM_FIELDS = ['submissionKey', 'version'] as const;

/** Filing a new issue (photos come as files of the field `photos`). */
export const FilingForm = Type.Object({
  categoryId: Text(20),
  locationType: Text(20),
  locationNote: Text(1000),
  title: Text(1000),
  description: Text(20000),
  submissionKey: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
  /** '1' once the resident has seen the similar open issues and files anyway (duplicates-routes.ts). */
  similarChecked: Text(5),
});

/** Any action from the issue page; `version` is the issue's version the page was rendered from. */
export const IssueActionForm = Type.Object({
  version: Type.String({ pattern: '^[0-9]{1,9}$' }),
  party: Text(20),
  assignedOrg: Text(1000),
  dueAt: Text(40),
  reason: Text(20000),
  note: Text(20000),
  rating: Text(40),
  ratingComment: Text(5000),
  /** mark_duplicate: the original's number as typed ("12" or "#12"). */
  originalId: Text(40),
});

export const CommentForm = Type.Object({ body: Text(20000) });

/** "Me too"; `back` is the list page to return to without JavaScript. */
export const SupportForm = Type.Object({ back: Text(2000) });

import { Type } from '@sinclair/typebox';

/** TypeBox schemas for what the meeting routes accept: params, queries, and the fields of every form. */

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** A checkbox group: absent, one value (a string) or several (an array). */
const Many = Type.Union([Type.String({ maxLength: 20 }), Type.Array(Type.String({ maxLength: 20 }), { maxItems: 2000 })], {
  default: [],
});
/** A text field; absent is empty. The meeting rules check lengths users can hit, with a clearer message. */
const Text = (maxLength: number) => Type.String({ maxLength, default: '' });

export const MeetingParams = Type.Object({ id: Id });
export const ItemParams = Type.Object({ id: Id, itemId: Id });
export const ActionParams = Type.Object({ id: Id, actionId: Id });
export const FeedParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

export const ListQuery = Type.Object({
  estate: Type.Optional(Id),
});

export const NewMeetingQuery = Type.Object({
  estate: Type.Optional(Type.Union([Id, Type.Array(Id, { maxItems: 50 })])),
});

const Flag = Type.Optional(Type.String({ maxLength: 10 }));
/** The show page's flash after a redirect (`?created=1`). */
export const FLASHES = ['created', 'updated', 'held', 'applied', 'withheld', 'cancelled', 'saved'] as const;
export const ShowQuery = Type.Object(
  Object.fromEntries(FLASHES.map((k) => [k, Flag])) as Record<(typeof FLASHES)[number], typeof Flag>,
);

export const MeetingFields = Type.Object({
  kind: Text(20),
  title: Text(400),
  place: Text(400),
  startsAt: Text(40),
  endsAt: Text(40),
  estateIds: Many,
  participantIds: Many,
  /** Set by the "show candidates" step of the form: re-render instead of saving. */
  refresh: Text(10),
});

export const FreeItemFields = Type.Object({ title: Text(400) });
export const MoveFields = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });

export const AttendanceFields = Type.Object({
  attended: Many,
  minutes: Text(40000),
  /** Why attendance changes after a verdict on the decisions (required then; the rule counts characters). */
  reason: Text(2000),
});

/** Applying the minutes: the reason is required when decisions held earlier are applied now. */
export const ApplyFields = Type.Object({ reason: Text(2000) });

export const DecisionFields = Type.Object({
  kind: Text(20),
  party: Text(20),
  dueAt: Text(40),
  reason: Text(2000),
  amount: Text(40),
});

export const ActionItemFields = Type.Object({
  ownerId: Text(20),
  title: Text(400),
  dueAt: Text(40),
});

/** A button: the form carries only its CSRF token, which the csrf plugin checks. */
export const NoFields = Type.Object({});

/** Normalises a checkbox group to a list of strings. */
export function manyValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** A checkbox group: absent, one value (a string) or several (an array). */
const Many = Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Array(Type.String({ maxLength: 20 }), { maxItems: 2000 })]));
const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

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

export const MeetingBody = Type.Object({
  _csrf: Text(200),
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

export const FreeItemBody = Type.Object({ _csrf: Text(200), title: Text(400) });
export const MoveBody = Type.Object({ _csrf: Text(200), direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });

export const AttendanceBody = Type.Object({
  _csrf: Text(200),
  attended: Many,
  minutes: Text(40000),
});

export const DecisionBody = Type.Object({
  _csrf: Text(200),
  kind: Text(20),
  party: Text(20),
  dueAt: Text(40),
  reason: Text(2000),
  amount: Text(40),
});

export const ActionItemBody = Type.Object({
  _csrf: Text(200),
  ownerId: Text(20),
  title: Text(400),
  dueAt: Text(40),
});

export const CsrfOnlyBody = Type.Object({ _csrf: Text(200) });

/** Normalises a checkbox group to a list of strings. */
export function manyValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

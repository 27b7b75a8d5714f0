import { Type } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
/** A choice from a menu: '' for none yet, else a database id. */
const IdText = Type.Union([Type.Literal(''), Type.String({ pattern: '^[0-9]{1,9}$' })], { default: '' });

/** Any text up to a sane length: a wrong or rotated code is a 404 page, not a 400. */
export const JoinParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) });

/** The chosen building (htmx sends the select's value when it changes; a plain link may too). */
export const JoinQuery = Type.Object({ joinBuilding: Type.Optional(IdText) });

/**
 * The join form. Lengths and shapes only: what is missing or wrong (a bad number, a common password)
 * is said next to the field by the service, in the resident's words.
 */
export const JoinForm = Type.Object({
  joinBuilding: IdText,
  joinUnit: IdText,
  joinName: Type.String({ maxLength: 200, default: '' }),
  joinPhone: Type.String({ maxLength: 50, default: '' }),
  joinRelation: Type.Union([Type.Literal(''), Type.Literal('owner'), Type.Literal('tenant')], { default: '' }),
  joinPassword: Type.String({ maxLength: 500, default: '' }),
  joinConfirm: Type.String({ maxLength: 500, default: '' }),
  /** "units": the no-JavaScript button that lists the chosen building's rooms; nothing is submitted. */
  step: Type.Union([Type.Literal('submit'), Type.Literal('units')], { default: 'submit' }),
});

export const RegistrationParams = Type.Object({ id: Id });

export const QueueQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

export const ShowQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
});

export const DecisionForm = Type.Object({
  decision: Type.Union([Type.Literal('owner'), Type.Literal('tenant'), Type.Literal('decline')]),
  regOwner: IdText,
  regReason: Type.String({ maxLength: 500, default: '' }),
});

export const StatusQuery = Type.Object({
  joined: Type.Optional(Type.String({ maxLength: 5 })),
});

import { Type } from '@sinclair/typebox';

export const IssueParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const MyIssuesQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 30 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
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
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

export const PublicQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

export const ActionParams = Type.Object({ id: Id, action: Type.String({ maxLength: 20 }) });

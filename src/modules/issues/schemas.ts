import { Type } from '@sinclair/typebox';

export const IssueParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const MyIssuesQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 30 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

import { Type } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const NewProposalQuery = Type.Object({
  issue: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});

export const BallotBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  voterKey: Type.String({ maxLength: 400 }),
  choice: Type.String({ maxLength: 20 }),
});

export const RecordBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  voterKey: Type.Optional(Type.String({ maxLength: 400 })),
  choice: Type.Optional(Type.String({ maxLength: 20 })),
  channel: Type.Optional(Type.String({ maxLength: 20 })),
  recorderName: Type.Optional(Type.String({ maxLength: 200 })),
});

export const NoteBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});

export const PageQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
  voter: Type.Optional(Type.String({ maxLength: 400 })),
});

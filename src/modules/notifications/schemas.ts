import { Type } from '@sinclair/typebox';

export const NotificationParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const InboxQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  unread: Type.Optional(Type.String({ maxLength: 5 })),
});

/** "Open" (open=1) marks read and follows the link; "mark read" returns to `back` or the inbox. */
export const MarkReadForm = Type.Object({
  open: Type.Optional(Type.Literal('1')),
  back: Type.String({ maxLength: 500, default: '' }),
});

export const MarkAllReadForm = Type.Object({
  back: Type.String({ maxLength: 500, default: '' }),
});

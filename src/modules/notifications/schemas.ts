import { Type, type TSchema } from '@sinclair/typebox';
import { DELIVERY_MODES, NOTIFICATION_TOPICS, type NotificationTopic } from '../../domain/notification-rules.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });

export const NotificationParams = Type.Object({ id: Id });

export const InboxQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  unread: Type.Optional(Type.String({ maxLength: 5 })),
  /** One of the reader's digests: the inbox lists the rows it gathered. */
  digest: Type.Optional(Id),
});

/** "Open" (open=1) marks read and follows the link; "mark read" returns to `back` or the inbox. */
export const MarkReadForm = Type.Object({
  open: Type.Optional(Type.Literal('1')),
  back: Type.String({ maxLength: 500, default: '' }),
});

export const MarkAllReadForm = Type.Object({
  back: Type.String({ maxLength: 500, default: '' }),
});

export const PreferencesQuery = Type.Object({ saved: Type.Optional(Type.Literal('1')) });

/** The form field of a topic's mode (a radio group). */
export const preferenceField = (topic: NotificationTopic): string => `pref_${topic}`;

const Mode = Type.Union(DELIVERY_MODES.map((mode) => Type.Literal(mode)));

/** Every topic's mode, each optional here: which ones a reader must answer depends on their role. */
export const PreferencesForm = Type.Object(
  Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [preferenceField(topic), Type.Optional(Mode)])) as Record<
    string,
    TSchema
  >,
);

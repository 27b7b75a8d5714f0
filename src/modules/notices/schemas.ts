import { Type } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

/** The staff's notice form (multipart: photos and scans). Names as the form sends them. */
export const NoticeForm = Type.Object({
  estateId: Type.String({ pattern: '^[0-9]{1,9}$' }),
  kind: Type.String({ maxLength: 30 }),
  title: Type.String({ maxLength: 1000 }),
  body: Type.String({ maxLength: 50000 }),
  publicUntil: Type.String({ default: '', maxLength: 20 }),
  endsAt: Type.String({ default: '', maxLength: 20 }),
  pin: Type.Optional(Type.Literal('1')),
  submissionKey: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
});

/** The names the form's fields are shown (and their errors reported) under. */
export const NOTICE_FIELDS = {
  estateId: 'noticeEstate',
  kind: 'noticeKind',
  title: 'noticeTitle',
  body: 'noticeBody',
  publicUntil: 'noticePublicUntil',
  endsAt: 'noticeEndsAt',
  submissionKey: 'form',
} as const;

export const WithdrawForm = Type.Object({ reason: Type.String({ maxLength: 5000 }) });

/** A button's form: nothing but the CSRF token (checked by the csrf plugin). */
export const ButtonForm = Type.Object({});

export const BoardQuery = Type.Object({
  estate: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  kind: Type.Optional(Type.String({ maxLength: 30 })),
  show: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('ended')])),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,10}$' })),
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,10}$' })),
});

export const NoticePageQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

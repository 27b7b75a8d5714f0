import { Type } from '@sinclair/typebox';

export const LoginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  reason: Type.Optional(Type.String({ maxLength: 20 })),
});

export const LoginBody = Type.Object({
  username: Type.String({ maxLength: 200 }),
  password: Type.String({ maxLength: 500 }),
  next: Type.Optional(Type.String({ maxLength: 500 })),
  _csrf: Type.Optional(Type.String()),
});

export const PasswordBody = Type.Object({
  current: Type.String({ maxLength: 500 }),
  next: Type.String({ maxLength: 500 }),
  confirm: Type.String({ maxLength: 500 }),
  _csrf: Type.Optional(Type.String()),
});

export const LocaleBody = Type.Object({
  locale: Type.String({ maxLength: 10 }),
  back: Type.Optional(Type.String({ maxLength: 500 })),
  _csrf: Type.Optional(Type.String()),
});

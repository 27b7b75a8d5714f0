import { Type } from '@sinclair/typebox';
import { LOCALES } from '../../i18n/index.ts';

export const LoginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  reason: Type.Optional(Type.String({ maxLength: 20 })),
});

export const LoginForm = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 500 }),
  next: Type.String({ maxLength: 500, default: '' }),
});

export const PasswordForm = Type.Object({
  // Empty passwords are not refused here: the service says why (wrong, too short) next to the field.
  current: Type.String({ maxLength: 500 }),
  next: Type.String({ maxLength: 500 }),
  confirm: Type.String({ maxLength: 500 }),
});

export const LocaleForm = Type.Object({
  locale: Type.Union(LOCALES.map((locale) => Type.Literal(locale))),
  back: Type.String({ maxLength: 500, default: '/' }),
});

/** Logging out carries nothing but the CSRF token. */
export const LogoutForm = Type.Object({});

// ─── issue #9: first start, recovery, profile, staff accounts ───

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

/** A one-time link's token; anything that is not a live token is a 404, so the schema only bounds it. */
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const SetupForm = Type.Object({
  username: Type.String({ maxLength: 200, default: '' }),
  displayName: Type.String({ maxLength: 200, default: '' }),
  password: Type.String({ maxLength: 500, default: '' }),
  confirm: Type.String({ maxLength: 500, default: '' }),
});

export const ResetForm = Type.Object({
  password: Type.String({ maxLength: 500, default: '' }),
  confirm: Type.String({ maxLength: 500, default: '' }),
});

export const PhoneForm = Type.Object({ phone: Type.String({ maxLength: 40, default: '' }) });

export const JoiningQuery = Type.Object({ code: Type.Optional(Type.String({ maxLength: 100 })) });

export const AccountsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  saved: Type.Optional(Type.String({ maxLength: 2 })),
});

const IdText = Type.String({ maxLength: 10, pattern: '^[0-9]{1,10}$' });

const accountFields = {
  role: Type.String({ maxLength: 20, default: '' }),
  displayName: Type.String({ maxLength: 200, default: '' }),
  phone: Type.String({ maxLength: 40, default: '' }),
  orgName: Type.String({ maxLength: 240, default: '' }),
  estateIds: Type.Optional(Type.Union([IdText, Type.Array(IdText, { maxItems: 500 })])),
  communityId: Type.String({ maxLength: 10, pattern: '^[0-9]{0,10}$', default: '' }),
};

/** Changing a staff account: its name, contact, party and scope. */
export const AccountForm = Type.Object(accountFields);

/** A new staff account: the same, and its login name. No password: its owner sets it with a one-time link. */
export const NewAccountForm = Type.Object({ username: Type.String({ maxLength: 200, default: '' }), ...accountFields });

/** A button that carries nothing but the CSRF token (deactivate, reactivate, issue a reset link). */
export const ButtonForm = Type.Object({});

/** A page that says "saved" after a redirect. */
export const SavedQuery = Type.Object({ saved: Type.Optional(Type.String({ maxLength: 2 })) });

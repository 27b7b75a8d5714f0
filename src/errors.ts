/**
 * Typed errors thrown by services. One error handler (plugins/errors.ts) maps them to pages and status
 * codes. `messageKey` is a catalogue key, so the page speaks the user's language.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(messageKey);
    this.name = new.target.name;
  }
}

/** Not there, or not the actor's to see: the same answer either way, so scope does not leak. */
export class NotFound extends AppError {
  constructor(messageKey = 'errors.notFound') {
    super(404, messageKey);
  }
}

export class Forbidden extends AppError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, messageKey);
  }
}

export class Unauthenticated extends AppError {
  constructor(messageKey = 'errors.loginRequired') {
    super(401, messageKey);
  }
}

export class BadRequest extends AppError {
  constructor(messageKey = 'errors.badRequest', params: Record<string, string | number> = {}) {
    super(400, messageKey, params);
  }
}

/** The action is not allowed in the current state, or the form was stale. */
export class InvalidTransition extends AppError {
  constructor(messageKey = 'errors.invalidTransition', params: Record<string, string | number> = {}) {
    super(409, messageKey, params);
  }
}

export class Conflict extends AppError {
  constructor(messageKey = 'errors.conflict', params: Record<string, string | number> = {}) {
    super(409, messageKey, params);
  }
}

/** Field-level problems with a submitted form; routes re-render the form with these inline. */
export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export class ValidationFailed extends AppError {
  constructor(readonly errors: FieldError[]) {
    super(400, 'errors.validation');
  }
}

import { AppError, ConflictError } from '@shop/kit';

// The failures of the account and session use cases, as the kit's one error model. Their bodies are
// deliberately fixed strings: a login refused for an unknown email must look exactly like one refused
// for a wrong password.

export class InvalidCredentialsError extends AppError {
  constructor() {
    super({ status: 401, code: 'invalid-credentials', title: 'Unauthorized', detail: 'The email or password is not correct' });
  }
}

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super({
      status: 429,
      code: 'too-many-attempts',
      title: 'Too many attempts',
      detail: `Too many failed sign-in attempts; try again in ${retryAfterSeconds} seconds`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/**
 * Too many passwords are waiting to be hashed for this request to be served before its caller gives up:
 * refused without hashing, told how long the queue needs to drain (Retry-After). Its detail is public.
 */
export class OverloadedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super({
      status: 503,
      code: 'overloaded',
      title: 'Too busy',
      detail: `Too many sign-ups and sign-ins at once; try again in ${retryAfterSeconds} seconds`,
      expose: true,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

export class InvalidRefreshTokenError extends AppError {
  constructor() {
    super({
      status: 401,
      code: 'invalid-refresh-token',
      title: 'Unauthorized',
      detail: 'The refresh token is not valid; sign in again',
    });
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email-taken', 'An account with this email address already exists');
  }
}

// One error model for every service: the domain and the adapters throw these; one middleware turns
// them into RFC 9457 problem+json. Anything else that escapes is a 500 whose details never leave the
// process.

export interface FieldProblem {
  /** Where the value was: `query.limit`, `body.items[0].quantity`, `params.id`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  /** Stable, machine-readable slug; becomes the problem `type` URI. */
  code: string;
  title: string;
  detail?: string;
  /** Whether `detail` may be shown to a client. Titles are always public. */
  expose?: boolean;
  errors?: FieldProblem[];
  /** How many field problems there were in all, when `errors` lists only the first of them. */
  errorCount?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

// Bounds on what one error puts in an answer and in a log line, whatever the client sent: a body of
// 20,000 bad addresses yields the first problems and a count, not megabytes.
/** Field problems listed in one answer; the rest are counted in `errorsOmitted`. */
export const MAX_LISTED_PROBLEMS = 20;
/** Longest field name or message of one problem (an unknown key is the client's text). */
export const MAX_PROBLEM_TEXT = 200;
/** Longest `detail`. */
export const MAX_DETAIL = 1000;

/** The text, cut to at most `max` characters (an ellipsis marks the cut, never inside a surrogate pair). */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly expose: boolean;
  readonly errors: FieldProblem[] | undefined;
  /** Field problems found but not listed in `errors` (0 when all are). */
  readonly errorsOmitted: number;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail === undefined ? undefined : bounded(init.detail, MAX_DETAIL);
    this.expose = init.expose ?? init.status < 500;
    this.errors = init.errors?.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({
      field: bounded(p.field, MAX_PROBLEM_TEXT),
      message: bounded(p.message, MAX_PROBLEM_TEXT),
    }));
    this.errorsOmitted = Math.max(0, (init.errorCount ?? init.errors?.length ?? 0) - (this.errors?.length ?? 0));
    this.headers = init.headers ?? {};
  }
}

/** The delay-seconds of a Retry-After among `headers` (any case), or undefined (absent, or an HTTP date). */
export function retryAfterSeconds(headers: Record<string, string>): number | undefined {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value) : undefined;
}

export class ValidationError extends AppError {
  /** `errors` may be the first of `options.total` problems; `options.code` a more exact slug than validation-failed. */
  constructor(errors: FieldProblem[], detail?: string, options: { total?: number; code?: string } = {}) {
    const total = options.total ?? errors.length;
    super({
      status: 400,
      code: options.code ?? 'validation-failed',
      title: 'The request is not valid',
      detail: detail ?? describeFields(errors, total),
      errors,
      errorCount: total,
    });
  }
}

/** A page cursor the service did not make (tampered, forged, or from another query): 400 invalid-cursor. */
export class InvalidCursorError extends ValidationError {
  constructor(field = 'query.cursor') {
    super([{ field, message: 'is not a valid cursor' }], 'Pass the nextCursor of a previous page exactly as it was given', {
      code: 'invalid-cursor',
    });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super({ status: 404, code: 'not-found', title: 'Not found', detail: `${what} was not found` });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, detail: string) {
    super({ status: 409, code, title: 'Conflict', detail });
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'Missing or invalid credentials') {
    super({ status: 401, code: 'unauthorized', title: 'Unauthorized', detail });
  }
}

/** A dependency (sidecar, component, upstream service) failed or is unreachable. */
export class DependencyError extends AppError {
  constructor(dependency: string, detail: string, cause?: unknown, status = 503) {
    super({
      status,
      code: 'dependency-unavailable',
      title: 'A dependency is unavailable',
      detail: `${dependency}: ${detail}`,
      expose: false,
      cause,
    });
  }
}

/** Optimistic concurrency lost: the ETag no longer matches what is stored. */
export class EtagMismatchError extends AppError {
  constructor(store: string, key: string, cause?: unknown) {
    super({
      status: 409,
      code: 'concurrent-modification',
      title: 'Concurrent modification',
      detail: `${key} in ${store} was changed by someone else; retry with fresh data`,
      cause,
    });
  }
}

/** The first few problems in words, and how many more there are. */
function describeFields(errors: FieldProblem[], total: number): string {
  const shown = errors.slice(0, 5).map((e) => `${bounded(e.field, MAX_PROBLEM_TEXT)} ${bounded(e.message, MAX_PROBLEM_TEXT)}`);
  return total > shown.length ? `${shown.join('; ')}; and ${total - shown.length} more` : shown.join('; ');
}

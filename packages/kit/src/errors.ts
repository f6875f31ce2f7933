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
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly expose: boolean;
  readonly errors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.expose = init.expose ?? init.status < 500;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldProblem[], detail = describeFields(errors)) {
    super({ status: 400, code: 'validation-failed', title: 'The request is not valid', detail, errors });
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

function describeFields(errors: FieldProblem[]): string {
  return errors.map((e) => `${e.field} ${e.message}`).join('; ');
}

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FromSchema, JSONSchema } from '@shop/contracts';
import { MAX_LISTED_PROBLEMS, ValidationError, type FieldProblem } from './errors';

export type { FromSchema, JSONSchema };

/** Where a value came from; names the field in a problem (`query.limit`, `body.email`). */
export type Source = 'query' | 'params' | 'body' | 'event';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, strict: true });
  addFormats(ajv);
  // ajv-formats also takes `urn:uuid:…`, which PostgreSQL's uuid type refuses: ids are the bare form only.
  ajv.addFormat('uuid', UUID_PATTERN);
  return ajv;
}

/** A UUID as PostgreSQL and every service write it (any case, no braces, no `urn:uuid:` prefix). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Query strings and path parameters arrive as strings and are coerced to the schema's types;
// JSON bodies and event data must already have the right types.
const coercing = makeAjv(true);
const exact = makeAjv(false);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JSONSchema, coerce: boolean): ValidateFunction {
  const key = schema as object;
  let fn = compiled.get(key);
  if (!fn) {
    fn = (coerce ? coercing : exact).compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

/**
 * Validates (and, for query and params, coerces and defaults) a value against a JSON Schema, returning
 * it typed by that schema; throws a ValidationError naming the failing fields (the first of them, and
 * how many more).
 */
export function validate<S extends JSONSchema>(schema: S, value: unknown, source: Source): FromSchema<S> {
  const coerce = source === 'query' || source === 'params';
  const fn = validatorFor(schema, coerce);
  if (!fn(value)) throw new ValidationError(toFieldProblems(fn.errors ?? [], source), undefined, { total: fn.errors?.length ?? 0 });
  if (coerce) {
    const infinite = nonFinite(value, source);
    if (infinite.length) throw new ValidationError(infinite);
  }
  return value as FromSchema<S>;
}

// ajv coerces the text "1e309" to Infinity, then skips minimum and maximum (they apply to finite numbers
// only), so `?limit=1e309` would pass as an integer. Query and path values are flat: one level to look at.
function nonFinite(value: unknown, source: Source): FieldProblem[] {
  if (!value || typeof value !== 'object') return [];
  const isInfinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);
  return Object.entries(value)
    .filter(([, v]) => (Array.isArray(v) ? v.some(isInfinite) : isInfinite(v)))
    .map(([key]) => ({ field: `${source}.${key}`, message: 'must be a finite number' }));
}

/** Same check, as a yes/no answer with (the first of) the problems, for callers that must not throw. */
export function check(schema: JSONSchema, value: unknown, source: Source): FieldProblem[] {
  const fn = validatorFor(schema, false);
  return fn(value) ? [] : toFieldProblems(fn.errors ?? [], source);
}

// ajv lists every failing value (allErrors): a body of 20,000 bad items makes 80,000 errors. Only the
// first few become problems; the error model counts the rest.
function toFieldProblems(errors: ErrorObject[], source: Source): FieldProblem[] {
  return errors.slice(0, MAX_LISTED_PROBLEMS).map((e) => {
    const path = e.instancePath.split('/').slice(1).map(unescape);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') path.push(String(params.missingProperty));
    if (e.keyword === 'additionalProperties') path.push(String(params.additionalProperty));
    const field = [source, ...path].reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : `${acc}.${part}`));
    const message =
      e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'additionalProperties'
          ? 'is not allowed'
          : e.keyword === 'enum'
            ? `must be one of ${(params.allowedValues as unknown[]).join(', ')}`
            : (e.message ?? 'is not valid');
    return { field, message };
  });
}

function unescape(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

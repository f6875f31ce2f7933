import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FromSchema, JSONSchema } from './schema-types';
import { ValidationError, type FieldProblem } from './errors';

export type { FromSchema, JSONSchema };

/** Where a value came from; names the field in a problem (`query.limit`, `body.email`). */
export type Source = 'query' | 'params' | 'body' | 'event';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, strict: true });
  addFormats(ajv);
  return ajv;
}

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
 * it typed by that schema; throws a ValidationError naming every failing field.
 */
export function validate<S extends JSONSchema>(schema: S, value: unknown, source: Source): FromSchema<S> {
  const coerce = source === 'query' || source === 'params';
  const fn = validatorFor(schema, coerce);
  if (!fn(value)) throw new ValidationError(toFieldProblems(fn.errors ?? [], source));
  return value as FromSchema<S>;
}

/** Same check, as a yes/no answer with the problems, for callers that must not throw. */
export function check(schema: JSONSchema, value: unknown, source: Source): FieldProblem[] {
  const fn = validatorFor(schema, false);
  return fn(value) ? [] : toFieldProblems(fn.errors ?? [], source);
}

function toFieldProblems(errors: ErrorObject[], source: Source): FieldProblem[] {
  return errors.map((e) => {
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

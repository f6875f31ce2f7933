// Hostile values for the fuzz suite (fuzz-requests.ts): text and numbers no well-behaved client sends,
// values shaped by a JSON Schema that may get past validation, and such values with one thing made bad.
import fc from 'fast-check';

type Json = any;

const ONE_OF_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uFFFD',
  '\uFEFF',
  '💥',
  'Ünïcödé',
  "' OR '1'='1",
  "'; DROP TABLE product; --",
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '__proto__',
  'null',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-1',
  '0',
  '-0',
  '1.5',
  '0x7fffffff',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999999999',
  '٣',
  'urn:uuid:00000000-0000-4000-8000-000000000000',
  '00000000-0000-0000-0000-000000000000',
  '------------------------------------',
];

/** Text no well-behaved client sends: binary and lone surrogates, long runs, the classics above. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ONE_OF_TEXT) },
  // Ordinary text with one character no store takes: NUL, a lone surrogate, a noncharacter.
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\ud800', '\udc00', '\uffff'), fc.string({ maxLength: 20 }))
      .map(([before, bad, after]) => before + bad + after),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 201, max: 6_000 }).map((n) => 'x'.repeat(n)) },
);

/** Numbers past every column and type: huge, negative, fractional, unsafe, and what JSON cannot say. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e308, 1e-308, 5e-324, Number.MAX_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A plausible value for a schema: enough to get past validation sometimes and reach the services. */
export function plausible(schema: Json, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object' || depth > 4) return fc.constant(null);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= 200);
      if (typeof schema.pattern === 'string' && schema.pattern.startsWith('^')) {
        return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? 200));
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 2 ** 31 - 1) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, plausible(v, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in model) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A plausible value with one thing made hostile: a field replaced, a required one dropped, keys added. */
export function mutated(schema: Json): fc.Arbitrary<unknown> {
  const anything = fc.oneof(hostileText, hostileNumber, fc.jsonValue({ maxDepth: 3 }), fc.constant(null));
  return fc.tuple(plausible(schema), anything, hostileText, fc.nat(), fc.nat({ max: 3 })).map(([value, bad, key, pick, how]) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return bad;
    const copy = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const target = keys.length ? keys[pick % keys.length]! : key;
    if (how === 0) copy[target] = bad;
    else if (how === 1) delete copy[target];
    else if (how === 2) copy[key] = bad;
    else copy[target] = [bad, bad];
    return copy;
  });
}

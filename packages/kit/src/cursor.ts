import { InvalidCursorError } from './errors';
import { hasInvalidText, utf8Text } from './http/text-guard';
import { check, type FromSchema, type JSONSchema } from './validation';

// Keyset cursors are opaque to clients, yet a client holds them and may send anything back: a decoded
// cursor is input like any other. It is checked against a JSON Schema (numbers within the column's range,
// ids that are UUIDs, bounded text), then by `accept` for what a schema cannot say, so that a forged or
// tampered cursor is a 400 invalid-cursor and never reaches SQL as a value the database refuses.

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Longer than any cursor a service makes; a longer one is not decoded at all. */
const MAX_CURSOR_LENGTH = 1024;

/** The cursor of a position: base64url of a small JSON value, so its shape may change without an API change. */
export function toCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a cursor was made from, or InvalidCursorError (400 invalid-cursor on `query.cursor`). */
export function fromCursor<const S extends JSONSchema>(
  raw: string,
  schema: S,
  accept: (position: FromSchema<S>) => boolean = () => true,
): FromSchema<S> {
  // Buffer's base64 decoder skips characters it does not know, so the alphabet is checked first.
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) throw new InvalidCursorError();
  let position: unknown;
  try {
    position = JSON.parse(utf8Text(Buffer.from(raw, 'base64url')));
  } catch {
    throw new InvalidCursorError();
  }
  if (hasInvalidText(position) || check(schema, position, 'query').length > 0 || !accept(position as FromSchema<S>)) {
    throw new InvalidCursorError();
  }
  return position as FromSchema<S>;
}

/** An instant as `Date.prototype.toISOString` writes it (`2026-01-31T12:00:00.000Z`), for cursor schemas. */
export const isoInstantSchema = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$' } as const;

/**
 * Whether an `isoInstantSchema` string names a real instant that PostgreSQL's timestamptz takes: no
 * 30 February (Date.parse would roll it over to March), no year 0.
 */
export function isIsoInstant(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text && !text.startsWith('0000');
}

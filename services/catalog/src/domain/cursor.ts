import { fromCursor, isIsoInstant, isoInstantSchema, toCursor, UUID_PATTERN, type JSONSchema } from '@shop/kit';
import { MAX_INT, SORT_KEYS, type SortKey } from './product';

/**
 * Where a keyset page ended: the sort it belongs to, the last row's sort value and its id (the
 * tiebreaker). The next page is the rows strictly after (value, id) in that sort's order, so pages stay
 * stable while rows are inserted, unlike OFFSET.
 */
export interface CursorPosition {
  sort: SortKey;
  /** Price in minor units, name, ISO timestamp or text-search rank, depending on the sort. */
  value: number | string;
  id: string;
}

interface CursorJson {
  s: SortKey;
  v: number | string;
  id: string;
}

// A client holds the cursor, so its value is checked like any input, with the type and range of the
// column its sort compares (a price past 2^31 - 1 or a malformed date would fail the SQL, not the
// request). A name is bounded like the column; text with NUL is refused by the kit.
const VALUE: Record<SortKey, JSONSchema> = {
  price_asc: { type: 'integer', minimum: 0, maximum: MAX_INT },
  price_desc: { type: 'integer', minimum: 0, maximum: MAX_INT },
  // ts_rank gives a PostgreSQL real: 0, or far inside its range (a tiny non-zero value underflows the cast).
  relevance: { type: 'number', anyOf: [{ const: 0 }, { minimum: 1e-30, maximum: 1e30 }] },
  name_asc: { type: 'string', maxLength: 200 },
  newest: isoInstantSchema,
};

const schemaFor = (sort: SortKey): JSONSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: { s: { const: sort }, v: VALUE[sort], id: { type: 'string', format: 'uuid' } },
  required: ['s', 'v', 'id'],
});
// Built once: the kit compiles each schema object once.
const SCHEMA = Object.fromEntries(SORT_KEYS.map((sort) => [sort, schemaFor(sort)])) as Record<SortKey, JSONSchema>;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Opaque to clients: base64url of a small JSON, so its shape can change without an API change. */
export function encodeCursor(position: CursorPosition): string {
  const json: CursorJson = { s: position.sort, v: position.value, id: position.id };
  return toCursor(json);
}

/** Decodes a cursor made for `sort`; a malformed one, or one made for another sort, is a 400 invalid-cursor. */
export function decodeCursor(raw: string, sort: SortKey): CursorPosition {
  const json = fromCursor(raw, SCHEMA[sort], (c) => sort !== 'newest' || isIsoInstant((c as CursorJson).v as string)) as CursorJson;
  return { sort, value: json.v, id: json.id.toLowerCase() };
}

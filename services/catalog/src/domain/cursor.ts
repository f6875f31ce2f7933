import { ValidationError } from '@shop/kit';
import type { SortKey } from './product';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
// Names are bounded by the schema; anything far longer was not made by us.
const MAX_CURSOR_LENGTH = 1024;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Opaque to clients: base64url of a small JSON, so its shape can change without an API change. */
export function encodeCursor(position: CursorPosition): string {
  const json: CursorJson = { s: position.sort, v: position.value, id: position.id };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/** Decodes a cursor made for `sort`; a malformed one, or one made for another sort, is a 400. */
export function decodeCursor(raw: string, sort: SortKey): CursorPosition {
  const parsed = parse(raw);
  if (!parsed || parsed.s !== sort || !isUuid(parsed.id) || !valueFits(sort, parsed.v)) throw invalidCursor();
  return { sort, value: parsed.v, id: parsed.id.toLowerCase() };
}

function parse(raw: string): CursorJson | undefined {
  // Buffer's base64 decoder skips characters it does not know, so check the alphabet first.
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { s, v, id } = json as Record<string, unknown>;
  if (typeof s !== 'string' || typeof id !== 'string' || (typeof v !== 'string' && typeof v !== 'number')) return undefined;
  return { s: s as SortKey, v, id };
}

function valueFits(sort: SortKey, value: number | string): boolean {
  switch (sort) {
    case 'price_asc':
    case 'price_desc':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'relevance':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
    case 'name_asc':
      return typeof value === 'string';
    case 'newest':
      return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
  }
}

function invalidCursor(): ValidationError {
  return new ValidationError([{ field: 'query.cursor', message: 'is not a valid cursor' }]);
}

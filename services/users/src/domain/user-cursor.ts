import { ValidationError } from '@shop/kit';

/** Where a page of users ended: the last row's (createdAt, id); the next page is strictly after it. */
export interface UserPosition {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Opaque to clients: base64url of a small JSON, so its shape may change without an API change. */
export function encodeUserCursor(position: UserPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt, id: position.id }), 'utf8').toString('base64url');
}

/** A malformed cursor is a 400 on query.cursor, never a database error. */
export function decodeUserCursor(raw: string): UserPosition {
  let json: unknown;
  try {
    json = BASE64URL.test(raw) ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
  } catch {
    json = undefined;
  }
  const { c, id } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof c !== 'string' || typeof id !== 'string' || !ISO_UTC.test(c) || Number.isNaN(Date.parse(c)) || !isUuid(id)) {
    throw new ValidationError([{ field: 'query.cursor', message: 'is not a valid cursor' }]);
  }
  return { createdAt: c, id: id.toLowerCase() };
}

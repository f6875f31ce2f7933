// Pieces the HTTP contracts of several services share.
import { uuid } from '../common';

/** One resource by its id in the path (`/products/:id`, `/orders/:id`, `/users/:id`). */
export const idParams = {
  type: 'object',
  additionalProperties: false,
  properties: { id: uuid },
  required: ['id'],
} as const;

/** An opaque keyset cursor, as a page's `nextCursor` gave it. */
export const cursor = { type: 'string', minLength: 1, maxLength: 512 } as const;

/** Money as answers show it: documented, not enforced. */
export const moneyView = {
  type: 'object',
  properties: { amount: { type: 'integer', description: 'minor units' }, currency: { type: 'string' } },
  required: ['amount', 'currency'],
} as const;

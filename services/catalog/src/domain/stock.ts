// The stock rules, free of any storage: what is available, whether an order's lines can be reserved
// (all of them or none), and what a confirmation or a cancellation does to a reservation in each state.
import { ConflictError } from '@shop/kit';

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired' | 'rejected';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type RejectionReason = 'out-of-stock' | 'unknown-product';

/**
 * What order.placed led to, recorded with the reservation and re-published as is on a redelivery:
 * the same decision is never taken twice.
 */
export type ReservationOutcome =
  | { kind: 'reserved'; orderId: string; lines: RequestedLine[]; expiresAt: string }
  | { kind: 'rejected'; orderId: string; reason: RejectionReason; shortages: Shortage[] };

export type ReservationDecision =
  { kind: 'reserve'; lines: RequestedLine[] } | { kind: 'reject'; reason: RejectionReason; shortages: Shortage[] };

/** A product's stock as the admin API shows it. */
export interface StockLevel {
  productId: string;
  onHand: number;
  /** Units held by reservations not yet committed, released or expired. */
  reserved: number;
  available: number;
}

/** Available = on hand minus what held reservations keep back (the database forbids held > on hand). */
export function availableStock(onHand: number, held: number): number {
  return onHand - held;
}

export function stockLevel(productId: string, onHand: number, reserved: number): StockLevel {
  return { productId, onHand, reserved, available: availableStock(onHand, reserved) };
}

/** Units on hand may be corrected down to what is held, never below: held units are promised. */
export function checkOnHand(onHand: number, reserved: number): void {
  if (onHand < reserved) {
    throw new ConflictError(
      'stock-below-reserved',
      `on hand cannot be set to ${onHand}: ${reserved} units are held by reservations; release or commit them first`,
    );
  }
}

const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The one spelling of a UUID used as a key (lowercase, no `urn:uuid:`), so that two spellings the
 * event schema accepts cannot name two reservations or two lines of one product.
 */
export function canonicalUuid(value: string): string {
  const m = UUID.exec(value.trim());
  if (!m) throw new RangeError(`${value} is not a UUID`);
  return m[1]!.toLowerCase();
}

/** One line per product (an order may list a product twice), in product id order: the lock order. */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) {
    const id = canonicalUuid(line.productId);
    merged.set(id, (merged.get(id) ?? 0) + line.quantity);
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * All or none: the order is reserved only when every product exists, is not archived, and has enough
 * available. Otherwise every shortage is listed; an unknown product outranks a mere shortage, because
 * it will never resolve by restocking.
 *
 * @param available units available per reservable product; a product missing from it is unknown
 */
export function decideReservation(lines: readonly RequestedLine[], available: ReadonlyMap<string, number>): ReservationDecision {
  const wanted = mergeLines(lines);
  if (wanted.length === 0) throw new RangeError('a reservation needs at least one line');
  const shortages: Shortage[] = [];
  let unknown = false;
  for (const line of wanted) {
    const have = available.get(line.productId);
    if (have === undefined) unknown = true;
    if (have === undefined || have < line.quantity) {
      shortages.push({ productId: line.productId, requested: line.quantity, available: Math.max(0, have ?? 0) });
    }
  }
  if (shortages.length === 0) return { kind: 'reserve', lines: wanted };
  return { kind: 'reject', reason: unknown ? 'unknown-product' : 'out-of-stock', shortages };
}

/** What order.confirmed does to a reservation in each state. */
export type ConfirmAction = 'commit' | 'already-committed' | 'not-held' | 'no-reservation';

export function confirmAction(status: ReservationStatus | undefined): ConfirmAction {
  switch (status) {
    case 'held':
      return 'commit';
    case 'committed':
      return 'already-committed';
    case undefined:
      return 'no-reservation';
    default:
      // Released, expired or rejected: the units went back to the shelf (or never left it), so taking
      // them off on-hand now would count them twice.
      return 'not-held';
  }
}

/** What order.cancelled does to a reservation in each state. */
export type CancelAction = 'release' | 'already-settled' | 'keep-committed' | 'no-reservation';

export function cancelAction(status: ReservationStatus | undefined): CancelAction {
  switch (status) {
    case 'held':
      return 'release';
    case 'committed':
      // A confirmed order is not cancelled in this design; its goods have left the stock.
      return 'keep-committed';
    case undefined:
      return 'no-reservation';
    default:
      return 'already-settled';
  }
}

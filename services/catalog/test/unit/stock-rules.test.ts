import { ConflictError } from '@shop/kit';
import {
  availableStock,
  cancelAction,
  canonicalUuid,
  checkOnHand,
  confirmAction,
  decideReservation,
  mergeLines,
  stockLevel,
  type ReservationStatus,
} from '../../src/domain/stock';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

describe('available stock', () => {
  it('when units are held, then available is on hand minus held', () => {
    expect(availableStock(10, 3)).toBe(7);
    expect(availableStock(5, 5)).toBe(0);
    expect(availableStock(7, 0)).toBe(7);
  });

  it('when a stock level is built, then it carries on hand, reserved and their difference', () => {
    expect(stockLevel(A, 12, 5)).toEqual({ productId: A, onHand: 12, reserved: 5, available: 7 });
  });

  it('when on hand is set below what is held, then it is a 409 stock-below-reserved', () => {
    expect(() => checkOnHand(2, 3)).toThrow(ConflictError);
    expect(() => checkOnHand(2, 3)).toThrow(expect.objectContaining({ status: 409, code: 'stock-below-reserved' }));
  });

  it('when on hand is set to exactly what is held, or more, then it is accepted', () => {
    expect(() => checkOnHand(3, 3)).not.toThrow();
    expect(() => checkOnHand(0, 0)).not.toThrow();
    expect(() => checkOnHand(9, 3)).not.toThrow();
  });
});

describe('decideReservation', () => {
  it('when every product has enough, then all lines are reserved', () => {
    const decision = decideReservation(
      [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 5 },
      ],
      new Map([
        [A, 2],
        [B, 9],
      ]),
    );
    expect(decision).toEqual({
      kind: 'reserve',
      lines: [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 5 },
      ],
    });
  });

  it('when one line is short, then nothing is reserved and exactly the short lines are listed', () => {
    const decision = decideReservation(
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 4 },
        { productId: C, quantity: 3 },
      ],
      new Map([
        [A, 10],
        [B, 3],
        [C, 0],
      ]),
    );
    expect(decision).toEqual({
      kind: 'reject',
      reason: 'out-of-stock',
      shortages: [
        { productId: B, requested: 4, available: 3 },
        { productId: C, requested: 3, available: 0 },
      ],
    });
  });

  it('when a product is unknown (or archived), then the reason is unknown-product and other shortages are listed too', () => {
    const decision = decideReservation(
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 2 },
        { productId: C, quantity: 1 },
      ],
      new Map([
        [A, 5],
        [C, 0],
      ]),
    );
    expect(decision).toEqual({
      kind: 'reject',
      reason: 'unknown-product',
      shortages: [
        { productId: B, requested: 2, available: 0 },
        { productId: C, requested: 1, available: 0 },
      ],
    });
  });

  it('when a product is listed twice, then its quantities are added before the check', () => {
    const lines = [
      { productId: A, quantity: 2 },
      { productId: A.toUpperCase(), quantity: 2 },
    ];
    expect(decideReservation(lines, new Map([[A, 3]]))).toEqual({
      kind: 'reject',
      reason: 'out-of-stock',
      shortages: [{ productId: A, requested: 4, available: 3 }],
    });
    expect(decideReservation(lines, new Map([[A, 4]]))).toEqual({ kind: 'reserve', lines: [{ productId: A, quantity: 4 }] });
  });

  it('when there are no lines, then it refuses to decide', () => {
    expect(() => decideReservation([], new Map())).toThrow(RangeError);
  });
});

describe('mergeLines and canonicalUuid', () => {
  it('when lines come in any order and spelling, then one line per product comes out, sorted by id', () => {
    expect(
      mergeLines([
        { productId: C, quantity: 1 },
        { productId: `urn:uuid:${A}`, quantity: 1 },
        { productId: B.toUpperCase(), quantity: 2 },
        { productId: A, quantity: 3 },
      ]),
    ).toEqual([
      { productId: A, quantity: 4 },
      { productId: B, quantity: 2 },
      { productId: C, quantity: 1 },
    ]);
  });

  it('when a value is not a UUID, then canonicalUuid throws', () => {
    expect(canonicalUuid(` ${B.toUpperCase()} `)).toBe(B);
    expect(() => canonicalUuid('not-a-uuid')).toThrow(RangeError);
  });
});

describe('what confirmation and cancellation do', () => {
  it.each<[ReservationStatus | undefined, string, string]>([
    ['held', 'commit', 'release'],
    ['committed', 'already-committed', 'keep-committed'],
    ['released', 'not-held', 'already-settled'],
    ['expired', 'not-held', 'already-settled'],
    ['rejected', 'not-held', 'already-settled'],
    [undefined, 'no-reservation', 'no-reservation'],
  ])('when the reservation is %s, then confirm → %s and cancel → %s', (status, onConfirm, onCancel) => {
    expect(confirmAction(status)).toBe(onConfirm);
    expect(cancelAction(status)).toBe(onCancel);
  });
});

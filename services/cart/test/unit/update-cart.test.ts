import { DependencyError, EtagMismatchError } from '@shop/kit';
import { emptyCart, setQuantity, type Cart } from '../../src/domain/cart';
import { updateCart, type RetryPolicy } from '../../src/use-cases/update-cart';
import { ContendedCartStore, InMemoryCartStore, product } from '../fakes/in-memory';

const now = new Date('2026-03-01T12:00:00.000Z');
const A = product({ productId: 'aaaaaaaa-0000-4000-8000-000000000001' });
const B = product({ productId: 'bbbbbbbb-0000-4000-8000-000000000002' });
const addA = (c: Cart) => setQuantity(c, A, 2, now);
const addB = (c: Cart) => setQuantity(c, B, 1, now);

function recordingPolicy(maxAttempts = 5): RetryPolicy & { pauses: number[] } {
  const pauses: number[] = [];
  return { maxAttempts, pauses, backoffMs: (attempt) => attempt * 10, sleep: async (ms) => void pauses.push(ms) };
}

describe('updateCart', () => {
  it('when there is no cart yet, then the change is inserted in one write', async () => {
    const store = new InMemoryCartStore();
    const cart = await updateCart(store, 'c1', addA, recordingPolicy());
    expect(cart.items.map((l) => l.productId)).toEqual([A.productId]);
    expect((await store.load('c1'))?.cart).toEqual(cart);
    expect(store.writes).toBe(1);
  });

  it.each([1, 2, 4])('when another writer wins %p time(s), then the change is re-applied to their cart and both survive', async (n) => {
    const store = new ContendedCartStore(n, addB);
    const policy = recordingPolicy();
    const cart = await updateCart(store, 'c1', addA, policy);
    expect(cart.items.map((l) => l.productId).sort()).toEqual([A.productId, B.productId].sort());
    expect((await store.load('c1'))?.cart).toEqual(cart);
    expect(store.attempts).toBe(n + 1);
    expect(policy.pauses).toEqual(Array.from({ length: n }, (_, i) => (i + 1) * 10));
  });

  it('when the writer loses all 5 attempts, then 409 concurrent-modification and nothing of ours is written', async () => {
    const store = new ContendedCartStore(5, addB);
    const policy = recordingPolicy();
    await expect(updateCart(store, 'c1', addA, policy)).rejects.toMatchObject({ status: 409, code: 'concurrent-modification' });
    expect(store.attempts).toBe(5);
    expect(policy.pauses).toHaveLength(4);
    expect((await store.load('c1'))?.cart.items.map((l) => l.productId)).toEqual([B.productId]);
  });

  it('when the existing cart is replaced, then the write carries the ETag it was read with', async () => {
    const store = new InMemoryCartStore();
    await updateCart(store, 'c1', addA, recordingPolicy());
    const replace = jest.spyOn(store, 'replace');
    await updateCart(store, 'c1', addB, recordingPolicy());
    expect(replace).toHaveBeenCalledWith('c1', expect.objectContaining({ items: expect.any(Array) }), '1');
  });

  it('when the change leaves the cart as it is, then nothing is written', async () => {
    const store = new InMemoryCartStore();
    const cart = await updateCart(store, 'c1', (c) => c, recordingPolicy());
    expect(cart).toEqual(emptyCart());
    expect(store.writes).toBe(0);
  });

  it('when the change itself throws, then it is not retried', async () => {
    const store = new ContendedCartStore(0);
    const refuse = jest.fn(() => {
      throw new Error('rule broken');
    });
    await expect(updateCart(store, 'c1', refuse, recordingPolicy())).rejects.toThrow('rule broken');
    expect(refuse).toHaveBeenCalledTimes(1);
    expect(store.attempts).toBe(0);
  });

  it('when the store fails otherwise, then the failure propagates at once', async () => {
    const store = new InMemoryCartStore();
    const insert = jest.spyOn(store, 'insert').mockRejectedValue(new DependencyError('state store cartstore', 'down'));
    await expect(updateCart(store, 'c1', addA, recordingPolicy())).rejects.toBeInstanceOf(DependencyError);
    expect(insert).toHaveBeenCalledTimes(1);
  });

  it('when the 409 is given up on, then it is not the raw EtagMismatchError but says how many attempts were made', async () => {
    const attempt = updateCart(new ContendedCartStore(3, addB), 'c1', addA, recordingPolicy(3));
    await expect(attempt).rejects.toMatchObject({ detail: expect.stringContaining('3 attempts') });
    await expect(attempt).rejects.not.toBeInstanceOf(EtagMismatchError);
  });
});

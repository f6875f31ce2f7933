import type { DaprClient } from '@dapr/dapr';
import { DependencyError, requestDeadline, retryAfterSeconds, type AppError } from '../../src';
import { invokeApp } from '../../src/dapr/invoke';

/** A DaprClient whose invoker fails as the SDK does: an Error whose message is `{error, error_msg, status}`. */
function failingWith(status: number, body: unknown): DaprClient {
  return {
    invoker: {
      invoke: async () => {
        throw new Error(JSON.stringify({ error: 'x', error_msg: JSON.stringify(body), status }));
      },
    },
  } as unknown as DaprClient;
}

const PROBLEM = 'https://shop.example/problems/';

describe('invokeApp', () => {
  it('when the callee answers 429 with retryAfter in its problem, then the AppError carries it as Retry-After', async () => {
    const client = failingWith(429, { type: `${PROBLEM}too-many-attempts`, title: 'Too many attempts', status: 429, retryAfter: 900 });
    await expect(invokeApp(client, 'users', '/sessions', { method: 'POST' })).rejects.toMatchObject({
      status: 429,
      code: 'too-many-attempts',
      headers: { 'Retry-After': '900' },
    });
  });

  it('when the callee sheds load (503 with retryAfter), then a 503 AppError with its problem and Retry-After, not a dependency failure', async () => {
    const client = failingWith(503, {
      type: `${PROBLEM}overloaded`,
      title: 'Too busy',
      status: 503,
      detail: 'try again in 5 seconds',
      retryAfter: 4.2,
    });
    const error = (await invokeApp(client, 'users', '/users', { method: 'POST' }).catch((e: unknown) => e)) as AppError;
    expect(error).not.toBeInstanceOf(DependencyError);
    expect(error).toMatchObject({ status: 503, code: 'overloaded', title: 'Too busy', detail: 'try again in 5 seconds', expose: true });
    expect(error.headers).toEqual({ 'Retry-After': '5' });
  });

  it("when a 503 says nothing of retrying (the sidecar's own), then it stays a dependency failure, unexposed", async () => {
    const client = failingWith(503, { errorCode: 'ERR_DIRECT_INVOKE', message: 'app not ready' });
    await expect(invokeApp(client, 'users', '/users')).rejects.toBeInstanceOf(DependencyError);
    const absurd = failingWith(503, { title: 'x', retryAfter: -3 });
    await expect(invokeApp(absurd, 'users', '/users')).rejects.toBeInstanceOf(DependencyError);
  });

  it('when a 4xx says no retryAfter, then no Retry-After is made up', async () => {
    const client = failingWith(409, { type: `${PROBLEM}email-taken`, title: 'Conflict', status: 409 });
    await expect(invokeApp(client, 'users', '/users')).rejects.toMatchObject({ status: 409, headers: {} });
  });
});

describe('retryAfterSeconds and requestDeadline', () => {
  it('when headers hold Retry-After in seconds (any case), then its number; an HTTP date or nothing gives undefined', () => {
    expect(retryAfterSeconds({ 'Retry-After': '12' })).toBe(12);
    expect(retryAfterSeconds({ 'retry-after': ' 3 ' })).toBe(3);
    expect(retryAfterSeconds({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })).toBeUndefined();
    expect(retryAfterSeconds({})).toBeUndefined();
  });

  it('when x-request-deadline holds epoch milliseconds, then that number; anything else gives undefined', () => {
    const ctx = (value: string) => ({ get: (name: string) => (name === 'x-request-deadline' ? value : '') });
    expect(requestDeadline(ctx('1767268800000'))).toBe(1_767_268_800_000);
    expect(requestDeadline(ctx(''))).toBeUndefined();
    expect(requestDeadline(ctx('-5'))).toBeUndefined();
    expect(requestDeadline(ctx('1e12'))).toBeUndefined();
  });
});

import { AppError, DaprSidecar, DependencyError, runWithContext, type Sidecar } from '@shop/kit';
import { DaprUpstream } from '../../src/adapters/dapr-upstream';

/** The sidecar port over a DaprClient whose invoker fails like the SDK does: an Error whose message is `{error, error_msg, status}`. */
function clientThatFails(status: number | undefined, body?: unknown) {
  const seen: Array<{ appId: string; method: string; path: string; headers: Record<string, string> }> = [];
  const client = {
    invoker: {
      invoke: async (appId: string, path: string, method: string, _data: unknown, options: { headers: Record<string, string> }) => {
        seen.push({ appId, path, method, headers: options.headers });
        if (status === undefined) throw new Error('request to http://127.0.0.1:3500 failed, reason: connect ECONNREFUSED');
        throw new Error(JSON.stringify({ error: 'x', error_msg: JSON.stringify(body), status }));
      },
    },
  };
  return { client: new DaprSidecar(client as never), seen };
}

const call = (client: Sidecar) => new DaprUpstream(client).call({ appId: 'users', method: 'POST', path: '/users', body: {} });

describe('DaprUpstream', () => {
  it('when the callee answers 409 problem+json, then status, title, detail and field errors pass through', async () => {
    const { client } = clientThatFails(409, {
      type: 'https://shop.example/problems/email-taken',
      title: 'Conflict',
      status: 409,
      detail: 'an account with this email exists',
      errors: [{ field: 'body.email', message: 'is taken' }, { junk: true }],
    });
    const error = (await call(client).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 409,
      code: 'email-taken',
      title: 'Conflict',
      detail: 'an account with this email exists',
      expose: true,
    });
    expect(error.errors).toEqual([{ field: 'body.email', message: 'is taken' }]);
  });

  it('when the callee answers 429, then Retry-After comes from its body, else a safe default', async () => {
    await expect(call(clientThatFails(429, { title: 'Too many attempts', retryAfter: 12.2 }).client)).rejects.toMatchObject({
      status: 429,
      headers: { 'Retry-After': '13' },
    });
    await expect(call(clientThatFails(429, { title: 'Too many attempts' }).client)).rejects.toMatchObject({
      headers: { 'Retry-After': '60' },
    });
  });

  it('when the callee sheds load (503 with retryAfter), then 503 with its Retry-After, exposed, not a 502', async () => {
    const { client } = clientThatFails(503, {
      type: 'https://shop.example/problems/overloaded',
      title: 'Too busy',
      detail: 'later',
      retryAfter: 3,
    });
    const error = (await call(client).catch((e: unknown) => e)) as AppError;
    expect(error).not.toBeInstanceOf(DependencyError);
    expect(error).toMatchObject({
      status: 503,
      code: 'overloaded',
      title: 'Too busy',
      detail: 'later',
      expose: true,
      headers: { 'Retry-After': '3' },
    });
  });

  it('when the sidecar cannot be reached, then 503 without details for the client', async () => {
    const error = (await call(clientThatFails(undefined).client).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(DependencyError);
    expect(error).toMatchObject({ status: 503, expose: false });
  });

  it('when the sidecar cannot reach the callee, then 503 (not the 502 of a failing callee)', async () => {
    const { client } = clientThatFails(500, {
      errorCode: 'ERR_DIRECT_INVOKE',
      message: "failed to invoke, id: cart, err: couldn't find service: cart",
    });
    await expect(call(client)).rejects.toMatchObject({ status: 503, expose: false });
  });

  it("when the sidecar's own deadline passes, then 504", async () => {
    const { client } = clientThatFails(500, { errorCode: 'ERR_DIRECT_INVOKE', message: 'failed to invoke: context deadline exceeded' });
    await expect(call(client)).rejects.toMatchObject({ status: 504, code: 'upstream-timeout', expose: false });
  });

  it('when the callee itself fails with 500, then 502 and its body is not exposed', async () => {
    const { client } = clientThatFails(500, { title: 'Internal error', detail: 'db password is hunter2' });
    const error = (await call(client).catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ status: 502, expose: false });
  });

  it('when a call is made inside a request, then the request id and traceparent go with the given headers', async () => {
    const { client, seen } = clientThatFails(404, { title: 'Not found' });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await runWithContext({ requestId: 'req-1', traceparent }, () =>
      new DaprUpstream(client)
        .call({ appId: 'users', method: 'GET', path: '/me', headers: { 'x-shop-identity': 'signed' } })
        .catch(() => undefined),
    );
    expect(seen[0]).toMatchObject({ appId: 'users', method: 'GET', path: 'me' });
    expect(seen[0]?.headers).toMatchObject({ 'x-request-id': 'req-1', traceparent, 'x-shop-identity': 'signed' });
  });
});

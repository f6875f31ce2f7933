// A callee that sheds load (users, under a burst of sign-ups) answers 503 problem+json with Retry-After.
// The SDK drops response headers, so the callee's problem repeats it as `retryAfter`; the client of the
// gateway must get a 503 problem+json with the Retry-After header, not a 502 and not a made-up delay.
import { DaprSidecar } from '@shop/kit';
import { DaprUpstream } from '../../src/adapters/dapr-upstream';
import { json, startGateway, type Harness } from '../fixtures/harness';

/** The sidecar port over an SDK client whose call fails as @dapr/dapr reports a callee's answer: the status and body text in the message. */
const sdkFailing = (status: number, body: unknown) =>
  new DaprSidecar({
    invoker: {
      invoke: async () => {
        throw new Error(JSON.stringify({ error: 'Service Unavailable', error_msg: JSON.stringify(body), status }));
      },
    },
  } as never);

describe('the gateway in front of an upstream that sheds load', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway();
    const busy = new DaprUpstream(
      sdkFailing(503, {
        type: 'https://shop.example/problems/overloaded',
        title: 'Too busy',
        status: 503,
        detail: 'Too many sign-ups and sign-ins at once; try again in 4 seconds',
        retryAfter: 4,
        instance: '/users',
      }),
    );
    gw.upstream.on('users', 'POST', '/users', (req) => busy.call(req));
  });
  afterAll(() => gw.close());

  it('when users answers 503 overloaded with retryAfter, then the client gets 503 problem+json with Retry-After and the detail', async () => {
    const res = await gw.request(
      '/api/v1/auth/register',
      json({ email: 'ann@example.com', password: 'a long enough passphrase', name: 'Ann' }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(await res.json()).toMatchObject({
      type: 'https://shop.example/problems/overloaded',
      title: 'Too busy',
      status: 503,
      detail: 'Too many sign-ups and sign-ins at once; try again in 4 seconds',
      retryAfter: 4,
    });
  });
});

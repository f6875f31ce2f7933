// Checkout's calls to cart and payments as the customer: with the identities the gateway delegated to the
// request, never with orders' own (addressed to orders) and never with one orders made (it has no key).
import { generateKeyPairSync } from 'node:crypto';
import { DaprSidecar, identityVerifier, signIdentity, verifyIdentity, type Identity } from '@shop/kit';
import { DaprCartClient, DaprPaymentMethods } from '../../src/adapters/dapr-upstreams';

const gateway = generateKeyPairSync('ed25519');
const at = (appId: string) => identityVerifier(gateway.publicKey, appId);

/** The sidecar port over a DaprClient whose invoker records each call and answers `answer`. */
function recordingClient(answer: unknown = { items: [] }) {
  const calls: { appId: string; path: string; method: string; headers: Record<string, string> }[] = [];
  const client = {
    invoker: {
      invoke: async (appId: string, path: string, method: string, _body: unknown, options: { headers: Record<string, string> }) => {
        calls.push({ appId, path, method, headers: options.headers });
        return answer;
      },
    },
  };
  return { client: new DaprSidecar(client as never), calls };
}

/** The identity orders sees for a request the gateway sent with `onBehalfOf`. */
const atOrders = (onBehalfOf: string[]): Identity =>
  verifyIdentity(at('orders'), signIdentity(gateway.privateKey, 'orders', { sub: 'cust-1', role: 'customer' }, { onBehalfOf }))!;

describe('calls to cart and payments as the customer', () => {
  it('when the gateway delegated cart and payments, then each call carries the identity signed for that service', async () => {
    const { client, calls } = recordingClient({ items: [], token: 'pm_1' });
    const identity = atOrders(['cart', 'payments']);
    await new DaprCartClient(client).lines(identity);
    await new DaprCartClient(client).clear(identity);
    await new DaprPaymentMethods(client).get(identity, 'pm_1');
    expect(calls.map((c) => `${c.appId} ${c.method} ${c.path}`)).toEqual([
      'cart GET cart',
      'cart DELETE cart',
      'payments GET payment-methods/pm_1',
    ]);
    for (const c of calls) expect(verifyIdentity(at(c.appId), c.headers)).toEqual({ sub: 'cust-1', role: 'customer' });
    // Nothing more travels on: cart and payments get no identity they could pass to a third service.
    for (const c of calls) expect(c.headers['x-shop-identity-delegated']).toBeUndefined();
  });

  it('when the gateway did not delegate a service, then the call is refused with 403 before it is made', async () => {
    const { client, calls } = recordingClient();
    await expect(new DaprCartClient(client).lines(atOrders(['payments']))).rejects.toMatchObject({ status: 403 });
    await expect(new DaprPaymentMethods(client).get(atOrders(['cart']), 'pm_1')).rejects.toMatchObject({ status: 403 });
    await expect(new DaprCartClient(client).clear({ sub: 'cust-1', role: 'customer' })).rejects.toMatchObject({ status: 403 });
    expect(calls).toEqual([]);
  });
});

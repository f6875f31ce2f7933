import { ConfigError } from '@shop/kit';
import { loadConfig } from '../../src/config';

describe('cart config', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3103,
      stateStore: 'cartstore',
      cartTtlSeconds: 30 * 24 * 3600,
      secretStore: 'secretstore',
      identityPublicKeySecret: 'gateway-identity-public-key',
      catalogAppId: 'catalog',
      catalogTimeoutMs: 1_500,
    });
  });

  it('when CART_TTL_SECONDS is set, then it is used', () => {
    expect(loadConfig({ CART_TTL_SECONDS: '2' }).cartTtlSeconds).toBe(2);
  });

  it.each(['0', '-5', 'a month'])('when CART_TTL_SECONDS is %p, then start-up stops with a ConfigError naming it', (raw) => {
    const act = () => loadConfig({ CART_TTL_SECONDS: raw });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/CART_TTL_SECONDS/);
  });
});

import { ConfigError } from '@shop/kit';
import { loadConfig } from '../../src/config';

describe('gateway configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      secretStore: 'secretstore',
      identityPrivateKeySecret: 'gateway-identity-private-key',
      stateStore: 'statestore',
      corsOrigins: [],
      ingressProxyHops: 0,
      directProxyHops: 0,
      opsPort: 9300,
      bodyLimit: '100kb',
      rateLimitWindowSeconds: 60,
      rateLimitAuth: 10,
      rateLimitRead: 300,
      rateLimitWrite: 60,
      rateLimitLeaseMax: 64,
      rateLimitStoreTimeoutMs: 500,
      upstreamTimeoutMs: 5_000,
      jwtIssuer: 'shop-users',
      jwtAudience: 'shop-api',
      jwksRefetchMs: 30_000,
    });
  });

  it('when CORS_ORIGINS lists origins with spaces, then they are trimmed into a list', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://shop.example, http://localhost:5173 ,' }).corsOrigins).toEqual([
      'https://shop.example',
      'http://localhost:5173',
    ]);
  });

  it.each([
    ['CORS_ORIGINS', 'shop.example'],
    ['CORS_ORIGINS', 'https://shop.example/path'],
    ['RATE_LIMIT_READ', '0'],
    ['RATE_LIMIT_LEASE_MAX', '0'],
    ['INGRESS_PROXY_HOPS', '-1'],
    ['DIRECT_PROXY_HOPS', 'one'],
    ['OPS_PORT', '0'],
    // Retired: set, it stops start-up rather than be silently ignored.
    ['TRUST_PROXY', 'true'],
    ['UPSTREAM_TIMEOUT_MS', 'soon'],
  ])('when %s is %s, then start-up stops naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});

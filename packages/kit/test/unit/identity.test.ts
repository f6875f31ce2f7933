import { UnauthorizedError, signIdentity, verifyIdentity } from '../../src';

const key = 'test-identity-key';

describe('forwarded identity', () => {
  it('when signed by the gateway key, then it verifies to the same identity', () => {
    const headers = signIdentity(key, { sub: 'u-1', role: 'customer' });
    expect(verifyIdentity(key, headers)).toEqual({ sub: 'u-1', role: 'customer' });
  });

  it('when no identity headers are sent, then there is no identity (not an error)', () => {
    expect(verifyIdentity(key, {})).toBeUndefined();
  });

  it('when the payload is altered to claim admin, then it is refused', () => {
    const headers = signIdentity(key, { sub: 'u-1', role: 'customer' });
    const forged = Buffer.from(JSON.stringify({ sub: 'u-1', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })).toString(
      'base64url',
    );
    expect(() => verifyIdentity(key, { ...headers, 'x-shop-identity': forged })).toThrow(UnauthorizedError);
  });

  it('when signed with another key or without a signature, then it is refused', () => {
    expect(() => verifyIdentity(key, signIdentity('other-key', { sub: 'u-1', role: 'admin' }))).toThrow(UnauthorizedError);
    expect(() => verifyIdentity(key, { 'x-shop-identity': signIdentity(key, { sub: 'u', role: 'admin' })['x-shop-identity'] })).toThrow(
      UnauthorizedError,
    );
  });

  it('when it has expired, then it is refused', () => {
    const headers = signIdentity(key, { sub: 'u-1', role: 'customer' }, 60, Date.now() - 120_000);
    expect(() => verifyIdentity(key, headers)).toThrow(/expired/);
  });
});

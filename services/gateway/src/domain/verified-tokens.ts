import type { Identity } from '@shop/kit';

/**
 * Identities of access tokens that verified, by token string, each kept until the token's `exp` and never
 * longer: a client sends one token many times, and a signature check costs far more than a lookup. Only
 * successes are kept, so a bad token is checked (and refused) every time; the whole string is the key, so
 * a token changed in any byte is a miss. Bounded: beyond `maxEntries` the oldest entry is dropped.
 *
 * A cached token keeps working until its `exp` even if its signing key leaves the JWKS meanwhile, as it
 * would on a replica that verified it just before: access tokens are short-lived.
 */
export class VerifiedTokens {
  private readonly byToken = new Map<string, { identity: Identity; exp: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The identity of a token that verified and has not expired at `nowSeconds` (jose's test: exp > now). */
  get(token: string, nowSeconds: number): Identity | undefined {
    const entry = this.byToken.get(token);
    if (!entry) return undefined;
    if (entry.exp <= nowSeconds) {
      this.byToken.delete(token);
      return undefined;
    }
    return { ...entry.identity };
  }

  set(token: string, identity: Identity, exp: number): void {
    if (this.maxEntries <= 0) return;
    this.byToken.delete(token);
    if (this.byToken.size >= this.maxEntries) {
      const oldest = this.byToken.keys().next();
      if (!oldest.done) this.byToken.delete(oldest.value);
    }
    this.byToken.set(token, { identity: { ...identity }, exp });
  }
}

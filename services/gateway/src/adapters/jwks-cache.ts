import { DependencyError, type Logger } from '@shop/kit';
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWTHeaderParameters, type KeyLike } from 'jose';

export type JwksSource = () => Promise<unknown>;

export interface JwksCacheOptions {
  /** Least time between two fetches caused by a token whose `kid` is not in the cached set. */
  refetchMs: number;
  /** After a failed fetch while nothing is cached, requests fail fast (503) for this long. */
  failureBackoffMs?: number;
  now?: () => number;
}

/**
 * The users service's signing keys, fetched through Dapr and kept: tokens are verified locally, without a
 * call per request. An unknown `kid` (a rotated key) triggers a refetch, at most once per `refetchMs`, so
 * forged key ids cannot turn the gateway into a JWKS-fetching amplifier.
 */
export class JwksCache {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastFailure = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly source: JwksSource,
    private readonly options: JwksCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The key that verifies a token, for jose's `jwtVerify`. Throws DependencyError (503) when no keys can be had. */
  readonly resolve = async (header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> => {
    if (!this.keys) {
      if (this.now() - this.lastFailure < (this.options.failureBackoffMs ?? 1_000)) {
        throw new DependencyError('app users', 'signing keys are not available yet');
      }
      await this.refresh();
    }
    try {
      return await this.keys!(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey) || this.now() - this.lastAttempt < this.options.refetchMs) throw e;
      await this.refresh();
      return this.keys!(header, token);
    }
  };

  /** Fetches until the keys are cached, every `retryMs` (bounded by the process's life: the timer is unref'd). */
  async warmUp(logger: Logger, retryMs = 500): Promise<void> {
    for (let attempt = 1; !this.keys; attempt++) {
      try {
        await this.refresh();
      } catch (err) {
        if (attempt === 1) logger.warn('signing keys not fetched yet; retrying in the background', { err });
        await new Promise((r) => setTimeout(r, retryMs).unref());
      }
    }
  }

  /** Fetches now (concurrent callers share one fetch). main.ts warms the cache with it at start-up. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.lastAttempt = this.now();
    try {
      const jwks = await this.source();
      if (!isJwks(jwks)) throw new Error('the answer is not a JWKS');
      this.keys = createLocalJWKSet(jwks);
    } catch (e) {
      this.lastFailure = this.now();
      throw new DependencyError('app users', 'cannot fetch the signing keys (JWKS)', e);
    }
  }
}

const isJwks = (value: unknown): value is JSONWebKeySet =>
  !!value && typeof value === 'object' && Array.isArray((value as JSONWebKeySet).keys);

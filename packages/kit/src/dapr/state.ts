import { StateConcurrencyEnum, StateConsistencyEnum, type DaprClient } from '@dapr/dapr';
import { DependencyError, EtagMismatchError } from '../errors';
import { describeFailure, throwIfReturnedError } from './sdk-errors';
import type { SaveOptions, StateOperation, StateStore, Versioned } from '../sidecar';

const FIRST_WRITE = {
  concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE,
  consistency: StateConsistencyEnum.CONSISTENCY_STRONG,
};

/**
 * One Dapr state store, by component name. Every write uses first-write-wins when an ETag is given,
 * and every failure throws: EtagMismatchError when someone else wrote first, DependencyError otherwise.
 */
export class DaprStateStore<T> implements StateStore<T> {
  constructor(
    private readonly client: DaprClient,
    readonly storeName: string,
  ) {}

  /** The value with its ETag (the SDK's plain `get` drops the ETag; the bulk API keeps it). */
  async get(key: string): Promise<Versioned<T> | undefined> {
    const items = await this.call('get', key, () => this.client.state.getBulk(this.storeName, [key]));
    const item = (items as Array<{ key: string; data?: T; etag?: string }>)[0];
    if (!item || item.data === undefined || item.data === null || (item.data as unknown) === '') return undefined;
    return { value: item.data, etag: item.etag ?? '' };
  }

  async save(key: string, value: T, options: SaveOptions = {}): Promise<void> {
    await this.call('save', key, async () =>
      throwIfReturnedError(
        await this.client.state.save(this.storeName, [
          {
            key,
            value,
            ...(options.etag ? { etag: options.etag, options: FIRST_WRITE } : {}),
            ...(options.ttlSeconds ? { metadata: { ttlInSeconds: String(options.ttlSeconds) } } : {}),
          },
        ]),
      ),
    );
  }

  /**
   * Creates the item only if it does not exist (first-write-wins without an ETag); throws
   * EtagMismatchError when it already does. Every write to such a key should use an ETag afterwards.
   */
  async create(key: string, value: T, options: Pick<SaveOptions, 'ttlSeconds'> = {}): Promise<void> {
    try {
      await this.call('create', key, async () =>
        throwIfReturnedError(
          await this.client.state.save(this.storeName, [
            { key, value, options: FIRST_WRITE, ...(options.ttlSeconds ? { metadata: { ttlInSeconds: String(options.ttlSeconds) } } : {}) },
          ]),
        ),
      );
    } catch (e) {
      // Stores word "already exists" differently (Redis: a failed script); if the key is there, it is a conflict.
      if (e instanceof DependencyError && (await this.get(key).catch(() => undefined))) throw new EtagMismatchError(this.storeName, key, e);
      throw e;
    }
  }

  async delete(key: string, etag?: string): Promise<void> {
    await this.call('delete', key, async () =>
      throwIfReturnedError(await this.client.state.delete(this.storeName, key, etag ? { etag, metadata: {}, ...FIRST_WRITE } : undefined)),
    );
  }

  /**
   * The state transaction API (the only one the transactional outbox fires on). Atomic where the store
   * is transactional (PostgreSQL, MySQL); on Redis an operation whose ETag fails does NOT roll back the
   * others, so keep anything that must be all-or-nothing in one key.
   */
  async transact(operations: StateOperation<T>[], metadata?: Record<string, string>): Promise<void> {
    const ops = operations.map((op) => ({
      operation: op.operation,
      request: {
        key: op.key,
        ...(op.operation === 'upsert' ? { value: op.value } : {}),
        ...(op.etag ? { etag: op.etag, options: FIRST_WRITE } : op.operation === 'upsert' && op.create ? { options: FIRST_WRITE } : {}),
        ...(op.operation === 'upsert' && op.metadata ? { metadata: op.metadata } : {}),
      },
    }));
    try {
      await this.call('transaction', operations.map((o) => o.key).join(','), () =>
        this.client.state.transaction(this.storeName, ops as never, (metadata ?? null) as never),
      );
    } catch (e) {
      // Stores report a lost ETag race inside a transaction in their own words (Redis: a failed Lua
      // script), so look: if any ETag we sent is no longer current, it was a concurrency conflict.
      if (e instanceof DependencyError && (await this.anyEtagStale(operations))) {
        throw new EtagMismatchError(this.storeName, operations.map((o) => o.key).join(','), e);
      }
      throw e;
    }
  }

  private async anyEtagStale(operations: StateOperation<T>[]): Promise<boolean> {
    const guarded = operations.filter((o) => o.etag || (o.operation === 'upsert' && o.create));
    if (!guarded.length) return false;
    try {
      const current = await Promise.all(guarded.map((o) => this.get(o.key)));
      // A guarded ETag that moved on, or a key to create that exists already.
      return guarded.some((o, i) => (o.etag ? current[i]?.etag !== o.etag : current[i] !== undefined));
    } catch {
      return false;
    }
  }

  private async call<R>(what: string, key: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      const failure = describeFailure(e);
      const code = (failure.body as { errorCode?: string } | undefined)?.errorCode ?? '';
      // Dapr answers 409 (or an ERR_STATE_*_ETAG… code) when the ETag no longer matches.
      if (failure.status === 409 || /ETAG/i.test(code) || /etag mismatch|possible etag/i.test(failure.message)) {
        throw new EtagMismatchError(this.storeName, key, e);
      }
      throw new DependencyError(`state store ${this.storeName}`, `${what} ${key} failed: ${failure.message}`, e);
    }
  }
}

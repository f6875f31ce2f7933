import { createHash } from 'node:crypto';
import type { FailureCounterStore } from '../ports';
import { TooManyAttemptsError } from '../domain/errors';
import { admit, release, type ThrottleDecision, type ThrottleLimit } from '../domain/throttle';

export interface LoginLimits {
  /** Per account (normalized email), whether or not the account exists. */
  account: ThrottleLimit;
  /** Per client (the caller's address, as the gateway forwards it). */
  client: ThrottleLimit;
}

export interface Reservation {
  /** The password was right: the account starts afresh and the client gets its attempt back. */
  succeeded(): Promise<void>;
  /** The password was never checked (the service was too busy): both get the attempt back. */
  withdrawn(): Promise<void>;
}

// Hashed, so the store (and whoever can read it) holds neither email addresses nor client addresses.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export function throttleKeys(email: string, clientId: string): { account: string; client: string } {
  return { account: `login-failures:account:${digest(email)}`, client: `login-failures:client:${digest(clientId)}` };
}

/**
 * Charges each login attempt to its client and its account before the password is checked, and
 * refuses it when either is over its limit, so refusal says nothing about the password or about
 * whether the account exists.
 */
export class LoginThrottle {
  constructor(
    private readonly store: FailureCounterStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyAttemptsError (429 with Retry-After) when the attempt may not go ahead. */
  async reserve(email: string, clientId: string): Promise<Reservation> {
    const keys = throttleKeys(email, clientId);
    // The client first: when it is refused, the account is not charged for an attempt nobody checked.
    const client = await this.admit(keys.client, this.limits.client);
    if (!client.allowed) throw new TooManyAttemptsError(client.retryAfterSeconds);
    const account = await this.admit(keys.account, this.limits.account);
    if (!account.allowed) throw new TooManyAttemptsError(account.retryAfterSeconds);
    return {
      succeeded: async () => {
        await Promise.all([this.store.delete(keys.account), this.store.update(keys.client, (w) => release(w, this.now()))]);
      },
      withdrawn: async () => {
        await Promise.all([keys.account, keys.client].map((key) => this.store.update(key, (w) => release(w, this.now()))));
      },
    };
  }

  private async admit(key: string, limit: ThrottleLimit): Promise<ThrottleDecision> {
    let decision: ThrottleDecision = { allowed: true };
    await this.store.update(key, (current) => {
      const result = admit(current, limit, this.now());
      decision = result.decision;
      return result.window;
    });
    return decision;
  }
}

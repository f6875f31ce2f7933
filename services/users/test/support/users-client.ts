import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { signIdentity, type Role } from '@shop/kit';
import type { Stack } from '@shop/testkit';

export type Json = Record<string, any>;

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

export const PASSWORD = 'correct horse battery staple';

/**
 * Calls the users app through its sidecar (Dapr service invocation), as the gateway does. Emails and
 * client ids are unique per run, so runs never share a throttling counter in the shared Redis.
 */
export class UsersClient {
  private readonly run = randomBytes(4).toString('hex');
  private counter = 0;

  constructor(
    private readonly stack: Stack,
    private readonly identityKey: KeyObject,
  ) {}

  newEmail(tag = 'user'): string {
    return `${tag}-${this.run}-${++this.counter}@example.com`;
  }

  newClient(): string {
    return `it-${randomUUID()}`;
  }

  async call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const res = await fetch(this.stack.invokeUrl('users', 'users', path), {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.stack.daprHeaders('users'),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
  }

  /** The headers the gateway adds for a signed-in caller (signed for `audience`: users unless a test says). */
  as(sub: string, role: Role = 'customer', audience = 'users'): Record<string, string> {
    return signIdentity(this.identityKey, audience, { sub, role });
  }

  login(email: string, password: string, clientId = this.newClient()): Promise<Reply> {
    return this.call('POST', 'sessions', { body: { email, password }, headers: { 'x-client-id': clientId } });
  }

  /** A new customer with PASSWORD; throws unless it was created. */
  async register(email = this.newEmail(), name = 'Jane Doe'): Promise<Json> {
    const { status, body } = await this.call('POST', 'users', { body: { email, password: PASSWORD, name } });
    if (status !== 201) throw new Error(`registration of ${email} answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }
}

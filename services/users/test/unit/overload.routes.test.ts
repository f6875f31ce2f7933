// The users app over HTTP, in-process, with in-memory stores and a password hasher whose hashes wait at a
// gate the test opens: a burst of sign-ups beyond what can be hashed before the caller gives up is refused
// at once (503 overloaded, Retry-After) while every admitted one is still waiting, and the admitted ones
// then succeed. Nothing here depends on how fast the machine is: no hash finishes until the gate opens, and
// the queue's clock stands still (so neither the estimate nor anyone's deadline moves while the test runs).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLogger, createMetrics, serviceApp, DEADLINE_HEADER } from '@shop/kit';
import { usersService } from '../../src/service';
import { AccessTokenIssuer } from '../../src/domain/access-token';
import { Accounts } from '../../src/use-cases/accounts';
import { HashQueue } from '../../src/domain/hash-queue';
import { LoginThrottle } from '../../src/use-cases/login-throttle';
import { DEFAULT_SCRYPT, PasswordHasher } from '../../src/domain/password-hash';
import { RefreshTokens } from '../../src/use-cases/refresh-tokens';
import { Sessions } from '../../src/use-cases/sessions';
import { InMemoryFailureCounterStore, InMemoryRefreshTokenStore, InMemoryUserStore } from '../fakes/in-memory-stores';

const PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PASSWORD = 'correct horse battery staple';
// Two at a time, 400 ms each until one is timed, within 4.5 s: the 23rd hash of a burst (22 ahead, twelve
// rounds, 4.8 s) would come too late; the 22nd (eleven rounds, 4.4 s) just fits.
const QUEUE = { concurrency: 2, maxWaitMs: 4_500, marginMs: 500, initialEstimateMs: 400 };
const ADMITTED = 22;
const NOW = Date.parse('2026-01-01T12:00:00.000Z');

/** Cheap scrypt whose every hash and check waits until the gate is opened. */
class GatedHasher extends PasswordHasher {
  private open = true;
  private waiters: Array<() => void> = [];
  hashesDone = 0;

  constructor() {
    super({ ...DEFAULT_SCRYPT, N: 2 ** 10 });
  }

  close(): void {
    this.open = false;
  }

  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }

  override async hash(password: string): Promise<string> {
    await this.gate();
    return this.done(await super.hash(password));
  }

  override async verify(password: string, stored: string | undefined): Promise<boolean> {
    await this.gate();
    return this.done(await super.verify(password, stored));
  }

  private gate(): Promise<void> {
    return this.open ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  private done<T>(value: T): T {
    this.hashesDone++;
    return value;
  }
}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function start() {
  const users = new InMemoryUserStore();
  const passwords = new GatedHasher();
  const hashing = new HashQueue(QUEUE, () => NOW);
  const counters = new InMemoryFailureCounterStore();
  const throttle = new LoginThrottle(counters, {
    account: { maxFailures: 5, windowSeconds: 900 },
    client: { maxFailures: 20, windowSeconds: 900 },
  });
  const accessTokens = await AccessTokenIssuer.fromPem(PEM, { issuer: 'shop-users', audience: 'shop-api', ttlSeconds: 900 });
  const refreshTokens = new RefreshTokens(new InMemoryRefreshTokenStore(), 3600);
  const logger = createLogger({ service: 'users-test', level: 'error' });
  logger.silent = true;
  const app = serviceApp(usersService, {
    logger,
    metrics: createMetrics('users-test'),
    ports: {
      accounts: new Accounts({ users, passwords, hashing }),
      sessions: new Sessions({ users, passwords, hashing, throttle, accessTokens, refreshTokens }),
      jwks: accessTokens.jwks,
    },
    identityKey: generateKeyPairSync('ed25519').publicKey,
    readiness: [],
    lifecycle: { draining: false },
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const register = (headers: Record<string, string> = {}) =>
    post('/users', { email: `${randomUUID()}@example.com`, password: PASSWORD, name: 'Burst' }, headers);
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { users, passwords, hashing, counters, post, register, stop };
}

/** Starts every request and collects the answers as they come, in the order they come. */
function burst(requests: Array<() => Promise<Reply>>) {
  const answered: Reply[] = [];
  const all = Promise.all(requests.map((send) => send().then((r) => (answered.push(r), r))));
  return { answered, all };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function expectOverloaded(reply: Reply): void {
  expect(reply.status).toBe(503);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: expect.stringMatching(/\/overloaded$/), status: 503, title: 'Too busy' });
  const retryAfter = Number(reply.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  expect(reply.body.retryAfter).toBe(retryAfter);
}

describe('users under a burst of sign-ups and sign-ins', () => {
  let shop: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    shop = await start();
  });
  afterEach(async () => {
    shop.passwords.release();
    await shop.stop();
  });

  it('when a burst of sign-ups outlasts what can be hashed in time, then the excess gets 503 with Retry-After before any hash is done, and the rest 201', async () => {
    shop.passwords.close();
    const b = burst(Array.from({ length: 30 }, () => () => shop.register()));
    await until(() => b.answered.length === 30 - ADMITTED);
    // Every answer so far came while all admitted hashes were still held: refused at once, not timed out.
    expect(shop.passwords.hashesDone).toBe(0);
    for (const reply of b.answered) expectOverloaded(reply);
    expect(b.answered[0]!.headers.get('retry-after')).toBe('5'); // the 22 ahead, on 2 slots at 400 ms: 4.4 s
    expect(shop.hashing.length).toBe(ADMITTED);

    shop.passwords.release();
    const statuses = (await b.all).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(ADMITTED);
    expect(statuses.filter((s) => s === 503)).toHaveLength(30 - ADMITTED);
    expect(shop.users.users.size).toBe(ADMITTED);
  });

  it('when a sign-in finds the queue full, then 503, and the refused attempt is not counted against the account or the client', async () => {
    const email = 'jane@example.com';
    await shop.users.create({ email, name: 'Jane', role: 'customer', passwordHash: await shop.passwords.hash(PASSWORD) });
    shop.passwords.close();
    const b = burst(Array.from({ length: ADMITTED }, () => () => shop.register()));
    await until(() => shop.hashing.length === ADMITTED);

    const refused = await shop.post('/sessions', { email, password: PASSWORD }, { 'x-client-id': 'client-a' });
    expectOverloaded(refused);
    expect(shop.counters.counters.size).toBe(0);

    shop.passwords.release();
    expect((await b.all).every((r) => r.status === 201)).toBe(true);
    const signedIn = await shop.post('/sessions', { email, password: PASSWORD }, { 'x-client-id': 'client-a' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer' });
  });

  it("when the caller's deadline (x-request-deadline) leaves less time than the queue needs, then 503 even though the maximum would admit it", async () => {
    shop.passwords.close();
    const b = burst(Array.from({ length: 4 }, () => () => shop.register()));
    await until(() => shop.hashing.length === 4);
    // 4 ahead on 2 slots: three rounds, 1.2 s. The caller stops waiting in 1.2 s, 0.7 s of it after the margin.
    const hurried = await shop.register({ [DEADLINE_HEADER]: String(NOW + 1_200) });
    expectOverloaded(hurried);
    expect(shop.hashing.length).toBe(4);
    const patient = shop.register();
    await until(() => shop.hashing.length === 5);

    shop.passwords.release();
    expect((await b.all).map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect((await patient).status).toBe(201);
  });
});

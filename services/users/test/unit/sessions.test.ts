import { generateKeyPairSync } from 'node:crypto';
import { AccessTokenIssuer } from '../../src/domain/access-token';
import { InvalidCredentialsError, OverloadedError, TooManyAttemptsError } from '../../src/domain/errors';
import { HashQueue } from '../../src/domain/hash-queue';
import { LoginThrottle, throttleKeys } from '../../src/use-cases/login-throttle';
import { DEFAULT_SCRYPT, PasswordHasher } from '../../src/domain/password-hash';
import { RefreshTokens } from '../../src/use-cases/refresh-tokens';
import { Sessions } from '../../src/use-cases/sessions';
import { InMemoryFailureCounterStore, InMemoryRefreshTokenStore, InMemoryUserStore } from '../fakes/in-memory-stores';

const PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PASSWORD = 'correct horse battery staple';

async function setUp() {
  const users = new InMemoryUserStore();
  const passwords = new PasswordHasher({ ...DEFAULT_SCRYPT, N: 2 ** 10 });
  const counters = new InMemoryFailureCounterStore();
  let now = Date.parse('2026-01-01T12:00:00.000Z');
  const throttle = new LoginThrottle(
    counters,
    { account: { maxFailures: 5, windowSeconds: 900 }, client: { maxFailures: 20, windowSeconds: 900 } },
    () => now,
  );
  const accessTokens = await AccessTokenIssuer.fromPem(PEM, { issuer: 'shop-users', audience: 'shop-api', ttlSeconds: 900 });
  // One hash at a time, assumed to take 1 s, within 1.5 s: one hash in progress makes the next one wait too long.
  const hashing = new HashQueue({ concurrency: 1, maxWaitMs: 1_500, marginMs: 0, initialEstimateMs: 1_000 }, () => now);
  const sessions = new Sessions({
    users,
    passwords,
    hashing,
    throttle,
    accessTokens,
    refreshTokens: new RefreshTokens(new InMemoryRefreshTokenStore(), 3600),
  });
  const user = (await users.create({
    email: 'jane@example.com',
    name: 'Jane',
    role: 'customer',
    passwordHash: await passwords.hash(PASSWORD),
  }))!;
  const verify = jest.spyOn(passwords, 'verify');
  return { sessions, counters, user, verify, accessTokens, hashing, advance: (ms: number) => (now += ms) };
}

const attempt = (sessions: Sessions, email: string, password: string, clientId = 'client-a') =>
  sessions.login({ email, password, clientId });

describe('Sessions.login', () => {
  it("when the password is right, then tokens for that user come back and the account's counter is cleared", async () => {
    const { sessions, counters, user, accessTokens } = await setUp();
    await expect(attempt(sessions, 'jane@example.com', 'wrong password!')).rejects.toThrow(InvalidCredentialsError);
    const tokens = await attempt(sessions, '  JANE@example.com ', PASSWORD);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    await expect(accessTokens.verify(tokens.accessToken)).resolves.toMatchObject({ sub: user.id, role: 'customer' });
    expect(counters.counters.has(throttleKeys('jane@example.com', 'client-a').account)).toBe(false);
  });

  it('when the email is unknown or the password wrong, then the error is the same and a hash was checked both times', async () => {
    const { sessions, verify } = await setUp();
    const unknown = await attempt(sessions, 'nobody@example.com', PASSWORD).catch((e: unknown) => e);
    const wrong = await attempt(sessions, 'jane@example.com', 'not the password').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidCredentialsError);
    expect(wrong).toBeInstanceOf(InvalidCredentialsError);
    expect({ ...(unknown as object), stack: '' }).toEqual({ ...(wrong as object), stack: '' });
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[0]![1]).toBeUndefined();
  });

  it('when an account has five failures, then the sixth attempt is refused before any password check, even a right one', async () => {
    const { sessions, verify } = await setUp();
    for (let i = 0; i < 5; i++)
      await expect(attempt(sessions, 'jane@example.com', `wrong ${i} password`)).rejects.toThrow(InvalidCredentialsError);
    verify.mockClear();
    await expect(attempt(sessions, 'jane@example.com', PASSWORD)).rejects.toEqual(new TooManyAttemptsError(900));
    expect(verify).not.toHaveBeenCalled();
  });

  it('when an unknown email has five failures, then it is refused exactly like a known one', async () => {
    const { sessions } = await setUp();
    for (let i = 0; i < 5; i++)
      await expect(attempt(sessions, 'ghost@example.com', 'whatever pass')).rejects.toThrow(InvalidCredentialsError);
    await expect(attempt(sessions, 'ghost@example.com', 'whatever pass')).rejects.toMatchObject({
      status: 429,
      code: 'too-many-attempts',
      headers: { 'Retry-After': '900' },
    });
  });

  it('when the window has passed, then the account may try again', async () => {
    const { sessions, advance } = await setUp();
    for (let i = 0; i < 5; i++)
      await expect(attempt(sessions, 'jane@example.com', 'wrong password')).rejects.toThrow(InvalidCredentialsError);
    advance(600_000);
    await expect(attempt(sessions, 'jane@example.com', PASSWORD)).rejects.toMatchObject({ retryAfterSeconds: 300 });
    advance(300_000);
    await expect(attempt(sessions, 'jane@example.com', PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('when one client fails twenty times across accounts, then its next attempt is refused and other clients are not', async () => {
    const { sessions } = await setUp();
    for (let i = 0; i < 20; i++)
      await expect(attempt(sessions, `user${i}@example.com`, 'wrong password')).rejects.toThrow(InvalidCredentialsError);
    await expect(attempt(sessions, 'jane@example.com', PASSWORD)).rejects.toThrow(TooManyAttemptsError);
    await expect(attempt(sessions, 'jane@example.com', PASSWORD, 'client-b')).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('when a client is refused, then the account is not charged for the attempt', async () => {
    const { sessions, counters } = await setUp();
    for (let i = 0; i < 20; i++)
      await expect(attempt(sessions, `user${i}@example.com`, 'wrong password')).rejects.toThrow(InvalidCredentialsError);
    await expect(attempt(sessions, 'jane@example.com', 'wrong password')).rejects.toThrow(TooManyAttemptsError);
    expect(counters.counters.get(throttleKeys('jane@example.com', 'client-a').account)).toBeUndefined();
  });

  it('when a login succeeds, then the client gets that attempt back but keeps its failures', async () => {
    const { sessions, counters } = await setUp();
    const keys = throttleKeys('jane@example.com', 'client-a');
    await expect(attempt(sessions, 'jane@example.com', 'wrong password')).rejects.toThrow(InvalidCredentialsError);
    await attempt(sessions, 'jane@example.com', PASSWORD);
    expect(counters.counters.get(keys.client)?.failures).toBe(1);
  });

  it('when the password could not be checked in time, then 503 overloaded, and neither the account nor the client is charged', async () => {
    const { sessions, counters, hashing, verify } = await setUp();
    const keys = throttleKeys('jane@example.com', 'client-a');
    // One failure on each counter already (set directly: a login here would time its hash at 0 ms on the fake clock).
    const window = { failures: 1, resetAt: Date.parse('2026-01-01T12:15:00.000Z') };
    counters.counters.set(keys.account, { ...window });
    counters.counters.set(keys.client, { ...window });
    let finish = () => {};
    const busy = hashing.run(() => new Promise<void>((resolve) => (finish = resolve)));
    verify.mockClear();
    for (let i = 0; i < 10; i++)
      await expect(attempt(sessions, 'jane@example.com', PASSWORD)).rejects.toMatchObject({
        constructor: OverloadedError,
        status: 503,
        headers: { 'Retry-After': '1' },
      });
    expect(verify).not.toHaveBeenCalled();
    expect(counters.counters.get(keys.account)?.failures).toBe(1);
    expect(counters.counters.get(keys.client)?.failures).toBe(1);
    finish();
    await busy;
    await expect(attempt(sessions, 'jane@example.com', PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('when counters are keyed, then the keys hold neither the email nor the client address', () => {
    const keys = throttleKeys('jane@example.com', '203.0.113.7');
    expect(JSON.stringify(keys)).not.toMatch(/jane|203\.0/);
    expect(keys.account).not.toBe(throttleKeys('jane2@example.com', '203.0.113.7').account);
  });
});

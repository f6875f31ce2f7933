import { DEFAULT_SCRYPT, PasswordHasher } from '../../src/domain/password-hash';

// The real cost once, to prove the parameters work within Node's memory limit; a cheap cost elsewhere.
const real = new PasswordHasher();
const cheap = new PasswordHasher({ ...DEFAULT_SCRYPT, N: 2 ** 10 });

describe('PasswordHasher', () => {
  it('when a password is hashed with the default cost, then the string describes it and verifies', async () => {
    const stored = await real.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    await expect(real.verify('correct horse battery staple', stored)).resolves.toBe(true);
  });

  it('when the same password is hashed twice, then the salts differ', async () => {
    const [a, b] = await Promise.all([cheap.hash('same password'), cheap.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('when the password is wrong, then verify is false', async () => {
    const stored = await cheap.hash('correct horse battery staple');
    await expect(cheap.verify('correct horse battery stapler', stored)).resolves.toBe(false);
    await expect(cheap.verify('', stored)).resolves.toBe(false);
  });

  it('when the password is the same text in another Unicode form, then it verifies', async () => {
    const stored = await cheap.hash('caf\u00e9 au lait 42');
    await expect(cheap.verify('cafe\u0301 au lait 42', stored)).resolves.toBe(true);
  });

  it('when a stored string was made with other parameters, then they are read from it', async () => {
    const stored = await new PasswordHasher({ ...DEFAULT_SCRYPT, N: 2 ** 11, r: 4 }).hash('parameters travel along');
    await expect(cheap.verify('parameters travel along', stored)).resolves.toBe(true);
  });

  const tamper: Array<[string, (parts: string[]) => string[]]> = [
    ['a changed hash byte', (p) => [...p.slice(0, 5), (p[5]![0] === 'A' ? 'B' : 'A') + p[5]!.slice(1)]],
    ['a changed salt', (p) => [...p.slice(0, 4), (p[4]![0] === 'A' ? 'B' : 'A') + p[4]!.slice(1), p[5]!]],
    ['a changed cost', (p) => [p[0]!, '2048', ...p.slice(2)]],
    ['a cost that is not a power of two', (p) => [p[0]!, '1000', ...p.slice(2)]],
    ['an absurd cost', (p) => [p[0]!, String(2 ** 30), ...p.slice(2)]],
    ['a cost needing gigabytes of memory', (p) => [p[0]!, String(2 ** 22), ...p.slice(2)]],
    ['another algorithm name', (p) => ['bcrypt', ...p.slice(1)]],
    ['a missing part', (p) => p.slice(0, 5)],
    ['a truncated hash', (p) => [...p.slice(0, 5), p[5]!.slice(0, 10)]],
    ['characters outside base64url', (p) => [...p.slice(0, 5), p[5]!.replace(/^./, '*')]],
  ];
  it.each(tamper)('when the stored string has %s, then verify is false without throwing', async (_what, change) => {
    const stored = await cheap.hash('correct horse battery staple');
    const tampered = change(stored.split('$')).join('$');
    expect(tampered).not.toBe(stored);
    await expect(cheap.verify('correct horse battery staple', tampered)).resolves.toBe(false);
  });

  it('when there is no stored hash (unknown account), then verify is false after doing the same work', async () => {
    await real.warmUp();
    const started = process.hrtime.bigint();
    await expect(real.verify('anything at all', undefined)).resolves.toBe(false);
    const unknownMs = Number(process.hrtime.bigint() - started) / 1e6;
    const stored = await real.hash('anything at all!');
    const again = process.hrtime.bigint();
    await real.verify('anything at all', stored);
    const knownMs = Number(process.hrtime.bigint() - again) / 1e6;
    // Same derivation either way; a generous bound keeps this stable on a busy machine.
    expect(unknownMs).toBeGreaterThan(knownMs / 3);
  });
});

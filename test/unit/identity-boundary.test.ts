// Issue 10's promise, checked on the sources and the settings: only the gateway can sign a forwarded
// identity. No other service's code signs one or reads the private key, and every one of them names the
// gateway's public key with the same setting (one variable, one secret name, everywhere).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@shop/testkit';

const services = fs.readdirSync(path.join(repoRoot, 'services')).filter((s) => fs.existsSync(path.join(repoRoot, 'services', s, 'src')));
const upstreams = services.filter((s) => s !== 'gateway');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

type Settings = Record<string, { env: string; fallback?: unknown }>;
const settingsOf = (service: string) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(repoRoot, 'services', service, 'src', 'config.ts')) as { settings: Settings }).settings;

describe('who can sign a forwarded identity', () => {
  it('when the services are listed, then the gateway and at least the five upstreams are there', () => {
    expect(services).toContain('gateway');
    expect(upstreams.length).toBeGreaterThanOrEqual(5);
  });

  it.each(upstreams)('when the sources of %s are read, then nothing in them signs an identity or reads the private key', (service) => {
    for (const file of sourceFiles(path.join(repoRoot, 'services', service, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      const hits = text.match(/\bsignIdentity\b|\bidentitySigningKey\b|gateway-identity-private-key|IDENTITY_PRIVATE_KEY/g) ?? [];
      expect({ file: path.relative(repoRoot, file), hits }).toEqual({ file: path.relative(repoRoot, file), hits: [] });
    }
  });

  it.each(upstreams)("when %s's settings are read, then the gateway's public key comes from the one shared setting", (service) => {
    const settings = settingsOf(service);
    expect(settings.identityPublicKeySecret).toMatchObject({
      env: 'GATEWAY_IDENTITY_PUBLIC_KEY_SECRET',
      fallback: 'gateway-identity-public-key',
    });
    const identityish = Object.values(settings).filter((s) => /IDENTITY/.test(s.env));
    expect(identityish.map((s) => s.env)).toEqual(['GATEWAY_IDENTITY_PUBLIC_KEY_SECRET']);
  });

  it("when the gateway's settings are read, then it names the private key, and only it", () => {
    const identityish = Object.values(settingsOf('gateway')).filter((s) => /IDENTITY/.test(s.env));
    expect(identityish).toEqual([
      expect.objectContaining({ env: 'GATEWAY_IDENTITY_PRIVATE_KEY_SECRET', fallback: 'gateway-identity-private-key' }),
    ]);
  });
});

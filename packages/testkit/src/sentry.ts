// Dapr Sentry for a local run: the certificate authority that gives each sidecar an mTLS certificate
// naming its app id, so that a callee's access-control policy (dapr/config/<app>.yaml) rests on a proven
// caller id, not an asserted one.
//
// Sentry's self-hosted default validator ("insecure") signs a certificate for any app id anyone asks
// for. Instead it runs with the JWKS validator: a sidecar gets a certificate for app X only with a JWT
// whose subject is X's SPIFFE id, signed by a key that only this run holds (it signs one token per app
// and hands it to that app's sidecar alone, in DAPR_SENTRY_TOKEN_FILE).
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { LoggedProcess } from './process';
import { freePorts } from './ports';

/** The SPIFFE trust domain of the apps (accessControl.trustDomain in dapr/config/*.yaml). */
export const APP_TRUST_DOMAIN = 'public';
/** Sentry's own trust domain and namespace in self-hosted mode (its --trust-domain default, NAMESPACE unset). */
const SENTRY_ID = 'spiffe://localhost/ns/default/dapr-sentry';
const NAMESPACE = 'default';
const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface RunningSentry {
  /** host:port for daprd's --sentry-address. */
  address: string;
  /** The root certificate (PEM) every sidecar trusts: DAPR_TRUST_ANCHORS. */
  trustAnchors: string;
  /** The running Sentry (the latest, after a `respawn()`). */
  readonly process: LoggedProcess;
  /**
   * Starts Sentry again on the same ports with the same files, as the `npm start` supervisor does when
   * it died: the sidecars keep its address, and its root (on disk) and so the trust anchors stay.
   */
  respawn(): LoggedProcess;
  /** Writes the token that lets `appId`'s sidecar, and only it, get a certificate; returns its path. */
  tokenFile(appId: string): string;
  /** What a sidecar of `appId` needs in its environment and on its command line to use mTLS. */
  sidecarEnv(appId: string): Record<string, string>;
  sidecarArgs(): string[];
  stop(): Promise<void>;
}

export interface SentryOptions {
  /** A folder of this run: keys, certificates, tokens and the log go there. */
  dir: string;
  sentryPath: string;
  /** Fixed ports, if a caller wants them; by default free ones are picked at start (npm start and tests). */
  ports?: { grpc: number; healthz: number; metrics: number };
  readyTimeoutMs?: number;
  /** Free ports can be taken before sentry binds them: such a start is tried again on new ones. */
  attempt?: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(sign(null, Buffer.from(`${head}.${body}`), key))}`;
}

export async function startSentry(options: SentryOptions): Promise<RunningSentry> {
  const dir = path.resolve(options.dir);
  const credentials = path.join(dir, 'credentials');
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(credentials, { recursive: true, mode: 0o700 });
  fs.mkdirSync(tokens, { recursive: true, mode: 0o700 });

  // The token-signing key of this run: kept on disk (private to its owner) so a restarted runner or
  // sidecar of the same run can be given a token again.
  const keyFile = path.join(dir, 'token-signing.key');
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  const key = createPrivateKey(fs.readFileSync(keyFile));
  const kid = 'shop-local';
  const jwk = { ...key.export({ format: 'jwk' }), d: undefined };
  const jwksFile = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] }));

  const configFile = path.join(dir, 'sentry.yaml');
  fs.writeFileSync(
    configFile,
    [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Configuration',
      'metadata:',
      '  name: daprsystem',
      'spec:',
      '  mtls:',
      '    enabled: true',
      '    workloadCertTTL: 24h',
      '    allowedClockSkew: 15m',
      '    tokenValidators:',
      '      - name: jwks',
      '        options:',
      `          source: ${JSON.stringify(jwksFile)}`,
      '',
    ].join('\n'),
  );

  const [grpc, healthz, metrics] = options.ports ? [options.ports.grpc, options.ports.healthz, options.ports.metrics] : await freePorts(3);
  const spawnSentry = () =>
    new LoggedProcess(
      'sentry',
      options.sentryPath,
      [
        '--mode',
        'standalone',
        '--config',
        configFile,
        '--issuer-credentials',
        credentials,
        '--listen-address',
        '127.0.0.1',
        '--port',
        String(grpc),
        '--healthz-listen-address',
        '127.0.0.1',
        '--healthz-port',
        String(healthz),
        '--metrics-listen-address',
        '127.0.0.1',
        '--metrics-port',
        String(metrics),
      ],
      path.join(dir, 'sentry.log'),
      { cwd: dir, env: { ...process.env, NAMESPACE } },
    );
  // Sentry writes its self-signed root and issuer on first start, then answers its health probe.
  const caFile = path.join(credentials, 'ca.crt');
  const generates = !fs.existsSync(caFile);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  /** Resolves once it serves with its CA on disk; false if it lost a port race (start again on new ports). */
  const ready = async (p: LoggedProcess): Promise<boolean> => {
    for (;;) {
      if (!p.running) {
        if (!options.ports && (options.attempt ?? 1) < 3 && /address already in use/.test(p.log())) return false;
        throw new Error(`sentry exited before it was ready (log: ${p.logFile}):\n${p.log().slice(-2000)}`);
      }
      const healthy = await fetch(`http://127.0.0.1:${healthz}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy && fs.existsSync(caFile)) return true;
      if (Date.now() > deadline) {
        await p.stop();
        throw new Error(`sentry was not ready in time (log: ${p.logFile})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let proc = spawnSentry();
  if (!(await ready(proc))) return startSentry({ ...options, attempt: (options.attempt ?? 1) + 1 });
  if (generates) {
    // Sentry 1.18 watches its credentials folder, so the root and issuer it has just written there make it
    // reload about 2 s later, its gRPC server closed for a moment: a sidecar asking for its certificate
    // then dies ("failed to retrieve the initial identity", seen in CI). Started again, it finds them and
    // has nothing to reload.
    await proc.stop();
    proc = spawnSentry();
    if (!(await ready(proc))) return startSentry({ ...options, attempt: (options.attempt ?? 1) + 1 });
  }
  const trustAnchors = fs.readFileSync(caFile, 'utf8');
  const address = `127.0.0.1:${grpc}`;

  // A fresh token at every (re)start of a sidecar: daprd reads it again whenever it renews its certificate.
  const tokenFile = (appId: string): string => {
    const file = path.join(tokens, `${appId}.jwt`);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(key, kid, {
      sub: `spiffe://${APP_TRUST_DOMAIN}/ns/${NAMESPACE}/${appId}`,
      aud: SENTRY_ID,
      iat: now,
      nbf: now - 60,
      exp: now + TOKEN_TTL_SECONDS,
      jti: randomUUID(),
    });
    fs.writeFileSync(file, token, { mode: 0o600 });
    return file;
  };

  return {
    address,
    trustAnchors,
    get process() {
      return proc;
    },
    respawn: () => (proc = spawnSentry()),
    tokenFile,
    sidecarEnv: (appId) => ({ DAPR_TRUST_ANCHORS: trustAnchors, DAPR_SENTRY_TOKEN_FILE: tokenFile(appId), NAMESPACE }),
    sidecarArgs: () => ['--enable-mtls', '--sentry-address', address],
    stop: () => proc.stop(),
  };
}

/** Where sentry comes from: beside daprd (scripts/setup-dapr.sh builds both). */
export function sentryPathBeside(daprd: string): string {
  const file = path.join(path.dirname(daprd), 'sentry');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run setup' (scripts/setup-dapr.sh) first`);
  return file;
}

// `npm start`: runs dapr/run.yaml without the Dapr CLI — each app with its daprd sidecar, every port on
// loopback — waits until all are ready, prints where to call them, restarts any that dies (supervisor.ts),
// and on Ctrl-C stops everything.
// `--prepare-only`: only make the dev secrets and the profile's infrastructure ready (streams, databases),
// for `dapr run -f` or `tye run`.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LoggedProcess } from './process';
import { daprdPath, devSecretsFile, repoRoot } from './paths';
import { loadRunFile, mapResources, profileOf, resourcesOfApps, type RunFileApp } from './run-file';
import { appEnv, daprdArgs, daprdEnv, type Ports } from './launch';
import { LOCAL_ENV_FILE, readEnvFile } from './env-file';
import { freePort } from './ports';
import { readinessUrls, waitForUrls } from './ready';
import { ensureDevDatabases } from './dev-databases';
import { ensureDevSecrets } from './dev-secrets';
import { provisionInfrastructure } from './infrastructure';
import { applySecretStore, secretStoreOf, secretsAsEnv } from './secrets';
import { sentryPathBeside, startSentry } from './sentry';
import { appLiveness, describeEvent, Supervisor, type SupervisorEvent } from './supervisor';

const say = (msg: string) => process.stdout.write(`[shop] ${msg}\n`);

async function main(): Promise<void> {
  // The environment the shop starts from, as a developer's shell is after `set -a; . dapr/local.env` (the
  // values the components read through envRef), except that what this process's environment sets wins.
  const shell: Record<string, string | undefined> = { ...readEnvFile(LOCAL_ENV_FILE), ...process.env };
  // The second switch (DAPR_SECRETS) swaps the secret store in every app's resources.
  const run = mapResources(loadRunFile(process.env.DAPR_PROFILE), (paths) =>
    applySecretStore(paths, process.env.DAPR_SECRETS, path.join(repoRoot, '.run')),
  );
  const logDir = path.join(repoRoot, '.run', 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  // Dev secrets are never committed: the first start generates them (a git-ignored file), later ones reuse it.
  const dev = ensureDevSecrets(devSecretsFile());
  if (dev.created) say(`generated dev secrets (keys, admin password) in ${path.relative(repoRoot, devSecretsFile())}`);
  const created = await ensureDevDatabases(devSecretsFile());
  if (created.length) say(`created databases: ${created.join(', ')}`);
  // What the profile's components need before any sidecar starts: JetStream streams, databases, the
  // dead-letter queue, where the shell's values (dapr/local.env) point.
  const resourcesPaths = resourcesOfApps(run);
  const infra = await provisionInfrastructure(resourcesPaths, 'dev', path.join(repoRoot, '.run'), shell);
  for (const note of infra.notes) say(note);
  // For `dapr run -f dapr/run.yaml`: make the profile's infrastructure ready, then leave the running to the CLI.
  if (process.argv.includes('--prepare-only')) {
    say(`infrastructure ready for profile ${profileOf(run)}`);
    return;
  }
  // daprd gets the shell's environment, as under the CLI, never the run file's env (that is the apps').
  const sidecarShell = { ...shell, ...infra.env, ...secretsFromEnvironment(resourcesPaths, dev.secrets, shell) };

  // The certificate authority of this machine's local shop (.run/sentry keeps its root across starts):
  // every sidecar proves its app id with a certificate from it, and each app's access-control policy
  // (dapr/config/<app>.yaml) decides on that id.
  const sentry = await startSentry({ dir: path.join(repoRoot, '.run', 'sentry'), sentryPath: sentryPathBeside(daprdPath()) });
  // Every process from here on is kept running as a kubelet would (supervisor.ts): one that dies, or an
  // app that stops answering its liveness probe, is restarted with back-off; only Ctrl-C/SIGTERM ends them.
  let shopReady = false;
  const supervisor = new Supervisor<LoggedProcess>({ onEvent: (e) => report(e) });
  supervisor.supervise({ name: 'sentry', start: () => sentry.respawn(), layer: 0 }, sentry.process);
  const allPorts = new Map<RunFileApp, Ports>();
  for (const app of run.apps) allPorts.set(app, await portsOf(app));
  const started = run.apps.map((app) => {
    const ports = allPorts.get(app)!;
    // Fresh tokens each start of the shop (a restarted process gets the same ones): the sidecar refuses
    // callers of its API without its app's token (but the app-less ingress, whose callers are the public),
    // and the app refuses callers without its sidecar's.
    const tokens = app.command?.length
      ? { DAPR_API_TOKEN: randomBytes(16).toString('hex'), APP_API_TOKEN: randomBytes(16).toString('hex') }
      : {};
    const sidecar = `${app.appID}-daprd`;
    supervisor.supervise({
      name: sidecar,
      layer: 1,
      // Beyond the CLI: the tokens, and Sentry (sidecarEnv writes a fresh Sentry token for every (re)start).
      start: () =>
        new LoggedProcess(
          sidecar,
          daprdPath(),
          [...daprdArgs(app, ports, Boolean(app.command)), ...sentry.sidecarArgs()],
          path.join(logDir, `${app.appID}.daprd.log`),
          { cwd: app.appDirPath, env: { ...daprdEnv(sidecarShell), ...tokens, ...sentry.sidecarEnv(app.appID) } },
        ),
    });
    const [cmd, ...args] = app.command ?? [];
    if (cmd) {
      // The apps write to a pipe that is echoed here, so they cannot see the terminal: say it for them.
      const pretty = process.stdout.isTTY && !shell.LOG_FORMAT ? { LOG_FORMAT: 'pretty' } : {};
      const env = { ...shell, ...pretty, ...appEnv(app, ports), ...tokens };
      supervisor.supervise({
        name: app.appID,
        layer: 2,
        start: () =>
          new LoggedProcess(app.appID, cmd === 'node' ? process.execPath : cmd, args, path.join(logDir, `${app.appID}.app.log`), {
            cwd: app.appDirPath,
            env,
            echo: true,
          }),
        ...(ports.app > 0 ? { liveness: appLiveness(`http://127.0.0.1:${ports.app}/healthz`) } : {}),
      });
    }
    return { app, ports, tokens, hasApp: Boolean(cmd), names: [sidecar, ...(cmd ? [app.appID] : [])] };
  });
  type Started = (typeof started)[number];
  const names = ['sentry', ...started.flatMap((s) => s.names)];

  const whenReady = (s: Started, timeoutMs: number) =>
    waitForUrls(
      readinessUrls(`http://127.0.0.1:${s.ports.http}`, s.hasApp ? `http://127.0.0.1:${s.ports.ops}` : undefined, s.app.appID),
      // Nothing to fail fast on: a process that exits is restarted (a lost port race among them).
      [],
      timeoutMs,
      s.tokens.DAPR_API_TOKEN ? { 'dapr-api-token': s.tokens.DAPR_API_TOKEN } : {},
    );

  // After a restart, say when the app and its sidecar serve again (once per app, however many restarts).
  const awaitingReady = new Set<Started>();
  function report(e: SupervisorEvent): void {
    let line = describeEvent(e);
    const proc = supervisor.process(e.name);
    if (e.type === 'exited' && proc) {
      const tail = proc.log().split('\n').slice(-20).join('\n');
      if (/address already in use|could not listen on any endpoint/.test(tail)) line += '; a listen port was taken, so it tries again';
      // An app's output is on the console already; a sidecar's (and Sentry's) only in its log.
      if (!started.some((s) => s.hasApp && s.app.appID === e.name)) line += ` (log: ${path.relative(repoRoot, proc.logFile)})`;
    }
    say(line);
    const s = started.find((x) => x.names.includes(e.name));
    if (e.type !== 'started' || !shopReady || !s || awaitingReady.has(s)) return;
    awaitingReady.add(s);
    void whenReady(s, 300_000)
      .then(
        () => say(`${s.app.appID} serves again`),
        (err: Error) => say(`${s.app.appID} is still not ready: ${err.message}`),
      )
      .finally(() => awaitingReady.delete(s));
  }

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await supervisor.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    await Promise.all(started.map((s) => whenReady(s, 180_000)));
  } catch (e) {
    say(`start-up failed: ${(e as Error).message}`);
    for (const p of names.map((n) => supervisor.process(n)))
      if (p) say(`--- ${p.name} (${p.logFile}) ---\n${p.log().split('\n').slice(-25).join('\n')}`);
    await stopAll(1);
    return;
  }
  shopReady = true;

  say(
    `ready (profile: ${profileOf(run)}, secrets: ${process.env.DAPR_SECRETS ?? 'file'}); logs in ${path.relative(process.cwd(), logDir) || logDir}`,
  );
  for (const s of started) {
    const app = s.hasApp ? `app http://127.0.0.1:${s.ports.app}` : '(no app: sidecar only)';
    const ops = s.hasApp ? `   app /readyz, /metrics :${s.ports.ops}` : '';
    say(`  ${s.app.appID.padEnd(10)} ${app.padEnd(28)} sidecar http://127.0.0.1:${s.ports.http}   metrics :${s.ports.metrics}${ops}`);
  }
  const gateway = started.find((s) => s.app.appID === 'gateway');
  const ingress = started.find((s) => s.app.appID === 'ingress');
  if (gateway) say(`the public API:  curl 'http://127.0.0.1:${gateway.ports.app}/api/v1/products?limit=2'`);
  if (ingress) say(`via the ingress: curl 'http://127.0.0.1:${ingress.ports.http}/v1.0/invoke/gateway/method/api/v1/products?limit=2'`);
  say('Ctrl-C stops everything; a process that dies meanwhile is restarted.');
}

/**
 * The run file's ports; a sidecar port it leaves unset is picked free, as the CLI does (an unset app port
 * means the app has none). The app's /readyz and /metrics: the OPS_PORT the run file's env gives it.
 */
async function portsOf(app: RunFileApp): Promise<Ports> {
  const fixedOrFree = async (port: number | undefined) => (port !== undefined && port > 0 ? port : freePort());
  return {
    app: app.appPort !== undefined && app.appPort > 0 ? app.appPort : 0,
    http: await fixedOrFree(app.daprHTTPPort),
    grpc: await fixedOrFree(app.daprGRPCPort),
    internal: await fixedOrFree(app.daprInternalGRPCPort),
    metrics: await fixedOrFree(app.metricsPort),
    ops: Number(app.env.OPS_PORT),
  };
}

/**
 * The app's liveness, as the livenessProbe of k8s/base/services/*.yaml: GET /healthz on the app port every
 * 10 s with a 2 s timeout, restarted after 3 failures in a row (some 30 s unanswered). A start may take
 * 120 s to pass it first (the startupProbe allows 90 s; here six apps and sidecars start at once on a
 * laptop). Not /readyz: it fails while the sidecar is away, and a sidecar restart must not take its app
 * down with it (Kubernetes does not restart on readiness either).
 */
/**
 * With the environment-variable secret store, the sidecars read `<prefix><name>`: what the shell does not
 * set is taken from the development secrets file, so `DAPR_SECRETS=env npm start` runs as it is.
 */
function secretsFromEnvironment(
  resourcesPaths: string[],
  devSecrets: Record<string, string>,
  shell: Record<string, string | undefined>,
): Record<string, string> {
  const store = secretStoreOf(resourcesPaths);
  if (store?.type !== 'secretstores.local.env') return {};
  const fromFile = secretsAsEnv(store.prefix, devSecrets);
  const missing = Object.keys(fromFile).filter((k) => shell[k] === undefined);
  if (missing.length) say(`secrets from the environment; not set there, so taken from dapr/secrets.dev.json: ${missing.join(', ')}`);
  return Object.fromEntries(missing.map((k) => [k, fromFile[k]!]));
}

void main().catch((e: unknown) => {
  process.stderr.write(`[shop] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

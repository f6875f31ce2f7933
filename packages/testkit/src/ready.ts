import type { LoggedProcess } from './process';

/**
 * Waits until every URL answers 2xx, failing fast when one of the watched processes exits and
 * failing with the URL that never answered when the deadline passes. `headers` go with every probe (the
 * sidecar's Dapr API token: its invocation API refuses callers without it).
 */
export async function waitForUrls(
  urls: string[],
  watched: LoggedProcess[],
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      const dead = watched.find((p) => !p.running);
      if (dead) throw new Error(`${dead.name} exited before it was ready (log: ${dead.logFile})`);
      const ok = await fetch(url, { headers, signal: AbortSignal.timeout(1_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The probes that say an app and its sidecar are both up (`opsUrl`: the app's operations listener, OPS_PORT). */
export function readinessUrls(daprUrl: string, opsUrl: string | undefined, appId?: string): string[] {
  // /v1.0/healthz answers 204 once daprd has loaded its components and reached the app; the app's own
  // /readyz (on its operations port, never its app port) checks its sidecar and its database. With app
  // health checks on, the sidecar still refuses to invoke its app (ERR_DIRECT_INVOKE) until its own first
  // probe passes: asking it to invoke the app's /healthz waits for exactly that.
  return [
    `${daprUrl}/v1.0/healthz`,
    ...(opsUrl ? [`${opsUrl}/readyz`] : []),
    ...(opsUrl && appId ? [`${daprUrl}/v1.0/invoke/${appId}/method/healthz`] : []),
  ];
}

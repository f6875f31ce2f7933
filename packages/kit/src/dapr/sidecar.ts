import type { DaprClient } from '@dapr/dapr';
import type { ReadinessCheck } from '../http/health';
import type { SidecarAddress } from './client';

function url(address: SidecarAddress, path: string): string {
  return `http://${address.daprHost}:${address.daprHttpPort}${path}`;
}

/** Whether the sidecar has loaded its components and can serve outbound calls (it answers 204). */
async function outboundHealthy(address: SidecarAddress, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url(address, '/v1.0/healthz/outbound'), {
      signal: AbortSignal.timeout(timeoutMs),
      headers: address.daprApiToken ? { 'dapr-api-token': address.daprApiToken } : {},
    });
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/**
 * Waits, bounded, until the sidecar is up, then marks the client initialized (so the SDK does not run
 * its own unbounded-looking wait on the first call). Throws a message that says what to check.
 */
export async function waitForSidecar(client: DaprClient, address: SidecarAddress, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    if (await outboundHealthy(address, 1_000)) break;
    if (Date.now() + delay > deadline) {
      throw new Error(
        `the Dapr sidecar at ${url(address, '')} was not ready within ${timeoutMs} ms: ` +
          'is daprd running with this --dapr-http-port (DAPR_HTTP_PORT), and did its components load? (see its log)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  await client.start();
}

export function sidecarReadiness(address: SidecarAddress): ReadinessCheck {
  return {
    name: 'dapr-sidecar',
    async check() {
      if (!(await outboundHealthy(address, 1_500))) throw new Error('sidecar is not ready');
    },
  };
}

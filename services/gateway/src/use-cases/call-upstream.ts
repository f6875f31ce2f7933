import type { KeyObject } from 'node:crypto';
import { AppError, DEADLINE_HEADER, signIdentity, type Identity } from '@shop/kit';
import type { Upstream, UpstreamRequest } from '../ports';

export { DEADLINE_HEADER };

export class UpstreamTimeoutError extends AppError {
  constructor(appId: string, timeoutMs: number) {
    super({
      status: 504,
      code: 'upstream-timeout',
      title: 'An upstream service did not answer in time',
      detail: `${appId} did not answer within ${timeoutMs} ms`,
      expose: false,
    });
  }
}

/**
 * Calls with a deadline: the callee learns it from `x-request-deadline` (epoch ms) and the gateway stops
 * waiting when it passes (504). The SDK cannot abort a call, so the late answer is simply ignored.
 */
export async function callWithDeadline(upstream: Upstream, request: UpstreamRequest, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamTimeoutError(request.appId, timeoutMs)), timeoutMs);
  });
  const headers = { ...request.headers, [DEADLINE_HEADER]: String(Date.now() + timeoutMs) };
  try {
    return await Promise.race([upstream.call({ ...request, headers }), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The headers an upstream trusts: the identity of a signed-in caller, signed for that upstream (`appId`)
 * only, with one for each app it may call as the caller in turn (`onBehalfOf`), and, where the route says
 * so, the client's address. The request id and trace context are added by the kit's Sidecar.invoke; nothing
 * the client sent is copied.
 */
export function upstreamHeaders(
  identityKey: KeyObject,
  appId: string,
  identity: Identity | undefined,
  extra: { clientId?: string; onBehalfOf?: readonly string[] } = {},
): Record<string, string> {
  return {
    ...(identity ? signIdentity(identityKey, appId, identity, extra.onBehalfOf ? { onBehalfOf: extra.onBehalfOf } : {}) : {}),
    ...(extra.clientId ? { 'x-client-id': extra.clientId } : {}),
  };
}

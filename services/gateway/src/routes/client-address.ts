import { timingSafeEqual } from 'node:crypto';
import { AppError } from '@shop/kit';
import type { Context, Middleware } from 'koa';

// The address rate limits and the users service's sign-in throttle count by. X-Forwarded-For is a list
// anyone can start; only the entries that hops we vouch for appended at its right end are facts. So the
// address is picked by a fixed, configured count of trusted hops, counted from the right, and never from
// an entry a client could have written.
//
// How a request reached the gateway port decides which count applies:
//   'dapr'   it carries the app token (`dapr-api-token` = APP_API_TOKEN), which only the gateway's own
//            sidecar adds: it came through Dapr service invocation, i.e. through the ingress sidecar.
//            The CALLING sidecar appends its own host address (DAPR_HOST_IP; the pod address in
//            Kubernetes) to X-Forwarded-For, never the address of whoever called it. So the last entry
//            is the ingress sidecar's, and each of INGRESS_PROXY_HOPS proxies in front of it (ingress-nginx:
//            1, which sets the list to the client's address) wrote one entry before it. With 0 (locally,
//            clients call the ingress sidecar on loopback) the client is the ingress sidecar's host.
//   'direct' no token: the socket peer is the caller, unless DIRECT_PROXY_HOPS trusted proxies in front
//            of the gateway port each appended the peer they saw.
// A wrong token is refused (401): it is nobody's but the sidecar's to send.

export type Channel = 'dapr' | 'direct';

export interface ClientAddressRules {
  /** INGRESS_PROXY_HOPS: proxies in front of the ingress sidecar that set or append X-Forwarded-For. */
  ingressProxyHops: number;
  /** DIRECT_PROXY_HOPS: trusted proxies in front of the gateway port that append X-Forwarded-For. */
  directProxyHops: number;
}

export interface Arrival {
  channel: Channel;
  /** The X-Forwarded-For header as received (several headers joined by commas), '' when absent. */
  forwardedFor: string;
  socketAddress: string | undefined;
}

// An IPv6 address is at most 45 characters; a longer "address" is cut, so it cannot bloat a counter key.
const MAX_ADDRESS_LENGTH = 64;

/** The client's address by the rules above: a pure function of how the request arrived. */
export function pickClientAddress(arrival: Arrival, rules: ClientAddressRules): string {
  const entries = arrival.forwardedFor
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  // How many entries at the right end trusted hops wrote: via Dapr, the calling sidecar's own plus one per
  // proxy in front of it; directly, one per trusted proxy in front of the port.
  const trusted = arrival.channel === 'dapr' ? rules.ingressProxyHops + 1 : rules.directProxyHops;
  // Fewer entries than trusted hops (a proxy left out): the leftmost one, still written by a trusted hop.
  const picked = trusted > 0 && entries.length > 0 ? entries[Math.max(0, entries.length - trusted)] : arrival.socketAddress;
  return (picked ?? 'unknown').replace(/^::ffff:/, '').slice(0, MAX_ADDRESS_LENGTH);
}

interface ChannelState {
  channel?: Channel;
}

/** The address of the caller of this request (see `pickClientAddress`); `callerChannel` must have run. */
export function clientAddress(ctx: Context, rules: ClientAddressRules): string {
  const channel = (ctx.state as ChannelState).channel ?? 'direct';
  return pickClientAddress({ channel, forwardedFor: ctx.get('x-forwarded-for'), socketAddress: ctx.req.socket.remoteAddress }, rules);
}

/**
 * Tells a call through the gateway's sidecar (it carries the app token) from a direct one (no token), and
 * refuses a wrong token with 401. Without APP_API_TOKEN nothing can be verified: every call is direct and
 * any token is wrong.
 */
export function callerChannel(appApiToken: string | undefined): Middleware {
  const expected = appApiToken ? Buffer.from(appApiToken) : undefined;
  return async (ctx, next) => {
    const given = ctx.get('dapr-api-token');
    if (given) {
      const presented = Buffer.from(given);
      if (!expected || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        throw new AppError({
          status: 401,
          code: 'app-token-invalid',
          title: 'Unauthorized',
          detail: 'The dapr-api-token header is not valid',
        });
      }
      // Nothing after this point needs it, and nothing may forward it.
      delete ctx.req.headers['dapr-api-token'];
    }
    (ctx.state as ChannelState).channel = given ? 'dapr' : 'direct';
    await next();
  };
}

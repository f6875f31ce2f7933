import type { KeyObject } from 'node:crypto';
import Router from '@koa/router';
import { AppError, ROUTER_METHOD, ValidationError, validate, type Identity } from '@shop/kit';
import type { Context } from 'koa';
import { guard, type CallerState, type GuardDeps } from './guard';
import type { Upstream } from '../ports';
import { callWithDeadline, upstreamHeaders } from '../use-cases/call-upstream';
import { API_PREFIX, type GatewayRoute, type Target } from './table';

/** A request after the guard and validation: what a handler (local or upstream) works from. */
export interface RouteInput {
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  body: unknown;
  identity?: Identity;
  clientId: string;
}

export type LocalHandler = (input: RouteInput, ctx: Context) => Promise<unknown>;

export interface RouterDeps extends GuardDeps {
  upstream: Upstream;
  upstreamTimeoutMs: number;
  identityKey: KeyObject;
  locals: Record<Extract<Target, { kind: 'local' }>['handler'], LocalHandler>;
}

/** The Koa router of the public API, built from the route table: guard, then validation, then the target. */
export function gatewayRouter(routes: readonly GatewayRoute[], deps: RouterDeps): Router {
  const router = new Router({ prefix: API_PREFIX });
  for (const route of routes) router[ROUTER_METHOD[route.method]](route.path, guard(route, deps), handler(route, deps));
  return router;
}

function handler(route: GatewayRoute, deps: RouterDeps) {
  return async (ctx: Context) => {
    const input = parse(route, ctx);
    const out =
      route.target.kind === 'local'
        ? await deps.locals[route.target.handler](input, ctx)
        : checkedReply(route, await forward(route.target, input, deps, ctx));
    ctx.status = route.response.status;
    if (route.response.status !== 204) ctx.body = out ?? {};
  };
}

/**
 * An upstream's success is passed on only if it has the shape the route promises (an object where it
 * promises an object). A reply cut short on the way (a sidecar that times out after the status line and
 * before the body sends the status with an empty body) must not reach the client as a 202 without its
 * order id: it is a 502, and the client, told the upstream failed, retries (with the same
 * Idempotency-Key where it matters). The fields themselves are the upstream's contract, tested there.
 */
function checkedReply(route: GatewayRoute, reply: unknown): unknown {
  const promised = (route.response.schema as { type?: unknown } | undefined)?.type;
  if (route.target.kind !== 'upstream' || (promised !== 'object' && promised !== 'array')) return reply;
  const got = Array.isArray(reply)
    ? 'array'
    : reply !== null && typeof reply === 'object'
      ? 'object'
      : reply === undefined || reply === ''
        ? 'nothing'
        : typeof reply;
  if (got === promised) return reply;
  throw new AppError({
    status: 502,
    code: 'upstream-invalid-reply',
    title: 'An upstream service answered with an invalid reply',
    detail: `${route.target.appId} answered ${route.method} ${route.path} with ${got} where the route promises an ${promised}`,
    expose: false,
  });
}

/** The kit's validation (query and params coerced and defaulted), naming every failing field. */
function parse(route: GatewayRoute, ctx: Context): RouteInput {
  if (route.body && ctx.request.length && !ctx.request.is('json', '+json')) {
    throw new AppError({
      status: 415,
      code: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'Send the body as application/json',
    });
  }
  const caller = ctx.state as CallerState;
  return {
    query: route.query ? (validate(route.query, { ...ctx.query }, 'query') as Record<string, unknown>) : {},
    params: route.params ? (validate(route.params, { ...ctx.params }, 'params') as Record<string, unknown>) : {},
    body: route.body ? validate(route.body, (ctx.request as { body?: unknown }).body, 'body') : undefined,
    ...(caller.identity ? { identity: caller.identity } : {}),
    clientId: caller.clientId,
  };
}

function forward(target: Extract<Target, { kind: 'upstream' }>, input: RouteInput, deps: RouterDeps, ctx: Context): Promise<unknown> {
  const forwarded: Record<string, string> = {};
  for (const h of target.forwardHeaders ?? []) if (ctx.get(h)) forwarded[h] = forwardable(h, ctx.get(h));
  const path = target.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(String(input.params[name])));
  return callWithDeadline(
    deps.upstream,
    {
      appId: target.appId,
      method: target.method,
      path: path + queryString(input.query),
      ...(input.body === undefined ? {} : { body: input.body }),
      headers: {
        ...forwarded,
        ...upstreamHeaders(deps.identityKey, target.appId, input.identity, {
          ...(target.sendClientId ? { clientId: input.clientId } : {}),
          ...(target.onBehalfOf ? { onBehalfOf: target.onBehalfOf } : {}),
        }),
      },
    },
    deps.upstreamTimeoutMs,
  );
}

// The sidecars carry headers as gRPC metadata, which takes printable ASCII only: anything else would fail
// the call (a 503), so it is the client's mistake, said here.
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,256}$/;

function forwardable(name: string, value: string): string {
  if (!PRINTABLE_ASCII.test(value))
    throw new ValidationError([{ field: `headers.${name}`, message: 'must be 1 to 256 printable ASCII characters' }]);
  return value;
}

function queryString(query: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    // After validation a query value is a string, a number or a boolean (or absent).
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

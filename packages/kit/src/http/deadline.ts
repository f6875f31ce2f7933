import type { Context } from 'koa';

/** When the caller stops waiting for an answer (epoch ms): the gateway sends it with every upstream call. */
export const DEADLINE_HEADER = 'x-request-deadline';

/**
 * The caller's deadline (epoch ms), or undefined when it sent none or something else. It is a hint, not a
 * promise: whoever uses it bounds it by a maximum of their own.
 */
export function requestDeadline(ctx: Pick<Context, 'get'>): number | undefined {
  const raw = ctx.get(DEADLINE_HEADER).trim();
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

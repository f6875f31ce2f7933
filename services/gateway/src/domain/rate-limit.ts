// Fixed-window rate limiting: one counter per (class, subject, window start). The key carries the window
// start, so a new window is a new key; old keys expire through the state store's TTL.

export type RateClass = 'auth' | 'read' | 'write';

export interface Window {
  /** Epoch ms of the window's first instant. */
  start: number;
  /** Whole seconds until the next window begins (at least 1), for RateLimit-Reset and Retry-After. */
  resetSeconds: number;
}

export function windowAt(nowMs: number, windowSeconds: number): Window {
  const size = windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  return { start, resetSeconds: Math.max(1, Math.ceil((start + size - nowMs) / 1000)) };
}

/** Subjects are a client address or a user id; they are hashed by nobody, so keep the key readable but bounded. */
export function counterKey(rateClass: RateClass, subject: string, window: Window): string {
  return `ratelimit:${rateClass}:${subject.slice(0, 200)}:${window.start}`;
}

export interface Verdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** What the counter says once `count` requests (this one included) were seen in the window. */
export function verdict(count: number, limit: number, window: Window): Verdict {
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds: window.resetSeconds };
}

/** Of several verdicts for one request (per client, per user), the one the caller must heed. */
export function strictest(verdicts: readonly Verdict[]): Verdict | undefined {
  return [...verdicts].sort((a, b) => Number(a.allowed) - Number(b.allowed) || a.remaining - b.remaining)[0];
}

/** The IETF draft's header fields (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused. */
export function rateLimitHeaders(v: Verdict): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(v.limit),
    'RateLimit-Remaining': String(v.remaining),
    'RateLimit-Reset': String(v.resetSeconds),
  };
  if (!v.allowed) headers['Retry-After'] = String(v.resetSeconds);
  return headers;
}

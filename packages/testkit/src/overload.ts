// A client's manners when the shop sheds load: users refuses a burst of sign-ups and sign-ins it could not
// hash before the caller's deadline with 503 and Retry-After. Tests and the benchmark sign customers up in
// bursts, and how fast a burst is served depends on the machine; waiting as asked, they do not.

export interface OverloadRetry {
  /** Sends in all, the first included (default 10). */
  attempts?: number;
  /** Up to this much is added to each wait at random, so the refused ones do not all come back at once (default 1000). */
  jitterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A reply as the e2e Shop and the BenchShop give it: the headers when kept, the parsed problem body. */
export interface Answer {
  status: number;
  headers?: Headers;
  body?: unknown;
}

/** Longest wait honoured for one Retry-After: more than this is not load shedding, and the reply is returned. */
const MAX_WAIT_SECONDS = 30;

/** The seconds a 503 asks to wait (Retry-After, or the problem's `retryAfter`), if it is load shedding. */
export function overloadRetryAfter(answer: Answer): number | undefined {
  if (answer.status !== 503) return undefined;
  const header = answer.headers?.get('retry-after');
  const fromBody = (answer.body as { retryAfter?: unknown } | undefined)?.retryAfter;
  const seconds = header ? Number(header) : typeof fromBody === 'number' ? fromBody : NaN;
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_WAIT_SECONDS ? seconds : undefined;
}

/**
 * Sends again while the answer is a 503 with Retry-After, after the time it asks for (plus jitter), at most
 * `attempts` times in all; any other answer, and the last one, is returned as it is.
 */
export async function retryWhileOverloaded<A extends Answer>(send: () => Promise<A>, options: OverloadRetry = {}): Promise<A> {
  const { attempts = 10, jitterMs = 1_000, sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = options;
  let answer = await send();
  for (let attempt = 1; attempt < attempts; attempt++) {
    const seconds = overloadRetryAfter(answer);
    if (seconds === undefined) return answer;
    await sleep(seconds * 1000 + Math.random() * jitterMs);
    answer = await send();
  }
  return answer;
}

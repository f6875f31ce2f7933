// autocannon at full speed (closed loop: each connection sends its next request when the last one is
// answered), with a warm-up that is thrown away and latency kept as float ms samples (see stats.ts).
import autocannon from 'autocannon';
import { ErrorSamples } from './stats';

export interface CannonOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests of one connection, in a loop; `c` is the connection's index (e.g. which customer it is). */
  requestsFor?: (c: number) => autocannon.Request[];
}

export interface CannonResult {
  seconds: number;
  requests: number;
  rps: number;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  /** ms, 2xx only. */
  latencies: number[];
  errorSamples: Record<string, number>;
}

/** Each connection a client of its own address (the gateway counts rate limits per client). */
export const clientAddress = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;

export async function cannon(options: CannonOptions): Promise<CannonResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let connection = 0;
  const codes: Record<string, number> = {};
  const samples = new ErrorSamples();
  const setupClient = (client: autocannon.Client) => {
    const c = connection++;
    const headers = { ...options.headers, 'x-forwarded-for': clientAddress(c) };
    if (options.requestsFor) client.setRequests(options.requestsFor(c).map((r) => ({ ...r, headers: { ...headers, ...r.headers } })));
    else client.setHeaders(headers);
    // The body of a failed answer is kept (its start) to say why it failed; successful bodies are skipped.
    let body = '';
    client.on('headers', (h: unknown) => {
      body = (h as { statusCode: number }).statusCode >= 300 ? ' ' : '';
    });
    client.on('body', (chunk: Buffer) => {
      if (body && body.length < 300) body += chunk.toString();
    });
    client.on('response', (status: number, _bytes: number, ms: number) => {
      codes[status] = (codes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      } else {
        failed++;
        samples.note(status, body);
      }
    });
  };
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        method: options.method ?? 'GET',
        ...(options.body === undefined ? {} : { body: options.body }),
        headers: options.headers ?? {},
        setupClient,
      },
      (err: Error | null, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
    instance.on('reqError', (e: unknown) => samples.note('socket', e instanceof Error ? e.message : String(e)));
  });
  const seconds = (Date.now() - started) / 1000;
  const errors = failed + result.errors + result.timeouts;
  return {
    seconds,
    requests: ok + failed,
    rps: (ok + failed) / seconds,
    ok,
    errors,
    statusCodes: codes,
    latencies,
    errorSamples: samples.counts,
  };
}

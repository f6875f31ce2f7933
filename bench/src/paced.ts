// An open-loop load at a fixed rate: operation i is due at start + i/rate and starts then, whatever the
// earlier ones are doing (the model of wrk2 and of fortio, which Dapr's perf tests use). autocannon's
// `overallRate` is not used for fixed-rate figures: it gives each connection a quota per second and fires
// it back to back from the start of each second, so every path would be measured under bursts of
// `connections` concurrent requests, and a costlier path penalised by its own queueing.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ErrorSamples } from './stats';

/** One operation; resolves to the HTTP status it ended with (undefined: no answer). */
export type Operation = (i: number) => Promise<number | undefined>;

export interface PacedOptions {
  rate: number;
  seconds: number;
  run: Operation;
  /** Operations in flight beyond this are not started but counted as `skipped` (the target fell behind). */
  maxInFlight?: number;
}

export interface PacedResult {
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  skipped: number;
  statusCodes: Record<string, number>;
  /** ms from start to end of each operation that ended 2xx. */
  latencies: number[];
}

export function paced(options: PacedOptions): Promise<PacedResult> {
  const maxInFlight = options.maxInFlight ?? 64;
  const total = Math.round(options.rate * options.seconds);
  const result: PacedResult = { seconds: 0, sent: 0, ok: 0, errors: 0, skipped: 0, statusCodes: {}, latencies: [] };
  let issued = 0;
  let inFlight = 0;

  return new Promise((resolve) => {
    const start = performance.now();
    const finishIfDone = () => {
      if (issued < total || inFlight > 0) return;
      result.seconds = (performance.now() - start) / 1000;
      resolve(result);
    };
    const send = (i: number) => {
      inFlight++;
      result.sent++;
      const t0 = performance.now();
      const done = (status: number | undefined) => {
        const ms = performance.now() - t0;
        inFlight--;
        if (status !== undefined) result.statusCodes[status] = (result.statusCodes[status] ?? 0) + 1;
        if (status !== undefined && status >= 200 && status < 300) {
          result.ok++;
          result.latencies.push(ms);
        } else result.errors++;
        finishIfDone();
      };
      options.run(i).then(done, () => done(undefined));
    };
    // Timers fire at best every millisecond: start everything that has fallen due since the last tick.
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000) + 1);
      while (issued < due) {
        if (inFlight >= maxInFlight) result.skipped++;
        else send(issued);
        issued++;
      }
      if (issued < total) setTimeout(tick, 1);
      else finishIfDone();
    };
    tick();
  });
}

/**
 * GET of one URL over keep-alive connections (node:http, lighter than fetch, the same for every path so
 * that differences between paths are the paths'). `close()` ends the connections.
 */
export function httpGet(
  target: string,
  headers: (i: number) => Record<string, string>,
  failures: ErrorSamples,
): { run: Operation; close: () => void } {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const run: Operation = (i) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers: headers(i) },
        (res) => {
          const failed = (res.statusCode ?? 0) >= 300;
          let body = '';
          res.on('data', (chunk: Buffer) => {
            if (failed && body.length < 300) body += chunk.toString();
          });
          res.on('end', () => {
            if (failed) failures.note(res.statusCode ?? 0, body);
            resolve(res.statusCode);
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        failures.note('socket', e.message);
        reject(e);
      });
      req.end();
    });
  return { run, close: () => agent.destroy() };
}

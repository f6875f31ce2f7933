import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpGet, paced } from '../src/paced';
import { ErrorSamples } from '../src/stats';

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/fail' ? 503 : 200;
    res.end(req.url === '/fail' ? 'down for a bit' : 'ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('the fixed-rate driver', () => {
  it('when asked for 200/s for 0.5 s against a quick server, then it sends 100 requests in about 0.5 s, all answered', async () => {
    const get = httpGet(`${url}/`, () => ({}), new ErrorSamples());
    // In-flight bound above the total: a stalled event loop (a busy CI machine) may make many due at once,
    // and none of them may then be skipped. How long it takes beyond the schedule is the machine's.
    const r = await paced({ rate: 200, seconds: 0.5, run: get.run, maxInFlight: 100 });
    get.close();
    expect({ sent: r.sent, ok: r.ok, errors: r.errors, skipped: r.skipped }).toEqual({ sent: 100, ok: 100, errors: 0, skipped: 0 });
    // Paced, not a burst: the last one was not due before 0.495 s.
    expect(r.seconds).toBeGreaterThan(0.45);
    expect(r.latencies).toHaveLength(100);
  });

  it('when operations outlast the in-flight bound, then the ones that cannot start are counted as skipped, not queued', async () => {
    const slow = () => new Promise<number>((r) => setTimeout(() => r(200), 200));
    const r = await paced({ rate: 100, seconds: 0.3, run: slow, maxInFlight: 2 });
    // Two start at once, two more once those end after 200 ms; the rest of the 30 found no free slot.
    expect(r.sent + r.skipped).toBe(30);
    expect(r.sent).toBeLessThanOrEqual(4);
    expect(r.skipped).toBeGreaterThanOrEqual(26);
  });

  it('when the server answers 503, then it is an error and its body is kept as a sample', async () => {
    const failures = new ErrorSamples();
    const get = httpGet(`${url}/fail`, () => ({}), failures);
    const r = await paced({ rate: 50, seconds: 0.1, run: get.run });
    get.close();
    expect(r.errors).toBe(r.sent);
    expect(failures.counts).toEqual({ '503 down for a bit': r.sent });
  });
});

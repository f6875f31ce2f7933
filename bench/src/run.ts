// npm run bench: brings the shop up once and runs every scenario in one go (so that the ratios between
// them hold on a noisy machine), then writes bench/results/<date>.json and prints a Markdown report.
// Durations are fixed; BENCH_* variables shorten them for a quick look (see bench/README.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoggedProcess, daprdPath, freePorts, repoRoot, waitForUrls } from '@shop/testkit';
import { tunedComponents } from './components';
import { pidsByName, rssNow, type IdleRss, type Usage, type Watched } from './procstat';
import { judge, markdown } from './report';
import { idleBaseline, type BenchContext, type ScenarioResult } from './scenario';
import { cartAdd } from './scenarios/cart';
import { READ_CONNECTIONS, SEARCHES, catalogReadFixed, catalogReadMax, ceiling, readPaths, search } from './scenarios/catalog';
import { checkout } from './scenarios/checkout';
import { BenchShop } from './shop';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  seconds: num('BENCH_SECONDS', 15),
  warmupSeconds: num('BENCH_WARMUP_SECONDS', 5),
  /** The fixed rates of the product read (req/s): a light load, and the rate of issue 7's target. */
  readRates: (process.env.BENCH_READ_RATES ?? '100,500').split(',').map(Number),
  orderRate: num('BENCH_ORDER_RATE', 100),
  orderSeconds: num('BENCH_ORDER_SECONDS', 10),
  drainSeconds: num('BENCH_DRAIN_SECONDS', 120),
  cartCustomers: num('BENCH_CART_CUSTOMERS', 64),
  checkoutCustomers: num('BENCH_CHECKOUT_CUSTOMERS', 100),
  /** Comma-separated scenario ids (`checkout@1`) or families (`read-gateway`, `checkout`): run only those. */
  only: (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean),
  /** Comma-separated apps to CPU-profile (src/cpu-profile.ts; profiles land in .tmp/bench-profiles/). */
  profile: (process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean),
  /** Unset: the components as committed. Set: a copy whose Redis pub/sub has this many workers. */
  pubsubConcurrency: process.env.BENCH_PUBSUB_CONCURRENCY ? Number(process.env.BENCH_PUBSUB_CONCURRENCY) : undefined,
};

// A bad value stops the run before the shop is started, not eight minutes later.
for (const [key, value] of Object.entries(config)) {
  const numbers = typeof value === 'number' ? [value] : Array.isArray(value) && typeof value[0] === 'number' ? (value as number[]) : [];
  if (numbers.some((n) => !Number.isFinite(n) || n <= 0)) throw new Error(`bench: ${key} must be a positive number, not ${String(value)}`);
}

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

function machine() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: sh('nproc', []),
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    free: sh('free', ['-h']),
    node: process.version,
    daprd: sh(daprdPath(), ['--version']),
    /** Other work on the machine when the run began (1, 5, 15 min). */
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** The ceiling's process; its log goes with the shop's, in the Stack's run folder. */
async function startHello(runDir: string): Promise<{ url: string; proc: LoggedProcess }> {
  const [port] = await freePorts(1);
  const logFile = path.join(runDir, 'koa-hello.log');
  const proc = new LoggedProcess('koa-hello', process.execPath, [path.join(__dirname, 'hello.js')], logFile, {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitForUrls([url], [proc], 10_000);
  return { url, proc };
}

async function expectOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`pre-flight ${url}: ${res.status} ${await res.text()}`);
}

async function main(): Promise<void> {
  const box = machine();
  log(`${box.nproc} cores, ${box.cpu}, ${box.memory}, load average ${box.loadAverage.join(' ')}; ${JSON.stringify(config)}`);
  const resources = config.pubsubConcurrency ? tunedComponents(config.pubsubConcurrency) : undefined;
  const profileDir = path.join(repoRoot, '.tmp', 'bench-profiles');
  const shop = await BenchShop.start({
    ...(resources ? { resourcesPaths: resources } : {}),
    profile: config.profile,
    profileDir,
  });
  log(`shop up (logs in ${shop.stack.runDir})`);
  const hello = await startHello(shop.stack.runDir);
  const results: ScenarioResult[] = [];
  let idle: IdleRss[] = [];
  let baseline: Usage[] = [];
  try {
    const shopProcesses = shop.processes();
    const watched: Watched[] = [
      ...shopProcesses,
      { name: 'koa-hello (ceiling)', kind: 'load', pids: [hello.proc.pid!] },
      { name: 'bench + autocannon', kind: 'load', pids: [process.pid] },
      { name: 'redis-server', kind: 'server', pids: [], resolve: () => pidsByName('redis-server') },
      { name: 'postgres (all)', kind: 'server', pids: [], resolve: () => pidsByName('postgres') },
    ];
    // `read-gateway` selects a family (its fixed-rate and full-speed runs); `checkout@1` exactly one.
    const want = (id: string) => !config.only.length || config.only.some((o) => (o.includes('@') ? id === o : id.startsWith(o)));
    const ctx: BenchContext = { watched, want, warmupSeconds: config.warmupSeconds, seconds: config.seconds, log };

    const admin = await shop.admin();
    const page = await shop.call('/products?limit=1&inStock=true');
    const productId = (page.body as { items: Array<{ id: string }> }).items[0]!.id;
    const products = await Promise.all(Array.from({ length: 10 }, () => shop.product(admin, 10_000_000)));
    log(`creating ${config.cartCustomers + config.checkoutCustomers} customers (two scrypt hashes each)`);
    const customers = await shop.customers(config.cartCustomers + config.checkoutCustomers);
    const buyers = customers.slice(config.cartCustomers);
    for (const p of readPaths(shop, productId)) await expectOk(p.url, p.headers);
    for (const s of SEARCHES) await expectOk(shop.gatewayUrl(s));

    baseline = await idleBaseline(ctx, 10);
    if (want('ceiling')) results.push(await ceiling(ctx, hello.url));
    for (const rate of config.readRates) results.push(...(await catalogReadFixed(ctx, shop, productId, rate)));
    results.push(...(await catalogReadMax(ctx, shop, productId)));
    if (want('search@max')) results.push(await search(ctx, shop));
    if (want('cart-add@max')) results.push(await cartAdd(ctx, shop, customers.slice(0, config.cartCustomers), products, READ_CONNECTIONS));
    // One order a second first: the saga's latency with no queue in front of it.
    if (want('checkout@1')) results.push(await checkout(ctx, shop, buyers, products, { rate: 1, seconds: 10, drainSeconds: 30 }));
    if (want(`checkout@${config.orderRate}`)) {
      const o = { rate: config.orderRate, seconds: config.orderSeconds, drainSeconds: config.drainSeconds };
      results.push(await checkout(ctx, shop, buyers, products, o));
    }
    log('idle: 10 s without load, then the resident memory of every process');
    await new Promise((r) => setTimeout(r, 10_000));
    const r1 = (n: number) => Number(n.toFixed(1));
    idle = rssNow(shopProcesses).map((r) => ({
      ...r,
      rssMiB: r1(r.rssMiB),
      pssMiB: r1(r.pssMiB),
      anonMiB: r1(r.anonMiB),
      fileMiB: r1(r.fileMiB),
    }));
  } finally {
    await hello.proc.stop();
    await shop.stop();
    // The tuned copy of the components lives in .tmp/bench-components-<pid>/ for this run only.
    if (resources) fs.rmSync(path.dirname(resources[1]!), { recursive: true, force: true });
  }
  const verdicts = judge(results, idle, config.readRates, config.orderRate);
  const summary = `${box.nproc} cores, ${box.cpu}, ${box.memory} RAM, Node ${box.node}, daprd ${box.daprd}; load average at start ${box.loadAverage.join(' ')}`;
  const report = markdown(summary, results, verdicts, idle, baseline);
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date(started).toISOString().replace(/:/g, '-').replace(/\..+/, '')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ started: new Date(started).toISOString(), machine: box, config, baseline, results, idle, verdicts }, null, 2) + '\n',
  );
  process.stdout.write(report);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${path.relative(repoRoot, file)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

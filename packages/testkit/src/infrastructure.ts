import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AmqpConnection } from './amqp';
import { ensureMqttDeadLetterSession, startMosquitto, startNatsServer } from './brokers';
import { metadataValue, publishedTopics, readComponents, type ComponentDef } from './components';
import { createMysqlDatabase, dropMysqlDatabase } from './mysql';
import { ensureStreams } from './nats';
import { createTempDatabase } from './postgres';
import type { OwnServer } from './servers';
import { claimRedisDb } from './redis';

const run = promisify(execFile);

/**
 * What a profile's components point at, made ready before any sidecar starts. The components name their
 * per-environment settings with `envRef`; this fills those variables:
 *  - `test`: an isolated instance per run (a Redis database, a PostgreSQL or MariaDB database, a RabbitMQ
 *    vhost, a JetStream server or Mosquitto broker of its own), removed by `cleanup()`;
 *  - `dev` (`npm start`): the shared local servers, with the value already in the environment (the
 *    shell's, over dapr/local.env) or the local default, and whatever the component will not create itself (the
 *    JetStream streams, the databases, the dead-letter queue) created if missing.
 * The provisioner is chosen by component type and metadata name, so a new profile made of known
 * component types needs no code.
 */
export interface Infrastructure {
  /** Variables for every sidecar. */
  env: Record<string, string>;
  /** The components, for tests that look at the broker itself (e.g. dead letters). */
  components: ComponentDef[];
  /** One line per thing made ready, for the runner to print. */
  notes: string[];
  /** Servers started for this run alone (a test's own broker), by name, for fault tests to stop and start. */
  servers: Map<string, OwnServer>;
  cleanup(): Promise<void>;
}

export type Mode = 'test' | 'dev';

interface Ctx {
  mode: Mode;
  dir: string;
  current: string | undefined;
  /** Every component that reads this variable. */
  users: ComponentDef[];
  notes: string[];
  servers: Map<string, OwnServer>;
  cleanups: Array<() => Promise<unknown>>;
}

type Provisioner = (ctx: Ctx) => Promise<string>;

const hex = () => randomBytes(4).toString('hex');
const topicsOf = (users: ComponentDef[]) => [...new Set(users.flatMap(publishedTopics))];

const PROVISIONERS: Record<string, Provisioner> = {
  'redisHost@state.redis': redisHost,
  'redisHost@pubsub.redis': redisHost,
  'redisDB@state.redis': redisDb,
  'redisDB@pubsub.redis': redisDb,
  'connectionString@state.postgresql': postgresDatabase,
  'schemaName@state.mysql': mysqlDatabase,
  'connectionString@pubsub.rabbitmq': rabbitmqVhost,
  'natsURL@pubsub.jetstream': natsServer,
  'url@pubsub.mqtt3': mqttBroker,
};

export async function provisionInfrastructure(
  resourcesPaths: readonly string[],
  mode: Mode,
  dir: string,
  env = process.env,
): Promise<Infrastructure> {
  const components = readComponents(resourcesPaths);
  const byVariable = new Map<string, { key: string; provision: Provisioner | undefined; users: ComponentDef[] }>();
  for (const c of components) {
    for (const m of c.metadata) {
      if (!m.envRef) continue;
      const key = `${m.name}@${c.type}`;
      const entry = byVariable.get(m.envRef) ?? { key, provision: PROVISIONERS[key], users: [] };
      // One variable, one kind of thing: a Redis database index read by state and pub/sub alike is fine.
      if (entry.provision !== PROVISIONERS[key])
        throw new Error(`${m.envRef} is read as ${entry.key} and as ${key}: give each its own variable`);
      entry.users.push(c);
      byVariable.set(m.envRef, entry);
    }
  }
  const out: Record<string, string> = {};
  const notes: string[] = [];
  const servers = new Map<string, OwnServer>();
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => process.stderr.write(`[testkit] cleanup: ${String(e)}\n`));
  };
  try {
    for (const [variable, { key, provision, users }] of byVariable) {
      const current = env[variable] || undefined;
      if (!provision) {
        if (!current) throw new Error(`${variable} (${key}) is not set, and the harness does not know how to provide it`);
        out[variable] = current;
        continue;
      }
      out[variable] = await provision({ mode, dir, current: mode === 'dev' ? current : undefined, users, notes, servers, cleanups });
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { env: out, components, notes, servers, cleanup };
}

/** The machine's Redis, or the one REDIS_HOST/REDIS_PORT name (a fault test's own). */
async function redisHost(ctx: Ctx): Promise<string> {
  if (ctx.mode === 'dev') return ctx.current ?? '127.0.0.1:6379';
  return `${process.env.REDIS_HOST ?? '127.0.0.1'}:${process.env.REDIS_PORT ?? '6379'}`;
}

async function redisDb(ctx: Ctx): Promise<string> {
  if (ctx.mode === 'dev') return ctx.current ?? '0';
  const claim = await claimRedisDb();
  ctx.cleanups.push(() => claim.release());
  return String(claim.db);
}

async function postgresDatabase(ctx: Ctx): Promise<string> {
  if (ctx.mode === 'test') {
    const db = await createTempDatabase('state');
    ctx.cleanups.push(() => db.drop());
    await ensureDaprMetadataTable(db.url);
    return db.url;
  }
  const url = ctx.current ?? 'postgres://postgres@127.0.0.1:5432/shop_state';
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      ctx.notes.push(`created PostgreSQL database ${name} for the state stores`);
    }
  } finally {
    await admin.end();
  }
  await ensureDaprMetadataTable(url);
  return url;
}

/**
 * Every state.postgresql v2 component creates `dapr_metadata` (its migration lock) at start; sidecars
 * starting together race, and components-contrib 1.18 retries only one of the two errors PostgreSQL then
 * gives (not 42P07 "already exists": a sidecar died of it). Created here first, with Dapr's own DDL, so
 * the sidecars' `CREATE TABLE IF NOT EXISTS` finds it.
 */
async function ensureDaprMetadataTable(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS dapr_metadata (key text NOT NULL PRIMARY KEY, value text NOT NULL)');
  } finally {
    await client.end();
  }
}

async function mysqlDatabase(ctx: Ctx): Promise<string> {
  const dsn = metadataValue(ctx.users[0]!, 'connectionString');
  if (!dsn) throw new Error(`${ctx.users[0]!.name}: state.mysql needs a literal connectionString to create its database`);
  const name = ctx.mode === 'test' ? `state_${hex()}` : (ctx.current ?? 'shop_state');
  // Created here, before the sidecars: each would otherwise try to, and all but one would fail.
  await createMysqlDatabase(dsn, name);
  if (ctx.mode === 'test') ctx.cleanups.push(() => dropMysqlDatabase(dsn, name));
  return name;
}

async function rabbitmqVhost(ctx: Ctx): Promise<string> {
  let url = ctx.current ?? 'amqp://guest:guest@127.0.0.1:5672';
  if (ctx.mode === 'test') {
    // A vhost per run: exchanges (one per topic) and durable queues of one run never meet another's.
    const vhost = `shop-test-${hex()}`;
    const ctl = process.env.RABBITMQCTL ?? 'rabbitmqctl';
    await run(ctl, ['add_vhost', vhost], { timeout: 30_000 });
    ctx.cleanups.push(() => run(ctl, ['delete_vhost', vhost], { timeout: 30_000 }));
    await run(ctl, ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], { timeout: 30_000 });
    url = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  }
  await ensureRabbitDeadLetterQueue(url, ctx);
  return url;
}

/**
 * A fanout exchange with no queue drops what it is sent, and nobody subscribes to the dead-letter topic:
 * a durable queue bound to its exchange keeps the dead letters for an operator. The exchange is declared
 * exactly as the component declares it (durable, deletedWhenUnused), or the broker would refuse one of the two.
 */
async function ensureRabbitDeadLetterQueue(url: string, ctx: Ctx): Promise<void> {
  const c = ctx.users[0]!;
  if (!topicsOf(ctx.users).includes('deadletter')) return;
  const amqp = await AmqpConnection.connect(url);
  try {
    const durable = (metadataValue(c, 'durable') ?? 'true') === 'true';
    const autoDelete = (metadataValue(c, 'deletedWhenUnused') ?? 'true') === 'true';
    await amqp.declareExchange('deadletter', metadataValue(c, 'exchangeKind') ?? 'fanout', durable, autoDelete);
    await amqp.declareQueue('deadletter', { durable: true });
    await amqp.bindQueue('deadletter', 'deadletter');
  } finally {
    await amqp.close();
  }
}

async function natsServer(ctx: Ctx): Promise<string> {
  let url = ctx.current ?? 'nats://127.0.0.1:4222';
  if (ctx.mode === 'test') {
    const own = await startNatsServer(ctx.dir);
    ctx.cleanups.push(() => own.server.stop());
    ctx.servers.set('nats', own.server);
    url = own.url;
  }
  const created = await ensureStreams(url, topicsOf(ctx.users));
  if (created.length) ctx.notes.push(`created JetStream streams ${created.join(', ')}`);
  return url;
}

async function mqttBroker(ctx: Ctx): Promise<string> {
  let url = ctx.current ?? 'mqtt://127.0.0.1:1883';
  if (ctx.mode === 'test') {
    const own = await startMosquitto(ctx.dir);
    ctx.cleanups.push(() => own.server.stop());
    ctx.servers.set('mosquitto', own.server);
    url = own.url;
  }
  if (topicsOf(ctx.users).includes('deadletter')) await ensureMqttDeadLetterSession(url, 'deadletter');
  return url;
}

// In-memory stand-ins for the payments service's adapters, with the same contracts: ETag conflicts throw
// EtagMismatchError, so the use cases' retry paths can be driven without a sidecar.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type Koa from 'koa';
import winston from 'winston';
import { EtagMismatchError, createLogger, type Logger, type Versioned } from '@shop/kit';
import type { PaymentOutcome, PaymentRecord } from '../../src/domain/payment';
import { withMethod, type PaymentMethod } from '../../src/domain/payment-method';
import type { OutcomePublisher } from '../../src/ports';
import type { PaymentMethodStore } from '../../src/ports';
import type { PaymentStore } from '../../src/ports';

export class MemoryPaymentStore implements PaymentStore {
  readonly items = new Map<string, Versioned<PaymentRecord>>();
  private version = 0;
  /** Runs before each write, e.g. to let a "concurrent" writer in between read and write. */
  beforeWrite: (() => Promise<void>) | undefined;
  writes = 0;

  async get(orderId: string): Promise<Versioned<PaymentRecord> | undefined> {
    const item = this.items.get(orderId);
    return item && structuredClone(item);
  }

  async create(record: PaymentRecord): Promise<void> {
    await this.beforeWrite?.();
    if (this.items.has(record.orderId)) throw new EtagMismatchError('memory', record.orderId);
    this.put(record);
  }

  async replace(record: PaymentRecord, etag: string): Promise<void> {
    await this.beforeWrite?.();
    if (this.items.get(record.orderId)?.etag !== etag) throw new EtagMismatchError('memory', record.orderId);
    this.put(record);
  }

  /** Writes as another instance would: unconditionally, with a new ETag. */
  put(record: PaymentRecord): void {
    this.writes++;
    this.items.set(record.orderId, { value: structuredClone(record), etag: String(++this.version) });
  }
}

export class MemoryPaymentMethodStore implements PaymentMethodStore {
  readonly byCustomer = new Map<string, PaymentMethod[]>();

  async add(method: PaymentMethod): Promise<void> {
    this.byCustomer.set(method.customerId, withMethod(this.byCustomer.get(method.customerId) ?? [], structuredClone(method)));
  }

  async listFor(customerId: string): Promise<PaymentMethod[]> {
    return structuredClone(this.byCustomer.get(customerId) ?? []);
  }

  async find(customerId: string, token: string): Promise<PaymentMethod | undefined> {
    return (await this.listFor(customerId)).find((m) => m.token === token);
  }
}

export class RecordingPublisher implements OutcomePublisher {
  readonly published: PaymentOutcome[] = [];
  /** How many of the next publishes fail, as a sidecar that is down would. */
  failNext = 0;

  async publish(outcome: PaymentOutcome): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('pub/sub unavailable');
    }
    this.published.push(structuredClone(outcome));
  }

  of(orderId: string): PaymentOutcome[] {
    return this.published.filter((o) => o.data.orderId === orderId);
  }
}

/** A logger whose raw JSON lines are kept, so tests can assert what was (not) logged. */
export function memoryLogger(): { logger: Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ service: 'payments-test', level: 'debug', transports: [new winston.transports.Stream({ stream })] });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Serves the app on a free loopback port for the duration of one test file. */
export async function listen(app: Koa): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

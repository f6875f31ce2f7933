import net from 'node:net';

/**
 * The few JetStream API calls the start-up step needs (create a stream, read its messages), spoken over
 * the NATS text protocol: request/reply on `$JS.API.*` subjects. A client library would be a dependency
 * for a dozen lines of protocol.
 */
export class NatsConnection {
  private buffer = Buffer.alloc(0);
  private nextId = 0;
  private readonly waiting = new Map<string, (payload: string) => void>();
  private readonly inbox = `_INBOX.shop${Math.random().toString(36).slice(2)}`;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => (this.failure = e));
  }

  static async connect(url: string, timeoutMs = 5_000): Promise<NatsConnection> {
    const { hostname, port } = new URL(url);
    const socket = net.createConnection({ host: hostname, port: Number(port || 4222) });
    const conn = new NatsConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      setTimeout(() => reject(new Error(`NATS at ${url} did not answer`)), timeoutMs).unref();
    });
    socket.write(`CONNECT {"verbose":false,"pedantic":false,"name":"shop start-up"}\r\nSUB ${conn.inbox}.* 1\r\n`);
    return conn;
  }

  /** One JetStream API request; throws with the server's description when the answer carries an error. */
  async api<T = Record<string, unknown>>(subject: string, body: unknown = {}, timeoutMs = 5_000): Promise<T> {
    if (this.failure) throw this.failure;
    const reply = `${this.inbox}.${++this.nextId}`;
    const payload = Buffer.from(JSON.stringify(body));
    const answer = new Promise<string>((resolve, reject) => {
      this.waiting.set(reply, resolve);
      setTimeout(() => reject(new Error(`no answer to ${subject} within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    this.socket.write(`PUB $JS.API.${subject} ${reply} ${payload.length}\r\n`);
    this.socket.write(Buffer.concat([payload, Buffer.from('\r\n')]));
    const parsed = JSON.parse(await answer) as T & { error?: { code: number; err_code?: number; description: string } };
    if (parsed.error)
      throw Object.assign(new Error(`${subject}: ${parsed.error.description}`), { code: parsed.error.err_code ?? parsed.error.code });
    return parsed;
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = this.buffer.subarray(0, eol).toString();
      if (line.startsWith('MSG ')) {
        // MSG <subject> <sid> [reply-to] <bytes>: the payload follows on the next line.
        const parts = line.split(' ');
        const size = Number(parts[parts.length - 1]);
        const start = eol + 2;
        if (this.buffer.length < start + size + 2) return;
        const payload = this.buffer.subarray(start, start + size).toString();
        this.buffer = this.buffer.subarray(start + size + 2);
        this.waiting.get(parts[1]!)?.(payload);
        this.waiting.delete(parts[1]!);
        continue;
      }
      this.buffer = this.buffer.subarray(eol + 2);
      if (line === 'PING') this.socket.write('PONG\r\n');
      else if (line.startsWith('-ERR')) this.failure = new Error(`NATS: ${line}`);
    }
  }
}

/** The stream that holds one topic: the component finds it by subject, so only the subject matters. */
export const streamFor = (topic: string) => `SHOP_${topic.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')}`;

const DAY_NS = 86_400 * 1e9;

/**
 * One file-backed stream per topic, messages kept for a week (dead letters for a month); a stream that
 * exists is left as the operator configured it. Publishes carry the CloudEvent id as Nats-Msg-Id, so the
 * duplicate window drops a publish that a retry sent twice.
 */
export async function ensureStreams(url: string, topics: readonly string[]): Promise<string[]> {
  const nats = await NatsConnection.connect(url);
  const created: string[] = [];
  try {
    for (const topic of topics) {
      const name = streamFor(topic);
      const exists = await nats.api(`STREAM.INFO.${name}`).then(
        () => true,
        (e: { code?: number }) => (e.code === 10059 ? false : Promise.reject(e as Error)),
      );
      if (exists) continue;
      await nats.api(`STREAM.CREATE.${name}`, {
        name,
        subjects: [topic],
        retention: 'limits',
        storage: 'file',
        discard: 'old',
        max_age: (topic === 'deadletter' ? 30 : 7) * DAY_NS,
        duplicate_window: 120 * 1e9,
        num_replicas: 1,
      });
      created.push(name);
    }
  } finally {
    nats.close();
  }
  return created;
}

/** Every message kept in a topic's stream, oldest first (test helper: e.g. what was dead-lettered). */
export async function streamMessages(url: string, topic: string): Promise<string[]> {
  const nats = await NatsConnection.connect(url);
  try {
    const info = await nats.api<{ state: { first_seq: number; last_seq: number; messages: number } }>(`STREAM.INFO.${streamFor(topic)}`);
    const out: string[] = [];
    if (info.state.messages === 0) return out;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const got = await nats.api<{ message: { data?: string } }>(`STREAM.MSG.GET.${streamFor(topic)}`, { seq }).catch(() => undefined);
      if (got?.message.data) out.push(Buffer.from(got.message.data, 'base64').toString());
    }
    return out;
  } finally {
    nats.close();
  }
}

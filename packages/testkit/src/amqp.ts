import net from 'node:net';

/**
 * Just enough AMQP 0-9-1 for the start-up step and the tests: declare an exchange and a queue, bind them,
 * take messages off a queue. (No client library is a dependency; these are a handful of frames.)
 */
interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
}

const FRAME_END = 0xce;
const shortstr = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const longstr = (s: string) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(s));
  return Buffer.concat([len, Buffer.from(s)]);
};
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const EMPTY_TABLE = Buffer.alloc(4);

export class AmqpConnection {
  private buffer = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('AMQP connection closed')));
  }

  /** Opens a connection and channel 1 to `amqp://user:password@host:port/vhost`. */
  static async connect(url: string): Promise<AmqpConnection> {
    const u = new URL(url);
    const socket = net.createConnection({ host: u.hostname, port: Number(u.port || 5672) });
    const conn = new AmqpConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
    await conn.expect(10, 10); // Connection.Start
    const auth = `\0${decodeURIComponent(u.username || 'guest')}\0${decodeURIComponent(u.password || 'guest')}`;
    conn.method(0, 10, 11, [EMPTY_TABLE, shortstr('PLAIN'), longstr(auth), shortstr('en_US')]);
    const tune = await conn.expect(10, 30);
    conn.method(0, 10, 31, [tune.subarray(0, 2), tune.subarray(2, 6), u16(0)]); // TuneOk without heartbeats
    const vhost = decodeURIComponent(u.pathname.slice(1)) || '/';
    conn.method(0, 10, 40, [shortstr(vhost), shortstr(''), Buffer.from([0])]);
    await conn.expect(10, 41);
    conn.method(1, 20, 10, [shortstr('')]);
    await conn.expect(20, 11);
    return conn;
  }

  async declareExchange(name: string, kind: string, durable: boolean, autoDelete: boolean): Promise<void> {
    const bits = (durable ? 2 : 0) | (autoDelete ? 4 : 0);
    this.method(1, 40, 10, [u16(0), shortstr(name), shortstr(kind), Buffer.from([bits]), EMPTY_TABLE]);
    await this.expect(40, 11);
  }

  /** Declares (or, passively, checks) a queue; answers how many messages it holds. */
  async declareQueue(name: string, options: { durable?: boolean; passive?: boolean } = {}): Promise<number> {
    const bits = (options.passive ? 1 : 0) | (options.durable ? 2 : 0);
    this.method(1, 50, 10, [u16(0), shortstr(name), Buffer.from([bits]), EMPTY_TABLE]);
    const ok = await this.expect(50, 11);
    return ok.readUInt32BE(1 + ok[0]!); // after the queue's name
  }

  async bindQueue(queue: string, exchange: string): Promise<void> {
    this.method(1, 50, 20, [u16(0), shortstr(queue), shortstr(exchange), shortstr(''), Buffer.from([0]), EMPTY_TABLE]);
    await this.expect(50, 21);
  }

  /** Takes one message off a queue (acknowledged at once), or undefined when it is empty. */
  async get(queue: string): Promise<Buffer | undefined> {
    this.method(1, 60, 70, [u16(0), shortstr(queue), Buffer.from([1])]);
    const frame = await this.nextMethod();
    const id = frame.readUInt16BE(0) * 1000 + frame.readUInt16BE(2);
    if (id === 60072) return undefined; // Basic.GetEmpty
    if (id !== 60071) throw new Error(`AMQP: unexpected method ${id} after Basic.Get`);
    const header = await this.nextFrame(2);
    const size = Number(header.payload.readBigUInt64BE(4));
    const parts: Buffer[] = [];
    let got = 0;
    while (got < size) {
      const body = await this.nextFrame(3);
      parts.push(body.payload);
      got += body.payload.length;
    }
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    this.method(0, 10, 50, [u16(200), shortstr('bye'), u16(0), u16(0)]);
    await this.expect(10, 51).catch(() => undefined);
    this.socket.destroy();
  }

  private method(channel: number, cls: number, method: number, args: Buffer[]): void {
    const payload = Buffer.concat([u16(cls), u16(method), ...args]);
    const head = Buffer.alloc(7);
    head.writeUInt8(1, 0);
    head.writeUInt16BE(channel, 1);
    head.writeUInt32BE(payload.length, 3);
    this.socket.write(Buffer.concat([head, payload, Buffer.from([FRAME_END])]));
  }

  /** The arguments of the next method frame, which must be class.method; a Close from the server throws. */
  private async expect(cls: number, method: number): Promise<Buffer> {
    const payload = await this.nextMethod();
    const [c, m] = [payload.readUInt16BE(0), payload.readUInt16BE(2)];
    if (c !== cls || m !== method) throw new Error(`AMQP: expected ${cls}.${method}, got ${c}.${m}`);
    return payload.subarray(4);
  }

  private async nextMethod(): Promise<Buffer> {
    const frame = await this.nextFrame(1);
    const [c, m] = [frame.payload.readUInt16BE(0), frame.payload.readUInt16BE(2)];
    // Connection.Close or Channel.Close: reply-code, then reply-text.
    if ((c === 10 || c === 20) && m === 40 + (c === 10 ? 10 : 0)) {
      const code = frame.payload.readUInt16BE(4);
      const text = frame.payload.subarray(7, 7 + frame.payload[6]!).toString();
      throw new Error(`AMQP: server closed the ${c === 10 ? 'connection' : 'channel'}: ${code} ${text}`);
    }
    return frame.payload;
  }

  private async nextFrame(type: number): Promise<Frame> {
    for (;;) {
      const frame = this.frames.shift();
      if (frame) {
        if (frame.type === 8) continue; // heartbeat
        if (frame.type !== type) throw new Error(`AMQP: expected a frame of type ${type}, got ${frame.type}`);
        return frame;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        setTimeout(() => reject(new Error('AMQP: no answer within 10 s')), 10_000).unref();
      });
    }
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 7) {
      const size = this.buffer.readUInt32BE(3);
      if (this.buffer.length < 8 + size) break;
      this.frames.push({ type: this.buffer[0]!, channel: this.buffer.readUInt16BE(1), payload: this.buffer.subarray(7, 7 + size) });
      this.buffer = this.buffer.subarray(8 + size);
    }
    this.wake?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }
}

import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A Redis database of its own for one test stack: components read their `redisDB` from SHOP_REDIS_DB,
 * so streams, consumer groups and state of one run never meet another run's (nor a developer's
 * `npm start`, which uses database 0). Databases 1-15 are claimed with a key in database 0 (expiring
 * after an hour, should a run die), so two runs on one machine never share or flush each other's; the
 * claimed database is emptied first: no stale pending messages. `release()` gives it back.
 */
export async function claimRedisDb(timeoutMs = 120_000): Promise<{ db: number; release(): Promise<void> }> {
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    for (const db of order) {
      const key = `shop:test-db:${db}`;
      if ((await redisCommand(0, ['SET', key, owner, 'NX', 'EX', '3600'])) !== 'OK') continue;
      await redisCommand(db, ['FLUSHDB']);
      const release = async () => {
        await redisCommand(0, [
          'EVAL',
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
          '1',
          key,
          owner,
        ]);
      };
      return { db, release };
    }
    if (Date.now() > end) throw new Error('no free Redis database (1-15) for this test run: too many runs at once?');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

type Resp = string | number | null | Resp[];

/** One command on one database, answered as parsed RESP (test helper: e.g. reading a stream). */
export function redisCommand(db: number, args: string[]): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) });
    let buf = Buffer.alloc(0);
    socket.setTimeout(5_000, () => socket.destroy(new Error('redis did not answer')));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // Two replies: SELECT's +OK, then the command's.
      const first = parseResp(buf, 0);
      const second = first && parseResp(buf, first.next);
      if (!second) return;
      socket.end();
      if (second.value instanceof Error) reject(second.value);
      else resolve(second.value);
    });
    socket.on('error', reject);
    const encode = (parts: string[]) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
    socket.write(encode(['SELECT', String(db)]) + encode(args));
  });
}

function parseResp(buf: Buffer, at: number): { value: Resp | Error; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = buf.subarray(at + 1, eol).toString();
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: head, next: eol + 2 };
    case '-':
      return { value: new Error(head), next: eol + 2 };
    case ':':
      return { value: Number(head), next: eol + 2 };
    case '$': {
      const n = Number(head);
      if (n < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return undefined;
      return { value: buf.subarray(eol + 2, eol + 2 + n).toString(), next: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(head);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: Resp[] = [];
      let next = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseResp(buf, next);
        if (!item) return undefined;
        if (item.value instanceof Error) return item;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      return { value: new Error(`unexpected RESP ${head}`), next: eol + 2 };
  }
}

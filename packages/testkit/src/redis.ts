import net from 'node:net';

/**
 * A Redis database of its own for one test stack: components read their `redisDB` from SHOP_REDIS_DB,
 * so streams, consumer groups and state of one run never meet another run's (nor a developer's
 * `npm start`, which uses database 0). The database is emptied first: no stale pending messages.
 */
export async function freshRedisDb(): Promise<number> {
  const db = 1 + Math.floor(Math.random() * 15);
  await flush(db);
  return db;
}

/** SELECT is per connection, so both commands go down one connection. */
function flush(db: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) });
    let reply = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('redis did not answer')));
    socket.on('data', (chunk) => {
      reply += String(chunk);
      if (reply.split('\r\n').length > 2) socket.end();
    });
    socket.on('end', () => (reply.includes('-ERR') ? reject(new Error(reply.trim())) : resolve()));
    socket.on('error', reject);
    const sel = String(db);
    socket.write(`*2\r\n$6\r\nSELECT\r\n$${sel.length}\r\n${sel}\r\n*1\r\n$7\r\nFLUSHDB\r\n`);
  });
}

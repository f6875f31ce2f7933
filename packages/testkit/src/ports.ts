import net from 'node:net';

/**
 * Ports this process has handed out lately. The OS may offer a port again as soon as it is closed, and a
 * sidecar binds its ports only some time after they were chosen: without this, two apps of one Stack
 * could be given the same port (seen: an app asked another app's sidecar for its secrets).
 */
const handedOut = new Set<number>();
const REMEMBERED = 2_000;

/** A port the OS says is free on loopback right now, not handed out by this process lately. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (handedOut.size > REMEMBERED) handedOut.delete(handedOut.values().next().value!);
    return port;
  }
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) ports.push(await freePort());
  return ports;
}

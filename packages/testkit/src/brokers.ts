import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LoggedProcess } from './process';
import { freePort } from './ports';
import { OwnServer } from './servers';

const run = promisify(execFile);

/** Resolves once something accepts connections on the port, or fails after timeoutMs. */
export async function untilListening(port: number, watched: LoggedProcess, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.createConnection({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (!watched.running) throw new Error(`${watched.name} exited (log: ${watched.logFile})`);
    if (Date.now() > end) throw new Error(`${watched.name} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A JetStream server of one test run, on a free loopback port, storing under the run's folder.
 * Why not the shared server on 4222: subjects are server-wide and the shop's topic names are fixed in
 * code, so two runs' streams would claim the same subjects (Dapr's topic prefixing by namespace is no way
 * out: it double-prefixes the outbox's internal topic).
 */
export async function startNatsServer(dir: string): Promise<{ url: string; server: OwnServer }> {
  const port = await freePort();
  fs.mkdirSync(path.join(dir, 'nats'), { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(dir, 'nats')];
  const server = await OwnServer.start(
    'nats',
    port,
    () =>
      new LoggedProcess('nats-server', process.env.NATS_SERVER ?? 'nats-server', args, path.join(dir, 'nats-server.log'), {
        cwd: dir,
        env: process.env,
      }),
  );
  return { url: `nats://127.0.0.1:${port}`, server };
}

/**
 * A Mosquitto broker of one test run, on a free loopback port. Why not the shared broker on 1883: MQTT
 * has no namespaces, and the client ids (the app ids) are broker-wide. Sessions and queued messages are
 * saved when it stops (persistence), as a production broker must, so a restart loses none.
 */
export async function startMosquitto(dir: string): Promise<{ url: string; server: OwnServer }> {
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  const data = path.join(dir, 'mosquitto');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${data}/`,
      // Started as root, Mosquitto switches to the user `mosquitto`, which may not write the run's folder:
      // it then saves nothing when it stops ("Error saving in-memory database ... Permission denied"), and
      // a restart loses every queued and in-flight message (the fault suite lost a capture that way).
      // Running as the user who made the folder keeps it writable; for a non-root user this is a no-op.
      `user ${os.userInfo().username}`,
      'max_queued_messages 10000',
      'log_dest stderr',
    ].join('\n') + '\n',
  );
  const log = path.join(dir, 'mosquitto.log');
  const server = await OwnServer.start(
    'mosquitto',
    port,
    () => new LoggedProcess('mosquitto', process.env.MOSQUITTO ?? 'mosquitto', ['-c', conf], log, { cwd: dir, env: process.env }),
    {
      // A restart that lost the sessions would pass for the shop's own fault: say what happened instead.
      afterStop: () => {
        const failed = fs.readFileSync(log, 'utf8').match(/^.*Error saving in-memory database.*$/m);
        if (failed) throw new Error(`mosquitto saved nothing when it stopped (see ${log}): ${failed[0]}`);
      },
    },
  );
  return { url: `mqtt://127.0.0.1:${port}`, server };
}

const DEAD_LETTER_CLIENT = 'shop-deadletter';

/**
 * MQTT keeps nothing for a topic nobody subscribes to, so the dead letters would vanish: a persistent
 * session (client id `shop-deadletter`, QoS 1) subscribed to the topic makes the broker queue them until
 * an operator reads them (`mosquitto_sub -c -i shop-deadletter -q 1 -t deadletter`).
 */
export async function ensureMqttDeadLetterSession(url: string, topic: string): Promise<void> {
  const { hostname, port } = new URL(url);
  await run('mosquitto_sub', ['-h', hostname, '-p', port || '1883', '-i', DEAD_LETTER_CLIENT, '-c', '-q', '1', '-t', topic, '-E'], {
    timeout: 10_000,
  });
}

/** What the dead-letter session holds (test helper); reading it consumes it, as an operator would. */
export async function readMqttDeadLetters(url: string, topic: string, waitSeconds = 2): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const args = ['-h', hostname, '-p', port || '1883', '-i', DEAD_LETTER_CLIENT, '-c', '-q', '1', '-t', topic, '-W', String(waitSeconds)];
  // -W ends the client with status 27 when the time is up: the normal way out here.
  const out = await run('mosquitto_sub', args, { timeout: (waitSeconds + 10) * 1000 }).catch((e: { stdout?: string; code?: number }) =>
    e.code === 27 ? { stdout: e.stdout ?? '' } : Promise.reject(e as Error),
  );
  return out.stdout.split('\n').filter(Boolean);
}

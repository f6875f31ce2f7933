// Every event on the shop's topics, as a subscriber receives it: an app of the test's own (app id
// `event-tap`, served here on loopback) whose sidecar subscribes to each event topic of the AsyncAPI
// document, under a consumer group of its own, so it takes nothing from the services. It records each
// CloudEvent and acknowledges it; `problems()` checks each one's data against the schema of its type.
// Not the dead-letter topic: what lands there is what a subscriber refused, by design.
import http from 'node:http';
import { DEAD_LETTER_TOPIC, PUBSUB, asyncApiDocument, eventOfType } from '@shop/contracts';
import { check } from '@shop/kit';
import { freePort } from '@shop/testkit';

export interface ObservedEvent {
  id?: string;
  type?: string;
  topic?: string;
  data?: any;
}

export class EventTap {
  static readonly APP_ID = 'event-tap';
  /** The event topics of the AsyncAPI document. */
  static readonly TOPICS = Object.values(asyncApiDocument().channels as Record<string, { address: string }>)
    .map((c) => c.address)
    .filter((t) => t !== DEAD_LETTER_TOPIC);

  readonly received: ObservedEvent[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<EventTap> {
    const port = await freePort();
    const tap: EventTap = new EventTap(
      http.createServer((req, res) => tap.serve(req, res)),
      port,
    );
    await new Promise<void>((resolve) => tap.server.listen(port, '127.0.0.1', resolve));
    return tap;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** One line per event whose data fails the schema of its type (or whose type is none of ours). */
  problems(except: (e: ObservedEvent) => boolean = () => false): string[] {
    return this.received
      .filter((e) => !except(e))
      .flatMap((e) => {
        const def = e.type === undefined ? undefined : eventOfType(e.type);
        if (!def) return [`${e.type ?? '(no type)'} (id ${e.id}, topic ${e.topic}): not an event type of @shop/contracts`];
        const problems = check(def.schema, e.data, 'event');
        return problems.length ? [`${e.type} (id ${e.id}): ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`] : [];
      });
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const answer = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/dapr/subscribe')
      return answer(EventTap.TOPICS.map((topic) => ({ pubsubname: PUBSUB, topic, route: '/events' })));
    if (req.method === 'POST' && req.url === '/events') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ObservedEvent);
        } catch {
          this.received.push({ type: '(not JSON)' });
        }
        answer({ status: 'SUCCESS' });
      });
      return;
    }
    // GET /healthz, the sidecar's app health probe; anything else is answered alike.
    answer({});
  }
}

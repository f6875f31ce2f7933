// A stand-in OpenTelemetry collector on loopback for tests: it accepts OTLP/HTTP JSON trace exports
// (POST /v1/traces, the apps' SDK with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeps every span.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  /** The exporting process's resource `service.name`. */
  service: string;
  /** The instrumentation that made it, e.g. `@opentelemetry/instrumentation-pg`. */
  scope: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client, 1 internal. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{ name: string; kind?: number; traceId: string; spanId: string; parentSpanId?: string }>;
    }>;
  }>;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = http.createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => receiver.receive(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** What points an app's OpenTelemetry SDK here, exporting a batch every 200 ms (not every 5 s). */
  env(): Record<string, string> {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
  }

  /** The first span that matches, once it has arrived; fails after `ms`. */
  async until(match: (span: ReceivedSpan) => boolean, what: string, ms = 20_000): Promise<ReceivedSpan> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.spans.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no span ${what} within ${ms} ms; received ${this.spans.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(404).end();
        return;
      }
      try {
        this.keep(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest);
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  private keep(body: ExportRequest): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '';
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            scope: ss.scope?.name ?? '',
            name: s.name,
            kind: s.kind ?? 0,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
          });
        }
      }
    }
  }
}

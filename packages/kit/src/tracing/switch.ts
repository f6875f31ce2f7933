import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type * as Sdk from './sdk';

type Env = Readonly<Record<string, string | undefined>>;

let sdk: NodeSDK | undefined;

/** Tracing is on when the standard variables name an OTLP endpoint and do not disable the SDK. */
export function tracingConfigured(env: Env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

/**
 * The resource's service.name when the variables give none: the name of the package whose dist/ holds the
 * main module (`@shop/catalog` → `catalog`), here and in the image alike.
 */
export function defaultServiceName(env: Env, mainDir: string | undefined): string | undefined {
  if (env.OTEL_SERVICE_NAME || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) return undefined;
  if (!mainDir) return undefined;
  try {
    const { name } = JSON.parse(readFileSync(path.join(mainDir, '..', 'package.json'), 'utf8')) as { name?: unknown };
    return typeof name === 'string' ? name.replace(/^@[^/]+\//, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the OpenTelemetry SDK once, if configured; exporting is the SDK's, by the OTEL_* variables. */
export function startTracing(env: Env): void {
  if (sdk || !tracingConfigured(env)) return;
  // Loaded only when tracing is on: the SDK and its exporters take about half a second to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTracingSdk } = require('./sdk') as typeof Sdk;
  sdk = createTracingSdk(defaultServiceName(env, require.main?.path));
  sdk.start();
}

/** Flushes the spans still buffered and stops exporting; nothing to do when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultServiceName, startTracing, stopTracing, tracingConfigured } from '../../src/tracing/switch';

describe('tracingConfigured', () => {
  it('when no OTLP endpoint is named, then tracing is off', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: 'catalog' })).toBe(false);
  });

  it('when an endpoint is named (for all signals or for traces), then on, unless OTEL_SDK_DISABLED says otherwise', () => {
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
  });
});

describe('defaultServiceName', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-tracing-'));
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: '@shop/catalog' }));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('when the variables name no service, then it is the package of the main module, without its scope', () => {
    expect(defaultServiceName({}, dist)).toBe('catalog');
  });

  it('when OTEL_SERVICE_NAME or a service.name resource attribute is set, then the SDK reads that instead', () => {
    expect(defaultServiceName({ OTEL_SERVICE_NAME: 'shop-catalog' }, dist)).toBeUndefined();
    expect(defaultServiceName({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev,service.name=x' }, dist)).toBeUndefined();
  });

  it('when there is no main module or no package.json beside its folder, then none', () => {
    expect(defaultServiceName({}, undefined)).toBeUndefined();
    expect(defaultServiceName({}, root)).toBeUndefined();
  });
});

describe('startTracing', () => {
  it('when tracing is not configured, then starting does nothing and stopping resolves at once', async () => {
    startTracing({});
    await expect(stopTracing()).resolves.toBeUndefined();
  });
});

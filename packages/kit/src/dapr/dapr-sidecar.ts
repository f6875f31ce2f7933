import type { DaprClient } from '@dapr/dapr';
import { ValidationError } from '../errors';
import type { Logger } from '../logger';
import { PUBSUB, type EventData, type EventDef } from '@shop/contracts';
import type { InvokeOptions, Sidecar } from '../sidecar';
import { check } from '../validation';
import { createDaprClient, type SidecarAddress } from './client';
import { invokeApp } from './invoke';
import { publishEvent } from './pubsub';
import { readSecret } from './secrets';
import { sidecarReadiness, waitForSidecar } from './sidecar';
import { DaprStateStore } from './state';

export interface SidecarOptions extends SidecarAddress {
  /** The secret store component `secret(name)` reads. */
  secretStore: string;
  /** How long `connect` waits for the sidecar to load its components. */
  sidecarWaitMs: number;
}

/** Dapr's defaults: a sidecar on this host's 3500, a secret store named `secretstore`. */
const DEFAULTS = { daprHost: '127.0.0.1', daprHttpPort: 3500, secretStore: 'secretstore' };

/** The Sidecar port over Dapr's HTTP API: the one implementation, and the only code that holds a DaprClient. */
export class DaprSidecar implements Sidecar {
  readonly readiness;

  constructor(
    private readonly client: DaprClient,
    private readonly options: Omit<SidecarOptions, 'sidecarWaitMs'> = DEFAULTS,
  ) {
    this.readiness = sidecarReadiness(options);
  }

  /** Waits, bounded, until the sidecar serves outbound calls, then answers the port over it. */
  static async connect(options: SidecarOptions, logger: Logger): Promise<DaprSidecar> {
    const client = createDaprClient(options, logger);
    await waitForSidecar(client, options, options.sidecarWaitMs);
    return new DaprSidecar(client, options);
  }

  state<T>(storeName: string): DaprStateStore<T> {
    return new DaprStateStore<T>(this.client, storeName);
  }

  async publish<E extends EventDef>(event: E, data: EventData<E>): Promise<void> {
    // A publisher never sends what a subscriber would have to drop.
    const problems = check(event.schema, data, 'event');
    if (problems.length)
      throw new ValidationError(
        problems,
        `refusing to publish an invalid ${event.type}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    await publishEvent(this.client, PUBSUB, event.topic, event.type, data);
  }

  invoke<T>(appId: string, path: string, options: InvokeOptions = {}): Promise<T> {
    return invokeApp<T>(this.client, appId, path, options);
  }

  secret(name: string): Promise<string> {
    return readSecret(this.client, this.options.secretStore, name);
  }

  /** From the sidecar's metadata API (`GET /v1.0/metadata`). */
  async pubsubs(): Promise<string[]> {
    return (await this.client.metadata.get()).components.filter((c) => c.type.startsWith('pubsub.')).map((c) => c.name);
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}

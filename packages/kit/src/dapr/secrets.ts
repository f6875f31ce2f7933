import type { DaprClient } from '@dapr/dapr';
import { DependencyError } from '../errors';
import { describeFailure } from './sdk-errors';

/** Reads one secret from a Dapr secret store component; a missing secret or store throws, naming both. */
export async function readSecret(client: DaprClient, store: string, key: string): Promise<string> {
  let result: Record<string, string>;
  try {
    result = (await client.secret.get(store, key)) as Record<string, string>;
  } catch (e) {
    throw new DependencyError(`secret store ${store}`, `cannot read secret '${key}': ${describeFailure(e).message}`, e);
  }
  const value = result?.[key];
  if (typeof value !== 'string' || value === '') {
    throw new DependencyError(`secret store ${store}`, `secret '${key}' is missing or empty`);
  }
  return value;
}

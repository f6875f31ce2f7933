import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One metadata item of a Dapr component: a literal `value` or an `envRef` read from the sidecar's environment. */
export interface MetadataItem {
  name: string;
  value?: string;
  envRef?: string;
}

/** A Dapr Component as the harness needs to know it: enough to provision what it points at. */
export interface ComponentDef {
  file: string;
  name: string;
  type: string;
  metadata: MetadataItem[];
  scopes: string[];
}

interface RawDoc {
  kind?: string;
  metadata?: { name?: string };
  spec?: { type?: string; metadata?: Array<{ name: string; value?: string | number | boolean; envRef?: string }> };
  scopes?: string[];
}

/** Every Component in the given resource folders (other kinds, e.g. Resiliency, are skipped). */
export function readComponents(folders: readonly string[]): ComponentDef[] {
  const out: ComponentDef[] = [];
  for (const folder of folders) {
    for (const entry of fs.readdirSync(folder).sort()) {
      if (!/\.ya?ml$/.test(entry)) continue;
      const file = path.join(folder, entry);
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const raw = doc.toJS() as RawDoc | null;
        if (raw?.kind !== 'Component' || !raw.metadata?.name || !raw.spec?.type) continue;
        out.push({
          file,
          name: raw.metadata.name,
          type: raw.spec.type,
          metadata: (raw.spec.metadata ?? []).map((m) => ({
            name: m.name,
            ...(m.value !== undefined ? { value: String(m.value) } : {}),
            ...(m.envRef ? { envRef: m.envRef } : {}),
          })),
          scopes: raw.scopes ?? [],
        });
      }
    }
  }
  return out;
}

/** A metadata value as Dapr matches it: names are case-insensitive. */
export function metadataValue(c: ComponentDef, name: string): string | undefined {
  return c.metadata.find((m) => m.name.toLowerCase() === name.toLowerCase())?.value;
}

/**
 * Every topic a pub/sub component lets anyone publish, from its `publishingScopes`
 * (`app=topic,topic;app=topic`): the topics a broker must be ready for before the sidecars start.
 */
export function publishedTopics(c: ComponentDef): string[] {
  const scopes = metadataValue(c, 'publishingScopes') ?? '';
  const topics = scopes
    .replace(/\s/g, '')
    .split(';')
    .flatMap((app) => (app.split('=')[1] ?? '').split(','))
    .filter(Boolean);
  return [...new Set(topics)];
}

/**
 * The pub/sub component `orders` publishes its topic on: the one its order store's outbox names
 * (`pubsub` in most profiles; RabbitMQ keeps orders' publishes on a component of their own).
 */
export function ordersPubsub(components: readonly ComponentDef[]): string {
  const store = components.find((c) => c.name === 'orderstore');
  return (store && metadataValue(store, 'outboxPublishPubsub')) ?? 'pubsub';
}

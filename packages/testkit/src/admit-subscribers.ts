import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, type Document, type YAMLMap } from 'yaml';

/** App id → the topics it may subscribe to. */
export type Subscribers = Readonly<Record<string, readonly string[]>>;

/**
 * Lets apps a test adds (e.g. one that observes every event) subscribe on the run's pub/sub components:
 * each resource folder holding one is copied under `dir`/components/ (keeping its name, so the profile
 * is still known by it), with each app added to every pub/sub component's `scopes` and to its
 * `subscriptionScopes` for its topics. Nothing else changes: the apps get no right to publish.
 * No subscribers: the folders as they are.
 */
export function admitSubscribers(resourcesPaths: readonly string[], subscribers: Subscribers, dir: string): string[] {
  if (!Object.keys(subscribers).length) return [...resourcesPaths];
  return resourcesPaths.map((folder) => {
    const files = fs.readdirSync(folder).filter((f) => fs.statSync(path.join(folder, f)).isFile());
    const patched = new Map<string, string>();
    for (const f of files.filter((f) => /\.ya?ml$/.test(f))) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8'));
      if (docs.some((d) => admit(d, subscribers))) patched.set(f, docs.map(String).join(''));
    }
    if (!patched.size) return folder;
    // Asked again for the same folder (another app's list of folders), the copy made the first time serves.
    const copy = path.join(dir, 'components', path.basename(folder));
    if (fs.existsSync(copy)) return copy;
    fs.mkdirSync(copy, { recursive: true });
    for (const f of files) {
      const text = patched.get(f);
      if (text === undefined) fs.copyFileSync(path.join(folder, f), path.join(copy, f));
      else fs.writeFileSync(path.join(copy, f), text);
    }
    return copy;
  });
}

/** Adds the subscribers to a pub/sub Component with `scopes`; false for any other document. */
function admit(doc: Document, subscribers: Subscribers): boolean {
  const type = doc.getIn(['spec', 'type']);
  if (doc.get('kind') !== 'Component' || typeof type !== 'string' || !type.startsWith('pubsub.') || !doc.has('scopes')) return false;
  for (const app of Object.keys(subscribers)) doc.addIn(['scopes'], app);
  const metadata = (doc.getIn(['spec', 'metadata']) as { items?: YAMLMap[] } | undefined)?.items ?? [];
  const scopes = metadata.find((m) => m.get('name') === 'subscriptionScopes');
  if (scopes) {
    const grants = Object.entries(subscribers).map(([app, topics]) => `${app}=${topics.join(',')}`);
    const current = scopes.get('value');
    scopes.set('value', [typeof current === 'string' ? current : '', ...grants].filter(Boolean).join(';'));
  }
  return true;
}

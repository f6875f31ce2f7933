// An experiment, not a profile: a copy of components/redis whose Redis Streams pub/sub has another number
// of workers. Each sidecar's pub/sub component delivers with `concurrency` workers (1000 in
// components/redis; the component's default is 10), and the transactional outbox holds one worker for its
// fixed 1 s delay per message, so the orders sidecar can pass at most `concurrency` outbox messages a
// second. BENCH_PUBSUB_CONCURRENCY=<n> runs the bench on such a copy.
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '@shop/testkit';

interface ComponentDoc {
  metadata: { name: string };
  spec: { metadata: Array<{ name: string; value?: string }> };
}

/** Component folders to hand the Stack: components/common and the tuned copy of components/redis. */
export function tunedComponents(concurrency: number): string[] {
  const source = path.join(repoRoot, 'components', 'redis');
  const target = path.join(repoRoot, '.tmp', `bench-components-${process.pid}`, 'redis');
  fs.mkdirSync(target, { recursive: true });
  for (const file of fs.readdirSync(source).filter((f) => f.endsWith('.yaml'))) {
    let text = fs.readFileSync(path.join(source, file), 'utf8');
    const doc = parse(text) as ComponentDoc;
    if (doc.metadata.name === 'pubsub') {
      doc.spec.metadata = [
        ...doc.spec.metadata.filter((m) => m.name !== 'concurrency'),
        { name: 'concurrency', value: String(concurrency) },
      ];
      text = stringify(doc);
    }
    fs.writeFileSync(path.join(target, file), text);
  }
  return [path.join(repoRoot, 'components', 'common'), target];
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { admitSubscribers, metadataValue, readComponents, repoRoot } from '../../src';

const profile = path.join(repoRoot, 'components', 'rabbitmq');
const common = path.join(repoRoot, 'components', 'common');

describe('admitting a test subscriber to the pub/sub components', () => {
  it('when an app is admitted, then every pub/sub component scopes it and lets it subscribe to its topics, and nothing else changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admit-'));
    const out = admitSubscribers([common, profile], { 'event-tap': ['orders', 'stock'] }, dir);
    expect(out).toEqual([common, path.join(dir, 'components', 'rabbitmq')]);
    const before = readComponents([profile]);
    const after = readComponents([out[1]!]);
    expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
    for (const [i, c] of after.entries()) {
      const was = before[i]!;
      if (!c.type.startsWith('pubsub.')) {
        expect(c).toEqual({ ...was, file: c.file });
        continue;
      }
      expect(c.scopes).toEqual([...was.scopes, 'event-tap']);
      expect(metadataValue(c, 'subscriptionScopes')).toBe(`${metadataValue(was, 'subscriptionScopes')};event-tap=orders,stock`);
      expect(metadataValue(c, 'publishingScopes')).toBe(metadataValue(was, 'publishingScopes'));
    }
    expect(fs.readdirSync(out[1]!).sort()).toEqual(fs.readdirSync(profile).sort());
    fs.rmSync(dir, { recursive: true });
  });

  it('when no app is admitted, then the folders are used as they are', () => {
    expect(admitSubscribers([common, profile], {}, '/nonexistent')).toEqual([common, profile]);
  });
});

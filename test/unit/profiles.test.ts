// Issue 5: the component profiles are interchangeable by construction — same component names and
// scopes, same topic ownership, every per-environment setting an envRef with a local default (in
// dapr/local.env) — and the two switches (DAPR_PROFILE, DAPR_SECRETS) resolve to the folders they promise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LOCAL_ENV_FILE,
  applySecretStore,
  loadRunFile,
  profileOf,
  publishedTopics,
  readEnvFile,
  readComponents,
  repoRoot,
  secretStoreOf,
} from '@shop/testkit';

const components = path.join(repoRoot, 'components');
const PROFILES = fs
  .readdirSync(components)
  .filter((d) => d !== 'common' && !d.startsWith('secrets-') && fs.statSync(path.join(components, d)).isDirectory());
const inProfile = (profile: string) => readComponents([path.join(components, profile)]);
// Components a profile has beyond redis's, each with a reason in its YAML.
const EXTRA: Record<string, string[]> = {
  rabbitmq: ['orders-outbox → orders', 'pubsub-orders → orders', 'pubsub-payments → orders', 'pubsub-stock → orders'],
};
const shape = (profile: string) =>
  inProfile(profile)
    .map((c) => `${c.name} → ${[...c.scopes].sort().join(',')}`)
    .filter((s) => !(EXTRA[profile] ?? []).includes(s))
    .sort();
const pubsub = (profile: string) => inProfile(profile).find((c) => c.name === 'pubsub')!;
/**
 * Who may publish and subscribe to what, over every pub/sub component of the profile: `app publishes topic`
 * (once, although RabbitMQ lets orders publish dead letters through each of its subscriptions' components).
 */
const rights = (profile: string) =>
  [
    ...new Set(
      inProfile(profile)
        .filter((c) => c.type.startsWith('pubsub.'))
        .flatMap((c) =>
          (['publishingScopes', 'subscriptionScopes'] as const).flatMap((k) =>
            (c.metadata.find((m) => m.name === k)?.value ?? '').split(';').flatMap((entry) => {
              const [app, topics = ''] = entry.split('=');
              return topics
                .split(',')
                .filter(Boolean)
                .map((t) => `${app} ${k === 'publishingScopes' ? 'publishes' : 'subscribes to'} ${t}`);
            }),
          ),
        ),
    ),
  ].sort();
const protectedTopics = (profile: string) =>
  inProfile(profile)
    .filter((c) => c.type.startsWith('pubsub.'))
    .flatMap((c) => (c.metadata.find((m) => m.name === 'protectedTopics')?.value ?? '').split(','))
    .filter(Boolean);

const metadataOf = (c: ReturnType<typeof inProfile>[number], name: string) => c.metadata.find((m) => m.name === name)?.value ?? '';

describe('component profiles', () => {
  it('when listed, then redis, rabbitmq, nats and mqtt are there', () => {
    expect(PROFILES).toEqual(expect.arrayContaining(['redis', 'rabbitmq', 'nats', 'mqtt']));
  });

  it.each(PROFILES)('when %s is compared with redis, then it has the same component names, each visible to the same apps', (profile) => {
    expect(shape(profile)).toEqual(shape('redis'));
  });

  it.each(PROFILES)('when the pub/sub components of %s are read, then each topic has its one publisher, as in redis', (profile) => {
    expect(rights(profile)).toEqual(rights('redis'));
    expect(new Set(protectedTopics(profile))).toEqual(new Set(protectedTopics('redis')));
    expect(publishedTopics(pubsub('redis')).sort()).toEqual(['deadletter', 'defaultordersordersoutbox', 'orders', 'payments', 'stock']);
  });

  it.each(PROFILES)(
    'when %s is read, then the order store has the transactional outbox onto topic orders, on a pub/sub orders may publish it to',
    (profile) => {
      const store = inProfile(profile).find((c) => c.name === 'orderstore')!;
      const meta = Object.fromEntries(store.metadata.map((m) => [m.name, m.value]));
      expect(meta).toMatchObject({ outboxPublishTopic: 'orders' });
      const target = inProfile(profile).find((c) => c.name === meta.outboxPublishPubsub)!;
      expect(target.type).toMatch(/^pubsub\./);
      expect(target.scopes).toContain('orders');
      expect(metadataOf(target, 'publishingScopes')).toMatch(/(^|;)orders=([^;]*,)?orders(,|;|$)/);
      expect(metadataOf(target, 'publishingScopes')).toMatch(/(^|;)orders=([^;]*,)?defaultordersordersoutbox(,|;|$)/);
    },
  );

  it('when every envRef of every profile is collected, then dapr/local.env gives each a default (an unset envRef reads as "")', () => {
    // Not dapr/run.yaml's env: the Dapr CLI gives that to the apps, never to daprd.
    const env = readEnvFile(LOCAL_ENV_FILE);
    const refs = readComponents(fs.readdirSync(components).map((d) => path.join(components, d))).flatMap((c) =>
      c.metadata.flatMap((m) => (m.envRef ? [m.envRef] : [])),
    );
    expect([...new Set(refs)].filter((r) => !env[r])).toEqual([]);
  });
});

describe('the switches', () => {
  it('when DAPR_PROFILE names a profile, then only the profile folder is swapped, never common or a secret store folder', () => {
    const run = loadRunFile('nats');
    expect(profileOf(run)).toBe('nats');
    expect(run.common.resourcesPaths).toContain(path.join(components, 'common'));
    expect(run.common.resourcesPaths).toContain(path.join(components, 'nats'));
    expect(run.common.resourcesPaths).not.toContain(path.join(components, 'redis'));
  });

  it('when DAPR_SECRETS=env, then the environment store replaces the file store under the same name, and nothing else changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-secrets-'));
    try {
      const before = loadRunFile('redis').common.resourcesPaths;
      const after = applySecretStore(before, 'env', dir);
      expect(secretStoreOf(before)).toEqual({ type: 'secretstores.local.file', prefix: '' });
      expect(secretStoreOf(after)).toEqual({ type: 'secretstores.local.env', prefix: 'SHOP_SECRET_' });
      const names = (paths: string[]) =>
        readComponents(paths)
          .map((c) => c.name)
          .sort();
      // Dapr refuses two components of one name: the copy of common lacks the file store.
      expect(names(after)).toEqual(names(before));
      expect(applySecretStore(before, 'file', dir)).toEqual(before);
      expect(() => applySecretStore(before, 'vault', dir)).toThrow(/secrets-vault/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

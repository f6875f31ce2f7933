import fs from 'node:fs';
import path from 'node:path';
import specs from '@asyncapi/specs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { metadataValue, readComponents, repoRoot } from '@shop/testkit';
import { ALL_EVENTS, DEAD_LETTER_TOPIC, PARTICIPANTS, asyncApiDocument, asyncApiJson } from '../../src';

type Json = Record<string, any>;
const FILE = path.join(__dirname, '..', '..', 'asyncapi.json');

describe('the AsyncAPI document', () => {
  it('when the event definitions change, then the checked-in asyncapi.json is regenerated (npm run contracts:asyncapi)', () => {
    expect(fs.readFileSync(FILE, 'utf8') === asyncApiJson() ? 'up to date' : 'stale: run npm run contracts:asyncapi').toBe('up to date');
  });

  it('when validated against the AsyncAPI 3.0.0 JSON Schema of @asyncapi/specs, then it passes', () => {
    // The 3.0.0 schema is JSON Schema draft-07 (ajv's default class) and bundles the draft-07 meta-schema
    // itself, so ajv's own copy is left out (meta: false). strict: false, for its non-ajv keywords.
    const ajv = new Ajv({ allErrors: true, strict: false, meta: false, validateSchema: false });
    addFormats(ajv);
    const validate = ajv.compile(specs.schemas['3.0.0']);
    const valid = validate(JSON.parse(fs.readFileSync(FILE, 'utf8')));
    expect(valid ? [] : validate.errors!.slice(0, 10).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('when built, then every event is a message on its topic, its payload the CloudEvent with the data schema of its type', () => {
    const doc: Json = asyncApiDocument();
    for (const e of ALL_EVENTS) {
      expect(doc.channels[e.topic].messages[e.type]).toEqual({ $ref: `#/components/messages/${e.type}` });
      expect(doc.channels[DEAD_LETTER_TOPIC].messages[e.type]).toBeDefined();
      expect(doc.components.schemas[e.type]).toBe(e.schema);
      expect(doc.components.messages[e.type].payload.allOf[1].properties).toEqual({
        type: { const: e.type },
        data: { $ref: `#/components/schemas/${e.type}` },
      });
    }
  });

  it('when any $ref is used, then it resolves inside the document', () => {
    const doc: Json = asyncApiDocument();
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const parts = ref.slice(8, -1).replace(/^#\//, '').split('/');
      expect({ ref, found: parts.reduce<Json | undefined>((node, part) => node?.[part], doc) !== undefined }).toEqual({ ref, found: true });
    }
  });
});

describe('who publishes and who receives', () => {
  const profiles = fs.readdirSync(path.join(repoRoot, 'components')).filter((p) => p !== 'common' && !p.startsWith('secrets-'));
  /** `app=topic,topic;app=topic` of every pub/sub component of a profile, as app → topics. */
  const scopes = (profile: string, key: 'publishingScopes' | 'subscriptionScopes') => {
    const out = new Map<string, Set<string>>();
    for (const c of readComponents([path.join(repoRoot, 'components', profile)]).filter((c) => c.type.startsWith('pubsub.')))
      for (const entry of (metadataValue(c, key) ?? '').replace(/\s/g, '').split(';').filter(Boolean)) {
        const [app, topics = ''] = entry.split('=');
        for (const t of topics.split(',').filter(Boolean)) out.set(app!, (out.get(app!) ?? new Set()).add(t));
      }
    return out;
  };
  // The outbox's internal topic is the orders sidecar's own business, not an event topic.
  const ownTopics = (topics: Set<string> | undefined) => [...(topics ?? [])].filter((t) => !t.endsWith('outbox')).sort();

  it.each(profiles)(
    'when the %s profile scopes the topics, then each app publishes and receives on exactly the topics declared',
    (profile) => {
      const publishing = scopes(profile, 'publishingScopes');
      const subscribing = scopes(profile, 'subscriptionScopes');
      for (const p of PARTICIPANTS) {
        const published = [...new Set(p.publishes.map((e) => e.topic))];
        // Every subscriber's sidecar may dead-letter what its app drops.
        const deadLetters = p.receives.length ? [DEAD_LETTER_TOPIC] : [];
        expect({ app: p.app, publishes: ownTopics(publishing.get(p.app)) }).toEqual({
          app: p.app,
          publishes: [...published, ...deadLetters].sort(),
        });
        expect({ app: p.app, receives: ownTopics(subscribing.get(p.app)) }).toEqual({
          app: p.app,
          receives: [...new Set(p.receives.map((e) => e.topic))].sort(),
        });
      }
      expect([...publishing.keys(), ...subscribing.keys()].every((app) => PARTICIPANTS.some((p) => p.app === app))).toBe(true);
    },
  );
});

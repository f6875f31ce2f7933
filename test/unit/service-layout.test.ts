// One way to write a service (README, "How a service is written"): the same layout in every service, a
// main.ts that only runs its definition, Dapr reached through the kit's Sidecar port alone, and a domain
// that knows neither HTTP nor Dapr nor storage.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SERVICES = fs.readdirSync(path.join(ROOT, 'services')).filter((s) => fs.existsSync(path.join(ROOT, 'services', s, 'src')));
const LAYOUT = new Set(['main.ts', 'service.ts', 'config.ts', 'ports.ts', 'routes', 'events', 'use-cases', 'domain', 'adapters']);

/** Every .ts file under `dir`, relative to the repository. */
function sources(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.split(path.sep).includes('node_modules') && !f.split(path.sep).includes('dist'))
    .map((f) => path.join(dir, f));
}

/** The module specifiers a file imports or re-exports from, with the names it takes (for `import {…}`). */
function importsOf(file: string): Array<{ from: string; names: string[] }> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)].map((m) => ({
    from: m[3]!,
    names: [...(m[2]!.match(/\{([^}]*)\}/)?.[1] ?? '').split(',')].map((n) => n.replace(/^\s*type\s+/, '').trim()).filter(Boolean),
  }));
}

/** The names the kit's pure modules export: errors, validation, cursors, identity types, the ETag retry. */
function kitPureNames(): Set<string> {
  const names = new Set<string>();
  for (const module of ['errors', 'validation', 'cursor', 'concurrency', 'identity']) {
    const text = fs.readFileSync(path.join(ROOT, 'packages', 'kit', 'src', `${module}.ts`), 'utf8');
    for (const m of text.matchAll(/^export (?:async )?(?:const|function|class|type|interface) (\w+)/gm)) names.add(m[1]!);
    for (const m of text.matchAll(/^export type \{([^}]*)\}/gm)) m[1]!.split(',').forEach((n) => names.add(n.trim()));
  }
  return names;
}

describe('the layout of every service', () => {
  it.each(SERVICES)('when %s/src is listed, then it holds only the layout of the README', (service) => {
    const entries = fs.readdirSync(path.join(ROOT, 'services', service, 'src'));
    expect(entries.filter((e) => !LAYOUT.has(e))).toEqual([]);
    expect(entries).toEqual(expect.arrayContaining(['main.ts', 'service.ts', 'config.ts', 'ports.ts', 'routes', 'domain', 'adapters']));
  });

  it.each(SERVICES)('when %s/src/main.ts is read, then it runs its definition in at most 25 lines', (service) => {
    const main = fs.readFileSync(path.join(ROOT, 'services', service, 'src', 'main.ts'), 'utf8');
    expect(main.trimEnd().split('\n').length).toBeLessThanOrEqual(25);
    expect(main).toMatch(/runService\(\w+Service\);/);
  });
});

describe('who may import what', () => {
  const everyFile = ['packages', 'services', 'test', 'bench', 'load'].flatMap(sources);

  it('when every source is read, then only the kit’s Dapr adapters (and their own tests) import @dapr/dapr', () => {
    // hostile.test.ts attacks a sidecar's gRPC API itself, with the generated stubs the SDK ships.
    const allowed = (f: string) =>
      f.startsWith(path.join('packages', 'kit', 'src', 'dapr') + path.sep) ||
      f.startsWith(path.join('packages', 'kit', 'test') + path.sep) ||
      f === path.join('test', 'e2e', 'hostile.test.ts');
    const offending = everyFile.filter(
      (f) => !allowed(f) && importsOf(f).some((i) => i.from === '@dapr/dapr' || i.from.startsWith('@dapr/dapr/')),
    );
    expect(offending).toEqual([]);
  });

  it("when a service's sources are read, then none reaches into another service or @koa/router's private API", () => {
    const offending: string[] = [];
    for (const service of SERVICES) {
      for (const file of sources(path.join('services', service, 'src'))) {
        const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
        for (const { from } of importsOf(file)) {
          const target = from.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), from)) : '';
          if (target && !target.startsWith(path.join('services', service) + path.sep)) offending.push(`${file} imports ${from}`);
          if (/^@shop\/(?!kit|contracts|pg|testkit)/.test(from)) offending.push(`${file} imports ${from}`);
        }
        if (/\._matchedRoute|\.register\(\s*[^)]*\[/.test(text)) offending.push(`${file} uses a private @koa/router API`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('when a domain file is read, then it imports no adapter, no HTTP, no Dapr, and of the kit only its pure parts', () => {
    const pure = kitPureNames();
    const offending: string[] = [];
    for (const service of SERVICES) {
      for (const file of sources(path.join('services', service, 'src', 'domain'))) {
        for (const { from, names } of importsOf(file)) {
          if (/(^|\/)(adapters|store|routes|events)(\/|$)/.test(from) || /^(koa|@koa\/|@dapr\/|typeorm|pg)/.test(from))
            offending.push(`${file} imports ${from}`);
          if (from === '@shop/kit') offending.push(...names.filter((n) => !pure.has(n)).map((n) => `${file} imports ${n} from the kit`));
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

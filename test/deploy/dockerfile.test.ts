// The Dockerfile, without a Docker engine: its instructions are read and held to the rules of a small,
// safe service image, and every path it copies is checked to exist (for every service) and to be in the
// build context that .dockerignore lets through.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@shop/testkit';

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

function instructions(file: string): Instruction[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [, op, args] = /^(\w+)\s+(.*)$/.exec(l)!;
      if (op!.toUpperCase() === 'FROM') stage++;
      return { op: op!.toUpperCase(), args: args!.replace(/\s+#.*$/, '').trim(), stage };
    });
}

/** Docker's .dockerignore semantics: the last pattern matching the path or a parent of it decides. */
function ignored(patterns: string[], file: string): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      '^' +
        p
          .replace(/^\/|\/$/g, '')
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '%ANYDIR%')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')
          .replace(/%ANYDIR%/g, '(.*/)?') +
        '$',
    );
  const parts = file.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const re = toRegex(negated ? raw.slice(1) : raw);
    if (candidates.some((c) => re.test(c))) excluded = !negated;
  }
  return excluded;
}

const dockerfile = instructions(path.join(repoRoot, 'Dockerfile'));
const ignore = fs
  .readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const services = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));
const finalStage = Math.max(...dockerfile.map((i) => i.stage));
const final = dockerfile.filter((i) => i.stage === finalStage);
const froms = dockerfile.filter((i) => i.op === 'FROM');
const stageNames = froms.map((f) => /\s+AS\s+(\S+)/i.exec(f.args)?.[1]).filter(Boolean);
/** COPY sources taken from the build context (not from another stage). */
const contextCopies = dockerfile
  .filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
  .flatMap((i) => {
    const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    return words.slice(0, -1);
  });

/** The shop packages a service needs at run time, following @shop/* dependencies. */
function shopDeps(pkgDir: string, seen = new Set<string>()): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@shop/'))) {
    const name = dep.slice('@shop/'.length);
    if (!seen.has(name)) {
      seen.add(name);
      shopDeps(`packages/${name}`, seen);
    }
  }
  return seen;
}

describe('Dockerfile', () => {
  it('when its base images are read, then each is pinned to an exact Node 20 version (or digest) that package.json engines accept', () => {
    const external = froms.map((f) => f.args.split(/\s+/)[0]!).filter((img) => !stageNames.includes(img));
    expect(external.length).toBeGreaterThanOrEqual(2);
    for (const image of external) {
      expect(image).toMatch(/^node:(\d+\.\d+\.\d+)(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/);
      const [major, minor] = /^node:(\d+)\.(\d+)/.exec(image)!.slice(1).map(Number);
      expect(major === 20 && minor! >= 19).toBe(true);
    }
  });

  it('when the final stage is read, then it runs as a numeric non-root user, with node as PID 1 in exec form and a HEALTHCHECK', () => {
    const user = final.filter((i) => i.op === 'USER').pop()?.args;
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const cmd = JSON.parse(final.find((i) => i.op === 'CMD')!.args) as string[];
    expect(cmd[0]).toBe('node');
    expect(final.some((i) => i.op === 'ENTRYPOINT')).toBe(false);
    const health = final.find((i) => i.op === 'HEALTHCHECK')!.args;
    expect(JSON.parse(health.slice(health.indexOf('CMD') + 3).trim())[0]).toBe('node');
    expect(health).toMatch(/\/healthz/);
    // Nothing from the build context in the final image: only what earlier stages built and installed.
    expect(final.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))).toEqual([]);
    expect(final.filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('when dependencies are installed for the final image, then it is npm ci of production dependencies of the one workspace', () => {
    const from = /--from=(\S+)\s+\S*node_modules/.exec(final.find((i) => i.op === 'COPY' && /node_modules/.test(i.args))!.args)![1];
    const stage = froms.findIndex((f) => new RegExp(`\\s+AS\\s+${from}$`, 'i').test(f.args));
    const install = dockerfile
      .filter((i) => i.stage === stage && i.op === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(install).toMatch(/npm ci\b/);
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--workspace "?services\/\$\{SERVICE\}"?/);
  });

  it('when it copies from the build context, then only manifests, the one service and the shop packages services depend on', () => {
    const needed = new Set(services.flatMap((s) => [...shopDeps(`services/${s}`)]));
    for (const src of contextCopies) {
      const pkg = /^packages\/([^/]+)/.exec(src)?.[1];
      const ok =
        ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json'].includes(src) ||
        /^services\/\$\{SERVICE\}(\/|$)/.test(src) ||
        (pkg !== undefined && needed.has(pkg));
      expect({ src, ok }).toEqual({ src, ok: true });
    }
    // Every package some service needs is there to be built.
    for (const p of needed) expect(contextCopies).toContain(`packages/${p}/`);
    expect(needed.has('testkit')).toBe(false);
  });

  it.each(services)('when built for %s, then every path it copies exists and is in the build context', (service) => {
    for (const src of contextCopies.map((s) => s.replace(/\$\{SERVICE\}/g, service).replace(/\/$/, ''))) {
      expect({ src, exists: fs.existsSync(path.join(repoRoot, src)), excluded: ignored(ignore, src) }).toEqual({
        src,
        exists: true,
        excluded: false,
      });
    }
    expect(ignored(ignore, `services/${service}/src/main.ts`)).toBe(false);
  });

  it('when the build context is filtered, then secrets, tests, builds, installs and local runs stay out', () => {
    for (const file of [
      'dapr/secrets.dev.json',
      '.git/config',
      'node_modules/koa/package.json',
      'services/orders/dist/main.js',
      'services/orders/test/unit/order.test.ts',
      'packages/kit/test/unit/x.test.ts',
      '.tmp/runs/x.log',
      '.run/logs/x.log',
      'packages/testkit/src/stack.ts',
      'k8s/base/kustomization.yaml',
    ]) {
      expect({ file, ignored: ignored(ignore, file) }).toEqual({ file, ignored: true });
    }
  });

  it('when its arguments and environment are read, then none carries a secret', () => {
    for (const i of dockerfile.filter((x) => x.op === 'ARG' || x.op === 'ENV')) expect(i.args).not.toMatch(/pass|secret|token|key/i);
    expect(contextCopies.filter((s) => /secret|\.env|dapr\//.test(s))).toEqual([]);
  });
});

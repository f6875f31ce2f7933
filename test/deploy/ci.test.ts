// The GitHub Actions workflow for forks: it must run what .ci/run runs, with every server the tests use
// reachable where scripts/ensure-servers.sh looks for it, on the Node version package.json asks for.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@shop/testkit';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  services: Record<string, { image: string; ports: string[]; env?: Record<string, string> }>;
  steps: Step[];
}

const workflow = parse(fs.readFileSync(path.join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const job = Object.values(workflow.jobs)[0]!;
const runs = job.steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');

/** The servers and ports scripts/ensure-servers.sh checks: `declare -A PORT=([postgres]=5432 ...)`. */
const serverPorts = Object.fromEntries(
  [
    .../declare -A PORT=\(([^)]*)\)/
      .exec(fs.readFileSync(path.join(repoRoot, 'scripts', 'ensure-servers.sh'), 'utf8'))![1]!
      .matchAll(/\[(\w+)\]=(\d+)/g),
  ].map((m) => [m[1]!, Number(m[2])]),
);

describe('.github/workflows/ci.yml', () => {
  it('when it runs, then on pushes and pull requests, with read-only permissions, through .ci/run', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(job.steps.filter((s) => s.run?.trim() === '.ci/run')).toHaveLength(1);
    expect(fs.statSync(path.join(repoRoot, '.ci', 'run')).mode & 0o111).not.toBe(0);
  });

  it('when the servers start, then each one ensure-servers.sh knows listens on its port, NATS with JetStream', () => {
    expect(Object.keys(serverPorts).sort()).toEqual(['mariadb', 'mosquitto', 'nats', 'postgres', 'rabbitmq', 'redis']);
    const published = new Map<string, number>();
    for (const [name, svc] of Object.entries(job.services)) for (const p of svc.ports) published.set(name, Number(p.split(':')[0]));
    for (const m of runs.matchAll(/docker run .*--name (\w+) -p (\d+):\d+ (\S+)(.*)/g)) published.set(m[1]!, Number(m[2]));
    expect(Object.fromEntries([...published].sort())).toEqual(Object.fromEntries(Object.entries(serverPorts).sort()));
    expect(runs).toMatch(/docker run .*--name nats .* -js\b/);
    // The tests sign in as these users, without passwords: the containers must allow it.
    expect(job.services.postgres!.env).toEqual({ POSTGRES_HOST_AUTH_METHOD: 'trust' });
    expect(job.services.mariadb!.env).toEqual({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' });
  });

  it('when tools are set up, then Node satisfies package.json engines, npm allows allowScripts, and actions are pinned to a release', () => {
    const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))!.with!['node-version']!;
    const [major, minor] = node.split('.').map(Number);
    expect(major === 20 && minor! >= 19).toBe(true);
    expect(runs).toMatch(/npm install -g npm@11\.(19|[2-9]\d)\.\d+/);
    for (const s of job.steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@(v\d+|[0-9a-f]{40})$/);
    // setup-dapr.sh builds the runtime with Go; its binaries are cached between runs.
    expect(job.steps.some((s) => s.uses?.startsWith('actions/setup-go'))).toBe(true);
    expect(JSON.stringify(job.steps)).toMatch(/~\/\.dapr\/bin/);
  });
});

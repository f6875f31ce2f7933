// monitoring/ offline: the alerting rules pass their promtool unit tests (every alert both fires and stays
// quiet where it should), both Prometheus configurations are valid and the local one scrapes exactly the
// ports of dapr/run.yaml, every dashboard query is valid PromQL, and what ships as ConfigMaps is all of it.
// Whether the metrics exist at all is test/deploy/metrics.test.ts's job, against a running shop.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

const dir = path.join(repoRoot, 'monitoring');

function promtool(...args: string[]): string {
  const res = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  if (res.error) throw new Error('promtool is not installed: run scripts/ensure-tools.sh (Debian package `prometheus`)');
  if (res.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${res.stdout}${res.stderr}`);
  return res.stdout + res.stderr;
}

interface Panel {
  type: string;
  id: number;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string; refId: string }>;
}
const dashboards = fs
  .readdirSync(path.join(dir, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    json: JSON.parse(fs.readFileSync(path.join(dir, 'dashboards', f), 'utf8')) as { uid: string; title: string; panels: Panel[] },
  }));
const rules = parse(fs.readFileSync(path.join(dir, 'rules', 'shop.rules.yml'), 'utf8')) as {
  groups: Array<{ rules: Array<{ alert?: string; record?: string }> }>;
};
const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

describe('alerting rules', () => {
  it('when promtool checks them, then they are valid', () => {
    expect(promtool('check', 'rules', 'rules/shop.rules.yml')).toMatch(/SUCCESS/);
  });

  it('when promtool runs their unit tests, then all pass, and every alert is tested both firing and quiet', () => {
    expect(promtool('test', 'rules', 'tests/shop.rules.test.yml')).toMatch(/SUCCESS/);
    const tests = parse(fs.readFileSync(path.join(dir, 'tests', 'shop.rules.test.yml'), 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect({ alert, fires: mine.some((c) => c.exp_alerts.length > 0), quiet: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({
        alert,
        fires: true,
        quiet: true,
      });
    }
    process.stdout.write(`[monitoring] ${alerts.length} alerting rules unit-tested in ${tests.tests.length} promtool test groups\n`);
  });
});

describe('Prometheus configurations', () => {
  it('when the local configuration is checked, then it is valid and scrapes exactly the operations and sidecar ports of dapr/run.yaml', () => {
    const config = parse(fs.readFileSync(path.join(dir, 'prometheus.local.yml'), 'utf8')) as {
      scrape_configs: Array<{
        job_name: string;
        metrics_path: string;
        static_configs: Array<{ targets: string[]; labels: { app: string } }>;
      }>;
    };
    const targets = (job: string) =>
      config.scrape_configs
        .find((j) => j.job_name === job)!
        .static_configs.flatMap((s) => s.targets.map((t) => `${s.labels.app}=${t}`))
        .sort();
    const run = loadRunFile('');
    // An app's /metrics is on its operations listener (OPS_PORT), never on its app port.
    const apps = run.apps.filter((a) => a.command);
    expect(targets('shop-apps')).toEqual(apps.map((a) => `${a.appID}=127.0.0.1:${a.env?.OPS_PORT}`).sort());
    expect(targets('dapr-sidecars')).toEqual(run.apps.map((a) => `${a.appID}=127.0.0.1:${a.metricsPort}`).sort());
    expect(promtool('check', 'config', 'prometheus.local.yml')).toMatch(/SUCCESS/);
  });

  it('when the cluster configuration is checked, then it is valid and discovers the pods of the shop and its ingress', () => {
    const config = parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'monitoring', 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{
        job_name: string;
        kubernetes_sd_configs?: Array<{ role: string; namespaces: { names: string[] } }>;
        static_configs?: unknown;
      }>;
    };
    const sd = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j.kubernetes_sd_configs]));
    expect(sd).toEqual({
      'shop-apps': [{ role: 'pod', namespaces: { names: ['shop'] } }],
      'dapr-sidecars': [{ role: 'pod', namespaces: { names: ['shop', 'ingress-nginx'] } }],
    });
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    // Debian's promtool is built without Kubernetes discovery: the rest of the file (relabelling, rules,
    // alerting) is checked with the discovery blocks swapped for a static target.
    for (const job of config.scrape_configs) {
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['127.0.0.1:1'] }];
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-'));
    try {
      fs.writeFileSync(path.join(tmp, 'prometheus.yml'), stringify(config));
      expect(promtool('check', 'config', path.join(tmp, 'prometheus.yml'))).toMatch(/SUCCESS/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('Grafana dashboards', () => {
  it('when read, then each has its own uid and every panel a query on the chosen data source, inside the 24-column grid', () => {
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
    for (const { file, json } of dashboards) {
      const panels = json.panels.filter((p) => p.type !== 'row');
      expect(new Set(json.panels.map((p) => p.id)).size).toBe(json.panels.length);
      for (const p of panels) {
        expect({ file, panel: p.title, ds: p.datasource?.uid, queries: (p.targets ?? []).length > 0 }).toEqual({
          file,
          panel: p.title,
          ds: '${datasource}',
          queries: true,
        });
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      }
    }
  });

  it('when every dashboard query is given to promtool (Grafana variables filled in), then each is valid PromQL', () => {
    const exprs = dashboards.flatMap(({ json }) => json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)));
    const filled = exprs.map((e) =>
      e
        .replace(/\$__rate_interval/g, '5m')
        .replace(/\$__range/g, '1h')
        .replace(/\$\w+/g, '.*'),
    );
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-'));
    const file = path.join(tmp, 'queries.yml');
    fs.writeFileSync(
      file,
      stringify({ groups: [{ name: 'dashboards', rules: filled.map((expr, i) => ({ record: `dashboard:query:${i}`, expr })) }] }),
    );
    try {
      expect(promtool('check', 'rules', file)).toMatch(new RegExp(`SUCCESS: ${filled.length} rules found`));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    process.stdout.write(
      `[monitoring] ${exprs.length} queries of ${dashboards.reduce((n, d) => n + d.json.panels.filter((p) => p.type !== 'row').length, 0)} panels are valid PromQL\n`,
    );
  });
});

describe('what ships', () => {
  it('when monitoring/ is rendered for the cluster, then its ConfigMaps carry every rules file and every dashboard', () => {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const maps = parseAllDocuments(out).map((d) => d.toJS() as { metadata: { name: string }; data: Record<string, string> });
    const keys = (name: string) => Object.keys(maps.find((m) => m.metadata.name === name)!.data).sort();
    expect(keys('prometheus-rules')).toEqual(fs.readdirSync(path.join(dir, 'rules')).sort());
    expect(keys('grafana-dashboards')).toEqual(dashboards.map((d) => d.file).sort());
  });

  it('when scripts/ensure-tools.sh checks this machine, then every tool the deployment tests use is there', () => {
    const res = spawnSync('bash', [path.join(repoRoot, 'scripts', 'ensure-tools.sh'), '--check'], { encoding: 'utf8' });
    expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/promtool .*kubectl .*go/) });
  });
});

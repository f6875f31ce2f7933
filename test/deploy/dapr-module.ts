// The Go module of the Dapr release the repository pins: its CRD schemas and injector source are what the
// deploy tests hold the manifests against.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@shop/testkit';

/** The Dapr release the repository pins (scripts/setup-dapr.sh), so CRDs and runtime move together. */
export function daprModuleDir(): string {
  const version = /DAPR_VERSION="\$\{DAPR_VERSION:-([0-9.]+)\}"/.exec(
    fs.readFileSync(path.join(repoRoot, 'scripts', 'setup-dapr.sh'), 'utf8'),
  )?.[1];
  if (!version) throw new Error('no DAPR_VERSION in scripts/setup-dapr.sh');
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `github.com/dapr/dapr@v${version}`], {
      encoding: 'utf8',
      cwd: repoRoot,
      timeout: 300_000,
    });
  } catch (e) {
    throw new Error(`cannot get the Dapr ${version} module (go mod download; Go is needed, see scripts/setup-dapr.sh): ${String(e)}`);
  }
  return (JSON.parse(out) as { Dir: string }).Dir;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from './dev-secrets';

/** The repository root: the nearest ancestor with the workspace package.json. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'tsconfig.build.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root from ' + __dirname);
    dir = up;
  }
  return dir;
})();

let generated: Record<string, string> | undefined;

/**
 * The development secrets of this test process: fresh keys and admin password, generated at the first
 * call and the same for every later one (a Stack's sidecars read them, and the test signs and signs in
 * with them). Never the developer's dapr/secrets.dev.json: that one is `npm start`'s (ensureDevSecrets).
 */
export function devSecrets(): Record<string, string> {
  generated ??= generateDevSecrets();
  return { ...generated };
}

/** The dev secrets file of `npm start` and `dapr run -f dapr/run.yaml`, generated on first use (git-ignored). */
export const devSecretsFile = () => path.join(repoRoot, 'dapr', 'secrets.dev.json');

/** Where daprd comes from: DAPR_BIN, else ~/.dapr/bin (what scripts/setup-dapr.sh installs). */
export function daprdPath(): string {
  const file = path.join(process.env.DAPR_BIN ?? path.join(os.homedir(), '.dapr', 'bin'), 'daprd');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run setup' (scripts/setup-dapr.sh) first`);
  return file;
}

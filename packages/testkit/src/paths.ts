import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

/** The development secrets every local run starts from. */
export function devSecrets(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'dapr', 'secrets.dev.json'), 'utf8')) as Record<string, string>;
}

/** Where daprd comes from: DAPR_BIN, else ~/.dapr/bin (what scripts/setup-dapr.sh installs). */
export function daprdPath(): string {
  const file = path.join(process.env.DAPR_BIN ?? path.join(os.homedir(), '.dapr', 'bin'), 'daprd');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run setup' (scripts/setup-dapr.sh) first`);
  return file;
}

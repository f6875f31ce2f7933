import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/**
 * The local sidecars' environment: what the components read through `envRef`. A developer sources it
 * before `dapr run -f dapr/run.yaml` (the CLI gives daprd the shell's environment, never the run file's
 * env); `npm start` takes it for whatever its own environment does not set.
 */
export const LOCAL_ENV_FILE = path.join(repoRoot, 'dapr', 'local.env');

// A value the shell reads as written: no quotes, spaces, `$`, `~`, globs or separators to interpret.
const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z0-9_./:@%+,=-]*)$/;

/**
 * `VARIABLE=value` lines, blank lines and `#` comments; any other line is refused, so that this reader
 * and `set -a; . <file>` always agree on what the file sets.
 */
export function readEnvFile(file = LOCAL_ENV_FILE): Record<string, string> {
  const env: Record<string, string> = {};
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      const m = LINE.exec(line);
      if (!m) throw new Error(`${file}:${i + 1}: not a plain VARIABLE=value line (no quotes, spaces or shell syntax): ${line}`);
      env[m[1]!] = m[2]!;
    });
  return env;
}

import fs from 'node:fs';
import path from 'node:path';
import { metadataValue, readComponents } from './components';
import { repoRoot } from './paths';

/**
 * The second switch: DAPR_SECRETS=<x> puts the components of `components/secrets-<x>/` in place of the
 * same-named components of the other resource folders (today: the `secretstore` of components/common,
 * the local JSON file). Dapr refuses two components of one name, so a folder holding one that is
 * replaced is copied, without it, under `dir`. Unset or `file`: the folders as they are.
 */
export function applySecretStore(resourcesPaths: readonly string[], choice: string | undefined, dir: string): string[] {
  if (!choice || choice === 'file') return [...resourcesPaths];
  const overlay = path.join(repoRoot, 'components', `secrets-${choice}`);
  if (!fs.existsSync(overlay)) throw new Error(`secret store folder ${overlay} does not exist (DAPR_SECRETS=${choice})`);
  const replaced = new Set(readComponents([overlay]).map((c) => c.name));
  const out = resourcesPaths.map((folder, i) => {
    const inFolder = readComponents([folder]);
    const hit = inFolder.filter((c) => replaced.has(c.name));
    if (!hit.length) return folder;
    const copy = path.join(dir, 'resources', `${i}-${path.basename(folder)}`);
    fs.mkdirSync(copy, { recursive: true });
    const dropFiles = new Set(hit.map((c) => c.file));
    for (const c of inFolder)
      if (dropFiles.has(c.file) && !replaced.has(c.name)) throw new Error(`${c.file} holds other components besides the replaced one`);
    for (const entry of fs.readdirSync(folder)) {
      const file = path.join(folder, entry);
      if (!dropFiles.has(file) && fs.statSync(file).isFile()) fs.copyFileSync(file, path.join(copy, entry));
    }
    return copy;
  });
  return [...out, overlay];
}

/** The secret store the resource folders end up with, and its `prefix` if it reads environment variables. */
export function secretStoreOf(resourcesPaths: readonly string[]): { type: string; prefix: string } | undefined {
  const store = readComponents(resourcesPaths).find((c) => c.name === 'secretstore');
  return store ? { type: store.type, prefix: metadataValue(store, 'prefix') ?? '' } : undefined;
}

/** Secrets as the environment-variable store reads them: `<prefix><name>=<value>`. */
export function secretsAsEnv(prefix: string, secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`${prefix}${k}`, v]));
}

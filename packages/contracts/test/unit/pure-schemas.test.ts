import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');
const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const imports = (file: string) => [
  ...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/^(?:import|export) (type )?[^;]*? from '([^']+)';/gms),
];

describe('the contracts package', () => {
  // The bottom layer: the kit (and through it every service) imports it, it imports no other package.
  it('when its sources are read, then none imports a package (no Dapr, no kit): only its own files and node:*', () => {
    const offending = files
      .flatMap((f) => imports(f).map(([, , from]) => ({ f, from: from ?? '' })))
      .filter(({ from }) => !from.startsWith('.') && !from.startsWith('node:'))
      .map(({ f, from }) => `${f} imports ${from}`);
    expect(offending).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['define.ts', 'http/users.ts']));
  });
});

import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');
const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
const imports = (file: string) => [...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)];

describe('the contracts package', () => {
  // publish.ts is the one exception until the kit's Sidecar publishes events itself.
  it('when its sources are read, then none but publish.ts imports @dapr/dapr, and @shop/kit only for types', () => {
    const offending = files
      .filter((f) => f !== 'publish.ts')
      .flatMap((f) => imports(f).map(([, typeOnly, from]) => ({ f, typeOnly, from })))
      .filter(({ typeOnly, from }) => from === '@dapr/dapr' || (from === '@shop/kit' && !typeOnly))
      .map(({ f, from }) => `${f} imports ${from}`);
    expect(offending).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['define.ts', 'http/users.ts']));
  });
});

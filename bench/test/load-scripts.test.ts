// The k6 scripts under load/ are TypeScript that k6 runs itself; k6 is not installed here, so what can be
// checked is that they type-check against @types/k6.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

describe('the k6 scripts', () => {
  it('when they are type-checked against @types/k6 (tsc --noEmit -p load), then tsc reports no error', () => {
    const run = () =>
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(root, 'load')], {
        encoding: 'utf8',
      });
    expect(run).not.toThrow();
  }, 60_000);
});

// Where a service spends its CPU: node bench/dist/profile-summary.js <file.cpuprofile> [top]
// Self time of a V8 CPU profile (node --cpu-prof) summed by package (node_modules/<name>, node: internals,
// the service's own code) and by function, so a profile reads in one screen.
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The bucket a script URL belongs to: an npm package, a Node internal, or a path of the repository. */
export function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(services|packages)\/([^/]+)\//.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

export function selfTimes(profile: Profile): { byPackage: Map<string, number>; byFunction: Map<string, number>; totalMs: number } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = nodes.get(id)!.callFrame;
    if (f.functionName === '(idle)') return;
    total += ms;
    const pkg = packageOf(f.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const fn = `${f.functionName || '(anonymous)'} ${pkg}:${f.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  });
  return { byPackage, byFunction, totalMs: total };
}

if (require.main === module) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]');
  const { byPackage, byFunction, totalMs } = selfTimes(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
  const print = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (busy ${totalMs.toFixed(0)} ms)\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
      process.stdout.write(`${((v / totalMs) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
  };
  print('self time by package', byPackage);
  print('self time by function', byFunction);
}

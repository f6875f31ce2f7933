// Preloaded into a service (NODE_OPTIONS=--require …/cpu-profile.js) when BENCH_PROFILE names it: the same
// .cpuprofile `node --cpu-prof` writes, which Node 20 does not accept through NODE_OPTIONS. Written when
// the process exits, into BENCH_CPU_PROFILE_DIR; open it in Chrome DevTools or profile-summary.js.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

const dir = process.env.BENCH_CPU_PROFILE_DIR ?? '.';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');

process.on('exit', () => {
  // An in-process inspector session answers synchronously, so the profile is written before exit.
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    fs.mkdirSync(dir, { recursive: true });
    const name = `${process.env.APP_ID ?? 'node'}-${process.pid}.cpuprofile`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify(result.profile));
  });
});

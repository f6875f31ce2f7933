#!/usr/bin/env bash
# The test matrix: lint and build once, every test outside test/e2e and test/faults once (default
# profile), then the SAME end-to-end and fault suites (`npx jest test/e2e test/faults`) once per
# infrastructure profile — no service or test code differs between runs, only DAPR_PROFILE
# (components/<profile>) and DAPR_SECRETS (components/secrets-<x>).
#   usage: scripts/test-matrix.sh            the default matrix
#          MATRIX="redis nats" scripts/test-matrix.sh
# An entry is <profile>[+<secrets>]: `rabbitmq+env` runs the rabbitmq profile with the environment-variable
# secret store. Results: .tmp/matrix/<run>.json (jest --json) and .tmp/matrix/summary.json; the last line
# printed is `matrix: N passed, M failed`. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

MATRIX="${MATRIX:-redis rabbitmq+env nats mqtt}"
OUT=.tmp/matrix
rm -rf "$OUT" && mkdir -p "$OUT"
# Other folders under .tmp (copies of packages, runs) must never be taken for workspace modules. These
# options come AFTER the test path: an array option would swallow a path that follows it.
OPTS=(--ci --runInBand --modulePathIgnorePatterns '<rootDir>/.tmp/')
say() { printf '[matrix] %s\n' "$*" >&2; }
# A step that could not run at all counts as one failed test in the summary.
broken() { printf '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"testResults":[],"step":"%s"}\n' "$1" > "$OUT/$1.json"; }

[ -d node_modules ] || npm ci
bash scripts/setup-dapr.sh || { broken setup; }
# Every profile's servers: PostgreSQL, Redis, RabbitMQ, NATS, Mosquitto, MariaDB (loopback only).
bash scripts/ensure-servers.sh || say "some servers did not come up; the runs that need them will fail"

# E2E_ONLY=1: `npm test` has just linted, built and run everything once; only the profiles remain.
if ! npm run --silent build; then
  broken build
else
  if [ -z "${E2E_ONLY:-}" ]; then npm run --silent lint || broken lint; fi
  if [ -z "${E2E_ONLY:-}" ]; then
    start=$(date +%s)
    npx jest --testPathIgnorePatterns '/test/(e2e|faults)/' "${OPTS[@]}" --json --outputFile="$OUT/rest.json" || true
    echo "$(( $(date +%s) - start ))" > "$OUT/rest.seconds"
  fi
  for entry in $MATRIX; do
    profile=${entry%%+*}
    secrets=file
    [ "$entry" != "$profile" ] && secrets=${entry#*+}
    say "end-to-end suite on profile $profile, secrets $secrets"
    start=$(date +%s)
    DAPR_PROFILE="$profile" DAPR_SECRETS="$secrets" npx jest test/e2e test/faults --selectProjects integration "${OPTS[@]}" \
      --json --outputFile="$OUT/e2e-$profile-$secrets.json" || true
    echo "$(( $(date +%s) - start ))" > "$OUT/e2e-$profile-$secrets.seconds"
    [ -f "$OUT/e2e-$profile-$secrets.json" ] || broken "e2e-$profile-$secrets"
  done
fi

# One line per run, then the total. A suite that failed to run at all (no test results) counts as failed.
node - "$OUT" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
const rows = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'summary.json').sort()) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const broken = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  const secondsFile = path.join(dir, f.replace(/\.json$/, '.seconds'));
  const seconds = fs.existsSync(secondsFile) ? Number(fs.readFileSync(secondsFile, 'utf8')) : 0;
  rows.push({ run: f.replace(/\.json$/, ''), passed: r.numPassedTests, failed: r.numFailedTests + broken, skipped: r.numPendingTests ?? 0, seconds });
}
const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed }), { passed: 0, failed: 0 });
fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ ...total, runs: rows }, null, 2));
console.log('| run | passed | failed | skipped | seconds |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.run} | ${r.passed} | ${r.failed} | ${r.skipped} | ${r.seconds} |`);
console.log(`matrix: ${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed > 0 ? 1 : 0;
JS

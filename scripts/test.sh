#!/usr/bin/env bash
# `npm test`: the whole suite. Unit tests need nothing; integration tests start real daprd sidecars
# and the services against the local PostgreSQL and Redis (started here if they are not answering).
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/setup-dapr.sh
bash scripts/ensure-servers.sh postgres redis
bash scripts/ensure-tools.sh
# Build first: the benchmark's sources are type-checked against the built testkit.
npm run --silent build
npm run --silent lint
mkdir -p .tmp
exec npx jest --ci --runInBand --json --outputFile=.tmp/jest-results.json "$@"

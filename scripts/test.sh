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
npm run --silent lint
npm run --silent build
mkdir -p .tmp
exec npx jest --ci --runInBand --json --outputFile=.tmp/jest-results.json "$@"

#!/usr/bin/env bash
# `npm start`: everything that exists, from a fresh clone — dependencies, the Dapr runtime, the local
# servers, a build — then every service of dapr/run.yaml with its sidecar. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/setup-dapr.sh
bash scripts/ensure-servers.sh postgres redis
npm run --silent build
exec node packages/testkit/dist/runner.js

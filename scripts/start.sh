#!/usr/bin/env bash
# `npm start`: everything that exists, from a fresh clone — dependencies, the Dapr runtime, the local
# servers, a build — then every service of dapr/run.yaml with its sidecar. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/setup-dapr.sh
# The servers of the profile in use (DAPR_PROFILE, default redis): PostgreSQL and Redis always.
case "${DAPR_PROFILE:-redis}" in
  rabbitmq) extra=(rabbitmq) ;;
  nats) extra=(nats mariadb) ;;
  mqtt) extra=(mosquitto) ;;
  *) extra=() ;;
esac
bash scripts/ensure-servers.sh postgres redis "${extra[@]}"
npm run --silent build
exec node packages/testkit/dist/runner.js

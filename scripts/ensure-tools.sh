#!/usr/bin/env bash
# Tools the deployment tests (test/deploy) need besides Node and the Dapr runtime:
#   promtool  unit-tests the alerting rules; comes with Debian's `prometheus` package, installed here
#             when missing. Only the tool is wanted: the package's server is never started.
#   kubectl   renders the kustomize overlays (kubectl kustomize); must already be installed (>= 1.27).
#   go        downloads the Dapr module whose CRDs validate the Dapr objects (scripts/setup-dapr.sh
#             needs it too); must already be installed.
# usage: scripts/ensure-tools.sh           install what can be installed, then check everything
#        scripts/ensure-tools.sh --check   only check, install nothing (exit 1 naming what is missing)
set -uo pipefail

log() { printf '[ensure-tools] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else return 1; fi
}

install_promtool() {
  have apt-get || { log "promtool is missing and apt-get is not available: install Prometheus' promtool yourself"; return 1; }
  log "promtool is missing; installing Debian's prometheus package (the server is not started)"
  # Debian maintainer scripts start services through invoke-rc.d, which asks policy-rc.d first: 101 means
  # "do not start". One is put in place only for this install, and only if the machine has none.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && created=1
  fi
  local status=0 out
  out=$(mktemp)
  as_root apt-get update -qq >"$out" 2>&1 || status=$?
  # No recommends: they would bring (and start) prometheus-node-exporter.
  [ $status = 0 ] && { as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends prometheus \
    >>"$out" 2>&1 || status=$?; }
  [ $created = 1 ] && as_root rm -f "$policy"
  [ $status = 0 ] || tail -n 20 "$out" >&2
  rm -f "$out"
  return $status
}

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

if ! have promtool && [ $check_only = 0 ]; then
  install_promtool || log "installing promtool failed"
fi

missing=()
have promtool || missing+=("promtool (Debian: apt-get install --no-install-recommends prometheus)")
have kubectl || missing+=("kubectl >= 1.27 (https://kubernetes.io/docs/tasks/tools/)")
have go || missing+=("go (https://go.dev/dl/; scripts/setup-dapr.sh needs it as well)")

if [ ${#missing[@]} -gt 0 ]; then
  for m in "${missing[@]}"; do log "missing: $m"; done
  exit 1
fi
log "promtool $(promtool --version 2>&1 | sed -n 's/^promtool, version \([^ ]*\).*/\1/p'), kubectl $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p'), $(go version | cut -d' ' -f3)"

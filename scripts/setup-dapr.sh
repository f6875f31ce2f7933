#!/usr/bin/env bash
# Installs a matched Dapr runtime (daprd, placement, scheduler) and the Dapr CLI into ~/.dapr/bin,
# built from the official Go modules. Idempotent: a matching install is reused in well under a second.
#
# Why build from source: the runtime's go.mod carries replace directives, so `go install …@version` is
# refused; we build inside the downloaded (read-only) module directory instead, with the Makefile's
# ldflags so `daprd --version` prints the pinned version. The flavour is `allcomponents`, the only one
# that has JetStream pub/sub and SQLite name resolution.
set -euo pipefail

# v1.18.3 is newer, but three of its dependencies (a pulsar-client fork, an avro fork and durabletask-go
# v0.12.4) are not served by every module proxy; v1.18.2 resolves completely.
DAPR_VERSION="${DAPR_VERSION:-1.18.2}"        # runtime, matches @dapr/dapr 3.18 in package.json
DAPR_CLI_VERSION="${DAPR_CLI_VERSION:-1.18.0}" # CLI, same minor
BIN="${DAPR_BIN:-$HOME/.dapr/bin}"

log() { printf '[setup-dapr] %s\n' "$*" >&2; }

installed_version() { # prints the version a binary reports, or nothing
  [ -x "$1" ] || return 0
  "$1" --version 2>/dev/null | head -n1 | tr -d '[:space:]' || true
}

need_runtime=0
for b in daprd placement scheduler; do
  v=$(installed_version "$BIN/$b")
  if [ "$v" != "$DAPR_VERSION" ]; then need_runtime=1; log "$b: found '${v:-none}', want $DAPR_VERSION"; fi
done
cli_v=$("$BIN/dapr" --version 2>/dev/null | sed -n 's/^CLI version: *//p' | head -n1 || true)
need_cli=0
[ "$cli_v" = "$DAPR_CLI_VERSION" ] || { need_cli=1; log "dapr CLI: found '${cli_v:-none}', want $DAPR_CLI_VERSION"; }

if [ $need_runtime = 0 ] && [ $need_cli = 0 ]; then
  log "Dapr $DAPR_VERSION (CLI $DAPR_CLI_VERSION) already in $BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
[setup-dapr] Go is not installed, so the Dapr runtime cannot be built here.
  Either install Go (>= the version in github.com/dapr/dapr@v$DAPR_VERSION's go.mod) and run this again,
  or install the Dapr CLI from its release page and run 'dapr init --slim --runtime-version $DAPR_VERSION',
  which downloads prebuilt daprd, placement and scheduler into ~/.dapr/bin.
MSG
  exit 1
fi

mkdir -p "$BIN"
start=$(date +%s)

if [ $need_runtime = 1 ]; then
  log "downloading github.com/dapr/dapr@v$DAPR_VERSION"
  dir=$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { log "module download failed"; exit 1; }
  ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION \
    -X github.com/dapr/dapr/pkg/buildinfo.gitversion=v$DAPR_VERSION \
    -X github.com/dapr/dapr/pkg/buildinfo.gitcommit=module-v$DAPR_VERSION"
  for b in placement scheduler daprd; do
    log "building $b (tags: allcomponents); the first build takes several minutes"
    build_log=$(mktemp)
    if ! (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -v -tags allcomponents -ldflags "$ldflags" \
      -o "$BIN/$b.tmp" "./cmd/$b") 2>&1 | tee "$build_log" |
      awk '{ n++; if (n % 250 == 0) printf "[setup-dapr]   %d packages compiled…\n", n > "/dev/stderr" }'; then
      log "building $b failed; the last lines of the build:"; tail -n 30 "$build_log" >&2; exit 1
    fi
    rm -f "$build_log"
    mv "$BIN/$b.tmp" "$BIN/$b"
  done
fi

if [ $need_cli = 1 ]; then
  log "building the Dapr CLI github.com/dapr/cli@v$DAPR_CLI_VERSION"
  tmp=$(mktemp -d)
  GOBIN="$tmp" CGO_ENABLED=0 go install \
    -ldflags "-s -w -X main.version=$DAPR_CLI_VERSION -X main.apiVersion=1.0 -X main.runtimeVersion=$DAPR_VERSION" \
    "github.com/dapr/cli@v$DAPR_CLI_VERSION"
  mv "$tmp/cli" "$BIN/dapr"
  rm -rf "$tmp"
fi

for b in daprd placement scheduler; do
  v=$(installed_version "$BIN/$b")
  [ "$v" = "$DAPR_VERSION" ] || { log "$b reports '$v' after the build, want $DAPR_VERSION"; exit 1; }
done
log "Dapr $DAPR_VERSION ready in $BIN ($(( $(date +%s) - start ))s)"

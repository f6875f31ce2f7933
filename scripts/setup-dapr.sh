#!/usr/bin/env bash
# Installs a matched Dapr runtime (daprd, placement, scheduler, sentry) and the Dapr CLI into ~/.dapr/bin,
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

STAMP="$BIN/.shop-runtime-version"       # written after sentry, placement, scheduler and daprd all built
CLI_MISSING="$BIN/.shop-cli-unavailable"  # the CLI module could not be fetched; do not retry every run

daprd_version() { [ -x "$BIN/daprd" ] && "$BIN/daprd" --version 2>/dev/null | head -n1 | tr -d '[:space:]' || true; }

need_runtime=0
v=$(daprd_version)
if [ "$v" != "$DAPR_VERSION" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$DAPR_VERSION" ] ||
  [ ! -x "$BIN/placement" ] || [ ! -x "$BIN/scheduler" ] || [ ! -x "$BIN/sentry" ]; then
  need_runtime=1
  log "runtime: found daprd '${v:-none}', want $DAPR_VERSION (daprd, placement, scheduler, sentry)"
fi
cli_v=$("$BIN/dapr" --version 2>/dev/null | sed -n 's/^CLI version: *//p' | head -n1 || true)
need_cli=0
if [ "$cli_v" != "$DAPR_CLI_VERSION" ] && [ "$(cat "$CLI_MISSING" 2>/dev/null)" != "$DAPR_CLI_VERSION" ]; then
  need_cli=1
  log "dapr CLI: found '${cli_v:-none}', want $DAPR_CLI_VERSION"
fi

if [ $need_runtime = 0 ] && [ $need_cli = 0 ]; then
  log "Dapr runtime $DAPR_VERSION ready in $BIN${cli_v:+ (CLI $cli_v)}"
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
  for b in sentry placement scheduler daprd; do
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

if [ $need_runtime = 1 ]; then
  [ "$(daprd_version)" = "$DAPR_VERSION" ] || { log "daprd reports '$(daprd_version)' after the build, want $DAPR_VERSION"; exit 1; }
  echo "$DAPR_VERSION" > "$STAMP"
fi

# The CLI is optional: `npm start` runs dapr/run.yaml with the repository's own runner. It is needed
# only for `dapr run -f dapr/run.yaml`, so a CLI that cannot be fetched is a warning, not a failure.
if [ $need_cli = 1 ]; then
  log "building the Dapr CLI github.com/dapr/cli@v$DAPR_CLI_VERSION"
  tmp=$(mktemp -d)
  if GOBIN="$tmp" CGO_ENABLED=0 go install \
    -ldflags "-s -w -X main.version=$DAPR_CLI_VERSION -X main.apiVersion=1.0 -X main.runtimeVersion=$DAPR_VERSION" \
    "github.com/dapr/cli@v$DAPR_CLI_VERSION" 2>"$tmp/err"; then
    mv "$tmp/cli" "$BIN/dapr"
    rm -f "$CLI_MISSING"
  else
    log "the Dapr CLI could not be built ($(tail -n 2 "$tmp/err" | tr '\n' ' '))"
    log "npm start and npm test do not need it; for 'dapr run -f', install the CLI from its release page"
    echo "$DAPR_CLI_VERSION" > "$CLI_MISSING"
  fi
  rm -rf "$tmp"
fi

log "Dapr runtime $DAPR_VERSION ready in $BIN ($(( $(date +%s) - start ))s)"

#!/usr/bin/env bash
# Builds Toxiproxy's server (the TCP fault proxy of the network chaos scenarios) into
# .tmp/toxiproxy/bin/toxiproxy-server with `go install` from the Go module proxy (about a minute
# on 2 cores the first time). Idempotent: an existing binary of the pinned version returns at once.
# Prints the binary's path on its last line. Env: TOXIPROXY_VERSION overrides the pin.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${TOXIPROXY_VERSION:-2.5.0}"
bin_dir="$PWD/.tmp/toxiproxy/bin"
binary="$bin_dir/toxiproxy-server"
stamp="$bin_dir/.version"

if [[ -x $binary && -f $stamp && "$(cat "$stamp")" == "$version" ]]; then
  echo "$binary"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "setup-toxiproxy: Go is needed to build Toxiproxy (go install); none on PATH" >&2
  exit 1
fi
mkdir -p "$bin_dir"
echo "setup-toxiproxy: building toxiproxy v$version with $(go version)" >&2
# `server` is the package's directory; go install names the binary after it, so rename it.
GOBIN="$bin_dir" go install "github.com/Shopify/toxiproxy/v2/cmd/server@v$version"
mv "$bin_dir/server" "$binary"
echo "$version" >"$stamp"
echo "$binary"

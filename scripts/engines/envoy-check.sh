#!/usr/bin/env bash
# Builds the Envoy bootstrap checker (test/engines/envoy: strict protojson parsing
# and protoc-gen-validate rules with the protos of
# github.com/envoyproxy/go-control-plane/envoy at the pinned Envoy minor) from the
# Go module proxy, once per machine, into a cache outside the repository. The
# cache entry is keyed by a hash of the checker's go.mod, go.sum and Go sources,
# so any change rebuilds it; go.sum must be complete (-mod=readonly: the build never
# edits the repository). Prints the path of the binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

src=test/engines/envoy
[ -f "$src/go.mod" ] || { echo "envoy-check.sh: $src/go.mod not found" >&2; exit 1; }

module=$(sed -n 's/^[[:space:]]*github.com\/envoyproxy\/go-control-plane\/envoy \(v[0-9.]*\).*/\1/p' "$src/go.mod" | head -n 1)
[ -n "$module" ] || { echo "envoy-check.sh: go-control-plane/envoy not required in $src/go.mod" >&2; exit 1; }

key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)
cache="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}/envoy-check-$module-$key"
bin="$cache/envoy-check"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "envoy-check.sh: Go is needed to build the Envoy checker (go.dev/dl, >= 1.26)" >&2; exit 1; }
mkdir -p "$cache"
echo "envoy-check.sh: building the Envoy checker (go-control-plane/envoy $module) from the Go module proxy (about 1.5 min on 2 cores the first time)" >&2
(cd "$src" && GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -o "$bin.tmp.$$" .)
mv "$bin.tmp.$$" "$bin"
echo "$bin"

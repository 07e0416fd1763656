#!/usr/bin/env bash
# Builds the Kyverno CLI at the version the library deploys (PinnedVersions.KYVERNO)
# from the Go module proxy, once per machine, into a cache outside the repository.
# Prints the path of the binary. A `kyverno` already on PATH is used when its
# version matches the pin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version=$(sed -n "s/.*KYVERNO = '\(v[0-9.]*\)'.*/\1/p" src/versions.ts)
[ -n "$version" ] || { echo "kyverno.sh: PinnedVersions.KYVERNO not found in src/versions.ts" >&2; exit 1; }

# The version output is read whole before grep (grep -q would close the pipe early:
# SIGPIPE and, with pipefail, a spurious mismatch that rebuilds the CLI).
if command -v kyverno >/dev/null 2>&1 && grep -Eqx "Version: v?${version#v}" <<<"$(kyverno version 2>/dev/null)"; then
  command -v kyverno
  exit 0
fi

cache="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}/kyverno-$version"
bin="$cache/kubectl-kyverno"
if [ -x "$bin" ] && grep -qx "Version: $version" <<<"$("$bin" version 2>/dev/null)"; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "kyverno.sh: Go is needed to build the Kyverno CLI $version (go.dev/dl, >= 1.25)" >&2; exit 1; }
mkdir -p "$cache"
echo "kyverno.sh: building the Kyverno CLI $version from the Go module proxy (5 to 20 min on 2 cores the first time, depending on load)" >&2
# `go install` refuses the module (its go.mod has replace directives): download the
# module source and build the CLI package inside it.
dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/kyverno/kyverno@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "kyverno.sh: module download failed" >&2; exit 1; }
src="$cache/src"
rm -rf "$src"
cp -r "$dir" "$src"
chmod -R u+w "$src"
(cd "$src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=$version" -o "$bin.tmp" ./cmd/cli/kubectl-kyverno)
mv "$bin.tmp" "$bin"
rm -rf "$src"
echo "$bin"

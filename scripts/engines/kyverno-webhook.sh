#!/usr/bin/env bash
# Builds Kyverno's admission controller (github.com/kyverno/kyverno/cmd/kyverno) at the
# version the library deploys (PinnedVersions.KYVERNO) from the Go module proxy, once per
# machine, into a cache outside the repository, next to its CRDs from the same module.
# Prints the cache directory: `kyverno` (the binary) and `crds/` (every CRD it serves).
#
# `go install` refuses the module (its go.mod has a replace directive), so it is built
# through a throwaway wrapper module that requires it and repeats that one replace
# (k8s.io/pod-security-admission to Kyverno's fork).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version=$(sed -n "s/.*KYVERNO = '\(v[0-9.]*\)'.*/\1/p" src/versions.ts)
[ -n "$version" ] || { echo "kyverno-webhook.sh: PinnedVersions.KYVERNO not found in src/versions.ts" >&2; exit 1; }

cache="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}/kyverno-$version"
bin="$cache/kyverno"
stamp="$cache/kyverno.version"
ok() { [ -x "$bin" ] && [ -d "$cache/crds" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; }
if ok; then
  echo "$cache"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "kyverno-webhook.sh: Go is needed to build Kyverno $version (go.dev/dl, >= 1.25)" >&2; exit 1; }
mkdir -p "$cache"
# Two test workers may call this at the same time: one builds, the others wait.
exec 9>"$cache/.webhook.lock"
flock 9
if ok; then
  echo "$cache"
  exit 0
fi

echo "kyverno-webhook.sh: building Kyverno $version's admission controller from the Go module proxy (10 to 30 min on 2 cores the first time, depending on load)" >&2
export CGO_ENABLED=0 GOFLAGS=-mod=mod
info=$(go mod download -json "github.com/kyverno/kyverno@$version")
dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$info")
gomod=$(sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p' <<<"$info")
if [ ! -d "$dir" ] || [ ! -f "$gomod" ]; then
  echo "kyverno-webhook.sh: download of github.com/kyverno/kyverno@$version failed" >&2
  exit 1
fi
psa=$(grep -E '^replace k8s\.io/pod-security-admission => ' "$gomod" || true)
[ -n "$psa" ] || { echo "kyverno-webhook.sh: Kyverno's go.mod no longer replaces k8s.io/pod-security-admission: review the wrapper" >&2; exit 1; }
[ "$(grep -c '^replace ' "$gomod")" = 1 ] || { echo "kyverno-webhook.sh: Kyverno's go.mod has more than one replace: review the wrapper" >&2; exit 1; }
go_version=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'module kyverno-webhook\n\ngo %s\n\nrequire github.com/kyverno/kyverno %s\n\n%s\n' "$go_version" "$version" "$psa" > "$work/go.mod"
(
  cd "$work"
  nice -n 10 go build -trimpath -ldflags "-X github.com/kyverno/kyverno/pkg/version.BuildVersion=$version" \
    -o "$bin.tmp" github.com/kyverno/kyverno/cmd/kyverno
)
rm -rf "$cache/crds"
mkdir -p "$cache/crds"
for f in "$dir"/config/crds/*/*.yaml; do cp "$f" "$cache/crds/"; done
chmod -R u+w "$cache/crds"
mv "$bin.tmp" "$bin"
echo "$version" > "$stamp"
echo "$cache"

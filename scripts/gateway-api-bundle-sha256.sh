#!/usr/bin/env bash
# Prints the SHA-256 of a Gateway API release's standard-install.yaml, rebuilt
# from the release's Go module source: `go mod download` fetches
# sigs.k8s.io/gateway-api@<version> from the Go module proxy and verifies it
# against the Go checksum database (sum.golang.org), then the release's own
# hack/build-install-yaml.sh builds the bundle in a temporary copy. For v1.5.1
# this reproduces PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256 byte for
# byte. The installer Job still checks the downloaded asset against the value at
# deploy time, so a wrong value stops the install; it never applies other content.
#
# Usage: scripts/gateway-api-bundle-sha256.sh v1.6.3 [v1.7.0 ...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <version> [<version> ...]" >&2; exit 2; }
command -v go >/dev/null 2>&1 || { echo "gateway-api-bundle-sha256.sh: Go is needed (go.dev/dl)" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
for version in "$@"; do
  [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "gateway-api-bundle-sha256.sh: '$version' is not a release (vX.Y.Z)" >&2; exit 2; }
  json=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@$version" || true)
  field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$json"; }
  zip=$(field Zip) sum=$(field Sum)
  # Newer releases require a newer Go for building, not for downloading: the zip is fetched and checked all the same.
  [ -n "$zip" ] && [ -n "$sum" ] || { echo "gateway-api-bundle-sha256.sh: cannot download sigs.k8s.io/gateway-api@$version: $(field Error)" >&2; exit 1; }
  curl -fsS "https://proxy.golang.org/sumdb/sum.golang.org/lookup/sigs.k8s.io/gateway-api@$version" | grep -qxF "sigs.k8s.io/gateway-api $version $sum" ||
    { echo "gateway-api-bundle-sha256.sh: $version: $sum is not the checksum database's entry" >&2; exit 1; }
  copy="$work/$version"
  mkdir -p "$copy" && (cd "$copy" && unzip -q "$zip")
  copy="$copy/sigs.k8s.io/gateway-api@$version"
  (cd "$copy" && OSTYPE=linux-gnu bash hack/build-install-yaml.sh >/dev/null)
  echo "$version $(sha256sum < "$copy/release/standard-install.yaml" | cut -d' ' -f1)"
done

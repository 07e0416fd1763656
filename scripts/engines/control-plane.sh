#!/usr/bin/env bash
# Builds a Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) at the
# library's default Kubernetes minor from the Go module proxy, once per machine, into a
# cache outside the repository. Prints the cache directory, which holds the three binaries.
#
# `go install` refuses k8s.io/kubernetes and etcd's server module (their go.mod files
# replace sibling modules with local paths), so each is built through a throwaway wrapper
# module in a temporary directory that requires the module and, for Kubernetes, replaces
# every staging module with its published v0.Y.Z.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# Pins. KUBERNETES must stay on the minor LatticeEksCluster deploys by default.
readonly DEFAULT_KUBERNETES=v1.35.4
readonly ETCD=v3.6.17
# Another version (an optional first argument, or CDK_LATTICE_EKS_KUBERNETES), e.g. v1.36.3 to test
# features of a newer minor; each version gets its own cache directory.
readonly KUBERNETES="${1:-${CDK_LATTICE_EKS_KUBERNETES:-$DEFAULT_KUBERNETES}}"
[[ "$KUBERNETES" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { echo "control-plane.sh: '$KUBERNETES' is not a Kubernetes release like v1.36.3" >&2; exit 1; }

default_minor=$(sed -n 's/.*props\.version ?? eks\.KubernetesVersion\.V1_\([0-9]*\).*/\1/p' src/cluster/lattice-eks-cluster.ts 2>/dev/null | head -1)
minor=$(echo "$KUBERNETES" | cut -d. -f2)
if [ "$KUBERNETES" = "$DEFAULT_KUBERNETES" ] && [ -n "$default_minor" ] && [ "$default_minor" != "$minor" ]; then
  echo "control-plane.sh: the library's default Kubernetes is 1.$default_minor but this script pins $KUBERNETES: move the pin" >&2
  exit 1
fi

cache="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}/control-plane-$KUBERNETES"
# Outputs are read whole before grep: grep -q closing the pipe early would fail the check under pipefail.
k8s_ok() { [ -x "$cache/$1" ] && grep -qx "Kubernetes $KUBERNETES" <<<"$("$cache/$1" --version 2>/dev/null)"; }
etcd_ok() { [ -x "$cache/etcd" ] && grep -qx "etcd Version: ${ETCD#v}" <<<"$("$cache/etcd" --version 2>/dev/null)"; }

if k8s_ok kube-apiserver && k8s_ok kube-controller-manager && etcd_ok; then
  echo "$cache"
  exit 0
fi

command -v go >/dev/null 2>&1 || { echo "control-plane.sh: Go is needed to build the control plane $KUBERNETES (go.dev/dl, >= 1.25)" >&2; exit 1; }
mkdir -p "$cache"
# Two test workers may call this at the same time: one builds, the others wait.
exec 9>"$cache/.lock"
flock 9
if k8s_ok kube-apiserver && k8s_ok kube-controller-manager && etcd_ok; then
  echo "$cache"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOFLAGS=-mod=mod

if ! etcd_ok; then
  echo "control-plane.sh: building etcd $ETCD from the Go module proxy" >&2
  mkdir -p "$work/etcd"
  (
    cd "$work/etcd"
    printf 'module control-plane/etcd\n\ngo 1.25\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD" > go.mod
    go build -trimpath -o "$cache/etcd.tmp" go.etcd.io/etcd/server/v3
  )
  mv "$cache/etcd.tmp" "$cache/etcd"
fi

if ! k8s_ok kube-apiserver || ! k8s_ok kube-controller-manager; then
  echo "control-plane.sh: building kube-apiserver and kube-controller-manager $KUBERNETES from the Go module proxy (5 to 15 min on 2 cores the first time, depending on load)" >&2
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || { echo "control-plane.sh: download of k8s.io/kubernetes@$KUBERNETES failed" >&2; exit 1; }
  staging_version="v0.${KUBERNETES#v1.}"
  mkdir -p "$work/k8s"
  {
    printf 'module control-plane/kubernetes\n\ngo 1.25\n\nrequire k8s.io/kubernetes %s\n\n' "$KUBERNETES"
    # One replace per staging module of k8s.io/kubernetes's go.mod, to its published version.
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#replace \1 => \1 '"$staging_version"'#p' "$gomod"
  } > "$work/k8s/go.mod"
  grep -q '^replace k8s.io/apimachinery ' "$work/k8s/go.mod" || { echo "control-plane.sh: no staging modules found in $gomod" >&2; exit 1; }
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$now"
  done
  mkdir -p "$work/bin"
  (
    cd "$work/k8s"
    go build -trimpath -ldflags "$ldflags" -o "$work/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  )
  mv "$work/bin/kube-apiserver" "$work/bin/kube-controller-manager" "$cache/"
fi

if ! { k8s_ok kube-apiserver && k8s_ok kube-controller-manager && etcd_ok; }; then
  echo "control-plane.sh: the built binaries do not report $KUBERNETES / etcd $ETCD" >&2
  exit 1
fi
echo "$cache"

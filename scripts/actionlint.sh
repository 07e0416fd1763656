#!/usr/bin/env bash
# Lints the GitHub Actions workflows that projen generates (.github/workflows/)
# with actionlint, built once per machine from the Go module proxy into a cache
# outside the repository (CDK_LATTICE_EKS_TOOLS, default ~/.cache/cdk-lattice-eks).
# actionlint also runs shellcheck on every `run:` script: the pinned shellcheck of
# scripts/dev-tools.sh is put first on PATH.
#
#   bash scripts/actionlint.sh            # lint .github/workflows/*.yml
#   bash scripts/actionlint.sh --path     # build if needed, print the binary's path
#
# Without Go it prints one line and exits 0; with CI=true a missing Go fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The newest actionlint the Go module proxy serves that builds with Go 1.26.
readonly version="v1.7.12"

cache="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}/actionlint-${version}"
bin="${cache}/actionlint"

# The version output is read whole first: an early-closing pipe would fail the check under pipefail.
if ! { [ -x "$bin" ] && [ "$("$bin" -version 2>/dev/null | head -n 1)" = "$version" ]; }; then
  if ! command -v go >/dev/null 2>&1; then
    if [[ "${CI:-}" =~ ^(true|1)$ ]]; then
      echo "actionlint.sh: Go is needed to build actionlint ${version} (required with CI=true)" >&2
      exit 1
    fi
    echo "SKIPPED workflow lint: Go is needed to build actionlint ${version} (go.dev/dl)"
    exit 0
  fi
  mkdir -p "$cache"
  echo "actionlint.sh: building actionlint ${version} from the Go module proxy (about 40 s the first time)" >&2
  GOBIN="${cache}/.gobin" CGO_ENABLED=0 go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@${version}" >&2
  mv "${cache}/.gobin/actionlint" "$bin"
  rmdir "${cache}/.gobin"
fi

if [[ "${1:-}" == "--path" ]]; then
  echo "$bin"
  exit 0
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#workflows[@]} -eq 0 ]]; then
  echo "actionlint.sh: no workflow under .github/workflows" >&2
  exit 1
fi
PATH="$(bash scripts/dev-tools.sh --path)"
export PATH
"$bin" -no-color "${workflows[@]}"
echo "actionlint ${version}: ${#workflows[@]} workflows, no findings (shellcheck $(shellcheck --version | sed -n 's/^version: //p'))"

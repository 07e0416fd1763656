#!/usr/bin/env bash
# Runs the Java consumer tests against the jar that jsii-pacmak left in
# dist/java (used as a file-based Maven repository).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../../.." && pwd)"
version="$(node -p "require('${root}/package.json').version")"
# Maven caches artifacts by version: drop any copy of a previous build so the
# jar under test is the one just built.
rm -rf "${HOME}/.m2/repository/io/github/cdklatticeeks/cdk-lattice-eks"
cd "${here}"
mvn --batch-mode --no-transfer-progress -Dlattice.version="${version}" \
  -Ddist.repo="file://${root}/dist/java" test

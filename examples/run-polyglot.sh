#!/usr/bin/env bash
# Synthesizes the cross-cluster example in Python and Java with the packages
# that jsii-pacmak left in dist/ (`npx projen package-all`), then compares
# their templates with the TypeScript example's
# (examples/cross-cluster/cdk.out: run `npx projen synth:example` first).
#
#   bash examples/run-polyglot.sh            # property differences are listed
#   bash examples/run-polyglot.sh --strict   # ... and fail too
#
# Writes examples/python/.venv, examples/python/cdk.out, examples/java/target
# and examples/java/cdk.out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/.." && pwd)"

if ! compgen -G "${here}/cross-cluster/cdk.out/*.template.json" > /dev/null; then
  echo "examples/cross-cluster/cdk.out has no templates: run 'npx projen synth:example' first" >&2
  exit 1
fi
shopt -s nullglob
wheels=("${root}"/dist/python/cdk_lattice_eks-*.whl)
shopt -u nullglob
if [[ ${#wheels[@]} -ne 1 || ! -d "${root}/dist/java" ]]; then
  echo "need exactly one dist/python/cdk_lattice_eks-*.whl and dist/java: run 'npx projen package-all' first" >&2
  exit 1
fi

timings=()
started=${SECONDS}
step_start=${SECONDS}
finish_step() {
  timings+=("$1: $((SECONDS - step_start))s")
  step_start=${SECONDS}
}

cd "${root}"
echo "== Python: fresh venv with ${wheels[0]#"${root}/"} + examples/python/requirements.txt"
rm -rf examples/python/.venv examples/python/cdk.out
python3 -m venv examples/python/.venv
examples/python/.venv/bin/pip install --quiet --disable-pip-version-check "${wheels[0]}" -r examples/python/requirements.txt
finish_step "python install"
CDK_OUTDIR=examples/python/cdk.out PYTHONDONTWRITEBYTECODE=1 examples/python/.venv/bin/python examples/python/app.py
finish_step "python synth"

echo "== Java: dist/java as a file repository"
version="$(node -p "require('./package.json').version")"
# Maven caches artifacts by version: drop any copy of a previous build so the
# jar used is the one just built.
rm -rf "${HOME}/.m2/repository/io/github/cdklatticeeks/cdk-lattice-eks"
rm -rf examples/java/cdk.out
mvn_args=(--batch-mode --no-transfer-progress --quiet -Dstyle.color=never -f examples/java/pom.xml
  -Dlattice.version="${version}" -Ddist.repo="file://${root}/dist/java")
mvn "${mvn_args[@]}" compile
finish_step "java compile"
CDK_OUTDIR=examples/java/cdk.out mvn "${mvn_args[@]}" exec:java
finish_step "java synth"

echo "== Compare with the TypeScript templates"
status=0
npx ts-node --transpile-only --project tsconfig.dev.json examples/compare-templates.ts "$@" || status=$?
finish_step "compare"

printf -v summary '%s, ' "${timings[@]}"
echo "== Timings: ${summary%, }; total $((SECONDS - started))s"
exit "${status}"

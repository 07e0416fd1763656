#!/usr/bin/env bash
# Installs the freshly built wheel (and aws-cdk-lib from PyPI) into a new
# virtualenv and runs the Python consumer tests against it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../../.." && pwd)"
wheel="$(find "${root}/dist/python" -name "cdk_lattice_eks-*.whl" | head -n 1)"
venv="${here}/.venv"
rm -rf "${venv}"
python3 -m venv "${venv}"
"${venv}/bin/pip" install --quiet --disable-pip-version-check "${wheel}" pytest
cd "${here}"
"${venv}/bin/python" -m pytest -q -p no:cacheprovider test_consumer.py test_multi_account.py test_offline_workload.py test_existing_cluster.py

#!/usr/bin/env bash
# Publish rehearsal: publishes the packages under dist/ (`npx projen package-all`) to
# throwaway registries on loopback with the ordinary clients, then installs
# cdk-lattice-eks BY NAME AND VERSION into fresh TypeScript, Python and Java CDK apps
# and synthesizes a stack with each (scripts/publish-rehearsal/: the apps).
#
#   npm    verdaccio (scripts/publish-rehearsal/verdaccio: pinned with its lockfile),
#          `npm publish`; the app runs `npm install cdk-lattice-eks@<version>` against
#          it, and verdaccio proxies every other package to the npm registry that npm
#          is configured with. aws-cdk-lib and constructs come in as peer dependencies.
#   PyPI   pypiserver, `twine check` + `twine upload`; the app runs
#          `pip install --index-url <local> cdk-lattice-eks==<version>`, and pypiserver
#          redirects every other project to PyPI. aws-cdk-lib and constructs come from
#          the wheel's requirements; `pip check` must pass.
#   Maven  a file repository, `mvn deploy:deploy-file` with the POM, sources and javadoc;
#          the app's POM names only io.github.cdklatticeeks:cdk-lattice-eks:<version>
#          (aws-cdk-lib and constructs come from the published POM), Maven Central for
#          the rest. Before publishing, the POM is checked for what Maven Central requires.
#
# Each install is checked to come from the rehearsal's registry (the npm lockfile's
# integrity, pip's install report, Maven's _remote.repositories and the jar's hash
# match the files under dist/). The servers and all their data are removed on exit,
# and so is the rehearsal's copy of the version in ~/.m2.
#
# Registry servers and twine are installed once per machine into the tools cache
# (CDK_LATTICE_EKS_TOOLS, default ~/.cache/cdk-lattice-eks). Needs Node.js, Python 3
# with venv, a JDK 17+ with Maven, and the registries (npm, PyPI, Maven Central).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="${root}/scripts/publish-rehearsal"
cd "${root}"

# Pinned tools (PyPI; Maven Central). verdaccio is pinned in verdaccio/package-lock.json.
readonly PYPISERVER_VERSION="2.4.2"
readonly TWINE_VERSION="7.0.0"
readonly MAVEN_DEPLOY_PLUGIN="org.apache.maven.plugins:maven-deploy-plugin:3.1.4"

readonly name="cdk-lattice-eks"
readonly group_path="io/github/cdklatticeeks"
tools="${CDK_LATTICE_EKS_TOOLS:-$HOME/.cache/cdk-lattice-eks}"
version="$(node -p "require('./package.json').version")"
typescript_version="$(node -p "require('typescript/package.json').version")"

tgz="dist/js/${name}@${version}.jsii.tgz"
wheel="dist/python/cdk_lattice_eks-${version}-py3-none-any.whl"
sdist="dist/python/cdk_lattice_eks-${version}.tar.gz"
java_dir="dist/java/${group_path}/${name}/${version}"
for f in "${tgz}" "${wheel}" "${sdist}" "${java_dir}/${name}-${version}.jar" "${java_dir}/${name}-${version}.pom"; do
  [[ -f "${f}" ]] || { echo "publish-rehearsal: ${f} is missing: run 'npx projen package-all' first" >&2; exit 1; }
done

started=${SECONDS}
step_start=${SECONDS}
timings=()
finish_step() {
  timings+=("$1 $((SECONDS - step_start))s")
  step_start=${SECONDS}
}
say() { echo "== publish-rehearsal: $*"; }
fail() { echo "publish-rehearsal: $*" >&2; exit 1; }

# --- Tools (once per machine) ----------------------------------------------------------
lock_hash="$(cat "${here}/verdaccio/package.json" "${here}/verdaccio/package-lock.json" | sha256sum | cut -c1-12)"
verdaccio_dir="${tools}/verdaccio-${lock_hash}"
if [[ ! -f "${verdaccio_dir}/node_modules/verdaccio/package.json" ]]; then
  say "installing verdaccio (scripts/publish-rehearsal/verdaccio) into ${verdaccio_dir}"
  rm -rf "${verdaccio_dir}.tmp"
  mkdir -p "${verdaccio_dir}.tmp"
  cp "${here}/verdaccio/package.json" "${here}/verdaccio/package-lock.json" "${verdaccio_dir}.tmp/"
  npm ci --prefix "${verdaccio_dir}.tmp" --no-audit --no-fund --loglevel=error
  rm -rf "${verdaccio_dir}"
  mv "${verdaccio_dir}.tmp" "${verdaccio_dir}"
fi
pypi_venv="${tools}/pypiserver-${PYPISERVER_VERSION}-twine-${TWINE_VERSION}"
if [[ ! -x "${pypi_venv}/bin/pypi-server" || ! -x "${pypi_venv}/bin/twine" ]]; then
  say "installing pypiserver ${PYPISERVER_VERSION} and twine ${TWINE_VERSION} into ${pypi_venv}"
  rm -rf "${pypi_venv}"
  python3 -m venv "${pypi_venv}" || fail "'python3 -m venv' failed: install Python 3 with venv (Debian: python3-venv)"
  "${pypi_venv}/bin/pip" install --quiet --disable-pip-version-check \
    "pypiserver==${PYPISERVER_VERSION}" "twine==${TWINE_VERSION}"
fi
finish_step "tools"

# --- Throwaway registries on loopback ---------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/publish-rehearsal.XXXXXX")"
server_pids=()
# The rehearsal's copy of this version in the local Maven repository (removed before and after).
m2_copy="${HOME}/.m2/repository/${group_path}/${name}/${version}"
cleanup() {
  local status=$?
  for pid in "${server_pids[@]}"; do
    kill "${pid}" 2>/dev/null || true
  done
  for pid in "${server_pids[@]}"; do
    wait "${pid}" 2>/dev/null || true
  done
  rm -rf "${work}" "${m2_copy}" "${m2_copy%/*}/maven-metadata-publish-rehearsal.xml"
  # Maven Resolver notes when it last asked the rehearsal's repository: drop those lines.
  local status_file="${m2_copy%/*}/resolver-status.properties"
  if [[ -f "${status_file}" ]]; then
    sed -i '/publish-rehearsal/d' "${status_file}"
    grep -q '^[^#]' "${status_file}" || rm -f "${status_file}"
  fi
  rmdir "${m2_copy%/*}" "${m2_copy%/*/*}" 2>/dev/null || true
  exit "${status}"
}
trap cleanup EXIT
mkdir -p "${work}/npm-storage" "${work}/pypi" "${work}/maven" "${work}/apps"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# wait_http URL PID LOG: until URL answers 2xx (at most 60 s), or the server exits.
wait_http() {
  local i
  for ((i = 0; i < 120; i++)); do
    if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      cat "$3" >&2
      fail "the server for $1 exited"
    fi
    sleep 0.5
  done
  cat "$3" >&2
  fail "no answer from $1 after 60 s"
}

npm_port="$(free_port)"
npm_url="http://127.0.0.1:${npm_port}/"
upstream_npm="$(npm config get registry)"
cat > "${work}/verdaccio.yaml" <<EOF
storage: ${work}/npm-storage
auth:
  htpasswd:
    file: ${work}/htpasswd
    max_users: 1
uplinks:
  upstream:
    url: ${upstream_npm}
    timeout: 120s
packages:
  # Only the rehearsal's own package lives here: never proxied, never mixed with a
  # published one of the same name.
  '${name}':
    access: \$all
    publish: \$authenticated
  '**':
    access: \$all
    publish: \$authenticated
    proxy: upstream
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
EOF
node "${verdaccio_dir}/node_modules/verdaccio/bin/verdaccio" --config "${work}/verdaccio.yaml" \
  --listen "127.0.0.1:${npm_port}" > "${work}/verdaccio.log" 2>&1 &
server_pids+=($!)
npm_pid=$!

pypi_port="$(free_port)"
pypi_url="http://127.0.0.1:${pypi_port}/"
# -a . -P .: no authentication (loopback only, removed on exit); projects not uploaded
# here are redirected to PyPI (pypiserver's fallback).
"${pypi_venv}/bin/pypi-server" run -i 127.0.0.1 -p "${pypi_port}" -a . -P . \
  --health-endpoint /health "${work}/pypi" > "${work}/pypiserver.log" 2>&1 &
server_pids+=($!)
pypi_pid=$!

wait_http "${npm_url}-/ping" "${npm_pid}" "${work}/verdaccio.log"
wait_http "${pypi_url}health" "${pypi_pid}" "${work}/pypiserver.log"
say "npm registry ${npm_url} (uplink ${upstream_npm}), PyPI server ${pypi_url}, Maven repository file://${work}/maven"
finish_step "start"

# --- Publish with the ordinary clients ----------------------------------------------------
# npm: a user of the throwaway registry, then `npm publish` of the jsii tarball.
token="$(node -e '
  const [url, password] = process.argv.slice(1);
  fetch(url + "-/user/org.couchdb.user:rehearsal", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "rehearsal", password }),
  }).then(async (r) => {
    const body = await r.json();
    if (!r.ok || !body.token) { console.error(r.status, JSON.stringify(body)); process.exit(1); }
    console.log(body.token);
  });' "${npm_url}" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')")"
npmrc="${work}/npmrc"
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\nupdate-notifier=false\n' "${npm_url}" "${npm_port}" "${token}" > "${npmrc}"
npm publish "${tgz}" --userconfig "${npmrc}" --loglevel=warn
[[ "$(npm view "${name}@${version}" version --userconfig "${npmrc}")" == "${version}" ]] ||
  fail "npm view ${name}@${version} does not show the published version"

# PyPI: twine checks the metadata (long description, classifiers) and uploads both files.
"${pypi_venv}/bin/twine" --no-color check --strict "${wheel}" "${sdist}"
"${pypi_venv}/bin/twine" --no-color upload --non-interactive --disable-progress-bar \
  --repository-url "${pypi_url}" -u rehearsal -p rehearsal "${wheel}" "${sdist}"

# Maven: what Maven Central requires of a POM, then the jar with its POM, sources and javadoc.
pom="${java_dir}/${name}-${version}.pom"
python3 - "${pom}" <<'EOF'
import sys
import xml.etree.ElementTree as ET

ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(sys.argv[1]).getroot()
required = ["m:groupId", "m:artifactId", "m:version", "m:name", "m:description", "m:url",
            "m:licenses/m:license/m:name", "m:licenses/m:license/m:url", "m:scm/m:url", "m:scm/m:connection"]
missing = [p.replace("m:", "") for p in required if not (root.findtext(p, namespaces=ns) or "").strip()]
# A developer: a name, or (for an organization as author, as here) an organization.
if not any((d.findtext("m:name", namespaces=ns) or d.findtext("m:organization", namespaces=ns) or "").strip()
           for d in root.findall("m:developers/m:developer", ns)):
    missing.append("developers/developer (name or organization)")
if missing:
    sys.exit(f"publish-rehearsal: the POM lacks what Maven Central requires: {', '.join(missing)}")
deps = {d.findtext("m:artifactId", namespaces=ns): (d.findtext("m:version", namespaces=ns), d.findtext("m:scope", namespaces=ns) or "compile")
        for d in root.findall("m:dependencies/m:dependency", ns)}
print("POM dependencies: " + ", ".join(f"{a} {v} ({s})" for a, (v, s) in sorted(deps.items())))
EOF
deploy_args=(-Dfile="${java_dir}/${name}-${version}.jar" -DpomFile="${pom}")
for classifier in sources javadoc; do
  f="${java_dir}/${name}-${version}-${classifier}.jar"
  [[ -f "${f}" ]] || fail "${f} is missing (Maven Central requires ${classifier} jars)"
  deploy_args+=("-D${classifier}=${f}")
done
mvn --batch-mode --no-transfer-progress --quiet -Dstyle.color=never "${MAVEN_DEPLOY_PLUGIN}:deploy-file" "${deploy_args[@]}" \
  -Durl="file://${work}/maven" -DrepositoryId=publish-rehearsal
say "published ${name} ${version} to npm, PyPI and Maven"
finish_step "publish"

# --- Fresh apps that install the package by name and version --------------------------------
# check_synth DIR: the app wrote one template with the CA, the certificate, the zone and the
# service network.
check_synth() {
  node - "$1" <<'EOF'
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const file = path.join(dir, 'Rehearsal.template.json');
if (!fs.existsSync(file)) { console.error(`no ${file}`); process.exit(1); }
const types = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).Resources).map((r) => r.Type);
const want = ['AWS::ACMPCA::CertificateAuthority', 'AWS::CertificateManager::Certificate', 'AWS::Route53::HostedZone', 'AWS::VpcLattice::ServiceNetwork'];
const missing = want.filter((t) => !types.includes(t));
if (missing.length) { console.error(`${file} lacks ${missing.join(', ')}`); process.exit(1); }
console.log(`  ${types.length} resources, with ${want.join(', ')}`);
EOF
}

# TypeScript: npm resolves cdk-lattice-eks by name, and its peers (aws-cdk-lib, constructs).
ts_app="${work}/apps/typescript"
mkdir -p "${ts_app}"
cp "${here}/app.ts" "${here}/tsconfig.json" "${ts_app}/"
echo '{ "name": "rehearsal-typescript-app", "version": "1.0.0", "private": true }' > "${ts_app}/package.json"
say "TypeScript app: npm install ${name}@${version} typescript@${typescript_version}"
(cd "${ts_app}" && npm install --userconfig "${npmrc}" --no-audit --no-fund --loglevel=error \
  "${name}@${version}" "typescript@${typescript_version}")
node - "${ts_app}" "${tgz}" <<'EOF'
const fs = require('fs');
const crypto = require('crypto');
const [dir, tgz] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(`${dir}/package-lock.json`, 'utf8')).packages;
const own = lock['node_modules/cdk-lattice-eks'];
const sha = 'sha512-' + crypto.createHash('sha512').update(fs.readFileSync(tgz)).digest('base64');
if (own.integrity !== sha) { console.error(`installed cdk-lattice-eks ${own.integrity} is not ${tgz} (${sha})`); process.exit(1); }
for (const peer of ['aws-cdk-lib', 'constructs']) {
  const p = lock[`node_modules/${peer}`];
  if (!p || p.dev) { console.error(`peer dependency ${peer} was not installed`); process.exit(1); }
  console.log(`  ${peer} ${p.version} (peer range ${own.peerDependencies[peer]})`);
}
EOF
(cd "${ts_app}" && npm ls --all --userconfig "${npmrc}" > "${work}/npm-ls.txt") ||
  { cat "${work}/npm-ls.txt" >&2; fail "npm ls reports missing or invalid dependencies"; }
(cd "${ts_app}" && node_modules/.bin/tsc -p . && CDK_OUTDIR=cdk.out node app.js)
check_synth "${ts_app}/cdk.out"
finish_step "typescript"

# Python: pip resolves cdk-lattice-eks by name from the local index (everything else from
# PyPI through pypiserver's redirect); the install report names where each file came from.
py_app="${work}/apps/python"
mkdir -p "${py_app}"
cp "${here}/app.py" "${py_app}/"
say "Python app: pip install --index-url ${pypi_url}simple/ ${name}==${version}"
python3 -m venv "${py_app}/.venv"
"${py_app}/.venv/bin/pip" install --quiet --disable-pip-version-check --report "${work}/pip-report.json" \
  --index-url "${pypi_url}simple/" "${name}==${version}"
python3 - "${work}/pip-report.json" "${pypi_url}" "${wheel}" <<'EOF'
import hashlib
import json
import sys

report, index, wheel = sys.argv[1:]
installs = {i["metadata"]["name"].lower(): i for i in json.load(open(report))["install"]}
own = installs["cdk-lattice-eks"]
url = own["download_info"]["url"]
sha = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
if not url.startswith(index) or own["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256") != sha:
    sys.exit(f"publish-rehearsal: cdk-lattice-eks came from {url}, not {wheel} on {index}")
print(f"  Requires-Python {own['metadata'].get('requires_python')}; requires: " + "; ".join(own["metadata"].get("requires_dist", [])))
for dep in ("aws-cdk-lib", "constructs", "jsii"):
    print(f"  {dep} {installs[dep]['metadata']['version']}")
EOF
"${py_app}/.venv/bin/pip" check --disable-pip-version-check
(cd "${py_app}" && CDK_OUTDIR=cdk.out PYTHONDONTWRITEBYTECODE=1 .venv/bin/python app.py)
check_synth "${py_app}/cdk.out"
finish_step "python"

# Java: Maven resolves the coordinates from the rehearsal's repository (any copy of this
# version in ~/.m2 was dropped first), the rest from Maven Central.
java_app="${work}/apps/java"
cp -r "${here}/java" "${java_app}"
rm -rf "${m2_copy}"
say "Java app: io.github.cdklatticeeks:${name}:${version} from file://${work}/maven"
(cd "${java_app}" && CDK_OUTDIR=cdk.out mvn --batch-mode --no-transfer-progress --quiet -Dstyle.color=never \
  -Dlattice.version="${version}" -Drehearsal.repo="file://${work}/maven" compile exec:java)
grep -q '^cdk-lattice-eks-.*\.jar>publish-rehearsal=$' "${m2_copy}/_remote.repositories" ||
  fail "Maven did not resolve ${name} ${version} from the rehearsal repository"
cmp -s "${m2_copy}/${name}-${version}.jar" "${java_dir}/${name}-${version}.jar" ||
  fail "the jar Maven resolved differs from ${java_dir}/${name}-${version}.jar"
check_synth "${java_app}/cdk.out"
finish_step "java"

printf -v summary '%s, ' "${timings[@]}"
say "passed: npm, PyPI and Maven installs of ${name} ${version} by name synthesized (${summary%, }; total $((SECONDS - started))s)"

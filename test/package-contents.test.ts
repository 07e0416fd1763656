import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/**
 * Files `npm pack` would put in the tarball for a project laid out like this one (same
 * package.json and .npmignore), with a placeholder for every kind of file the repository has.
 */
function packedFiles(files: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  try {
    for (const f of ['package.json', '.npmignore']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), 'x');
    }
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf-8' });
    if (result.status !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
    return JSON.parse(result.stdout)[0].files.map((f: any) => f.path).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the npm tarball ships lib/, assets/ and the docs users need, nothing else', () => {
  const shipped = ['.jsii', 'API.md', 'LICENSE', 'README.md', 'lib/index.js', 'lib/index.d.ts', 'lib/k8s/object.js', 'assets/handler/index.js'];
  const kept = [
    'src/index.ts', 'test/a.test.ts', 'test/util/k8s-schema.ts', 'examples/cross-cluster/main.ts', 'benchmarks/run.ts',
    'docs/benchmarks-results.json', 'docs/benchmarks.md', 'scripts/dev-tools.sh', '.ci/run', '.ci/node22/package.json',
    '.venv-tools/bin/cfn-lint', 'coverage/lcov.info', 'test-reports/junit.xml', 'dist/js/x.tgz', 'tsconfig.json',
    'tsconfig.dev.json', '.projenrc.ts', '.jsii.tabl.json', 'examples/cross-cluster/cdk.out/manifest.json',
    '.github/workflows/release.yml', 'scripts/publish-rehearsal/app.ts', 'scripts/publish-rehearsal/verdaccio/package.json',
    'dist/changelog.md', 'dist/version.txt',
  ];
  expect(packedFiles([...shipped, ...kept])).toEqual(['package.json', ...shipped].sort());
});

test('package.json: the version the release task set (0.0.0 outside a release) and the supported Node.js range', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  expect(pkg.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/);
  if (process.env.RELEASE === 'true') {
    // `npx projen release` bumps before it builds: never publish 0.0.0, and stay on the 0.x line.
    expect(pkg.version).not.toEqual('0.0.0');
    expect(pkg.version).toMatch(/^0\./);
  } else {
    expect(pkg.version).toEqual('0.0.0');
  }
  expect(pkg.engines.node).toEqual('>= 22.0.0');
});

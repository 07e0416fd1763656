import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The CDK CLI of the dev dependencies, as `npx cdk` runs it. */
const CDK_CLI = require.resolve('aws-cdk/bin/cdk');
const EXAMPLE_DIR = path.join(__dirname, '..', 'examples', 'cross-cluster');

describe('CDK CLI in examples/cross-cluster (offline)', () => {
  test('`cdk ls` lists the example\'s stacks', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ls-'));
    try {
      const result = spawnSync(process.execPath, [CDK_CLI, 'ls', '--output', out], {
        cwd: EXAMPLE_DIR,
        encoding: 'utf-8',
        // No AWS account, no network: nothing may need them.
        env: { ...process.env, CDK_VALIDATION: 'false', CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      // The app prints its summary first (AwsSolutions checks ran), then the CLI lists the stacks.
      const lines = result.stdout.trim().split('\n');
      expect(lines).toContainEqual(expect.stringMatching(/^AwsSolutions: 0 unacknowledged findings/));
      expect(lines.slice(-4)).toEqual(['lattice-environment', 'eks-cluster1', 'eks-cluster2', 'lattice-resources']);
      // The CLI read the cloud assembly the app wrote (same schema version).
      expect(fs.existsSync(path.join(out, 'eks-cluster1.template.json'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('cdk.json keeps the CLI offline and the app transpile-only', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(EXAMPLE_DIR, 'cdk.json'), 'utf-8'));
    expect(cdkJson.app).toMatch(/ts-node --transpile-only .*main\.ts$/);
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });
});

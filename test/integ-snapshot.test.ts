import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildIntegApp } from './integ.cross-cluster';

/**
 * The offline half of the integration test: the synthesized integ app must
 * equal the committed snapshot (asset hashes aside). Refresh the snapshot with
 * `npx projen test -u` (or UPDATE_INTEG_SNAPSHOT=1) after an intended change.
 */
const SNAPSHOT_DIR = path.join(__dirname, 'integ.cross-cluster.ts.snapshot');
/** Cloud assembly files kept in the snapshot (asset folders and the tree are not). */
const KEPT = /(\.template\.json|\.assets\.json|^manifest\.json|^integ\.json)$/;

/** Removes what changes on every synth: asset hashes and the assertions' timestamp salt. */
function normalize(text: string): string {
  return text.replace(/[0-9a-f]{64}/g, 'ASSET-HASH').replace(/"salt":\s*"\d+"/g, '"salt":"SALT"');
}

function updating(): boolean {
  return process.env.UPDATE_INTEG_SNAPSHOT === '1' || (expect.getState() as any).snapshotState?._updateSnapshot === 'all';
}

describe('integ.cross-cluster snapshot', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
  const app = new App({ outdir });
  buildIntegApp(app);
  const assembly = app.synth();
  const files = fs.readdirSync(assembly.directory).filter((f) => KEPT.test(f)).sort();

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('has the four stacks of the example and the assertion stack', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'CrossClusterDefaultTestDeployAssert22A4BA41', 'eks-cluster1', 'eks-cluster2', 'lattice-environment', 'lattice-resources',
    ].sort());
  });

  test('matches the committed snapshot', () => {
    if (updating()) {
      fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
      fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
      for (const f of files) fs.copyFileSync(path.join(assembly.directory, f), path.join(SNAPSHOT_DIR, f));
    }
    expect(fs.existsSync(SNAPSHOT_DIR)).toBe(true);
    expect(fs.readdirSync(SNAPSHOT_DIR).sort()).toEqual(files);
    for (const f of files.filter((x) => x.endsWith('.template.json'))) {
      const actual = JSON.parse(normalize(fs.readFileSync(path.join(assembly.directory, f), 'utf-8')));
      const expected = JSON.parse(normalize(fs.readFileSync(path.join(SNAPSHOT_DIR, f), 'utf-8')));
      expect([f, actual]).toEqual([f, expected]);
    }
  });

  test('the deploy-time assertions call Lattice, and the APIs the deletion guards check', () => {
    const assertStack = assembly.stacks.find((s) => s.stackName.startsWith('CrossCluster'))!;
    const resources = Object.values<any>(assertStack.template.Resources);
    const calls = resources.filter((r) => r.Type.startsWith('Custom::DeployAssert@SdkCall'));
    expect(calls.map((r) => r.Type).sort()).toEqual([
      'Custom::DeployAssert@SdkCallResourceGroupsTaggingAPIgetResou',
      'Custom::DeployAssert@SdkCallResourceGroupsTaggingAPIgetResou',
      'Custom::DeployAssert@SdkCallRoute53listResourceRecordSets',
      'Custom::DeployAssert@SdkCallRoute53listResourceRecordSets',
      'Custom::DeployAssert@SdkCallVPCLatticelistServiceNetworkReso',
      'Custom::DeployAssert@SdkCallVPCLatticelistServiceNetworkVpcA',
      'Custom::DeployAssert@SdkCallVPCLatticelistServices',
    ]);
    // Each cluster's guard query: the controller's ManagedBy tag with that cluster's name.
    const tagQueries = calls.filter((r) => r.Type.includes('getResou')).map((r) => JSON.stringify(r.Properties.parameters));
    for (const cluster of ['eks-cluster1', 'eks-cluster2']) {
      expect(tagQueries.some((q) => q.includes('application-networking.k8s.aws/ManagedBy') && q.includes(`/${cluster}/`))).toBe(true);
    }
    // The assertion provider may call tag:GetResources (the SDK metadata's 'tagging:' prefix is not an IAM service).
    const policies = JSON.stringify(resources.filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role'));
    expect(policies).toContain('tag:GetResources');
    expect(policies).toContain('route53:ListResourceRecordSets');
  });
});

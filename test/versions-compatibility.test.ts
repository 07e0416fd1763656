import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { GATEWAY_API_BUNDLE_SHA256, resolveGatewayApiBundle } from '../src/cluster/gateway-api-bundles';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeEksClusterVersions } from '../src/cluster/lattice-versions';
import { GATEWAY_API_DOWNGRADE_GUARD } from '../src/k8s/gateway-api-downgrade-guard';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { PinnedVersions } from '../src/versions';
import { k8sObjectsInTemplate } from './util/k8s-schema';

/** A LatticeEksCluster with these versions, synthesized. */
function synth(versions: LatticeEksClusterVersions = {}, version?: eks.KubernetesVersion): { stack: Stack; json: any } {
  const app = new App();
  const network = new LatticeServiceNetwork(new Stack(app, 'Shared'), 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster');
  new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1', kubectlLayer: new KubectlV36Layer(stack, 'Kubectl'), serviceNetwork: network, versions, version,
  });
  return { stack, json: Template.fromStack(stack).toJSON() };
}

const resolve = (version: string, sha?: string) => resolveGatewayApiBundle(new Stack(new App(), 'S'), 'LatticeEksCluster', version, sha);

describe('Gateway API bundles', () => {
  test('the pinned checksum is the known checksum of the pinned release', () => {
    expect(GATEWAY_API_BUNDLE_SHA256[PinnedVersions.GATEWAY_API]).toBe(PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256);
  });

  test('every known release from v1.5 to v1.7 is accepted without a checksum, with its own', () => {
    expect(Object.keys(GATEWAY_API_BUNDLE_SHA256)).toEqual(['v1.5.0', 'v1.5.1', 'v1.6.0', 'v1.6.1', 'v1.6.2', 'v1.6.3', 'v1.7.0']);
    for (const [version, sha256] of Object.entries(GATEWAY_API_BUNDLE_SHA256)) {
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(resolve(version)).toEqual({ version, sha256 });
    }
    expect(new Set(Object.values(GATEWAY_API_BUNDLE_SHA256)).size).toBe(7);
  });

  test('an unknown release of a supported minor is accepted with the checksum the user gives', () => {
    expect(resolve('v1.6.4', 'b'.repeat(64))).toEqual({ version: 'v1.6.4', sha256: 'b'.repeat(64) });
  });

  test.each([
    ['v1.4.1', undefined, /'v1.4.1' is older than v1.5: the AWS Gateway API Controller v2.1 needs Gateway API v1.5 or newer; give a v1.5.x to v1.7.x release/],
    ['v0.8.0', 'a'.repeat(64), /'v0.8.0' is not a Gateway API release tag; give one such as 'v1.6.3'/],
    ['v1.8.0', 'a'.repeat(64), /'v1.8.0' is newer than v1.7.x, the newest Gateway API the library and AWS Gateway API Controller v2.1 were checked with/],
    ['v1.6', undefined, /'v1.6' is not a Gateway API release/],
    ['v1.6.4', undefined, /'v1.6.4' needs versions.gatewayApiStandardInstallSha256 .*run 'scripts\/gateway-api-bundle-sha256.sh v1.6.4'.*knows v1.5.0, v1.5.1, v1.6.0/],
    ['v1.6.3', 'a'.repeat(64), /'a{64}' is not the SHA-256 of the standard-install.yaml of Gateway API v1.6.3 \(356c2b8e/],
    ['v1.6.3', 'ABC', /'ABC' is not a lowercase hex SHA-256/],
  ])('%s with checksum %s is rejected at synth time, naming the construct', (version, sha, message) => {
    expect(() => resolve(version, sha)).toThrow(message);
    expect(() => resolve(version, sha)).toThrow(/^LatticeEksCluster \(S\): /);
  });

  test('a cluster on Kubernetes 1.36 installs Gateway API v1.7.0 with its checksum, behind the downgrade guard', () => {
    const { json } = synth({ gatewayApi: 'v1.7.0' }, eks.KubernetesVersion.V1_36);
    const cluster = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::EKS::Cluster');
    expect(cluster.Properties.Version).toBe('1.36');
    // Add-on versions are pinned for 1.35 only: EKS's default for 1.36.
    for (const addon of Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::EKS::Addon')) {
      expect(addon.Properties.AddonVersion).toBeUndefined();
    }
    const objects = k8sObjectsInTemplate(json);
    const job = objects.map((o) => o.object).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('gateway-api-crds-v1-7-0-'));
    const download = job.spec.template.spec.initContainers[0];
    expect(download.env).toEqual(expect.arrayContaining([
      { name: 'URL', value: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.7.0/standard-install.yaml' },
      { name: 'SHA256', value: GATEWAY_API_BUNDLE_SHA256['v1.7.0'] },
    ]));
    const guardStep = objects.find((o) => o.object.kind === 'ValidatingAdmissionPolicy' && o.object.metadata.name === GATEWAY_API_DOWNGRADE_GUARD);
    const jobStep = objects.find((o) => o.object === job);
    // The guard and its binding come first in the Job's own manifest.
    expect(guardStep!.logicalId).toBe(jobStep!.logicalId);
    const manifest = objects.filter((o) => o.logicalId === jobStep!.logicalId).map((o) => o.object.kind);
    expect(manifest.slice(0, 2)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    expect(manifest.indexOf('Job')).toBeGreaterThan(1);
    expect(guardStep!.object.spec.matchConditions[0].expression).toBe('request.userInfo.username == "system:serviceaccount:kube-system:gateway-api-crds-installer"');
  });
});

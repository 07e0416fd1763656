import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { CaKeyAlgorithm, PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';

/** The feature flag (cdk.json context) that makes cross-stack references weak (`Fn::GetStackOutput`). */
const REFERENCE_STRENGTH = '@aws-cdk/core:defaultCrossStackReferences';

/** The shared stack and one cluster stack, in an app with the given reference strength. */
function synth(strength: 'weak' | 'strong', keyAlgorithm?: CaKeyAlgorithm): { shared: any; cluster: any } {
  const app = new App({ context: { [REFERENCE_STRENGTH]: strength } });
  const env = { account: '123456789012', region: 'eu-west-1' };
  const shared = new Stack(app, 'Shared', { env });
  const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com', keyAlgorithm });
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster1', { env });
  const cluster = new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork, domain,
  });
  cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
  return { shared: Template.fromStack(shared).toJSON(), cluster: Template.fromStack(stack).toJSON() };
}

function intrinsics(template: any, name: string): any[] {
  const found: any[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) {node.forEach(walk);} else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === name) found.push(v);
        walk(v);
      }
    }
  };
  walk(template);
  return found;
}

function certificates(template: any): Array<[string, any]> {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::CertificateManager::Certificate');
}

describe('cluster stacks consuming the shared stack through weak references', () => {
  const weak = synth('weak');

  test('the cluster stack imports nothing and the shared stack exports nothing: values are read as stack outputs', () => {
    expect(intrinsics(weak.cluster, 'Fn::ImportValue')).toEqual([]);
    expect(Object.values<any>(weak.shared.Outputs ?? {}).filter((o) => o.Export)).toEqual([]);
    const outputs = intrinsics(weak.cluster, 'Fn::GetStackOutput');
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(JSON.stringify(output)).toContain('Shared');
  });

  test('replacing the CA and the certificate changes only the shared stack\'s template', () => {
    // Another CA key replaces the CA; the certificate names the CA's ARN, so it is replaced too (new ARNs, same logical ids).
    const replaced = synth('weak', CaKeyAlgorithm.RSA_2048);
    const [[id, before]] = certificates(weak.shared);
    const [[idAfter, after]] = certificates(replaced.shared);
    expect(idAfter).toBe(id);
    expect(after.Properties.CertificateAuthorityArn).toEqual(before.Properties.CertificateAuthorityArn);
    const ca = (t: any) => Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::ACMPCA::CertificateAuthority').Properties.KeyAlgorithm;
    expect([ca(weak.shared), ca(replaced.shared)]).toEqual(['RSA_4096', 'RSA_2048']);
    expect(replaced.shared).not.toEqual(weak.shared);
    expect(replaced.cluster).toEqual(weak.cluster);
  });

  test('with the default (strong) references the same cluster stack holds Fn::ImportValue locks on the shared stack', () => {
    const strong = synth('strong');
    expect(intrinsics(strong.cluster, 'Fn::ImportValue').length).toBeGreaterThan(0);
    expect(Object.values<any>(strong.shared.Outputs ?? {}).filter((o) => o.Export).length).toBeGreaterThan(0);
  });
});

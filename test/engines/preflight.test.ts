/**
 * The preflight ValidatingAdmissionPolicies of an attached cluster, as
 * synthesized, evaluated by the Kyverno CLI (which evaluates
 * ValidatingAdmissionPolicies with the Kubernetes CEL libraries) on probe
 * ConfigMaps carrying the values a deploy could read: every failing check
 * rejects the probe with a message naming the cluster, what is missing or too
 * old, the value found and the fix; passing values are admitted.
 *
 * Skipped with one line without Go (the CLI is built from the Go module
 * proxy); fails when CI is set.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { stringify } from 'yaml';
import { LatticeEksIntegration } from '../../src/cluster/lattice-eks-integration';
import { PREFLIGHT_NAME, preflightProbe } from '../../src/k8s/preflight';
import { LatticeServiceNetwork } from '../../src/network/service-network';
import { SigV4SidecarPolicy } from '../../src/sidecar/sigv4-sidecar-policy';
import { k8sObjectsInTemplate } from '../util/k8s-schema';
import { kyvernoCli, runKyverno } from '../util/kyverno-cli';

const cli = kyvernoCli();
if (cli.missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`Preflight engine test skipped: missing ${cli.missing}`);
}
const describeWithCli = cli.bin || process.env.CI === 'true' ? describe : describe.skip;

/** The synthesized preflight policies of an imported cluster that has its own agent, CRDs and Kyverno. */
function synthesizedPolicies(): any[] {
  const app = new App();
  const network = new LatticeServiceNetwork(new Stack(app, 'Shared'), 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Imported');
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'platform-shared',
    vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] }),
    clusterSecurityGroupId: 'sg-1',
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
      serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:kubectl-provider',
    }),
  });
  const lattice = new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork: network, installGatewayApiCrds: false });
  new SigV4SidecarPolicy(stack, 'SigV4', { cluster: lattice, namespaces: ['apps'], installKyverno: false, upstreamTls: false });
  return k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object)
    .filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy') && o.metadata.name.startsWith(PREFLIGHT_NAME));
}

/** [name, probe name, data, rejected?, message] */
const PROBES: Array<[string, string, Record<string, string>, RegExp | undefined]> = [
  ['agent with pods, CRDs v1.5.1', PREFLIGHT_NAME, { podIdentityAgentAvailable: '2', gatewayApiBundleVersion: 'v1.5.1' }, undefined],
  ['newer CRDs (v1.7.0)', PREFLIGHT_NAME, { podIdentityAgentAvailable: '1', gatewayApiBundleVersion: 'v1.7.0' }, undefined],
  ['CRDs v1.12.0 (two-digit minor)', PREFLIGHT_NAME, { podIdentityAgentAvailable: '1', gatewayApiBundleVersion: 'v1.12.0' }, undefined],
  ['CRDs too old (v1.4.0)', PREFLIGHT_NAME, { podIdentityAgentAvailable: '1', gatewayApiBundleVersion: 'v1.4.0' },
    /cdk-lattice-eks preflight on cluster 'platform-shared': it needs Gateway API CRDs v1.5 or newer .*but found 'v1.4.0'; upgrade the cluster's Gateway API CRDs to v1.5 or newer/],
  ['CRDs without a bundle version', PREFLIGHT_NAME, { podIdentityAgentAvailable: '1', gatewayApiBundleVersion: 'experimental' },
    /but found 'experimental'; upgrade the cluster's Gateway API CRDs/],
  ['agent without available pods', PREFLIGHT_NAME, { podIdentityAgentAvailable: '0', gatewayApiBundleVersion: 'v1.5.1' },
    /it needs a running EKS Pod Identity agent .*but found '0'; install the eks-pod-identity-agent add-on or wait for its pods, or set podIdentityAgent: PodIdentityAgent.INSTALL/],
  ['Kyverno serving v1', `${PREFLIGHT_NAME}-kyverno`, { kyvernoMutatingPolicyVersions: 'v1alpha1 v1beta1 v1' }, undefined],
  ['Kyverno too old (no v1)', `${PREFLIGHT_NAME}-kyverno`, { kyvernoMutatingPolicyVersions: 'v1alpha1' },
    /it needs Kyverno serving policies.kyverno.io\/v1 MutatingPolicy .*but found 'v1alpha1'; upgrade the cluster's Kyverno to 1.17 or newer, or let SigV4SidecarPolicy install its own/],
];

describeWithCli('preflight policies on the Kyverno CLI', () => {
  let dir: string;
  const policies = synthesizedPolicies();

  beforeAll(() => {
    if (!cli.bin) throw new Error(`Preflight engine test needs ${cli.missing} (required with CI=true)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  });
  afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  test('the cluster has two preflight policies with their bindings', () => {
    expect(policies.map((p) => `${p.kind}/${p.metadata.name}`).sort()).toEqual([
      `ValidatingAdmissionPolicy/${PREFLIGHT_NAME}`, `ValidatingAdmissionPolicy/${PREFLIGHT_NAME}-kyverno`,
      `ValidatingAdmissionPolicyBinding/${PREFLIGHT_NAME}`, `ValidatingAdmissionPolicyBinding/${PREFLIGHT_NAME}-kyverno`,
    ]);
  });

  test.each(PROBES)('%s', (_name, probeName, data, message) => {
    const policy = policies.filter((p) => p.metadata.name === probeName);
    const policyFile = path.join(dir, `${probeName}.yaml`);
    fs.writeFileSync(policyFile, policy.map((p) => stringify(p)).join('---\n'));
    const probeFile = path.join(dir, 'probe.yaml');
    fs.writeFileSync(probeFile, stringify(preflightProbe(probeName, data)));
    const out = runKyverno(cli.bin!, ['apply', policyFile, '--resource', probeFile]).stdout;
    expect(out).toMatch(/Applying 1 policy rule\(s\) to 1 resource\(s\)/);
    if (message) {
      expect(out).toMatch(new RegExp(`resource kube-system/ConfigMap/${probeName} failed`));
      expect(out).toMatch(message);
    } else {
      expect(out).toMatch(/pass: 1, fail: 0/);
    }
  });
});

import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeEksIntegration } from '../src/cluster/lattice-eks-integration';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { SidecarInjection, SigV4SidecarPolicy, SigV4SidecarPolicyProps } from '../src/sidecar/sigv4-sidecar-policy';

function stackWith(version: eks.KubernetesVersion, props: Partial<SigV4SidecarPolicyProps> = {}) {
  const app = new App();
  const shared = new Stack(app, 'Shared');
  const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' });
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster1');
  const cluster = new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1', kubectlLayer: new KubectlV36Layer(stack, 'Kubectl'), version, serviceNetwork, domain,
  });
  const policy = new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], ...props });
  return { stack, cluster, policy };
}

const kinds = (stack: Stack) => k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => `${o.object.apiVersion}/${o.object.kind}`);

/** The deploy-time waits for Kyverno's webhook to serve the policy. */
const webhookWaits = (template: Template) => Object.keys(template.findResources('Custom::AWSCDK-EKS-KubernetesObjectValue',
  { Properties: { ObjectType: 'mutatingpolicies.policies.kyverno.io' } }));

describe('SigV4SidecarPolicy injection engine', () => {
  test('Kyverno is the default, even on 1.36: the Kyverno chart and MutatingPolicy, no MutatingAdmissionPolicy', () => {
    const { stack, policy } = stackWith(eks.KubernetesVersion.V1_36);
    expect(policy.injection).toBe(SidecarInjection.KYVERNO);
    expect(policy.kyvernoChart).toBeDefined();
    expect(kinds(stack)).toContain('policies.kyverno.io/v1/MutatingPolicy');
    expect(kinds(stack)).not.toContain('admissionregistration.k8s.io/v1/MutatingAdmissionPolicy');
    const guard = k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object).find((o) => o.metadata.name === 'lattice-sigv4-proxy-guard');
    expect(JSON.stringify(guard)).toMatch(/check that Kyverno runs/);
  });

  test('native on 1.36: a MutatingAdmissionPolicy and its binding, the guard, no Kyverno chart, no webhook wait', () => {
    const { stack, policy } = stackWith(eks.KubernetesVersion.V1_36, { injection: SidecarInjection.NATIVE });
    expect(policy.injection).toBe(SidecarInjection.NATIVE);
    expect(policy.kyvernoChart).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWSCDK-EKS-HelmChart', 2); // the Gateway API controller and ExternalDNS only
    expect(webhookWaits(template)).toHaveLength(0);
    expect(webhookWaits(Template.fromStack(stackWith(eks.KubernetesVersion.V1_36).stack))).toHaveLength(1);
    const all = kinds(stack);
    expect(all).toEqual(expect.arrayContaining([
      'admissionregistration.k8s.io/v1/MutatingAdmissionPolicy',
      'admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
    ]));
    expect(all.filter((k) => k.includes('kyverno'))).toEqual([]);
    const guard = k8sObjectsInTemplate(template.toJSON()).map((o) => o.object).find((o) => o.metadata.name === 'lattice-sigv4-proxy-guard');
    expect(JSON.stringify(guard)).not.toMatch(/Kyverno/);
    const map = k8sObjectsInTemplate(template.toJSON()).map((o) => o.object).find((o) => o.kind === 'MutatingAdmissionPolicy');
    expect(map.spec.failurePolicy).toBe('Ignore');
    expect(map.spec.reinvocationPolicy).toBe('Never');
    expect(map.spec.matchConstraints.namespaceSelector.matchExpressions[0]).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['apps'] });
    // The same JSONPatch shape as the Kyverno policy (one typed object per patch value).
    expect(map.spec.mutations[0].jsonPatch.expression).not.toMatch(/value: \[Object/);
  });

  test('native on a cluster older than 1.36 fails at synth time, naming the version and the fix', () => {
    expect(() => stackWith(eks.KubernetesVersion.V1_35, { injection: SidecarInjection.NATIVE }))
      .toThrow(/SigV4SidecarPolicy \(Cluster1\/SigV4\): injection SidecarInjection\.NATIVE needs Kubernetes 1\.36 or newer .* runs 1\.35; set the cluster's version to eks\.KubernetesVersion\.V1_36, or use SidecarInjection\.KYVERNO/);
  });

  test.each([
    ['installKyverno', { installKyverno: false }],
    ['kyvernoChartVersion', { kyvernoChartVersion: '3.7.1' }],
  ])('native with %s fails: no Kyverno is used', (prop, extra) => {
    expect(() => stackWith(eks.KubernetesVersion.V1_36, { injection: SidecarInjection.NATIVE, ...extra }))
      .toThrow(new RegExp(`${prop} .* is given but injection is SidecarInjection\\.NATIVE, which uses no Kyverno`));
  });

  test('an unknown engine fails at synth time', () => {
    expect(() => stackWith(eks.KubernetesVersion.V1_36, { injection: 'istio' as SidecarInjection }))
      .toThrow(/injection "istio" is not an injection engine; use SidecarInjection\.KYVERNO/);
  });

  test('on an existing cluster (version unknown at synth time) native injection synthesizes; the deploy checks the API', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const stack = new Stack(app, 'Platform');
    const cluster = new eks.Cluster(stack, 'Cluster', {
      clusterName: 'platform',
      version: eks.KubernetesVersion.V1_36,
      kubectlProviderOptions: { kubectlLayer: new KubectlV36Layer(stack, 'Kubectl') },
    });
    const lattice = new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork });
    expect(lattice.kubernetesVersion).toBeUndefined();
    new SigV4SidecarPolicy(stack, 'SigV4', { cluster: lattice, namespaces: ['apps'], upstreamTls: false, injection: SidecarInjection.NATIVE });
    expect(kinds(stack)).toContain('admissionregistration.k8s.io/v1/MutatingAdmissionPolicy');
  });
});

import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DEFAULT_KUBERNETES_MINOR, MIN_KUBERNETES_MINOR, NEWEST_KUBERNETES_MINOR } from '../src/cluster/kubernetes-versions';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { PinnedVersions } from '../src/versions';
import { compatibilityMatrix, readmeMatrix } from './util/compatibility-matrix';

function cluster(version?: eks.KubernetesVersion): Stack {
  const app = new App();
  const serviceNetwork = new LatticeServiceNetwork(new Stack(app, 'Shared'), 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster');
  new LatticeEksCluster(stack, 'Lattice', { clusterName: 'eks-cluster1', kubectlLayer: new KubectlV36Layer(stack, 'Kubectl'), serviceNetwork, version });
  return stack;
}

describe('the README\'s compatibility matrix', () => {
  test('is the one generated from PinnedVersions and the library\'s limits (run `npx projen docgen:pinned` after a change)', () => {
    expect(readmeMatrix()).toBe(compatibilityMatrix());
  });

  test('names every pinned component version it is about', () => {
    const matrix = compatibilityMatrix();
    for (const value of [PinnedVersions.GATEWAY_API, PinnedVersions.GATEWAY_API_CONTROLLER_CHART, PinnedVersions.EXTERNAL_DNS_CHART,
      PinnedVersions.KYVERNO_CHART, PinnedVersions.KYVERNO, PinnedVersions.ENVOY_IMAGE.split(':').pop()!.replace('distroless-', '')]) {
      expect(matrix).toContain(value);
    }
    expect(matrix).not.toContain('(app ?)');
  });

  test('its Kubernetes default is what a cluster gets without `version`, with the pinned add-ons', () => {
    const template = Template.fromStack(cluster());
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: `1.${DEFAULT_KUBERNETES_MINOR}` });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'kube-proxy', AddonVersion: PinnedVersions.ADDON_KUBE_PROXY });
    expect(PinnedVersions.ADDON_KUBE_PROXY).toMatch(new RegExp(`^v1\\.${DEFAULT_KUBERNETES_MINOR}\\.`));
    expect(PinnedVersions.KUBECTL_IMAGE).toMatch(new RegExp(`:v1\\.${DEFAULT_KUBERNETES_MINOR}\\.`));
  });

  test('its newest Kubernetes is aws-cdk-lib\'s V1_36 and synthesizes without a warning; a newer one warns; an older one than the minimum fails', () => {
    expect(eks.KubernetesVersion.V1_36.version).toBe(`1.${NEWEST_KUBERNETES_MINOR}`);
    Annotations.fromStack(cluster(eks.KubernetesVersion.V1_36)).hasNoWarning('*', Match.stringLikeRegexp('newer than 1\\.36'));
    Annotations.fromStack(cluster(eks.KubernetesVersion.of(`1.${NEWEST_KUBERNETES_MINOR + 1}`)))
      .hasWarning('*', Match.stringLikeRegexp('Kubernetes 1\\.37 is newer than 1\\.36, the newest version this library supports'));
    expect(() => cluster(eks.KubernetesVersion.of(`1.${MIN_KUBERNETES_MINOR - 1}`))).toThrow(/Kubernetes version '1.30' is too old/);
  });
});

import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LatticeEksCluster, LatticeEksClusterProps } from '../../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../../src/network/service-network';

/** The shared stack (domain, service network) and one cluster stack of the pattern. */
export interface ClusterFixture {
  readonly app: App;
  readonly shared: Stack;
  readonly domain?: PrivateCaDomain;
  readonly serviceNetwork: LatticeServiceNetwork;
  readonly stack: Stack;
  readonly cluster: LatticeEksCluster;
}

/** Builds the shared stack and the `eks-cluster1` stack (with `example.com` unless `withDomain` is false). */
export function clusterFixture(extra: Partial<LatticeEksClusterProps> = {}, withDomain = true): ClusterFixture {
  const app = new App();
  const shared = new Stack(app, 'Shared');
  const domain = withDomain ? new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' }) : undefined;
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster1');
  const cluster = new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1',
    kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'),
    serviceNetwork,
    domain,
    ...extra,
  });
  return { app, shared, domain, serviceNetwork, stack, cluster };
}

/** A small VPC with flow logs (AwsSolutions-VPC7) and isolated subnets in two zones, as a cluster or resource stack would bring. */
export function smallVpc(scope: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
}

/** The fixture's cluster 1 plus a second cluster (`eks-cluster2`, stack `Cluster2`) on the same network and domain. */
export function twoClusterFixture(): ClusterFixture & { stack2: Stack; cluster2: LatticeEksCluster } {
  const f = clusterFixture();
  const stack2 = new Stack(f.app, 'Cluster2');
  const cluster2 = new LatticeEksCluster(stack2, 'Lattice', {
    clusterName: 'eks-cluster2', kubectlLayer: new KubectlV35Layer(stack2, 'Kubectl'), serviceNetwork: f.serviceNetwork, domain: f.domain,
  });
  return { ...f, stack2, cluster2 };
}

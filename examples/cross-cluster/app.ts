import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterStack } from './cluster-stack';
import { EnvironmentStack } from './environment-stack';
import { ResourcesStack } from './resources-stack';

/** The stacks of the example. */
export interface CrossClusterExample {
  readonly environment: EnvironmentStack;
  readonly clusters: ClusterStack[];
  readonly resources: ResourcesStack;
}

/**
 * Adds the example's stacks to `app`: the shared environment, two clusters
 * that may call each other's demo app, and a VPC with a TCP resource that both
 * clusters reach through the service network. Settings come from CDK context:
 * domainName, serviceNetworkName, nodeInstanceType, account, region.
 */
export function addCrossClusterExample(app: App): CrossClusterExample {
  const ctx = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const env = { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') };

  const environment = new EnvironmentStack(app, 'lattice-environment', {
    env,
    domainName: ctx('domainName', 'example.com'),
    serviceNetworkName: ctx('serviceNetworkName', 'lattice-gateway'),
    description: 'cdk-lattice-eks example: shared private CA, domain, VPC Lattice service network and client role',
  });

  const names = ['eks-cluster1', 'eks-cluster2'];
  const clusters = names.map((clusterName, i) => new ClusterStack(app, clusterName, {
    env,
    clusterName,
    appName: clusterName.replace('eks-', 'demo-'),
    allowedCallerCluster: names[1 - i],
    environment,
    nodeInstanceType: new ec2.InstanceType(ctx('nodeInstanceType', 't3.large')),
    description: `cdk-lattice-eks example: EKS cluster ${clusterName} on the shared VPC Lattice service network`,
  }));

  const resources = new ResourcesStack(app, 'lattice-resources', {
    env,
    environment,
    description: 'cdk-lattice-eks example: TCP resource in a third 10.0.0.0/16 VPC, on the service network through a resource gateway',
  });
  return { environment, clusters, resources };
}

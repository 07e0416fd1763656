import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { APPS_NAMESPACE, ClusterStack, SHARED_SERVICE } from './cluster-stack';
import { GREETER_PORT, greeterObjects } from './demo-app';
import { EnvironmentStack } from './environment-stack';
import { ResourcesStack } from './resources-stack';
import { LatticeCaller, LatticeRouteProtocol, LatticeServiceRoute } from '../../src';

/** The stacks of the example. */
export interface CrossClusterExample {
  readonly environment: EnvironmentStack;
  readonly clusters: ClusterStack[];
  readonly resources: ResourcesStack;
  /** The route of the service both clusters serve (on cluster 1's Gateway). */
  readonly sharedRoute: LatticeServiceRoute;
  /** The gRPC service of cluster 2 that cluster 1 calls (a GRPCRoute). */
  readonly greeterRoute: LatticeServiceRoute;
}

/** Name of the demo gRPC server (its Deployment, Service and route) in cluster 2. */
export const GREETER_SERVICE = 'greeter';

/**
 * Adds the example's stacks to `app`: the shared environment, two clusters
 * that may call each other's demo app and both serve one shared service, a gRPC service in cluster 2 that
 * cluster 1 calls, and a VPC with a TCP resource that both
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

  // One Lattice service served by both clusters, half the requests each; set a
  // cluster's weight to 0 to drain it (failover, cluster upgrades).
  const sharedRoute = clusters[0].lattice.importService('SharedServiceRoute', {
    routeName: SHARED_SERVICE,
    namespace: APPS_NAMESPACE,
    port: 80,
    backends: clusters.map((c) => c.sharedService.serviceExport!.backend(50)),
  });
  sharedRoute.allow(...names.map((clusterName) => LatticeCaller.eksWorkload({ clusterName, namespaces: [APPS_NAMESPACE] })));

  // A gRPC service in cluster 2 that cluster 1's demo app may call, and only its health Check method.
  const server = clusters[1];
  const greeter = server.lattice.cluster.addManifest('Greeter', ...greeterObjects(GREETER_SERVICE, APPS_NAMESPACE));
  // Not injected (it calls nothing), but in the sidecar's namespace: created once the namespace exists, deleted before it.
  server.sidecar.addWorkload(greeter);
  const greeterRoute = server.lattice.exposeService('Greeter', {
    serviceName: GREETER_SERVICE,
    namespace: APPS_NAMESPACE,
    port: GREETER_PORT,
    protocol: LatticeRouteProtocol.GRPC,
  });
  greeterRoute.allow(LatticeCaller.eksWorkload({ clusterName: names[0], namespaces: [APPS_NAMESPACE] })
    .withGrpcMethods(['grpc.health.v1.Health/Check']));

  const resources = new ResourcesStack(app, 'lattice-resources', {
    env,
    environment,
    description: 'cdk-lattice-eks example: TCP resource in a third 10.0.0.0/16 VPC, on the service network through a resource gateway',
  });
  return { environment, clusters, resources, sharedRoute, greeterRoute };
}

import { App } from 'aws-cdk-lib';
import { AutoModeClusterStack } from './auto-mode-stack';
import { ImportedClusterAttributes, ImportedClusterStack } from './imported-cluster-stack';
import { ILatticeCluster, LatticeCaller, LatticeWorkload, SigV4SidecarPolicy } from '../../src';
import { DEMO_IMAGE } from '../cross-cluster/demo-app';
import { EnvironmentStack } from '../cross-cluster/environment-stack';

/** Namespace of the demo workloads in both clusters (it exists already on the imported cluster). */
export const APPS_NAMESPACE = 'apps';

/** The stacks of the example. */
export interface ExistingClustersExample {
  readonly environment: EnvironmentStack;
  readonly autoMode: AutoModeClusterStack;
  readonly imported: ImportedClusterStack;
  /** The demo workload of each cluster: Auto Mode first, imported second. */
  readonly workloads: LatticeWorkload[];
}

/**
 * The imported cluster's attributes, from CDK context (`-c importedCluster='{...}'`);
 * the defaults are placeholders that synthesize offline.
 */
function importedAttributes(app: App): ImportedClusterAttributes {
  const given = app.node.tryGetContext('importedCluster') as Partial<ImportedClusterAttributes> | string | undefined;
  const parsed = typeof given === 'string' ? JSON.parse(given) : (given ?? {});
  return {
    clusterName: 'platform-shared',
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    kubectlServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:platform-shared-kubectl-provider',
    kubectlRoleArn: 'arn:aws:iam::111111111111:role/platform-shared-kubectl-handler',
    existingNamespaces: [APPS_NAMESPACE],
    ...parsed,
  };
}

/** One demo workload on `cluster` with the SigV4 proxy: it serves `name` and may call the other cluster's demo. */
function demoWorkload(cluster: ILatticeCluster & { addLatticeWorkload: (id: string, o: any) => LatticeWorkload }, name: string,
  callerCluster: string): LatticeWorkload {
  const sidecar = new SigV4SidecarPolicy(cluster, 'SigV4', { cluster, namespaces: [APPS_NAMESPACE] });
  const workload = cluster.addLatticeWorkload('Demo', { name, namespace: APPS_NAMESPACE, image: DEMO_IMAGE, containerPort: 80, sidecar });
  workload.allow(LatticeCaller.eksWorkload({ clusterName: callerCluster, namespaces: [APPS_NAMESPACE] }));
  return workload;
}

/**
 * Adds the example's stacks to `app`: the shared environment (domain, service
 * network), an EKS Auto Mode cluster written with plain aws-eks-v2 and an
 * imported cluster, each with Lattice attached and a demo workload that only
 * the other cluster's `apps` namespace may call.
 */
export function addExistingClustersExample(app: App): ExistingClustersExample {
  const ctx = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const env = { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') };
  const environment = new EnvironmentStack(app, 'lattice-shared', {
    env,
    domainName: ctx('domainName', 'example.com'),
    serviceNetworkName: ctx('serviceNetworkName', 'lattice-gateway'),
    description: 'cdk-lattice-eks example: private CA, domain and VPC Lattice service network for existing clusters',
  });
  const attributes = importedAttributes(app);
  const autoMode = new AutoModeClusterStack(app, 'platform-auto', {
    env,
    clusterName: 'platform-auto',
    environment,
    description: 'cdk-lattice-eks example: an EKS Auto Mode cluster written with aws-eks-v2, with Lattice attached',
  });
  const imported = new ImportedClusterStack(app, 'platform-shared-lattice', {
    env,
    attributes,
    environment,
    description: `cdk-lattice-eks example: Lattice on the existing cluster ${attributes.clusterName} (imported)`,
  });
  const workloads = [
    demoWorkload(autoMode.lattice, 'demo-auto', attributes.clusterName),
    demoWorkload(imported.lattice, 'demo-shared', 'platform-auto'),
  ];
  return { environment, autoMode, imported, workloads };
}

/**
 * Cross-cluster example: the shared environment of the two-cluster VPC Lattice
 * pattern (private CA + domain, service network) and two EKS clusters that
 * share the same VPC CIDR. Synthesize offline with
 * `npx projen synth:example`; deploy with `npx cdk deploy --all` from this folder.
 *
 * Context (all optional): domainName, serviceNetworkName, nodeInstanceType, account, region.
 */
import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterStack } from './cluster-stack';
import { EnvironmentStack } from './environment-stack';
import { enableAwsSolutionsChecks, synthAndSummarize } from './summary';

const app = new App();
const ctx = (key: string, fallback?: string): string | undefined => app.node.tryGetContext(key) ?? fallback;

const env = { account: ctx('account'), region: ctx('region') };

const environment = new EnvironmentStack(app, 'lattice-environment', {
  env,
  domainName: ctx('domainName', 'example.com')!,
  serviceNetworkName: ctx('serviceNetworkName', 'lattice-gateway')!,
  description: 'cdk-lattice-eks example: shared private CA, domain and VPC Lattice service network',
});

for (const clusterName of ['eks-cluster1', 'eks-cluster2']) {
  new ClusterStack(app, clusterName, {
    env,
    clusterName,
    environment,
    nodeInstanceType: new ec2.InstanceType(ctx('nodeInstanceType', 't3.large')!),
    description: `cdk-lattice-eks example: EKS cluster ${clusterName} on the shared VPC Lattice service network`,
  });
}

enableAwsSolutionsChecks(app);
synthAndSummarize(app);

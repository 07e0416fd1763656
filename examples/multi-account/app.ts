import { App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HubStack } from './hub-stack';
import { WorkloadStack } from './workload-stack';

/** The stacks of the example, one per account. */
export interface MultiAccountExample {
  readonly hub: HubStack;
  readonly workloads: WorkloadStack[];
}

/** Placeholder defaults of the context values (override them with `-c key=value`). */
export const PLACEHOLDERS = {
  hubAccount: '111111111111',
  workloadAccountB: '222222222222',
  workloadAccountC: '333333333333',
  region: 'us-east-1',
  domainName: 'example.com',
  serviceNetworkName: 'lattice-gateway',
  workloadsOrganizationPath: 'o-exampleorgid/r-ab12/ou-ab12-11111111/',
  // Hub outputs, known after the hub is deployed.
  serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-0123456789abcdef0',
  certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  nodeInstanceType: 't3.large',
};

/**
 * Adds the example's stacks to `app`: the hub (networking account) and one
 * cluster in each of two workload accounts, each admitting the other's
 * `apps` namespace. Settings come from CDK context (see `PLACEHOLDERS`).
 */
export function addMultiAccountExample(app: App): MultiAccountExample {
  const ctx = (key: keyof typeof PLACEHOLDERS): string => app.node.tryGetContext(key) ?? PLACEHOLDERS[key];
  const region = ctx('region');
  const hubAccount = ctx('hubAccount');
  const workloads = [
    { accountId: ctx('workloadAccountB'), clusterName: 'eks-b', appName: 'demo-b' },
    { accountId: ctx('workloadAccountC'), clusterName: 'eks-c', appName: 'demo-c' },
  ];
  const domainName = ctx('domainName');

  const hub = new HubStack(app, 'lattice-hub', {
    env: { account: hubAccount, region },
    domainName,
    serviceNetworkName: ctx('serviceNetworkName'),
    workloads: workloads.map((w) => ({ accountId: w.accountId, hostnames: [`${w.appName}.${domainName}`] })),
    description: 'cdk-lattice-eks multi-account example: hub (service network, private CA and zone shared with the workload accounts)',
  });

  const hubRefs = {
    accountId: hubAccount,
    serviceNetworkName: ctx('serviceNetworkName'),
    serviceNetworkArn: ctx('serviceNetworkArn'),
    certificateAuthorityArn: ctx('certificateAuthorityArn'),
    hostedZoneId: ctx('hostedZoneId'),
    domainName,
  };
  const stacks = workloads.map((w, i) => {
    const other = workloads[1 - i];
    return new WorkloadStack(app, `lattice-workload-${w.clusterName}`, {
      env: { account: w.accountId, region },
      hub: hubRefs,
      clusterName: w.clusterName,
      appName: w.appName,
      allowedCaller: { clusterName: other.clusterName, accountId: other.accountId, region, organizationPath: ctx('workloadsOrganizationPath') },
      calleeAccountId: other.accountId,
      nodeInstanceType: new ec2.InstanceType(ctx('nodeInstanceType')),
      description: `cdk-lattice-eks multi-account example: EKS cluster ${w.clusterName} in account ${w.accountId} on the hub's service network`,
    });
  });
  return { hub, workloads: stacks };
}

import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LatticeEksIntegration, PodIdentityAgent } from '../../src';
import { EnvironmentStack } from '../cross-cluster/environment-stack';

/** What the platform team's cluster stack exports, given to this example as CDK context. */
export interface ImportedClusterAttributes {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly availabilityZones: string[];
  readonly privateSubnetIds: string[];
  readonly clusterSecurityGroupId: string;
  /** Service token of the cluster's kubectl provider (its custom resource provider function). */
  readonly kubectlServiceToken: string;
  /** Role of the kubectl handler: it has a cluster-admin access entry on the cluster. */
  readonly kubectlRoleArn: string;
  /** Namespaces the cluster already has (never created or deleted by the library). */
  readonly existingNamespaces: string[];
}

/** Props of the imported cluster stack. */
export interface ImportedClusterStackProps extends StackProps {
  readonly attributes: ImportedClusterAttributes;
  /** The shared environment (domain, service network). */
  readonly environment: EnvironmentStack;
}

/**
 * A cluster another stack (or another tool) owns, imported by its attributes:
 * this stack creates no cluster, only Lattice on it. The cluster runs the Pod
 * Identity agent already and its own `apps` namespace; a deploy-time preflight
 * checks the agent before anything is installed.
 */
export class ImportedClusterStack extends Stack {
  public readonly cluster: eks.ICluster;
  public readonly lattice: LatticeEksIntegration;

  constructor(scope: Construct, id: string, props: ImportedClusterStackProps) {
    super(scope, id, props);
    const a = props.attributes;
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: a.vpcId,
      availabilityZones: a.availabilityZones,
      privateSubnetIds: a.privateSubnetIds,
    });
    this.cluster = eks.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: a.clusterName,
      vpc,
      clusterSecurityGroupId: a.clusterSecurityGroupId,
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(this, 'KubectlProvider', {
        serviceToken: a.kubectlServiceToken,
        role: iam.Role.fromRoleArn(this, 'KubectlRole', a.kubectlRoleArn),
      }),
    });
    this.lattice = new LatticeEksIntegration(this, 'Lattice', {
      cluster: this.cluster,
      serviceNetwork: props.environment.network,
      domain: props.environment.domain,
      podIdentityAgent: PodIdentityAgent.EXISTING,
      existingNamespaces: a.existingNamespaces,
    });
  }
}

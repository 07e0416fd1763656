import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeAutoModeCluster } from './nag';
import { LatticeEksIntegration } from '../../src';
import { EnvironmentStack } from '../cross-cluster/environment-stack';

/** Props of the Auto Mode cluster stack. */
export interface AutoModeClusterStackProps extends StackProps {
  /** EKS cluster name. */
  readonly clusterName: string;
  /** The shared environment (domain, service network). */
  readonly environment: EnvironmentStack;
}

/**
 * The cluster a platform team already writes with plain `aws-eks-v2`: EKS
 * Auto Mode (the `aws-eks-v2` default capacity), its own VPC; Lattice is
 * attached with one construct.
 */
export class AutoModeClusterStack extends Stack {
  public readonly cluster: eks.Cluster;
  public readonly lattice: LatticeEksIntegration;

  constructor(scope: Construct, id: string, props: AutoModeClusterStackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    });
    // The team's cluster, as aws-eks-v2 writes it: Auto Mode compute, the system and general-purpose node pools.
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      version: eks.KubernetesVersion.V1_35,
      vpc,
      endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
      clusterLogging: [eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR],
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, 'Kubectl') },
    });
    acknowledgeAutoModeCluster(this.cluster);

    // Lattice on it: Auto Mode is detected (no add-ons, the node role gets pull-through rights when mirrors are used).
    this.lattice = new LatticeEksIntegration(this, 'Lattice', {
      cluster: this.cluster,
      serviceNetwork: props.environment.network,
      domain: props.environment.domain,
    });
  }
}

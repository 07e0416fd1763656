import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { EnvironmentStack } from './environment-stack';
import { LatticeEksCluster } from '../../src';

/** Props of one cluster stack. */
export interface ClusterStackProps extends StackProps {
  /** EKS cluster name, e.g. `eks-cluster1`. */
  readonly clusterName: string;
  /** The shared environment (domain and service network). */
  readonly environment: EnvironmentStack;
  /** Node instance type. */
  readonly nodeInstanceType: ec2.InstanceType;
}

/** One EKS cluster on the shared service network; both clusters use 10.0.0.0/16. */
export class ClusterStack extends Stack {
  public readonly lattice: LatticeEksCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    this.lattice = new LatticeEksCluster(this, 'Lattice', {
      clusterName: props.clusterName,
      kubectlLayer: new KubectlV35Layer(this, 'Kubectl'),
      serviceNetwork: props.environment.network,
      domain: props.environment.domain,
      vpcCidr: '10.0.0.0/16',
      nodeInstanceType: props.nodeInstanceType,
    });
  }
}

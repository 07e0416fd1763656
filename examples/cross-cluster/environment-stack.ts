import { Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LatticeServiceNetwork, PrivateCaDomain } from '../../src';

/** Props of the shared environment stack. */
export interface EnvironmentStackProps extends StackProps {
  /** Private domain the services are exposed under, e.g. `example.com`. */
  readonly domainName: string;
  /** Name of the VPC Lattice service network (and of every cluster's Gateway). */
  readonly serviceNetworkName: string;
}

/**
 * What every cluster shares: the private CA and domain, the service network,
 * and the client identity that the demo pods of both clusters assume through
 * EKS Pod Identity (session tags tell the clusters and namespaces apart).
 */
export class EnvironmentStack extends Stack {
  public readonly domain: PrivateCaDomain;
  public readonly network: LatticeServiceNetwork;
  public readonly clientRole: iam.Role;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    this.domain = new PrivateCaDomain(this, 'Domain', { domainName: props.domainName });
    this.network = new LatticeServiceNetwork(this, 'ServiceNetwork', { serviceNetworkName: props.serviceNetworkName });
    this.clientRole = new iam.Role(this, 'Sigv4Client', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: 'SigV4 client of the demo pods in every cluster (EKS Pod Identity)',
    });
  }
}

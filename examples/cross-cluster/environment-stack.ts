import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LatticeServiceNetwork, PrivateCaDomain } from '../../src';

/** Props of the shared environment stack. */
export interface EnvironmentStackProps extends StackProps {
  /** Private domain the services are exposed under, e.g. `example.com`. */
  readonly domainName: string;
  /** Name of the VPC Lattice service network (and of every cluster's Gateway). */
  readonly serviceNetworkName: string;
}

/** What every cluster shares: the private CA and domain, and the service network. */
export class EnvironmentStack extends Stack {
  public readonly domain: PrivateCaDomain;
  public readonly network: LatticeServiceNetwork;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    this.domain = new PrivateCaDomain(this, 'Domain', { domainName: props.domainName });
    this.network = new LatticeServiceNetwork(this, 'ServiceNetwork', {
      serviceNetworkName: props.serviceNetworkName,
    });
  }
}

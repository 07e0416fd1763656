import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LatticeServiceNetwork, PrivateCaDomain } from '../../src';

/** A workload account of the example: its ID and the host names its services use under the domain. */
export interface WorkloadAccount {
  readonly accountId: string;
  readonly hostnames: string[];
}

/** Props of the hub stack. */
export interface HubStackProps extends StackProps {
  readonly domainName: string;
  readonly serviceNetworkName: string;
  /** The accounts whose clusters join the network and the domain. */
  readonly workloads: WorkloadAccount[];
}

/**
 * The networking account: the service network (shared through RAM, its auth
 * policy admitting the named workload accounts), the private CA (shared
 * through RAM so each workload account issues its own certificate) and the
 * private zone, with one role per workload account for zone associations and
 * that account's records.
 */
export class HubStack extends Stack {
  public readonly network: LatticeServiceNetwork;
  public readonly domain: PrivateCaDomain;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const accountIds = props.workloads.map((w) => w.accountId);
    this.network = new LatticeServiceNetwork(this, 'ServiceNetwork', {
      serviceNetworkName: props.serviceNetworkName,
      allowedAccountIds: accountIds,
    });
    this.network.shareWith('Workloads', { accountIds });
    this.domain = new PrivateCaDomain(this, 'Domain', { domainName: props.domainName });
    this.domain.shareCertificateAuthority('Workloads', { accountIds });
    for (const workload of props.workloads) {
      this.domain.addSpokeAccount(workload.accountId, { hostnames: workload.hostnames });
    }

    // What the workload accounts' stacks need (pass them as context: see the README).
    new CfnOutput(this, 'ServiceNetworkArn', { value: this.network.serviceNetworkArn });
    new CfnOutput(this, 'CertificateAuthorityArn', { value: this.domain.certificateAuthority.certificateAuthorityArn });
    new CfnOutput(this, 'HostedZoneId', { value: this.domain.hostedZone.hostedZoneId });
  }
}

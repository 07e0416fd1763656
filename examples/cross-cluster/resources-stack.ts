import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { EnvironmentStack } from './environment-stack';
import { LatticeResource, LatticeResourceConfiguration, LatticeResourceGateway, LatticeServiceNetworkEndpoint } from '../../src';

/** Private DNS name of the example's TCP resource in the resources VPC. */
export const DATABASE_HOST = 'orders-db.resources.internal';
/** TCP port of the example's resource (PostgreSQL's). */
export const DATABASE_PORT = 5432;

/** Props of the resources stack. */
export interface ResourcesStackProps extends StackProps {
  /** The shared environment (domain, service network). */
  readonly environment: EnvironmentStack;
}

/**
 * A third VPC, with the same 10.0.0.0/16 CIDR as the clusters, holding a TCP
 * resource (a PostgreSQL database at `orders-db.resources.internal:5432`;
 * the record points at the address where you run it). A resource gateway and
 * a resource configuration put it on the shared service network, so pods of
 * both clusters reach it by name through their VPC associations. The VPC
 * itself reaches the network through a service-network VPC endpoint.
 */
export class ResourcesStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly gateway: LatticeResourceGateway;
  public readonly database: LatticeResourceConfiguration;
  public readonly endpoint: LatticeServiceNetworkEndpoint;

  constructor(scope: Construct, id: string, props: ResourcesStackProps) {
    super(scope, id, props);
    const env = props.environment;
    // Isolated subnets only: no NAT gateway, nothing reachable from the internet.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Resources', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    });

    // The database's private name; point the record at your database's address.
    const zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: 'resources.internal', vpc: this.vpc });
    new route53.ARecord(this, 'DatabaseRecord', {
      zone,
      recordName: 'orders-db',
      target: route53.RecordTarget.fromIpAddresses('10.0.0.25'),
    });

    // The gateway resolves the name in the VPC (the private zone above) and connects on 5432 only.
    this.gateway = new LatticeResourceGateway(this, 'Gateway', { vpc: this.vpc });
    this.database = this.gateway.addResourceConfiguration('Database', {
      resource: LatticeResource.dnsName(DATABASE_HOST),
      portRanges: [String(DATABASE_PORT)],
      serviceNetwork: env.network,
      name: 'orders-db',
    });

    // Clients in this VPC reach the network's services through an endpoint (this VPC has no association).
    this.endpoint = env.network.addVpcEndpoint(this.vpc, { privateDnsDomains: [env.domain.domainName] });

    // Pods look up the association's DNS name with:
    // aws vpc-lattice get-service-network-resource-association --service-network-resource-association-identifier <id>
    new CfnOutput(this, 'DatabaseAssociationId', {
      value: this.database.serviceNetworkAssociation.attrId,
      description: 'Service network resource association of the database (its dnsEntry is the name pods connect to)',
    });
  }
}

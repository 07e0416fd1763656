import { Resource, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ILatticeServiceNetwork } from './service-network-ref';
import { dnsNameProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import { serviceNetworkAssociationId } from '../private/lattice-ids';
import { acknowledge } from '../private/nag';

const KIND = 'LatticeServiceNetwork';

/** Limit of `PrivateDnsSpecifiedDomains` on a VPC endpoint. */
const MAX_PRIVATE_DNS_DOMAINS = 10;

/**
 * Options for a service-network VPC endpoint
 * (`LatticeServiceNetwork.addVpcEndpoint`).
 */
export interface ServiceNetworkVpcEndpointOptions {
  /**
   * Subnets for the endpoint's network interfaces, at most one per
   * Availability Zone.
   *
   * @default - the VPC's private subnets (CDK's default subnet selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the endpoint's network interfaces. Their inbound
   * rules decide which clients of the VPC reach the service network.
   *
   * @default - one new security group admitting `allowedPorts` from the VPC's
   *   IPv4 CIDR
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Ports the security group this method creates admits from the VPC's IPv4
   * CIDR: the listener ports of the network's services and the ports of its
   * resource configurations. Only without `securityGroups`; add more later
   * with `endpoint.connections.allowFrom(...)`.
   *
   * @default [ec2.Port.tcp(80), ec2.Port.tcp(443)] - HTTP and HTTPS listeners
   */
  readonly allowedPorts?: ec2.Port[];

  /**
   * Whether Lattice creates private hosted zones in the VPC so that the
   * custom domain names of the network's services and resource
   * configurations resolve to the endpoint.
   *
   * @default true
   */
  readonly privateDns?: boolean;

  /**
   * Domains (e.g. `example.com` or `*.example.com`, at most 10) whose custom
   * domain names get private DNS in this VPC even though nobody verified
   * them, next to the verified ones. Needed for names in a `PrivateCaDomain`
   * (a private zone cannot be verified). Only with `privateDns`.
   *
   * @default - verified domains only
   */
  readonly privateDnsDomains?: string[];
}

/**
 * Properties of a `LatticeServiceNetworkEndpoint`.
 */
export interface LatticeServiceNetworkEndpointProps extends ServiceNetworkVpcEndpointOptions {
  /** The VPC of the endpoint. */
  readonly vpc: ec2.IVpc;

  /** The service network the endpoint connects to. */
  readonly serviceNetwork: ILatticeServiceNetwork;
}

/**
 * A VPC endpoint of type `ServiceNetwork`: clients in the VPC (or on
 * premises, through Direct Connect or VPN) reach the network's services and
 * resource configurations through network interfaces in the VPC. An
 * alternative to a VPC association (`associateVpc`), which Lattice limits to
 * one per VPC; a VPC cannot have both an association and an endpoint of the
 * same network.
 *
 * Create it with `LatticeServiceNetwork.addVpcEndpoint(vpc, options)`.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as ec2 from 'aws-cdk-lib/aws-ec2';
 * import { LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const vpc: ec2.IVpc;
 *
 * const network = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
 * const endpoint = network.addVpcEndpoint(vpc, {
 *   allowedPorts: [ec2.Port.tcp(443), ec2.Port.tcp(5432)],
 *   privateDnsDomains: ['example.com'],
 * });
 */
export class LatticeServiceNetworkEndpoint extends Resource implements ec2.IConnectable {
  /** The `AWS::EC2::VPCEndpoint` resource. */
  public readonly cfnVpcEndpoint: ec2.CfnVPCEndpoint;

  /**
   * ID of the endpoint (`vpce-...`).
   *
   * @attribute
   */
  public readonly vpcEndpointId: string;

  /** The endpoint's security groups. */
  public readonly connections: ec2.Connections;

  /**
   * The security group this construct created.
   *
   * @default - none, when `securityGroups` was given
   */
  public readonly securityGroup?: ec2.SecurityGroup;

  /**
   * @param scope the construct this one is created in (the VPC, when created by `addVpcEndpoint`)
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeServiceNetworkEndpointProps) {
    super(scope, id);
    const { vpc, serviceNetwork } = props;
    const fail = (message: string) => validationError(serviceNetwork, KIND, `addVpcEndpoint(VPC "${vpc.node.path}"): ${message}`);

    const association = vpc.node.tryFindChild(serviceNetworkAssociationId(serviceNetwork));
    if (association) {
      throw fail(`the VPC is already associated with this service network (association "${association.node.path}"); ` +
        'use either associateVpc or addVpcEndpoint for one VPC, not both');
    }

    const selection = vpc.selectSubnets(props.vpcSubnets);
    if (selection.subnetIds.length === 0) {
      throw fail('vpcSubnets selects no subnets; select at least one (by default the private subnets are used)');
    }
    const zones = selection.subnets.map((subnet) => subnet.availabilityZone).filter((az) => !Token.isUnresolved(az));
    const twice = zones.find((az, i) => zones.indexOf(az) !== i);
    if (twice !== undefined) {
      throw fail(`vpcSubnets selects two subnets in Availability Zone "${twice}"; an endpoint takes one subnet per zone (add onePerAz: true)`);
    }

    const privateDns = props.privateDns ?? true;
    const domains = props.privateDnsDomains;
    if (domains !== undefined) {
      if (!privateDns) throw fail('privateDnsDomains needs privateDns; remove privateDnsDomains or set privateDns to true');
      if (domains.length === 0 || domains.length > MAX_PRIVATE_DNS_DOMAINS) {
        throw fail(`privateDnsDomains has ${domains.length} domains; give 1 to ${MAX_PRIVATE_DNS_DOMAINS}, or omit it`);
      }
      for (const domain of domains) {
        if (Token.isUnresolved(domain)) throw fail(`${literalRequired('privateDnsDomains entry', 'string', 'check it is a domain')}; give literal domains such as "example.com"`);
        const problem = dnsNameProblem(domain.startsWith('*.') ? domain.slice(2) : domain);
        if (problem !== undefined) {
          throw fail(`privateDnsDomains entry "${domain}" is not a lowercase domain such as "example.com" or "*.example.com": ${problem}`);
        }
      }
    }

    let securityGroups: ec2.ISecurityGroup[];
    if (props.securityGroups !== undefined) {
      if (props.allowedPorts !== undefined) {
        throw fail('allowedPorts only applies to the security group this method creates; add the rules to your securityGroups instead');
      }
      if (props.securityGroups.length === 0) throw fail('securityGroups is empty; give at least one, or omit it to get a new security group');
      securityGroups = [...props.securityGroups];
    } else {
      const ports = props.allowedPorts ?? [ec2.Port.tcp(80), ec2.Port.tcp(443)];
      if (ports.length === 0) throw fail('allowedPorts is empty, so no client could use the endpoint; give at least one port');
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc,
        description: `Lattice service network ${serviceNetwork.serviceNetworkName}: clients of the VPC to the endpoint`,
        allowAllOutbound: false,
        allowAllIpv6Outbound: false,
      });
      for (const port of ports) {
        this.securityGroup.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), port, 'clients in the VPC');
      }
      if (Token.isUnresolved(vpc.vpcCidrBlock)) {
        acknowledge(this.securityGroup.node.defaultChild ?? this.securityGroup, 'AwsSolutions-EC23',
          'Inbound rules admit only the VPC\'s own IPv4 CIDR (a deploy-time attribute of the VPC, which the rule cannot evaluate), never 0.0.0.0/0.');
      }
      securityGroups = [this.securityGroup];
    }
    this.connections = new ec2.Connections({ securityGroups });

    this.cfnVpcEndpoint = new ec2.CfnVPCEndpoint(this, 'Resource', {
      vpcId: vpc.vpcId,
      vpcEndpointType: 'ServiceNetwork',
      serviceNetworkArn: serviceNetwork.serviceNetworkArn,
      subnetIds: selection.subnetIds,
      securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      privateDnsEnabled: privateDns,
      dnsOptions: domains !== undefined
        ? { privateDnsPreference: 'VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS', privateDnsSpecifiedDomains: [...domains] }
        : undefined,
    });
    this.vpcEndpointId = this.cfnVpcEndpoint.ref;
  }
}

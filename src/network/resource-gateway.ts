import { isIP } from 'net';
import { Annotations, Names, Resource, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct } from 'constructs';
import { LatticeAuthType, LatticeServiceNetwork } from './service-network';
import { ILatticeServiceNetwork } from './service-network-ref';
import { dnsNameProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import {
  arnProblem,
  domainVerificationIdProblem,
  generatedLatticeName,
  latticeNameProblem,
  RESOURCE_CONFIGURATION_NAME_RULES,
  RESOURCE_GATEWAY_NAME_RULES,
} from '../private/lattice-names';
import { describeValue, formatPortRange, parsePortRanges, PortRange, portRangesOverlap } from '../private/ports';
import { claimUniqueName } from '../private/unique-names';

const KIND = 'LatticeResourceGateway';

/** Lattice limit on security groups per resource gateway. */
const MAX_GATEWAY_SECURITY_GROUPS = 5;

/**
 * IP address types of a resource gateway, and of the addresses a DNS
 * resource resolves to.
 */
export enum ResourceGatewayIpAddressType {
  /** IPv4 addresses only. */
  IPV4 = 'IPV4',
  /** IPv6 addresses only. */
  IPV6 = 'IPV6',
  /** IPv4 and IPv6 addresses (resource gateways only; not for DNS resources). */
  DUALSTACK = 'DUALSTACK',
}

/**
 * How a resource gateway resolves the DNS names of its resource
 * configurations.
 */
export enum ResourceGatewayDnsResolution {
  /**
   * With the VPC's resolver: names of private hosted zones associated with the
   * VPC resolve, and so do public names.
   */
  IN_VPC = 'IN_VPC',
  /** With public DNS only (Lattice's own default). */
  PUBLIC = 'PUBLIC',
}

/** Lattice limits on IPv4 addresses per network interface of a resource gateway. */
const MIN_IPV4_PER_ENI = 1;
const MAX_IPV4_PER_ENI = 62;

/**
 * What a resource configuration points at: a DNS name, an IP address, or an
 * AWS resource by ARN.
 *
 * @example
 * import { LatticeResource, ResourceGatewayIpAddressType } from 'cdk-lattice-eks';
 *
 * const byName = LatticeResource.dnsName('orders.internal.example', ResourceGatewayIpAddressType.IPV4);
 * const byAddress = LatticeResource.ipAddress('10.0.3.25');
 * const byArn = LatticeResource.arn('arn:aws:rds:eu-west-1:111111111111:db:orders');
 */
export class LatticeResource {
  /**
   * A resource reached by DNS name, resolved by the resource gateway.
   *
   * The name may be a token (for example `database.dbInstanceEndpointAddress`).
   *
   * @param domainName the name, for example `orders.cluster-abc.us-east-1.rds.amazonaws.com`
   * @param ipAddressType which addresses of the name the gateway connects to;
   *   `DUALSTACK` is not supported by Lattice for DNS resources
   */
  public static dnsName(domainName: string, ipAddressType: ResourceGatewayIpAddressType = ResourceGatewayIpAddressType.IPV4): LatticeResource {
    return new LatticeResource('dns', domainName, ipAddressType);
  }

  /**
   * A resource reached by IP address (IPv4 or IPv6, an address in the
   * gateway's VPC). May be a token.
   *
   * @param ipAddress the address, for example `10.0.3.25`
   */
  public static ipAddress(ipAddress: string): LatticeResource {
    return new LatticeResource('ip', ipAddress, undefined);
  }

  /**
   * An AWS resource by ARN, of a type Lattice supports (for example an RDS
   * database). Lattice takes the ports from the resource: such a resource
   * configuration has no port ranges. May be a token (`database.instanceArn`).
   *
   * @param arn the ARN, for example `arn:aws:rds:us-east-1:111122223333:db:orders`
   */
  public static arn(arn: string): LatticeResource {
    return new LatticeResource('arn', arn, undefined);
  }

  /**
   * The DNS name, IP address or ARN.
   */
  public readonly value: string;

  /**
   * For DNS resources, which addresses of the name the gateway connects to.
   *
   * @default - none, for IP address and ARN resources
   */
  public readonly ipAddressType?: ResourceGatewayIpAddressType;

  /**
   * `dns`, `ip` or `arn`.
   *
   * @internal
   */
  public readonly _kind: 'dns' | 'ip' | 'arn';

  private constructor(kind: 'dns' | 'ip' | 'arn', value: string, ipAddressType: ResourceGatewayIpAddressType | undefined) {
    this._kind = kind;
    this.value = value;
    this.ipAddressType = ipAddressType;
  }
}

/**
 * Options of one resource configuration on a `LatticeResourceGateway`.
 */
export interface LatticeResourceConfigurationOptions {
  /**
   * The resource: `LatticeResource.dnsName(...)`, `.ipAddress(...)` or `.arn(...)`.
   */
  readonly resource: LatticeResource;

  /**
   * TCP ports on which consumers reach the resource: single ports such as
   * `"5432"` or ranges such as `"8000-8080"` (1-65535, start <= end, none
   * overlapping). Required for DNS and IP resources; not allowed for ARN
   * resources, whose ports Lattice takes from the resource.
   *
   * @default - none; only valid for `LatticeResource.arn(...)`
   */
  readonly portRanges?: string[];

  /**
   * The service network the resource configuration is associated with.
   * Clients in VPCs associated with it (or with a service-network VPC
   * endpoint of it) reach the resource.
   *
   * The network's auth policy does NOT apply to resource configurations:
   * restrict who connects with security groups (the VPC association's or
   * VPC endpoint's, and this gateway's).
   */
  readonly serviceNetwork: ILatticeServiceNetwork;

  /**
   * Name of the resource configuration: 3-40 characters of a-z, 0-9 and
   * `-`, starting and ending with a letter or digit, without `--`, not
   * starting with `rcfg-`; unique in the account.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * A custom domain name consumers use for the resource (for example
   * `orders-db.example.com`). Lattice manages a private hosted zone for it in
   * consumer VPCs whose private DNS settings admit the domain: verified
   * domains by default, others only where listed (see
   * `LatticeServiceNetwork.addVpcEndpoint`'s `privateDnsDomains`).
   *
   * Domain verification is not done here: Lattice verifies ownership with a
   * TXT record that it must find in the domain's public DNS, so writing that
   * record into a `PrivateCaDomain`'s private hosted zone cannot verify it
   * (and CloudFormation has no waiter for the verification). Verify the
   * domain in its public zone and pass `domainVerificationId`, or leave the
   * domain unverified and list it in the consumers' private DNS domains.
   *
   * @default - none: consumers use the DNS names Lattice generates
   */
  readonly customDomainName?: string;

  /**
   * ID of a Lattice domain verification (`dv-...`) covering
   * `customDomainName`. Only with `customDomainName`.
   *
   * @default - the custom domain name is unverified
   */
  readonly domainVerificationId?: string;

  /**
   * Whether Lattice manages private DNS for the custom domain name in the
   * consumers' VPCs (`PrivateDnsEnabled` of the association). Only with
   * `customDomainName`.
   *
   * @default true when `customDomainName` is given
   */
  readonly privateDns?: boolean;

  /**
   * Whether the resource configuration may be associated with service
   * networks that are shared with other accounts through AWS RAM. Needed
   * when `serviceNetwork` is shared (`LatticeServiceNetwork.shareWith`).
   *
   * @default false
   */
  readonly allowAssociationToSharableServiceNetwork?: boolean;
}

/**
 * Properties of a `LatticeResourceGateway`.
 */
export interface LatticeResourceGatewayProps {
  /**
   * The VPC of the resources (the gateway's network interfaces are placed in
   * it).
   */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets for the gateway's network interfaces: one per Availability Zone
   * that clients should reach the resources through.
   *
   * @default - the VPC's private subnets (CDK's default subnet selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the gateway (at most 5). Their outbound rules decide
   * which resources the gateway can reach; the resources' security groups
   * must admit them (`resource.connections.allowFrom(gateway, port)`).
   *
   * @default - one new security group without inbound rules, whose outbound
   *   rules admit exactly the port ranges of each DNS or IP resource
   *   configuration, to the IP address (IP resources) or to the VPC's IPv4
   *   CIDR (IPv4 DNS resources); add rules for ARN resources and IPv6 DNS
   *   resources with `connections.allowTo(...)`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * IP address type of the gateway.
   *
   * @default ResourceGatewayIpAddressType.IPV4
   */
  readonly ipAddressType?: ResourceGatewayIpAddressType;

  /**
   * How the gateway resolves the DNS names of DNS resources. Cannot change
   * after creation (CloudFormation replaces the gateway).
   *
   * @default ResourceGatewayDnsResolution.IN_VPC - names of the VPC's private
   *   hosted zones resolve too
   */
  readonly dnsResolution?: ResourceGatewayDnsResolution;

  /**
   * IPv4 addresses per network interface of the gateway (1-62): each address
   * carries a share of the connections to the resources. Only for IPv4 and
   * dual-stack gateways.
   *
   * @default - Lattice's default
   */
  readonly ipv4AddressesPerEni?: number;

  /**
   * Name of the resource gateway: 3-40 characters of a-z, 0-9 and `-`,
   * starting and ending with a letter or digit, without `--`, not starting
   * with `rgw-`.
   *
   * @default - derived from the construct path
   */
  readonly resourceGatewayName?: string;
}

/**
 * One resource configuration of a `LatticeResourceGateway` and its service
 * network association. Created by `gateway.addResourceConfiguration(...)`.
 *
 * @example
 * import { CfnOutput, Stack } from 'aws-cdk-lib';
 * import { LatticeResource, LatticeResourceGateway, LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const gateway: LatticeResourceGateway;
 * declare const network: LatticeServiceNetwork;
 *
 * const cache = gateway.addResourceConfiguration('Cache', {
 *   resource: LatticeResource.dnsName('cache.internal.example'),
 *   portRanges: ['6379'],
 *   serviceNetwork: network,
 *   name: 'orders-cache',
 * });
 * new CfnOutput(stack, 'CacheConfiguration', { value: cache.resourceConfigurationArn });
 */
export class LatticeResourceConfiguration extends Construct {
  /** The `AWS::VpcLattice::ResourceConfiguration` resource. */
  public readonly cfnResourceConfiguration: vpclattice.CfnResourceConfiguration;

  /** The `AWS::VpcLattice::ServiceNetworkResourceAssociation` resource. */
  public readonly serviceNetworkAssociation: vpclattice.CfnServiceNetworkResourceAssociation;

  /**
   * ID of the resource configuration (`rcfg-...`).
   *
   * @attribute
   */
  public readonly resourceConfigurationId: string;

  /**
   * ARN of the resource configuration.
   *
   * @attribute
   */
  public readonly resourceConfigurationArn: string;

  /** Name of the resource configuration. */
  public readonly resourceConfigurationName: string;

  /** The resource. */
  public readonly resource: LatticeResource;

  /**
   * Port ranges as given (`5432`, `8000-8080`).
   *
   * @default - none, for ARN resources
   */
  public readonly portRanges?: string[];

  /** @internal */
  public readonly _ranges: PortRange[];

  /**
   * Prefer `gateway.addResourceConfiguration(id, options)`, which does the same.
   *
   * @param gateway the resource gateway the configuration belongs to
   * @param id its id, unique within the gateway
   * @param options options (see the options interface)
   */
  constructor(gateway: LatticeResourceGateway, id: string, options: LatticeResourceConfigurationOptions) {
    const ranges = gateway._checkResourceConfiguration(id, options);
    super(gateway, id);
    this.resource = options.resource;
    this._ranges = ranges;
    this.portRanges = options.portRanges ? [...options.portRanges] : undefined;
    this.resourceConfigurationName = options.name ?? generatedLatticeName(
      Names.uniqueResourceName(this, { maxLength: 256, separator: '-' }), RESOURCE_CONFIGURATION_NAME_RULES);

    const resource = options.resource;
    const definition: vpclattice.CfnResourceConfiguration.ResourceConfigurationDefinitionProperty =
      resource._kind === 'dns'
        ? { dnsResource: { domainName: resource.value, ipAddressType: resource.ipAddressType ?? ResourceGatewayIpAddressType.IPV4 } }
        : resource._kind === 'ip' ? { ipResource: resource.value } : { arnResource: resource.value };

    this.cfnResourceConfiguration = new vpclattice.CfnResourceConfiguration(this, 'Resource', {
      name: this.resourceConfigurationName,
      resourceGatewayId: gateway.resourceGatewayId,
      resourceConfigurationType: resource._kind === 'arn' ? 'ARN' : 'SINGLE',
      resourceConfigurationDefinition: definition,
      protocolType: resource._kind === 'arn' ? undefined : 'TCP',
      portRanges: resource._kind === 'arn' ? undefined : ranges.map(formatPortRange),
      customDomainName: options.customDomainName,
      domainVerificationId: options.domainVerificationId,
      allowAssociationToSharableServiceNetwork: options.allowAssociationToSharableServiceNetwork,
    });
    this.resourceConfigurationId = this.cfnResourceConfiguration.attrId;
    this.resourceConfigurationArn = this.cfnResourceConfiguration.attrArn;

    this.serviceNetworkAssociation = new vpclattice.CfnServiceNetworkResourceAssociation(this, 'ServiceNetworkAssociation', {
      resourceConfigurationId: this.resourceConfigurationId,
      // The ARN also works for a network shared from another account.
      serviceNetworkId: options.serviceNetwork.serviceNetworkArn,
      privateDnsEnabled: options.customDomainName !== undefined ? (options.privateDns ?? true) : undefined,
    });

    const network = options.serviceNetwork;
    const ports = resource._kind === 'arn' ? 'the resource\'s ports' : `TCP ${ranges.map(formatPortRange).join(', ')}`;
    const noAuth = `resource configuration "${this.resourceConfigurationName}" (${ports}) is reached over TCP without the service network's auth policy: ` +
      'Lattice does not apply auth policies to resource configurations, and the SigV4 proxy does not sign these connections. ' +
      'Any client in a VPC associated with the network (or with a VPC endpoint of it) can connect; restrict access with security groups ' +
      '(the association\'s or endpoint\'s, this gateway\'s and the resource\'s) and with the resource\'s own authentication.';
    if (network instanceof LatticeServiceNetwork && network.authType === LatticeAuthType.NONE) {
      Annotations.of(this).addInfo(noAuth);
    } else {
      Annotations.of(this).addWarningV2('cdk-lattice-eks:resourceConfigurationWithoutAuthPolicy',
        `Service network "${network.serviceNetworkName}" authorizes HTTP calls with IAM, but ${noAuth}`);
    }
    gateway._registerResourceConfiguration(this);
  }
}

/**
 * An Amazon VPC Lattice resource gateway in the VPC of one or more TCP
 * resources (databases, anything reachable by DNS name, IP address or ARN),
 * with resource configurations that make those resources reachable from the
 * VPCs of a service network, even across overlapping CIDRs.
 *
 * Resource configurations are TCP: the service network's auth policy does not
 * apply to them, and pods reach them directly, without the SigV4 proxy (whose
 * iptables rules only redirect the HTTP ports of Lattice services; keep the
 * resources' ports out of `SigV4SidecarPolicy`'s `interceptedPorts`). Control
 * who connects with security groups and the resource's own authentication.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as ec2 from 'aws-cdk-lib/aws-ec2';
 * import { LatticeResource, LatticeResourceGateway, LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const databaseVpc: ec2.IVpc;
 * declare const database: ec2.IConnectable;
 * declare const network: LatticeServiceNetwork;
 *
 * const gateway = new LatticeResourceGateway(stack, 'DatabaseGateway', { vpc: databaseVpc });
 * gateway.addResourceConfiguration('Orders', {
 *   resource: LatticeResource.dnsName('orders.db.internal.example'),
 *   portRanges: ['5432'],
 *   serviceNetwork: network,
 * });
 * // The database admits the gateway, not the clients.
 * database.connections.allowFrom(gateway, ec2.Port.tcp(5432));
 */
export class LatticeResourceGateway extends Resource implements ec2.IConnectable {
  /** The `AWS::VpcLattice::ResourceGateway` resource. */
  public readonly cfnResourceGateway: vpclattice.CfnResourceGateway;

  /**
   * ID of the resource gateway (`rgw-...`).
   *
   * @attribute
   */
  public readonly resourceGatewayId: string;

  /**
   * ARN of the resource gateway.
   *
   * @attribute
   */
  public readonly resourceGatewayArn: string;

  /** Name of the resource gateway. */
  public readonly resourceGatewayName: string;

  /** The gateway's security groups. */
  public readonly connections: ec2.Connections;

  /**
   * The security group this construct created.
   *
   * @default - none, when `securityGroups` was given
   */
  public readonly securityGroup?: ec2.SecurityGroup;

  /** IP address type of the gateway. */
  public readonly ipAddressType: ResourceGatewayIpAddressType;

  private readonly vpc: ec2.IVpc;
  private readonly configurations: LatticeResourceConfiguration[] = [];

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeResourceGatewayProps) {
    super(scope, id);
    this.vpc = props.vpc;

    this.resourceGatewayName = props.resourceGatewayName ?? generatedLatticeName(
      Names.uniqueResourceName(this, { maxLength: 256, separator: '-' }), RESOURCE_GATEWAY_NAME_RULES);
    const nameProblem = latticeNameProblem(this.resourceGatewayName, RESOURCE_GATEWAY_NAME_RULES);
    if (nameProblem !== undefined) {
      throw validationError(this, KIND, `resourceGatewayName: ${nameProblem}`);
    }
    claimUniqueName(this, KIND, {
      what: 'Lattice resource gateway',
      prop: 'resourceGatewayName',
      name: this.resourceGatewayName,
      uniqueness: 'account-and-region',
      fix: 'give each gateway its own resourceGatewayName (or leave it out to get a generated one)',
    });

    const ipAddressType = props.ipAddressType ?? ResourceGatewayIpAddressType.IPV4;
    if (!Object.values(ResourceGatewayIpAddressType).includes(ipAddressType)) {
      throw validationError(this, KIND,
        `ipAddressType ${describeValue(ipAddressType)} must be one of ${Object.values(ResourceGatewayIpAddressType).join(', ')}`);
    }
    this.ipAddressType = ipAddressType;

    const dnsResolution = props.dnsResolution ?? ResourceGatewayDnsResolution.IN_VPC;
    if (!Object.values(ResourceGatewayDnsResolution).includes(dnsResolution)) {
      throw validationError(this, KIND,
        `dnsResolution ${describeValue(dnsResolution)} must be one of ${Object.values(ResourceGatewayDnsResolution).join(', ')}`);
    }
    const perEni = props.ipv4AddressesPerEni;
    if (perEni !== undefined) {
      if (Token.isUnresolved(perEni)) {
        throw validationError(this, KIND, literalRequired('ipv4AddressesPerEni', 'number', `check it is between ${MIN_IPV4_PER_ENI} and ${MAX_IPV4_PER_ENI}`));
      }
      if (!Number.isInteger(perEni) || perEni < MIN_IPV4_PER_ENI || perEni > MAX_IPV4_PER_ENI) {
        throw validationError(this, KIND,
          `ipv4AddressesPerEni ${describeValue(perEni)} must be a literal integer between ${MIN_IPV4_PER_ENI} and ${MAX_IPV4_PER_ENI}`);
      }
      if (ipAddressType === ResourceGatewayIpAddressType.IPV6) {
        throw validationError(this, KIND,
          `ipv4AddressesPerEni (${perEni}) does not apply to an IPV6 gateway; remove it or use ipAddressType IPV4 or DUALSTACK`);
      }
    }

    const subnets = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;
    if (subnets.length === 0) {
      throw validationError(this, KIND,
        `vpcSubnets selects no subnets of VPC "${props.vpc.node.path}"; select at least one subnet ` +
        '(by default the private subnets are used: give vpcSubnets, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED })');
    }

    let securityGroups: ec2.ISecurityGroup[];
    if (props.securityGroups !== undefined) {
      if (props.securityGroups.length === 0 || props.securityGroups.length > MAX_GATEWAY_SECURITY_GROUPS) {
        throw validationError(this, KIND,
          `securityGroups has ${props.securityGroups.length} security groups; give 1 to ${MAX_GATEWAY_SECURITY_GROUPS}, ` +
          'or omit it to get a new security group');
      }
      securityGroups = [...props.securityGroups];
    } else {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Lattice resource gateway ${this.resourceGatewayName}: egress to its resources`,
        allowAllOutbound: false,
        allowAllIpv6Outbound: false,
      });
      securityGroups = [this.securityGroup];
    }
    this.connections = new ec2.Connections({ securityGroups });

    this.cfnResourceGateway = new vpclattice.CfnResourceGateway(this, 'Resource', {
      name: this.resourceGatewayName,
      vpcIdentifier: props.vpc.vpcId,
      subnetIds: subnets,
      securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      ipAddressType,
      resourceConfigDnsResolution: dnsResolution,
      ipv4AddressesPerEni: perEni,
    });
    this.resourceGatewayId = this.cfnResourceGateway.attrId;
    this.resourceGatewayArn = this.cfnResourceGateway.attrArn;
  }

  /**
   * The resource configurations added so far.
   */
  public get resourceConfigurations(): LatticeResourceConfiguration[] {
    return [...this.configurations];
  }

  /**
   * Adds a resource configuration (type `SINGLE` for DNS and IP resources,
   * `ARN` for ARN resources, protocol TCP) on this gateway and associates it
   * with `options.serviceNetwork`.
   *
   * When this construct created the gateway's security group, egress to the
   * resource on its port ranges is added to it (see `securityGroups`).
   *
   * @param id construct ID of the resource configuration, unique on this gateway
   * @returns the resource configuration
   */
  public addResourceConfiguration(id: string, options: LatticeResourceConfigurationOptions): LatticeResourceConfiguration {
    return new LatticeResourceConfiguration(this, id, options);
  }

  /**
   * Validates a resource configuration about to be added; returns its port ranges.
   *
   * @internal
   */
  public _checkResourceConfiguration(id: string, options: LatticeResourceConfigurationOptions): PortRange[] {
    const where = `addResourceConfiguration("${id}")`;
    const fail = (message: string) => validationError(this, KIND, `${where}: ${message}`);
    const resource = options.resource;
    if (!(resource instanceof LatticeResource)) {
      throw fail('resource must be created with LatticeResource.dnsName(...), .ipAddress(...) or .arn(...)');
    }

    if (options.name !== undefined) {
      const problem = latticeNameProblem(options.name, RESOURCE_CONFIGURATION_NAME_RULES);
      if (problem !== undefined) throw fail(`name: ${problem}`);
      const same = this.configurations.find((c) => c.resourceConfigurationName === options.name);
      if (same) throw fail(`name "${options.name}" is already used by "${same.node.path}"; resource configuration names are unique in an account`);
      claimUniqueName(this, KIND, {
        what: 'Lattice resource configuration',
        prop: `${where}: name`,
        name: options.name,
        uniqueness: 'account-and-region',
        fix: 'give each resource configuration its own name (or leave it out to get a generated one)',
      });
    }

    this.validateResource(fail, resource);

    let ranges: PortRange[] = [];
    if (resource._kind === 'arn') {
      if (options.portRanges !== undefined) {
        throw fail(`portRanges ${describeValue(options.portRanges)} cannot be used with an ARN resource: Lattice takes its ports from the resource; ` +
          'remove portRanges, or use LatticeResource.dnsName(...) with the resource\'s endpoint');
      }
    } else {
      if (options.portRanges === undefined) {
        throw fail('portRanges is required for DNS and IP resources; give the TCP ports clients use, such as ["5432"] or ["8000-8080"]');
      }
      const parsed = parsePortRanges(options.portRanges);
      if (typeof parsed === 'string') throw fail(`portRanges ${parsed}`);
      ranges = parsed;
    }

    this.validateCustomDomain(fail, options);

    // Two configurations for one resource with a shared port would race for the same connections.
    for (const other of this.configurations) {
      if (other.resource._kind !== resource._kind || other.resource.value.toLowerCase() !== resource.value.toLowerCase()) continue;
      const shown = Token.isUnresolved(resource.value) ? 'the same token' : `"${resource.value}"`;
      if (resource._kind === 'arn') {
        throw fail(`resource ${shown} already has resource configuration "${other.node.path}" on this gateway; use that one`);
      }
      const clash = ranges.find((range) => other._ranges.some((o) => portRangesOverlap(o, range)));
      if (clash) {
        throw fail(`resource ${shown} with port range "${formatPortRange(clash)}" overlaps resource configuration "${other.node.path}" ` +
          `(${other._ranges.map(formatPortRange).join(', ')}) on this gateway; give each port of a resource to one configuration`);
      }
    }

    return ranges;
  }

  /**
   * Registers a created resource configuration (egress on the security group this construct created).
   *
   * @internal
   */
  public _registerResourceConfiguration(configuration: LatticeResourceConfiguration): void {
    this.configurations.push(configuration);
    this.allowEgressTo(configuration.resource, configuration._ranges);
  }

  private validateResource(fail: (message: string) => Error, resource: LatticeResource): void {
    const value = resource.value;
    if (resource._kind === 'dns') {
      const type = resource.ipAddressType ?? ResourceGatewayIpAddressType.IPV4;
      if (type === ResourceGatewayIpAddressType.DUALSTACK || !Object.values(ResourceGatewayIpAddressType).includes(type)) {
        throw fail(`resource DNS name ipAddressType ${describeValue(type)} is not supported; use IPV4 or IPV6`);
      }
      if (this.ipAddressType !== ResourceGatewayIpAddressType.DUALSTACK && type !== this.ipAddressType) {
        throw fail(`resource DNS name ipAddressType "${type}" does not fit the gateway's ipAddressType "${this.ipAddressType}"; ` +
          `use "${this.ipAddressType}" or a DUALSTACK gateway`);
      }
      if (!Token.isUnresolved(value)) {
        const problem = dnsNameProblem(value);
        if (problem !== undefined) throw fail(`resource DNS name "${value}" is not a lowercase DNS name such as "db.example.com": ${problem}`);
      }
    } else if (resource._kind === 'ip') {
      if (Token.isUnresolved(value)) return;
      const family = isIP(value);
      if (family === 0) {
        throw fail(`resource IP address "${value}" is not an IPv4 or IPv6 address (give one address such as "10.0.3.25", without a prefix length)`);
      }
      const type = family === 4 ? ResourceGatewayIpAddressType.IPV4 : ResourceGatewayIpAddressType.IPV6;
      if (this.ipAddressType !== ResourceGatewayIpAddressType.DUALSTACK && type !== this.ipAddressType) {
        throw fail(`resource IP address "${value}" is ${type} but the gateway's ipAddressType is "${this.ipAddressType}"; ` +
          `use ipAddressType ${type} or DUALSTACK on the gateway`);
      }
    } else {
      const problem = arnProblem(value);
      if (problem !== undefined) throw fail(`resource ${problem}`);
    }
  }

  private validateCustomDomain(fail: (message: string) => Error, options: LatticeResourceConfigurationOptions): void {
    const domain = options.customDomainName;
    if (domain === undefined) {
      if (options.domainVerificationId !== undefined) throw fail('domainVerificationId needs customDomainName; give the domain it verifies');
      if (options.privateDns !== undefined) throw fail('privateDns only applies to customDomainName; give customDomainName or remove privateDns');
      return;
    }
    if (Token.isUnresolved(domain)) {
      throw fail(`${literalRequired('customDomainName', 'string', 'check it for clashes with the other resource configurations')}; give a name such as "orders-db.example.com"`);
    }
    const problem = dnsNameProblem(domain);
    if (problem !== undefined) throw fail(`customDomainName "${domain}" is not a lowercase DNS name such as "orders-db.example.com": ${problem}`);
    const same = this.configurations.find((c) => c.cfnResourceConfiguration.customDomainName === domain);
    if (same) throw fail(`customDomainName "${domain}" is already used by "${same.node.path}"; give each resource its own name`);
    if (options.domainVerificationId !== undefined) {
      const idProblem = domainVerificationIdProblem(options.domainVerificationId);
      if (idProblem !== undefined) throw fail(`domainVerificationId: ${idProblem}`);
    }
  }

  /** Least-privilege egress on the security group this construct created. */
  private allowEgressTo(resource: LatticeResource, ranges: PortRange[]): void {
    if (this.securityGroup === undefined || resource._kind === 'arn') return;
    let peer: ec2.IPeer | undefined;
    if (resource._kind === 'ip') {
      if (Token.isUnresolved(resource.value)) {
        peer = ec2.Peer.ipv4(this.vpc.vpcCidrBlock);
      } else {
        peer = isIP(resource.value) === 4 ? ec2.Peer.ipv4(`${resource.value}/32`) : ec2.Peer.ipv6(`${resource.value}/128`);
      }
    } else if ((resource.ipAddressType ?? ResourceGatewayIpAddressType.IPV4) === ResourceGatewayIpAddressType.IPV4) {
      peer = ec2.Peer.ipv4(this.vpc.vpcCidrBlock);
    }
    if (peer === undefined) return;
    for (const range of ranges) {
      const port = range.from === range.to ? ec2.Port.tcp(range.from) : ec2.Port.tcpRange(range.from, range.to);
      this.securityGroup.addEgressRule(peer, port, `to resource ${Token.isUnresolved(resource.value) ? 'in the VPC' : resource.value}`);
    }
  }
}

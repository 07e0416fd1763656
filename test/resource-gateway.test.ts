import * as fs from 'fs';
import * as path from 'path';
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { cfnLintErrors } from './util/cfn-lint';
import { smallVpc } from './util/fixtures';
import { awsSolutionsFindings } from './util/nag';
import {
  LatticeResource,
  LatticeResourceConfigurationOptions,
  LatticeResourceGateway,
  LatticeResourceGatewayProps,
  ResourceGatewayDnsResolution,
  ResourceGatewayIpAddressType,
} from '../src/network/resource-gateway';
import { LatticeAuthType, LatticeServiceNetwork } from '../src/network/service-network';
import { ServiceNetworkVpcEndpointOptions } from '../src/network/service-network-endpoint';

const ENV = { account: '111111111111', region: 'us-east-1' };


function fixture(gatewayProps: Partial<LatticeResourceGatewayProps> = {}, authType = LatticeAuthType.AWS_IAM) {
  const app = new App();
  const stack = new Stack(app, 'ResourceStack', { env: ENV });
  const network = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'cross-cluster', authType });
  const vpc = smallVpc(stack);
  const gateway = new LatticeResourceGateway(stack, 'Gateway', { vpc, ...gatewayProps });
  return { app, stack, network, vpc, gateway };
}


describe('LatticeResourceGateway', () => {
  let stack: Stack;
  let template: Template;
  let gateway: LatticeResourceGateway;
  let network: LatticeServiceNetwork;
  let vpc: ec2.Vpc;

  beforeAll(() => {
    ({ stack, gateway, network, vpc } = fixture());
    gateway.addResourceConfiguration('Orders', {
      resource: LatticeResource.dnsName('orders.db.internal.example'),
      portRanges: ['5432'],
      serviceNetwork: network,
      name: 'orders-db',
    });
    gateway.addResourceConfiguration('Legacy', {
      resource: LatticeResource.ipAddress('10.0.3.25'),
      portRanges: ['8000-8080', '9000'],
      serviceNetwork: network,
      customDomainName: 'legacy.example.com',
    });
    gateway.addResourceConfiguration('Rds', {
      resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:orders'),
      serviceNetwork: network,
    });
    template = Template.fromStack(stack);
  });

  test('one resource gateway in the VPC subnets, with its own security group, IPv4', () => {
    template.resourceCountIs('AWS::VpcLattice::ResourceGateway', 1);
    const sg = stack.getLogicalId(gateway.securityGroup!.node.defaultChild as ec2.CfnSecurityGroup);
    template.hasResourceProperties('AWS::VpcLattice::ResourceGateway', {
      Name: Match.stringLikeRegexp('^[a-z0-9-]{3,40}$'),
      VpcIdentifier: { Ref: Match.stringLikeRegexp('^Vpc') },
      SubnetIds: [{ Ref: Match.stringLikeRegexp('isolatedSubnet1') }, { Ref: Match.stringLikeRegexp('isolatedSubnet2') }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
      IpAddressType: 'IPV4',
      ResourceConfigDnsResolution: 'IN_VPC',
      Ipv4AddressesPerEni: Match.absent(),
    });
    expect(gateway.resourceGatewayName).not.toMatch(/^rgw-|--|^-|-$/);
  });

  test('a DNS resource is a SINGLE TCP configuration with its port ranges', () => {
    template.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', {
      Name: 'orders-db',
      ResourceConfigurationType: 'SINGLE',
      ProtocolType: 'TCP',
      PortRanges: ['5432'],
      ResourceGatewayId: { 'Fn::GetAtt': [stack.getLogicalId(gateway.cfnResourceGateway), 'Id'] },
      ResourceConfigurationDefinition: { DnsResource: { DomainName: 'orders.db.internal.example', IpAddressType: 'IPV4' } },
    });
  });

  test('an IP resource with a range and a custom domain name, private DNS on', () => {
    template.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', {
      ResourceConfigurationType: 'SINGLE',
      PortRanges: ['8000-8080', '9000'],
      ResourceConfigurationDefinition: { IpResource: '10.0.3.25' },
      CustomDomainName: 'legacy.example.com',
      DomainVerificationId: Match.absent(),
    });
    const legacy = gateway.resourceConfigurations.find((c) => c.node.id === 'Legacy')!;
    template.hasResourceProperties('AWS::VpcLattice::ServiceNetworkResourceAssociation', {
      ResourceConfigurationId: { 'Fn::GetAtt': [stack.getLogicalId(legacy.cfnResourceConfiguration), 'Id'] },
      PrivateDnsEnabled: true,
    });
  });

  test('an ARN resource is of type ARN, without ports or protocol', () => {
    template.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', {
      ResourceConfigurationType: 'ARN',
      ResourceConfigurationDefinition: { ArnResource: 'arn:aws:rds:us-east-1:111111111111:db:orders' },
      PortRanges: Match.absent(),
      ProtocolType: Match.absent(),
    });
  });

  test('every configuration is associated with the network by ARN', () => {
    template.resourceCountIs('AWS::VpcLattice::ServiceNetworkResourceAssociation', 3);
    const associations = template.findResources('AWS::VpcLattice::ServiceNetworkResourceAssociation');
    for (const association of Object.values(associations)) {
      expect(association.Properties.ServiceNetworkId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(network.cfnServiceNetwork), 'Arn'] });
    }
    expect(Object.values(associations).filter((a) => a.Properties.PrivateDnsEnabled === undefined)).toHaveLength(2);
  });

  test('the created security group has no inbound rules and egress only to each resource on its ports', () => {
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('resource gateway') },
    }));
    expect(sg).toHaveLength(1);
    expect(sg[0].Properties.SecurityGroupIngress).toBeUndefined();
    const vpcCidr = { 'Fn::GetAtt': [stack.getLogicalId(vpc.node.defaultChild as ec2.CfnVPC), 'CidrBlock'] };
    const egress = sg[0].Properties.SecurityGroupEgress.map((r: any) => [r.CidrIp, r.IpProtocol, r.FromPort, r.ToPort]);
    expect(egress).toEqual([
      [vpcCidr, 'tcp', 5432, 5432],
      ['10.0.3.25/32', 'tcp', 8000, 8080],
      ['10.0.3.25/32', 'tcp', 9000, 9000],
    ]);
  });

  test('the network auth policy not applying is said at synth time, on every configuration', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('without the service network\'s auth policy'));
    expect(warnings.map((w) => w.id.split('/').slice(-1)[0]).sort()).toEqual(['Legacy', 'Orders', 'Rds']);
    expect(warnings[0].entry.data).toMatch(/authorizes HTTP calls with IAM/);
    expect(warnings[0].entry.data).toMatch(/SigV4 proxy does not sign/);
  });

  test('connections let a resource admit the gateway (ingress from the gateway security group)', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: ENV });
    const g = new LatticeResourceGateway(s, 'Gw', { vpc: smallVpc(s) });
    const db = new ec2.SecurityGroup(s, 'Db', { vpc: ec2.Vpc.fromVpcAttributes(s, 'V', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] }) });
    db.connections.allowFrom(g, ec2.Port.tcp(5432));
    Template.fromStack(s).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [s.getLogicalId(g.securityGroup!.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
    });
  });
});

describe('LatticeResourceGateway options', () => {
  test('given security groups are used untouched, and DUALSTACK passes through', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const vpc = smallVpc(stack);
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    const network = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'cross-cluster' });
    const gateway = new LatticeResourceGateway(stack, 'Gw', {
      vpc,
      securityGroups: [sg],
      ipAddressType: ResourceGatewayIpAddressType.DUALSTACK,
      resourceGatewayName: 'orders-gateway',
      dnsResolution: ResourceGatewayDnsResolution.PUBLIC,
      ipv4AddressesPerEni: 4,
    });
    gateway.addResourceConfiguration('V6', {
      resource: LatticeResource.ipAddress('fd00::25'), portRanges: ['6379'], serviceNetwork: network,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::VpcLattice::ResourceGateway', {
      Name: 'orders-gateway',
      IpAddressType: 'DUALSTACK',
      ResourceConfigDnsResolution: 'PUBLIC',
      Ipv4AddressesPerEni: 4,
      SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }],
    });
    expect(gateway.securityGroup).toBeUndefined();
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    template.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', { ResourceConfigurationDefinition: { IpResource: 'fd00::25' } });
  });

  test('a NONE network gets an info, not a warning', () => {
    const { stack, gateway, network } = fixture({}, LatticeAuthType.NONE);
    gateway.addResourceConfiguration('Cache', { resource: LatticeResource.dnsName('cache.internal.example'), portRanges: ['6379'], serviceNetwork: network });
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findWarning('/ResourceStack/Gateway/Cache', Match.anyValue())).toEqual([]);
    expect(annotations.findInfo('/ResourceStack/Gateway/Cache', Match.stringLikeRegexp('auth policy'))).toHaveLength(1);
  });

  test('tokens for DNS names and ARNs are accepted; the same token twice with overlapping ports is not', () => {
    const { gateway, network } = fixture();
    const endpoint = Lazy.string({ produce: () => 'db.internal.example' });
    gateway.addResourceConfiguration('A', { resource: LatticeResource.dnsName(endpoint), portRanges: ['5432'], serviceNetwork: network });
    gateway.addResourceConfiguration('B', { resource: LatticeResource.dnsName(endpoint), portRanges: ['5433'], serviceNetwork: network });
    expect(() => gateway.addResourceConfiguration('C', { resource: LatticeResource.dnsName(endpoint), portRanges: ['5400-5440'], serviceNetwork: network }))
      .toThrow(/resource the same token with port range "5400-5440" overlaps resource configuration ".*\/Gateway\/A"/);
  });

  test('custom domain with a verification ID and private DNS off', () => {
    const { stack, gateway, network } = fixture();
    gateway.addResourceConfiguration('Db', {
      resource: LatticeResource.dnsName('db.internal.example'),
      portRanges: ['5432'],
      serviceNetwork: network,
      customDomainName: 'orders-db.example.com',
      domainVerificationId: 'dv-0123456789abcdef0',
      privateDns: false,
      allowAssociationToSharableServiceNetwork: true,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', {
      CustomDomainName: 'orders-db.example.com', DomainVerificationId: 'dv-0123456789abcdef0', AllowAssociationToSharableServiceNetwork: true,
    });
    template.hasResourceProperties('AWS::VpcLattice::ServiceNetworkResourceAssociation', { PrivateDnsEnabled: false });
  });
});

describe('LatticeServiceNetwork.addVpcEndpoint', () => {
  test('a ServiceNetwork endpoint with private DNS, subnets and a new security group admitting 80/443 from the VPC', () => {
    const { stack, network, vpc } = fixture();
    const endpoint = network.addVpcEndpoint(vpc);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'ServiceNetwork',
      ServiceNetworkArn: { 'Fn::GetAtt': [stack.getLogicalId(network.cfnServiceNetwork), 'Arn'] },
      PrivateDnsEnabled: true,
      DnsOptions: Match.absent(),
      SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('isolatedSubnet1') }]),
      SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(endpoint.securityGroup!.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }],
    });
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('to the endpoint') } });
    const ingress = Object.values(sg)[0].Properties.SecurityGroupIngress.map((r: any) => [r.FromPort, r.ToPort, r.IpProtocol]);
    expect(ingress).toEqual([[80, 80, 'tcp'], [443, 443, 'tcp']]);
    expect(endpoint.node.scope).toBe(vpc);
  });

  test('privateDnsDomains and given security groups', () => {
    const { stack, network, vpc } = fixture();
    const sg = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    network.addVpcEndpoint(vpc, { securityGroups: [sg], privateDnsDomains: ['example.com', '*.internal.example'] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      DnsOptions: { PrivateDnsPreference: 'VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS', PrivateDnsSpecifiedDomains: ['example.com', '*.internal.example'] },
    });
  });

  test('associateVpc then addVpcEndpoint on one VPC fails, and the reverse order too', () => {
    const a = fixture();
    a.network.associateVpc(a.vpc);
    expect(() => a.network.addVpcEndpoint(a.vpc))
      .toThrow(/LatticeServiceNetwork \(ResourceStack\/Network\): addVpcEndpoint\(VPC "ResourceStack\/Vpc"\): the VPC is already associated with this service network .*use either associateVpc or addVpcEndpoint/);
    const b = fixture();
    b.network.addVpcEndpoint(b.vpc);
    expect(() => b.network.associateVpc(b.vpc))
      .toThrow(/VPC "ResourceStack\/Vpc" already reaches this service network through VPC endpoint ".*"; use either associateVpc or addVpcEndpoint/);
    expect(() => b.network.addVpcEndpoint(b.vpc)).toThrow(/already has an endpoint of this service network/);
  });
});

type Case = [string, Partial<LatticeResourceConfigurationOptions>, RegExp];

describe('bad input', () => {
  const dns = LatticeResource.dnsName('db.internal.example');
  test.each<Case>([
    ['no port ranges for a DNS resource', { portRanges: undefined }, /addResourceConfiguration\("Bad"\): portRanges is required for DNS and IP resources/],
    ['empty port ranges', { portRanges: [] }, /portRanges \[\] is empty; give at least one port/],
    ['port 0', { portRanges: ['0'] }, /portRanges \["0"\]: "0" contains 0, which is not a TCP port; use ports between 1 and 65535/],
    ['port 65536', { portRanges: ['65536'] }, /"65536" contains 65536, which is not a TCP port/],
    ['reversed range', { portRanges: ['8080-8000'] }, /"8080-8000" starts above its end; write it as "8000-8080"/],
    ['garbage range', { portRanges: ['80,443'] }, /"80,443" is not a port range; give a port such as "5432" or a range such as "8000-8080"/],
    ['overlapping ranges', { portRanges: ['8000-8080', '8080'] }, /"8080" overlaps "8000-8080"; list each port once/],
    ['token ports', { portRanges: Lazy.list({ produce: () => ['1'] }) }, /portRanges must be a literal list of strings such as \["5432"\], not a token \(needed at synth/],
    ['token element', { portRanges: [Lazy.string({ produce: () => '1' })] }, /element 0 must be a literal string such as "5432", not a token/],
    ['ports on an ARN resource', { resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:orders') },
      /portRanges \["5432"\] cannot be used with an ARN resource: Lattice takes its ports from the resource/],
    ['uppercase DNS name', { resource: LatticeResource.dnsName('DB.example.com') }, /resource DNS name "DB.example.com" is not a lowercase DNS name .*: it must be lowercase \(use "db.example.com"\)/],
    ['single-label DNS name', { resource: LatticeResource.dnsName('db') }, /resource DNS name "db" .* needs at least two labels/],
    ['DUALSTACK DNS resource', { resource: LatticeResource.dnsName('db.example.com', ResourceGatewayIpAddressType.DUALSTACK) },
      /resource DNS name ipAddressType "DUALSTACK" is not supported; use IPV4 or IPV6/],
    ['IPv6 DNS resource on an IPv4 gateway', { resource: LatticeResource.dnsName('db.example.com', ResourceGatewayIpAddressType.IPV6) },
      /ipAddressType "IPV6" does not fit the gateway's ipAddressType "IPV4"/],
    ['bad IP', { resource: LatticeResource.ipAddress('10.0.3.256') }, /resource IP address "10.0.3.256" is not an IPv4 or IPv6 address/],
    ['CIDR instead of IP', { resource: LatticeResource.ipAddress('10.0.3.0/24') }, /"10.0.3.0\/24" is not an IPv4 or IPv6 address .*without a prefix length/],
    ['IPv6 on an IPv4 gateway', { resource: LatticeResource.ipAddress('fd00::1') }, /"fd00::1" is IPV6 but the gateway's ipAddressType is "IPV4"/],
    ['bad ARN', { resource: LatticeResource.arn('rds:orders'), portRanges: undefined }, /resource ARN "rds:orders" must look like arn:aws:<service>/],
    ['name with uppercase', { name: 'Orders' }, /name: resource configuration name "Orders" may only contain lowercase letters/],
    ['name with reserved prefix', { name: 'rcfg-orders' }, /resource configuration name "rcfg-orders" must not start with the reserved prefix "rcfg-"/],
    ['name too long', { name: 'a'.repeat(41) }, /must be 3-40 characters long \(it has 41\)/],
    ['name with double hyphen', { name: 'orders--db' }, /must not contain consecutive hyphens/],
    ['token name', { name: Lazy.string({ produce: () => 'x' }) }, /name must be a literal string, not a token \(needed at synth to check it/],
    ['bad custom domain', { customDomainName: 'orders_db.example.com' }, /customDomainName "orders_db.example.com" is not a lowercase DNS name .*may only contain a-z, 0-9 and "-"/],
    ['token custom domain', { customDomainName: Lazy.string({ produce: () => 'a.example.com' }) }, /customDomainName must be a literal string, not a token \(needed at synth to check it for clashes/],
    ['verification ID without domain', { domainVerificationId: 'dv-0123456789abcdef0' }, /domainVerificationId needs customDomainName/],
    ['bad verification ID', { customDomainName: 'db.example.com', domainVerificationId: 'dv-xyz' }, /domainVerificationId: domain verification ID "dv-xyz" must be "dv-" followed by 17/],
    ['privateDns without domain', { privateDns: true }, /privateDns only applies to customDomainName/],
  ])('%s', (_name, options, message) => {
    const { gateway, network } = fixture();
    const all = { resource: dns, portRanges: ['5432'], serviceNetwork: network, ...options } as LatticeResourceConfigurationOptions;
    expect(() => gateway.addResourceConfiguration('Bad', all)).toThrow(message);
    expect(() => gateway.addResourceConfiguration('Bad', all)).toThrow(/^LatticeResourceGateway \(ResourceStack\/Gateway\): addResourceConfiguration\("Bad"\): /);
  });

  test.each<[string, Partial<LatticeResourceConfigurationOptions>, Partial<LatticeResourceConfigurationOptions>, RegExp]>([
    ['same DNS resource, overlapping ports', { portRanges: ['5400-5500'] }, { portRanges: ['5432'] },
      /resource "db.internal.example" with port range "5432" overlaps resource configuration "ResourceStack\/Gateway\/First" \(5400-5500\)/],
    ['same ARN twice', { resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:o'), portRanges: undefined },
      { resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:o'), portRanges: undefined }, /already has resource configuration ".*First" on this gateway/],
    ['same name twice', { name: 'orders' }, { name: 'orders', portRanges: ['6000'] }, /name "orders" is already used by "ResourceStack\/Gateway\/First"/],
    ['same custom domain twice', { customDomainName: 'db.example.com' }, { customDomainName: 'db.example.com', portRanges: ['6000'] },
      /customDomainName "db.example.com" is already used by/],
  ])('%s', (_name, first, second, message) => {
    const { gateway, network } = fixture();
    gateway.addResourceConfiguration('First', { resource: dns, portRanges: ['5432'], serviceNetwork: network, ...first } as LatticeResourceConfigurationOptions);
    expect(() => gateway.addResourceConfiguration('Second', { resource: dns, portRanges: ['5432'], serviceNetwork: network, ...second } as LatticeResourceConfigurationOptions))
      .toThrow(message);
  });

  test('same resource on other ports, and another resource on the same port, are fine', () => {
    const { gateway, network } = fixture();
    gateway.addResourceConfiguration('A', { resource: dns, portRanges: ['5432'], serviceNetwork: network });
    gateway.addResourceConfiguration('B', { resource: dns, portRanges: ['5433-5440'], serviceNetwork: network });
    gateway.addResourceConfiguration('C', { resource: LatticeResource.dnsName('other.internal.example'), portRanges: ['5432'], serviceNetwork: network });
    expect(gateway.resourceConfigurations).toHaveLength(3);
  });

  test.each<[string, Partial<LatticeResourceGatewayProps>, RegExp]>([
    ['gateway name with reserved prefix', { resourceGatewayName: 'rgw-orders' }, /resourceGatewayName: resource gateway name "rgw-orders" must not start with the reserved prefix "rgw-"/],
    ['gateway name too short', { resourceGatewayName: 'ab' }, /resource gateway name "ab" must be 3-40 characters long/],
    ['gateway name ending in hyphen', { resourceGatewayName: 'orders-' }, /must start and end with a letter or digit/],
    ['no subnets selected', { vpcSubnets: { subnets: [] } }, /vpcSubnets selects no subnets of VPC "ResourceStack\/Vpc"; select at least one subnet/],
    ['empty security groups', { securityGroups: [] }, /securityGroups has 0 security groups; give 1 to 5/],
    ['bad IP address type', { ipAddressType: 'IPV5' as ResourceGatewayIpAddressType }, /ipAddressType "IPV5" must be one of IPV4, IPV6, DUALSTACK/],
    ['bad DNS resolution', { dnsResolution: 'VPC' as ResourceGatewayDnsResolution }, /dnsResolution "VPC" must be one of IN_VPC, PUBLIC/],
    ['63 addresses per ENI', { ipv4AddressesPerEni: 63 }, /ipv4AddressesPerEni 63 must be a literal integer between 1 and 62/],
    ['fractional addresses per ENI', { ipv4AddressesPerEni: 1.5 }, /ipv4AddressesPerEni 1.5 must be a literal integer/],
    ['addresses per ENI on IPv6', { ipAddressType: ResourceGatewayIpAddressType.IPV6, ipv4AddressesPerEni: 2 }, /ipv4AddressesPerEni \(2\) does not apply to an IPV6 gateway/],
  ])('%s', (_name, props, message) => {
    expect(() => fixture(props)).toThrow(message);
    expect(() => fixture(props)).toThrow(/^LatticeResourceGateway \(ResourceStack\/Gateway\): /);
  });

  test.each<[string, ServiceNetworkVpcEndpointOptions, RegExp]>([
    ['no subnets', { vpcSubnets: { subnets: [] } }, /vpcSubnets selects no subnets/],
    ['domains without private DNS', { privateDns: false, privateDnsDomains: ['example.com'] }, /privateDnsDomains needs privateDns/],
    ['bad domain', { privateDnsDomains: ['Example.com'] }, /privateDnsDomains entry "Example.com" is not a lowercase domain .*must be lowercase/],
    ['11 domains', { privateDnsDomains: Array.from({ length: 11 }, (_, i) => `d${i}.example.com`) }, /privateDnsDomains has 11 domains; give 1 to 10/],
    ['allowedPorts with own groups', { securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(new Stack(), 'S', 'sg-12345678')], allowedPorts: [ec2.Port.tcp(1)] },
      /allowedPorts only applies to the security group this method creates/],
    ['empty allowedPorts', { allowedPorts: [] }, /allowedPorts is empty/],
  ])('addVpcEndpoint: %s', (_name, options, message) => {
    const { network, vpc } = fixture();
    expect(() => network.addVpcEndpoint(vpc, options)).toThrow(message);
  });
});

describe('cdk-nag and cfn-lint', () => {
  let stack: Stack;

  beforeAll(() => {
    const f = fixture();
    stack = f.stack;
    f.gateway.addResourceConfiguration('Orders', { resource: LatticeResource.dnsName('orders.db.internal.example'), portRanges: ['5432'], serviceNetwork: f.network });
    f.gateway.addResourceConfiguration('Rds', { resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:orders'), serviceNetwork: f.network });
    const consumer = smallVpc(stack, 'ConsumerVpc');
    f.network.addVpcEndpoint(consumer, { allowedPorts: [ec2.Port.tcp(443), ec2.Port.tcp(5432)], privateDnsDomains: ['example.com'] });
  });

  test('AwsSolutions: no unacknowledged findings', () => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });

  test('cfn-lint: no errors', () => {
    expect(cfnLintErrors(stack)).toEqual([]);
  });

  test('aws-cdk-lib\'s CloudFormation schema validation reports nothing', () => {
    const app = new App();
    const s = new Stack(app, 'Validated', { env: ENV });
    const network = new LatticeServiceNetwork(s, 'Network', { serviceNetworkName: 'cross-cluster' });
    const gateway = new LatticeResourceGateway(s, 'Gateway', { vpc: smallVpc(s) });
    gateway.addResourceConfiguration('Orders', { resource: LatticeResource.ipAddress('10.0.0.5'), portRanges: ['5432', '6000-6010'], serviceNetwork: network });
    gateway.addResourceConfiguration('Rds', { resource: LatticeResource.arn('arn:aws:rds:us-east-1:111111111111:db:orders'), serviceNetwork: network });
    network.addVpcEndpoint(smallVpc(s, 'Consumer'), { privateDnsDomains: ['example.com'] });
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const assembly = app.synth();
      // The built-in validation reports schema violations (as warnings) in this file.
      const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf-8'));
      const violations = report.pluginReports.flatMap((r: any) => r.violations.map((v: any) => `${v.ruleName}: ${v.description}`));
      expect(violations).toEqual([]);
      // Control: the same validation does report a value outside the schema.
      const control = new App();
      const bad = new LatticeResourceGateway(new Stack(control, 'Control', { env: ENV }), 'Gateway', { vpc: smallVpc(Stack.of(control.node.children[0])) });
      bad.cfnResourceGateway.addPropertyOverride('IpAddressType', 'IPV5');
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      let controlDir: string;
      try {
        controlDir = control.synth().directory;
      } finally {
        quiet.mockRestore();
      }
      const controlReport = JSON.parse(fs.readFileSync(path.join(controlDir, 'validation-report.json'), 'utf-8'));
      expect(JSON.stringify(controlReport)).toMatch(/IPV5/);
    } finally {
      process.env.CDK_VALIDATION = previous;
    }
  });
});

/**
 * Bad input across the constructs: each case must fail at synth time with a
 * message naming the construct path, the prop, the bad value and the fix; and
 * the good inputs that look unusual must keep working.
 */
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { clusterFixture } from './util/fixtures';
import { LatticeAuthPolicyDocument, LatticeCaller } from '../src/auth/lattice-auth-policy';
import { LatticeEksClusterProps } from '../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';

const PATH = /\(Cluster1\/Lattice[^)]*\)/;

describe('LatticeEksCluster bad input', () => {
  test.each<[string, Partial<LatticeEksClusterProps>, RegExp]>([
    ['nodeCount 0 with default sizes', { nodeCount: 0 }, /nodeCount 0 leaves the cluster without nodes.*use nodeCount >= 1/],
    ['nodeCount 0 with minNodes 0', { nodeCount: 0, minNodes: 0 }, /nodeCount 0 leaves the cluster without nodes/],
    ['more nodes than a node group can have', { nodeCount: 500 }, /nodeCount 500 is more than an EKS managed node group can have \(450\); use a larger nodeInstanceType/],
    ['maxNodes over the node group limit', { maxNodes: 451 }, /maxNodes 451 is more than an EKS managed node group can have/],
    ['a token as nodeCount', { nodeCount: Lazy.number({ produce: () => 3 }) }, /nodeCount must be a literal number, not a token \(needed at synth to check the node group's sizes/],
    ['a token as maxNodes', { maxNodes: Lazy.number({ produce: () => 3 }) }, /maxNodes must be a literal number, not a token/],
    ['clusterName left out by a JavaScript caller', { clusterName: undefined as any }, /clusterName is required/],
    ['serviceNetwork left out by a JavaScript caller', { serviceNetwork: undefined as any }, /serviceNetwork is required/],
    ['kubectlLayer left out by a JavaScript caller', { kubectlLayer: undefined as any }, /kubectlLayer is required/],
  ])('%s', (_name, extra, message) => {
    let error: Error | undefined;
    try {
      clusterFixture(extra, false);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^LatticeEksCluster \(Cluster1\/Lattice\): /);
  });

  test('a service network of another region', () => {
    const app = new App();
    const network = new LatticeServiceNetwork(new Stack(app, 'Net', { env: { region: 'eu-west-1' } }), 'Network', { serviceNetworkName: 'lattice-gateway' });
    expect(() => clusterFixture({ serviceNetwork: network }, false)).toThrow(/belongs to another App/);
    const same = clusterFixture({}, false);
    const euNetwork = new LatticeServiceNetwork(new Stack(same.app, 'Eu', { env: { region: 'eu-west-1' } }), 'Network', { serviceNetworkName: 'eu-net' });
    const { LatticeEksCluster } = jest.requireActual('../src/cluster/lattice-eks-cluster');
    const usStack = new Stack(same.app, 'Us', { env: { region: 'us-east-1' } });
    expect(() => new LatticeEksCluster(usStack, 'Lattice', { clusterName: 'us', kubectlLayer: (same.cluster as any).cluster.kubectlProvider?.kubectlLayer ?? {}, serviceNetwork: euNetwork }))
      .toThrow(/serviceNetwork 'eu-net' is in region eu-west-1 but the cluster's stack is in us-east-1; .*create the network in the cluster's region/);
  });
});

describe('externalDnsOwnerId bad input', () => {
  test.each<[string, string, boolean, RegExp]>([
    ['a comma (ExternalDNS splits its TXT value on it)', 'a,b', true, /externalDnsOwnerId "a,b" must be 1 to 128 characters of letters, digits and \. _ : \/ @ -/],
    ['an equals sign', 'owner=x', true, /externalDnsOwnerId "owner=x" must be/],
    ['empty', '', true, /externalDnsOwnerId "" must be 1 to 128/],
    ['too long for the TXT record', 'x'.repeat(129), true, /must be 1 to 128 characters/],
    ['a token', Lazy.string({ produce: () => 'x' }), true, /externalDnsOwnerId must be a literal, got the unresolved token/],
    ['without a domain (no ExternalDNS)', 'eks-cluster1', false, /externalDnsOwnerId "eks-cluster1" needs domain: ExternalDNS is installed only with a domain/],
  ])('%s', (_name, externalDnsOwnerId, withDomain, message) => {
    expect(() => clusterFixture({ externalDnsOwnerId }, withDomain)).toThrow(message);
    expect(() => clusterFixture({ externalDnsOwnerId }, withDomain)).toThrow(PATH);
  });

  test('the cluster name, to keep the owner id of earlier releases, goes to ExternalDNS and the guard', () => {
    const f = clusterFixture({ externalDnsOwnerId: 'eks-cluster1' });
    expect(f.cluster.lattice.externalDnsOwnerId).toBe('eks-cluster1');
    const json = Template.fromStack(f.stack).toJSON();
    const guard = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::LatticeDeletionGuard');
    expect(guard.Properties.TxtOwnerId).toBe('eks-cluster1');
    const chart = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === 'external-dns');
    expect(JSON.stringify(chart.Properties.Values)).toContain('\\"txtOwnerId\\":\\"eks-cluster1\\"');
  });
});

describe('LatticeServiceRoute bad input', () => {
  const route = (options: any) => {
    const { cluster } = clusterFixture();
    return cluster.exposeService('R', { serviceName: 'web', namespace: 'apps', port: 80, ...options });
  };
  test.each<[string, any, RegExp]>([
    ['a derived Lattice name with the reserved svc- prefix', { routeName: 'svc-orders' },
      /routeName 'svc-orders' in namespace 'apps' gives the Lattice service name 'svc-orders-apps'.*reserved prefix "svc-"; choose another routeName/],
    ['a double hyphen from truncation', { routeName: 'a-route-name-cut-at-x', namespace: 'apps' },
      /routeName 'a-route-name-cut-at-x' .*gives the Lattice service name 'a-route-name-cut-at--apps'.*consecutive hyphens/],
    ['a hostname two labels under the domain', { hostname: 'a.b.example.com' },
      /hostname 'a\.b\.example\.com' is not covered by the domain's certificate \('example\.com', '\*\.example\.com' cover one label only\); use a name like 'a\.example\.com'/],
    ['a wildcard hostname', { hostname: '*.example.com' }, /hostname '\*\.example\.com' is not/],
    ['a target port of 0', { targetPort: 0 }, /targetPort 0 is not a TCP port/],
    ['a target port over 65535', { targetPort: 70000 }, /targetPort 70000 is not a TCP port/],
    ['a fractional port', { port: 80.5 }, /port 80\.5 is not a TCP port/],
    ['a token as port', { port: Lazy.number({ produce: () => 80 }) }, /port must be a literal number, not a token \(needed at synth to check its range\); a token is a value known only at deploy time/],
    ['a token as targetPort', { targetPort: Lazy.number({ produce: () => 8080 }) }, /targetPort must be a literal number, not a token/],
    ['port left out by a JavaScript caller', { port: undefined }, /port must be a number, got undefined/],
    ['a protocol the library does not build', { protocol: 'TCP' }, /protocol 'TCP' is not supported; use one of LatticeRouteProtocol\.HTTP, LatticeRouteProtocol\.GRPC/],
    ['a lowercase protocol from a JavaScript caller', { protocol: 'grpc' }, /protocol 'grpc' is not supported/],
    ['a protocol named like an object property', { protocol: 'toString' }, /protocol 'toString' is not supported/],
    ['a health check protocol version Lattice does not have', { healthCheck: { protocolVersion: 'GRPC' } },
      /healthCheck\.protocolVersion 'GRPC' must be one of HTTP1, HTTP2 \(VPC Lattice health checks do not speak gRPC; use HTTP2 for a gRPC port\)/],
    ['a gRPC health check protocol version Lattice does not have', { protocol: 'GRPC', healthCheck: { protocolVersion: 'HTTP3' } },
      /healthCheck\.protocolVersion 'HTTP3' must be one of HTTP1, HTTP2/],
  ])('%s', (_name, options, message) => {
    expect(() => route(options)).toThrow(message);
    expect(() => route(options)).toThrow(/^LatticeServiceRoute \(Cluster1\/Lattice\/R\): /);
  });

  test.each<[string, (cluster: any) => unknown, RegExp]>([
    ['an export protocol the library does not build', (c) => c.exportService('E', { serviceName: 'web', port: 80, protocol: 'TLS' }),
      /^LatticeServiceExport \(Cluster1\/Lattice\/E\): protocol 'TLS' is not supported; use one of LatticeRouteProtocol\.HTTP, LatticeRouteProtocol\.GRPC/],
    ['an export health check protocol version', (c) => c.exportService('E', { serviceName: 'web', port: 80, protocol: 'GRPC', healthCheck: { protocolVersion: 'h2c' } }),
      /^LatticeServiceExport \(Cluster1\/Lattice\/E\): healthCheck\.protocolVersion 'h2c' must be one of HTTP1, HTTP2/],
    ['an import protocol the library does not build', (c) => c.importService('I', { routeName: 'web', port: 80, protocol: 'UDP', backends: [{ exportName: 'web', clusterName: 'c2' }] }),
      /^LatticeServiceRoute \(Cluster1\/Lattice\/I\): protocol 'UDP' is not supported/],
  ])('%s', (_name, build, message) => {
    expect(() => build(clusterFixture().cluster)).toThrow(message);
  });

  test('the same hostname on two routes', () => {
    const { cluster } = clusterFixture();
    cluster.exposeService('A', { serviceName: 'a', namespace: 'apps', port: 80, hostname: 'shop.example.com' });
    expect(() => cluster.exposeService('B', { serviceName: 'b', namespace: 'web', port: 80, hostname: 'shop.example.com' }))
      .toThrow(/LatticeServiceRoute \(Cluster1\/Lattice\/B\): hostname 'shop\.example\.com' is already used by route 'Cluster1\/Lattice\/A'/);
  });
});

describe('LatticePodIdentity and SigV4SidecarPolicy bad input', () => {
  test('a second Pod Identity association for one service account', () => {
    const { cluster } = clusterFixture();
    cluster.addPodIdentity('One', { namespace: 'apps', serviceAccountName: 'client' });
    expect(() => cluster.addPodIdentity('Two', { namespace: 'apps', serviceAccountName: 'client' }))
      .toThrow(/service account 'apps\/client' already has a Pod Identity association \('Cluster1\/Lattice\/One\/Association'\); EKS allows one per service account/);
  });

  test('the controller\'s own service account cannot get a second association', () => {
    const { cluster } = clusterFixture();
    expect(() => cluster.addPodIdentity('Steal', { namespace: 'aws-application-networking-system', serviceAccountName: 'gateway-api-controller' }))
      .toThrow(/already has a Pod Identity association/);
  });

  test.each<[string, string[], RegExp]>([
    ['a bare *', ['*'], /serviceArns entry '\*' is not a Lattice service ARN/],
    ['another service\'s ARN', ['arn:aws:s3:::bucket'], /serviceArns entry 'arn:aws:s3:::bucket' is not a Lattice service ARN/],
    ['a service network ARN', ['arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-0123456789abcdef0'], /is not a Lattice service ARN/],
    ['a wildcard account', ['arn:aws:vpc-lattice:us-east-1:*:service/*'], /is not a Lattice service ARN/],
  ])('addClient serviceArns: %s', (_name, serviceArns, message) => {
    const { stack, cluster } = clusterFixture();
    const sidecar = new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'] });
    expect(() => sidecar.addClient('C', { namespace: 'apps', serviceAccountName: 'client', serviceArns })).toThrow(message);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a token as proxyPort', { proxyPort: Lazy.number({ produce: () => 15180 }) }, /SigV4SidecarPolicy \(Cluster1\/SigV4\): proxyPort must be a literal number, not a token \(needed at synth to check its range\)/],
    ['a token as healthPort', { healthPort: Lazy.number({ produce: () => 15181 }) }, /healthPort must be a literal number, not a token/],
    ['a token as proxyUid', { proxyUid: Lazy.number({ produce: () => 4242 }) }, /proxyUid must be a literal number, not a token/],
    ['a string as proxyPort from a JavaScript caller', { proxyPort: '15180' }, /proxyPort must be a number, got "15180"/],
  ])('SigV4SidecarPolicy: %s', (_name, props, message) => {
    const { stack, cluster } = clusterFixture();
    expect(() => new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], ...props })).toThrow(message);
  });

  test('TLS to Lattice without any private domain', () => {
    const { stack, cluster } = clusterFixture({}, false);
    expect(() => new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'] }))
      .toThrow(/SigV4SidecarPolicy \(Cluster1\/SigV4\): upstreamTls is true but neither the cluster 'eks-cluster1' nor the domain prop has a private domain.*set upstreamTls: false/);
  });
});

describe('hand-written network auth policies get the vocabulary checks', () => {
  const network = (statement: iam.PolicyStatement) => {
    const app = new App();
    const stack = new Stack(app, 'Net');
    new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway', authPolicy: new iam.PolicyDocument({ statements: [statement] }) });
    return () => app.synth();
  };
  test.each<[string, iam.PolicyStatement, RegExp]>([
    ['another service\'s action', new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] }),
      /action 's3:GetObject' is not a Lattice auth policy action; use 'vpc-lattice-svcs:Invoke'/],
    ['a misspelled condition key', new iam.PolicyStatement({
      actions: ['vpc-lattice-svcs:Invoke'],
      resources: ['*'],
      principals: [new iam.AccountRootPrincipal()],
      conditions: { StringEquals: { 'aws:PrincipalTags/eks-cluster-name': 'x' } },
    }), /condition key 'aws:PrincipalTags\/eks-cluster-name' is not a condition key of Lattice auth policies/],
    ['an unknown operator', new iam.PolicyStatement({
      actions: ['vpc-lattice-svcs:Invoke'],
      resources: ['*'],
      principals: [new iam.AccountRootPrincipal()],
      conditions: { StringEqual: { 'aws:PrincipalAccount': '111111111111' } },
    }), /condition operator 'StringEqual' is unknown/],
  ])('%s', (_name, statement, message) => {
    expect(network(statement)).toThrow(message);
  });
});

describe('good input that must keep working', () => {
  test('service account names with dots', () => {
    const { cluster } = clusterFixture();
    expect(cluster.addPodIdentity('Dotted', { namespace: 'apps', serviceAccountName: 'orders.reader' }).serviceAccountName).toBe('orders.reader');
  });

  test('ForAnyValue:StringLike on a multi-valued key (aws:PrincipalOrgPaths)', () => {
    const stack = new Stack(new App(), 'S');
    const document = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        actions: ['vpc-lattice-svcs:Invoke'],
        resources: ['*'],
        principals: [new iam.StarPrincipal()],
        conditions: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-abc1234567/r-ab12/ou-ab12-11111111/*'] } },
      })],
    });
    expect(() => LatticeAuthPolicyDocument.fromPolicyDocument(document).toPolicyDocument(stack)).not.toThrow();
  });

  test('a hostname one label under the domain, and route names that derive a valid Lattice name', () => {
    const { cluster } = clusterFixture();
    expect(cluster.exposeService('A', { serviceName: 'a', namespace: 'apps', port: 80, hostname: 'shop.example.com' }).hostname).toBe('shop.example.com');
    expect(cluster.exposeService('B', { serviceName: 'averylongservicenameindeed', namespace: 'apps', port: 80 }).latticeServiceName)
      .toBe('averylongservicename-apps');
  });

  test('a cluster in the region of its network', () => {
    expect(() => clusterFixture({}, false)).not.toThrow();
    expect(PATH.test('(Cluster1/Lattice)')).toBe(true);
  });

  test('eksWorkload callers with explicit region and account', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({
      clusterName: 'eks-cluster2', namespaces: ['apps'], account: '222222222222', region: 'eu-central-1',
    })).toPolicyDocument(stack)).not.toThrow();
  });
});

describe('multi-account bad input', () => {
  const OU = 'o-exampleorgid/r-ab12/ou-ab12-11111111/';
  const render = (caller: () => LatticeCaller) => {
    const stack = new Stack(new App(), 'S');
    return LatticeAuthPolicyDocument.allow(caller()).toPolicyDocument(stack);
  };

  test.each<[string, () => LatticeCaller, RegExp]>([
    ['an organization path without root', () => LatticeCaller.organizationPath('o-exampleorgid/'),
      /LatticeCaller\.organizationPath\('o-exampleorgid\/'\): organization path "o-exampleorgid\/" must look like o-exampleorgid\/r-ab12\/ou-ab12-11111111\//],
    ['an organization path without the trailing slash', () => LatticeCaller.organizationPath('o-exampleorgid/r-ab12/ou-ab12-11111111'),
      /organization path "o-exampleorgid\/r-ab12\/ou-ab12-11111111" must look like .*ending with "\/"/],
    ['an OU ID as organization path', () => LatticeCaller.organizationPath('ou-ab12-11111111'), /organization path "ou-ab12-11111111" must look like/],
    ['a short VPC owner account', () => LatticeCaller.sourceVpcOwner('12345'), /LatticeCaller\.sourceVpcOwner\('12345'\): AWS account ID "12345" must be exactly 12 digits/],
    ['a bad principal account for a VPC owner', () => LatticeCaller.sourceVpcOwner('222222222222', 'abc'), /AWS account ID "abc" must be exactly 12 digits/],
    ['an empty withSourceVpcOwners', () => LatticeCaller.account('222222222222').withSourceVpcOwners([]), /withSourceVpcOwners\(\) needs at least one account ID/],
    ['withSourceVpcOwners twice', () => LatticeCaller.account('222222222222').withSourceVpcOwners(['222222222222']).withSourceVpcOwners(['333333333333']),
      /vpc-lattice-svcs:SourceVpcOwnerAccount is already constrained for this caller; give it once per caller/],
    ['a bad path in withOrganizationPaths', () => LatticeCaller.account('222222222222').withOrganizationPaths(['r-ab12/']),
      /organization path "r-ab12\/" must look like/],
    ['an empty withOrganizationPaths', () => LatticeCaller.account('222222222222').withOrganizationPaths([]), /withOrganizationPaths\(\) needs at least one organization path/],
    ['a bad clusterAccount', () => LatticeCaller.eksWorkload({ clusterName: 'eks-b', namespaces: ['apps'], clusterAccount: '2222' }),
      /LatticeCaller\.eksWorkload\(cluster 'eks-b'\): AWS account ID "2222" must be exactly 12 digits/],
  ])('LatticeCaller: %s', (_name, caller, message) => {
    expect(() => render(caller)).toThrow(message);
    expect(() => render(caller)).toThrow(/^LatticeAuthPolicy \(S\): /);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a bad organization path', { allowedOrganizationPaths: ['o-exampleorgid'] }, /organization path "o-exampleorgid" must look like/],
    ['organization paths with authType NONE', { allowedOrganizationPaths: [OU], authType: 'NONE' },
      /authType "NONE" has no auth policy, so allowedOrganizationPaths \("o-exampleorgid\/r-ab12\/ou-ab12-11111111\/"\) cannot be used/],
    ['organization paths with an authPolicy', { allowedOrganizationPaths: [OU], authPolicy: new iam.PolicyDocument() },
      /allowedAccountIds, allowedOrganizationIds and allowedOrganizationPaths shape the default auth policy and cannot be combined with authPolicy/],
  ])('LatticeServiceNetwork: %s', (_name, props, message) => {
    const stack = new Stack(new App(), 'S');
    expect(() => new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway', ...props }))
      .toThrow(new RegExp(`^LatticeServiceNetwork \\(S/Network\\): .*${message.source}`));
  });

  const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
  const SPOKE_ENV = { account: '222222222222', region: 'us-east-1' };
  const spoke = (props: Record<string, unknown>, env: { account?: string; region?: string } = SPOKE_ENV) => {
    const stack = new Stack(new App(), 'B', { env });
    return new PrivateCaDomain(stack, 'Domain', {
      domainName: 'example.com',
      certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN),
      hubHostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', accountId: '111111111111' },
      ...props,
    });
  };

  test.each<[string, Record<string, unknown>, { account?: string; region?: string }, RegExp]>([
    ['a hub zone without the hub\'s CA', { certificateAuthority: undefined }, SPOKE_ENV,
      /hubHostedZone needs certificateAuthority: issue the certificate from the hub's CA \(shared with shareCertificateAuthority\)/],
    ['a hub zone with a removal policy', { removalPolicy: 'retain' }, SPOKE_ENV,
      /hubHostedZone and removalPolicy \("retain"\) cannot be combined: removalPolicy only applies to a zone created here/],
    ['a bad hub account', { hubHostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', accountId: '1111' } }, SPOKE_ENV,
      /hubHostedZone\.accountId: AWS account ID "1111" must be exactly 12 digits/],
    ['a zone name instead of a zone ID', { hubHostedZone: { hostedZoneId: 'example.com', accountId: '111111111111' } }, SPOKE_ENV,
      /hubHostedZone\.hostedZoneId "example\.com" must be a literal hosted zone ID such as Z0123456789ABCDEFGHIJ/],
    ['the hub\'s own account', {}, { account: '111111111111', region: 'us-east-1' },
      /hubHostedZone\.accountId "111111111111" is this stack's own account; in the zone's account use the PrivateCaDomain that owns the zone/],
    ['an environment-agnostic stack', {}, {}, /hubHostedZone needs a stack with an explicit account \(env\.account\)/],
  ])('PrivateCaDomain spoke: %s', (_name, props, env, message) => {
    expect(() => spoke(props, env)).toThrow(message);
    expect(() => spoke(props, env)).toThrow(/^PrivateCaDomain \(B\/Domain\): /);
  });

  test('a spoke domain and a VPC of another account', () => {
    const domain = spoke({});
    const other = new Stack(domain.node.root as App, 'C', { env: { account: '333333333333', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(other, 'Vpc', { maxAzs: 1, natGateways: 0 });
    expect(() => domain.associateVpc(vpc)).toThrow(
      /PrivateCaDomain \(B\/Domain\): VPC "C\/Vpc" is in account "333333333333" but this spoke domain is in account "222222222222"; create a PrivateCaDomain with hubHostedZone in the VPC's own account/);
  });

  test.each<[string, (d: PrivateCaDomain) => unknown, RegExp]>([
    ['a CA share without principals', (d) => d.shareCertificateAuthority('None', {}), /shareCertificateAuthority\("None"\) needs at least one principal/],
    ['a CA share with a bad account', (d) => d.shareCertificateAuthority('Bad', { accountIds: ['22'] }),
      /shareCertificateAuthority\("Bad"\): AWS account ID "22" must be exactly 12 digits/],
    ['a CA share with an organization ID instead of its ARN', (d) => d.shareCertificateAuthority('Org', { organizationArns: ['o-exampleorgid'] }),
      /organization ARN "o-exampleorgid" must look like arn:aws:organizations::/],
    ['a bad spoke account', (d) => d.addSpokeAccount('abc'), /addSpokeAccount\(\): AWS account ID "abc" must be exactly 12 digits/],
    ['a spoke hostname outside the domain', (d) => d.addSpokeAccount('222222222222', { hostnames: ['demo.example.org'] }),
      /addSpokeAccount\("222222222222"\): hostname "demo\.example\.org" must be a literal DNS name under example\.com \(e\.g\. demo\.example\.com\)/],
    ['the same spoke twice', (d) => { d.addSpokeAccount('222222222222'); d.addSpokeAccount('222222222222'); },
      /addSpokeAccount\("222222222222"\) was already called for this domain/],
  ])('PrivateCaDomain hub: %s', (_name, call, message) => {
    const stack = new Stack(new App(), 'Hub', { env: { account: '111111111111', region: 'us-east-1' } });
    const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
    expect(() => call(domain)).toThrow(message);
    expect(() => call(new PrivateCaDomain(stack, `D${Math.random().toString(36).slice(2)}`, { domainName: 'example.com' })))
      .toThrow(/^PrivateCaDomain \(Hub\/D[a-z0-9]+\): /);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a target role that is not a role ARN', { targetRoleArn: 'arn:aws:iam::444444444444:user/caller' },
      /LatticePodIdentity \(Cluster1\/Lattice\/Chain\): targetRoleArn "arn:aws:iam::444444444444:user\/caller" must be an IAM role ARN/],
    ['a role name with a given role', { roleName: 'x', role: iam.Role.fromRoleArn(new Stack(), 'R', 'arn:aws:iam::111111111111:role/r') },
      /roleName \("x"\) only names a role this construct creates; it cannot be combined with role/],
    ['a role name with a space', { roleName: 'my role' }, /roleName "my role" must be 1-64 letters, digits or \+=,\.@_-/],
  ])('LatticePodIdentity: %s', (_name, props, message) => {
    const { cluster } = clusterFixture();
    expect(() => cluster.addPodIdentity('Chain', { namespace: 'apps', serviceAccountName: 'caller', ...props })).toThrow(message);
  });
});

describe('names AWS requires to be unique per account and region', () => {
  const cluster = (app: App, stackId: string, clusterName: string, env?: { account: string; region: string }) => {
    const { KubectlV35Layer } = jest.requireActual('@aws-cdk/lambda-layer-kubectl-v35');
    const { LatticeEksCluster } = jest.requireActual('../src/cluster/lattice-eks-cluster');
    const netId = `Net${env?.region ?? ''}`.replace(/-/g, '');
    const network = app.node.tryFindChild(netId) as Stack ?? new Stack(app, netId, { env });
    const serviceNetwork = (network.node.tryFindChild('Network') as LatticeServiceNetwork)
      ?? new LatticeServiceNetwork(network, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const stack = new Stack(app, stackId, { env });
    return new LatticeEksCluster(stack, 'Lattice', { clusterName, kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork });
  };
  test.each<[string, { account: string; region: string } | undefined, { account: string; region: string } | undefined, RegExp | undefined]>([
    ['two environment-agnostic clusters with one name', undefined, undefined,
      /LatticeEksCluster \(B\/Lattice\): clusterName 'shared' is already used by 'A\/Lattice' in the same account and region.*give each cluster its own name/],
    ['one name in one account and region', { account: '111111111111', region: 'us-east-1' }, { account: '111111111111', region: 'us-east-1' }, /clusterName 'shared' is already used/],
    ['one name in two regions', { account: '111111111111', region: 'us-east-1' }, { account: '111111111111', region: 'eu-west-1' }, undefined],
  ])('%s', (_name, envA, envB, message) => {
    const app = new App();
    cluster(app, 'A', 'shared', envA);
    if (message) expect(() => cluster(app, 'B', 'shared', envB)).toThrow(message);
    else expect(() => cluster(app, 'B', 'shared', envB)).not.toThrow();
  });
});

/**
 * Bad input by class (names AWS requires to be unique, Kubernetes naming
 * rules per kind, version strings, removal policies, CA key algorithms,
 * sidecar settings against their cluster, tokens where a literal is needed):
 * each row must fail at synth time with a message naming the construct path,
 * the prop, the bad value and the fix.
 */
import { App, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { clusterFixture, smallVpc } from './util/fixtures';
import { LatticeCaller } from '../src/auth/lattice-auth-policy';
import { LatticeEksIntegration, LatticeEksIntegrationProps } from '../src/cluster/lattice-eks-integration';
import { CaKeyAlgorithm, PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeResource, LatticeResourceGateway } from '../src/network/resource-gateway';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';

type Env = { account: string; region: string } | undefined;
const US = { account: '111111111111', region: 'us-east-1' };
const EU = { account: '111111111111', region: 'eu-west-1' };
const OTHER_ACCOUNT = { account: '222222222222', region: 'us-east-1' };

/** A LatticeEksIntegration on an imported cluster, in stack `Imported`. */
function importedIntegration(extra: Partial<LatticeEksIntegrationProps> = {}, domainName?: string): LatticeEksIntegration {
  const app = new App();
  const shared = new Stack(app, 'Shared');
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const domain = domainName ? new PrivateCaDomain(shared, 'Domain', { domainName }) : undefined;
  const stack = new Stack(app, 'Imported');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'platform-shared',
    vpc,
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
      serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:kubectl-provider',
      role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111111111111:role/kubectl-handler'),
    }),
  });
  return new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork, domain, ...extra });
}

/** Runs `second` after `first` in one app; expects `message` from the second, or no error when `message` is undefined. */
function expectSecond(first: (app: App) => void, second: (app: App) => void, message: RegExp | undefined): void {
  const app = new App();
  first(app);
  if (message) expect(() => second(app)).toThrow(message);
  else expect(() => second(app)).not.toThrow();
}

describe('class 1: names AWS requires to be unique per account (and region)', () => {
  const network = (id: string, env: Env, name = 'lattice-gateway') => (app: App) =>
    new LatticeServiceNetwork(new Stack(app, id, { env }), 'Network', { serviceNetworkName: name });
  test.each<[string, Env, Env, RegExp | undefined]>([
    ['two service networks with one name, environment-agnostic', undefined, undefined,
      /^LatticeServiceNetwork \(B\/Network\): serviceNetworkName 'lattice-gateway' is already used by 'A\/Network' in the same account and region .*create one LatticeServiceNetwork per name/],
    ['two service networks with one name in one account and region', US, US, /serviceNetworkName 'lattice-gateway' is already used by 'A\/Network'/],
    ['one agnostic, one explicit', undefined, US, /serviceNetworkName 'lattice-gateway' is already used/],
    ['one name in two regions is fine', US, EU, undefined],
    ['one name in two accounts is fine', US, OTHER_ACCOUNT, undefined],
  ])('LatticeServiceNetwork: %s', (_name, envA, envB, message) => {
    expectSecond(network('A', envA), network('B', envB), message);
  });

  const gateway = (id: string, env: Env, props: Record<string, unknown> = {}) => (app: App) => {
    const stack = new Stack(app, id, { env });
    return new LatticeResourceGateway(stack, 'Gateway', { vpc: smallVpc(stack), resourceGatewayName: 'db-gateway', ...props });
  };
  test.each<[string, Env, Env, RegExp | undefined]>([
    ['two resource gateways with one name', undefined, undefined,
      /^LatticeResourceGateway \(B\/Gateway\): resourceGatewayName 'db-gateway' is already used by 'A\/Gateway' .*give each gateway its own resourceGatewayName/],
    ['one gateway name in two regions is fine', US, EU, undefined],
  ])('LatticeResourceGateway: %s', (_name, envA, envB, message) => {
    expectSecond(gateway('A', envA), gateway('B', envB), message);
  });

  test('two resource configurations with one name on two gateways of one account and region', () => {
    const app = new App();
    const serviceNetwork = network('Net', US)(app);
    const add = (g: LatticeResourceGateway) => g.addResourceConfiguration('Db', {
      name: 'orders-db', serviceNetwork, resource: LatticeResource.dnsName('db.example.com'), portRanges: ['5432'],
    });
    add(gateway('A', US)(app));
    expect(() => add(gateway('B', US, { resourceGatewayName: 'other-gateway' })(app))).toThrow(
      /^LatticeResourceGateway \(B\/Gateway\): addResourceConfiguration\("Db"\): name 'orders-db' is already used by 'A\/Gateway' .*give each resource configuration its own name/);
  });

  test.each<[string, Env, Env, RegExp | undefined]>([
    ['two Pod Identity roles with one roleName in one account', US, US,
      /^LatticePodIdentity \(Cluster1\/Lattice\/B\): roleName 'orders-caller' is already used by 'Cluster1\/Lattice\/A' in the same account .*IAM role names are unique per account: give each role its own roleName/],
  ])('LatticePodIdentity: %s', (_name, _a, _b, message) => {
    const { cluster } = clusterFixture();
    cluster.addPodIdentity('A', { namespace: 'apps', serviceAccountName: 'a', roleName: 'orders-caller' });
    expect(() => cluster.addPodIdentity('B', { namespace: 'apps', serviceAccountName: 'b', roleName: 'orders-caller' })).toThrow(message);
  });

  test('IAM role names are unique per account even across regions', () => {
    const app = new App();
    const hub = (id: string, env: Env) => new PrivateCaDomain(new Stack(app, id, { env }), 'Domain', { domainName: 'example.com' });
    hub('HubUs', US).addSpokeAccount('222222222222');
    expect(() => hub('HubEu', EU).addSpokeAccount('222222222222')).toThrow(
      /^PrivateCaDomain \(HubEu\/Domain\): addSpokeAccount\("222222222222"\): role name '[^']+' is already used by 'HubUs\/Domain' in the same account .*IAM role names are unique per account/);
  });

  test.each<[string, Env, Env, RegExp | undefined]>([
    ['one Lattice service name from two clusters in one account and region', US, US,
      /^LatticeServiceRoute \(B\/Lattice\/Demo\): route 'apps\/demo' becomes Lattice service 'demo-apps', which A\/Lattice\/Demo already uses in this account and region .*give one of them another routeName/],
    ['one Lattice service name in two regions is fine', US, EU, undefined],
  ])('Lattice service names: %s', (_name, envA, envB, message) => {
    const app = new App();
    const { KubectlV35Layer } = jest.requireActual('@aws-cdk/lambda-layer-kubectl-v35');
    const { LatticeEksCluster } = jest.requireActual('../src/cluster/lattice-eks-cluster');
    const cluster = (id: string, env: Env) => {
      const stack = new Stack(app, id, { env });
      const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: `net-${id.toLowerCase()}` });
      return new LatticeEksCluster(stack, 'Lattice', { clusterName: `eks-${id.toLowerCase()}`, kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork });
    };
    cluster('A', envA).exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80 });
    const second = () => cluster('B', envB).exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80 });
    if (message) expect(second).toThrow(message);
    else expect(second).not.toThrow();
  });

  test('one service account gets one Pod Identity association, whatever scope creates it', () => {
    const { cluster, stack } = clusterFixture();
    cluster.addPodIdentity('One', { namespace: 'apps', serviceAccountName: 'client' });
    const { LatticePodIdentity } = jest.requireActual('../src/cluster/lattice-pod-identity');
    expect(() => new LatticePodIdentity(stack, 'Two', { cluster, namespace: 'apps', serviceAccountName: 'client' }))
      .toThrow(/^LatticePodIdentity \(Cluster1\/Two\): service account 'apps\/client' already has a Pod Identity association/);
  });
});

describe('class 3: empty or malformed version strings', () => {
  const PATH_PREFIX = /^LatticeEksCluster \(Cluster1\/Lattice\): /;
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty controller chart version (would install the latest)', { gatewayApiControllerChart: '' },
      /versions\.gatewayApiControllerChart '' is empty, which drops the pin .*give a version such as 'v2\.1\.3', or leave versions\.gatewayApiControllerChart out/],
    ['a chart version range', { externalDnsChart: '^1.21' },
      /versions\.externalDnsChart '\^1\.21' is not one exact chart version \(a semantic version such as '[^']+', no range or wildcard\)/],
    ['a chart version with a wildcard', { gatewayApiControllerChart: 'v2.1.x' }, /versions\.gatewayApiControllerChart 'v2\.1\.x' is not one exact chart version/],
    ['a blank ExternalDNS chart version', { externalDnsChart: ' ' }, /versions\.externalDnsChart ' ' is empty/],
    ['an add-on version without eksbuild', { vpcCniAddon: 'v1.21.1' },
      /versions\.vpcCniAddon 'v1\.21\.1' is not an EKS add-on version \(v<major>\.<minor>\.<patch>-eksbuild\.<n>, such as 'v1\.21\.1-eksbuild\.7'/],
    ['an add-on version without the v', { corednsAddon: '1.13.2-eksbuild.4' }, /versions\.corednsAddon '1\.13\.2-eksbuild\.4' is not an EKS add-on version/],
    ['an empty add-on version (would take EKS\'s default)', { kubeProxyAddon: '' }, /versions\.kubeProxyAddon '' is empty, which drops the pin/],
    ['an add-on version of another add-on\'s format', { podIdentityAgentAddon: 'latest' }, /versions\.podIdentityAgentAddon 'latest' is not an EKS add-on version/],
    ['an empty Gateway API version', { gatewayApi: '' }, /versions\.gatewayApi '' is empty, which drops the pin/],
    ['a Gateway API version without the v', { gatewayApi: '1.5.1', gatewayApiStandardInstallSha256: 'a'.repeat(64) },
      /versions\.gatewayApi '1\.5\.1' is not a Gateway API release tag; give one such as 'v1\.6\.3' \(v1\.<minor>\.<patch>, with the leading 'v'\)/],
    ['a Gateway API version older than the controller needs, before asking for its hash', { gatewayApi: 'v1.4.0' }, /versions\.gatewayApi 'v1\.4\.0' is older than v1\.5: the AWS Gateway API Controller v2\.1 needs Gateway API v1\.5 or newer; give a v1\.5\.x to v1\.7\.x release/],
    ['an empty image', { kubectlImage: '' }, /versions\.kubectlImage '' is empty; give a pinned image reference .*or leave versions\.kubectlImage out/],
    ['an image tag starting with a dot', { downloadImage: 'public.ecr.aws/docker/library/alpine:.3' },
      /versions\.downloadImage 'public\.ecr\.aws\/docker\/library\/alpine:\.3' is not a pinned image reference .*not starting with '\.' or '-'/],
    ['an image without a tag', { awsCliImage: 'public.ecr.aws/aws-cli/aws-cli' }, /versions\.awsCliImage 'public\.ecr\.aws\/aws-cli\/aws-cli' is not a pinned image reference/],
  ])('LatticeEksCluster versions: %s', (_name, versions, message) => {
    expect(() => clusterFixture({ versions }, false)).toThrow(message);
    expect(() => clusterFixture({ versions }, false)).toThrow(PATH_PREFIX);
  });

  test('valid pins keep working', () => {
    expect(() => clusterFixture({ versions: { externalDnsChart: '1.21.0', vpcCniAddon: 'v1.21.0-eksbuild.1', gatewayApiControllerChart: 'v2.1.2' } }, false)).not.toThrow();
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty Kyverno chart version', { kyvernoChartVersion: '' }, /^SigV4SidecarPolicy \(Cluster1\/SigV4\): kyvernoChartVersion '' is empty, which drops the pin .*such as '3\.9\.1'/],
    ['an empty proxy image', { proxyImage: '' }, /^SigV4SidecarPolicy \(Cluster1\/SigV4\): proxyImage '' is empty/],
    ['a proxy image tag starting with a hyphen', { proxyImage: 'docker.io/envoyproxy/envoy:-v1' }, /proxyImage 'docker\.io\/envoyproxy\/envoy:-v1' is not a pinned image reference/],
  ])('SigV4SidecarPolicy: %s', (_name, props, message) => {
    const { stack, cluster } = clusterFixture();
    expect(() => new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], ...props })).toThrow(message);
  });
});

describe('class 2: Kubernetes naming rules by kind', () => {
  const C = 'Cluster1/Lattice';
  test.each<[string, (f: ReturnType<typeof clusterFixture>) => unknown, RegExp]>([
    ['a Service name starting with a digit (RFC 1035)', (f) => f.cluster.exposeService('R', { serviceName: '1orders', namespace: 'apps', port: 80 }),
      new RegExp(`^LatticeServiceRoute \\(${C}/R\\): serviceName '1orders' is not a valid Kubernetes Service name \\(a Service name cannot start with a digit, unlike a namespace's\\) \\(RFC 1035 label.*use a name such as 'orders'`)],
    ['an upper-case Service name', (f) => f.cluster.exposeService('R', { serviceName: 'Orders', namespace: 'apps', port: 80 }),
      /serviceName 'Orders' is not a valid Kubernetes Service name \(RFC 1035 label/],
    ['a namespace with a dot (RFC 1123 label)', (f) => f.cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps.prod', port: 80 }),
      /^LatticeServiceRoute \(Cluster1\/Lattice\/R\): namespace 'apps\.prod' is not a valid Kubernetes namespace name \(RFC 1123 label/],
    ['a route name with an underscore', (f) => f.cluster.exposeService('R', { serviceName: 'orders', routeName: 'orders_v2', namespace: 'apps', port: 80 }),
      /routeName 'orders_v2' is not a valid Kubernetes HTTPRoute name/],
    ['an exported Service name starting with a digit', (f) => f.cluster.exportService('E', { serviceName: '9lives', namespace: 'apps', port: 80 }),
      /^LatticeServiceExport \(Cluster1\/Lattice\/E\): serviceName '9lives' is not a valid Kubernetes Service name/],
    ['an export name starting with a digit', (f) => f.cluster.exportService('E', { serviceName: 'orders', exportName: '2orders', namespace: 'apps', port: 80 }),
      /exportName '2orders' is not a valid Kubernetes ServiceExport \(and its ServiceImport\) name \(a ServiceExport/],
    ['an imported export name starting with a digit', (f) => f.cluster.importService('I', {
      routeName: 'orders', namespace: 'apps', port: 80, backends: [{ clusterName: 'eks-cluster2', exportName: '3orders', namespace: 'apps', port: 80 } as any],
    }), /backends\[0\]\.exportName '3orders' is not a valid Kubernetes ServiceImport/],
    ['a workload name starting with a digit (it names the Service)', (f) => f.cluster.addLatticeWorkload('W', {
      name: '2048-game', image: 'registry.example.com/game:1.0', containerPort: 8080, namespace: 'apps',
    }), /^LatticeWorkload \(Cluster1\/Lattice\/W\): name '2048-game' is not a valid Kubernetes Service name/],
    ['a service account name with an underscore', (f) => f.cluster.addPodIdentity('P', { namespace: 'apps', serviceAccountName: 'orders_reader' }),
      /^LatticePodIdentity \(Cluster1\/Lattice\/P\): serviceAccountName 'orders_reader' is not a valid Kubernetes ServiceAccount name \(RFC 1123 subdomain.*such as 'orders\.reader'/],
    ['a namespace that is too long', (f) => f.cluster.addPodIdentity('P', { namespace: 'a'.repeat(64), serviceAccountName: 'x' }),
      /namespace 'a{64}' is not a valid Kubernetes namespace name .*at most 63 characters/],
    ['a token as Service name', (f) => f.cluster.exposeService('R', { serviceName: Lazy.string({ produce: () => 'orders' }), namespace: 'apps', port: 80 }),
      /serviceName must be a literal string, not a token \(needed at synth to name the Kubernetes Service in the manifest and check it\)/],
    ['an auth policy caller namespace with a dot', (f) => f.cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80 })
      .allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps.prod'] })), /namespace 'apps\.prod' is not a valid Kubernetes namespace name/],
    ['a sidecar namespace in upper case', (f) => new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['Apps'] }),
      /^SigV4SidecarPolicy \(Cluster1\/SigV4\): namespace 'Apps' is not a valid Kubernetes namespace name/],
  ])('%s', (_name, build, message) => {
    expect(() => build(clusterFixture())).toThrow(message);
  });

  test('existingNamespaces entries must be namespace names', () => {
    expect(() => importedIntegration({ existingNamespaces: ['kube_system'] }))
      .toThrow(/^LatticeEksIntegration \(Imported\/Lattice\): existingNamespaces 'kube_system' is not a valid Kubernetes namespace name/);
  });

  test('names that are valid for their kind keep working', () => {
    const f = clusterFixture();
    expect(() => f.cluster.addPodIdentity('P', { namespace: '1apps', serviceAccountName: 'orders.reader' })).not.toThrow();
    expect(() => f.cluster.exposeService('R', { serviceName: 'o1', namespace: '1apps', port: 80 })).not.toThrow();
  });
});

describe('class 4: removal policies a resource type does not support', () => {
  test.each<[string, unknown, RegExp | undefined]>([
    ['SNAPSHOT on the access log group', RemovalPolicy.SNAPSHOT,
      /^LatticeServiceNetwork \(S\/Network\): removalPolicy RemovalPolicy\.SNAPSHOT \('snapshot'\) is not supported by the access log group \(AWS::Logs::LogGroup\): .*use RemovalPolicy\.RETAIN to keep it/],
    ['a misspelled policy from a JavaScript caller', 'retain-all', /removalPolicy "retain-all" is not a removal policy; use RemovalPolicy\.DESTROY, RemovalPolicy\.RETAIN/],
    ['RETAIN_ON_UPDATE_OR_DELETE is supported', RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, undefined],
  ])('LatticeServiceNetwork: %s', (_name, removalPolicy, message) => {
    const build = () => new LatticeServiceNetwork(new Stack(new App(), 'S'), 'Network', { serviceNetworkName: 'lattice-gateway', removalPolicy: removalPolicy as RemovalPolicy });
    if (message) expect(build).toThrow(message);
    else expect(build).not.toThrow();
  });

  const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
  test.each<[string, Record<string, unknown>, RegExp | undefined]>([
    ['SNAPSHOT on the zone and CA', { removalPolicy: RemovalPolicy.SNAPSHOT },
      /^PrivateCaDomain \(D\/Domain\): removalPolicy RemovalPolicy\.SNAPSHOT \('snapshot'\) is not supported by the private hosted zone \(AWS::Route53::HostedZone\) and the private CA \(AWS::ACMPCA::CertificateAuthority\)/],
    ['SNAPSHOT with an imported CA names the zone only', { removalPolicy: RemovalPolicy.SNAPSHOT, certificateAuthorityArn: CA_ARN },
      /is not supported by the private hosted zone \(AWS::Route53::HostedZone\): CloudFormation snapshots only/],
    ['an unknown policy', { removalPolicy: 'keep' }, /removalPolicy "keep" is not a removal policy/],
    ['RETAIN is supported', { removalPolicy: RemovalPolicy.RETAIN }, undefined],
  ])('PrivateCaDomain: %s', (_name, props, message) => {
    const build = () => {
      const stack = new Stack(new App(), 'D');
      const { certificateAuthorityArn, ...rest } = props as { certificateAuthorityArn?: string };
      const certificateAuthority = certificateAuthorityArn ? acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', certificateAuthorityArn) : undefined;
      return new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com', certificateAuthority, ...rest });
    };
    if (message) expect(build).toThrow(message);
    else expect(build).not.toThrow();
  });
});

describe('class 5: a CA key algorithm that does not fit the certificate', () => {
  const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
  const domain = (props: Record<string, unknown>, imported = true) => {
    const stack = new Stack(new App(), 'D');
    const certificateAuthority = imported ? acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN) : undefined;
    return new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com', certificateAuthority, ...props });
  };
  test.each<[string, Record<string, unknown>, boolean, RegExp]>([
    ['an RSA certificate from an imported EC CA', { certificateAuthorityKeyAlgorithm: CaKeyAlgorithm.EC_PRIME256V1, certificateKeyAlgorithm: acm.KeyAlgorithm.RSA_2048 }, true,
      /^PrivateCaDomain \(D\/Domain\): certificateKeyAlgorithm "RSA_2048" does not fit the imported CA's EC_prime256v1 key \(certificateAuthorityKeyAlgorithm\); .*use certificateKeyAlgorithm EC_prime256v1, or leave it out/],
    ['an EC certificate from an imported RSA CA', { certificateAuthorityKeyAlgorithm: CaKeyAlgorithm.RSA_4096, certificateKeyAlgorithm: acm.KeyAlgorithm.EC_SECP384R1 }, true,
      /certificateKeyAlgorithm "EC_secp384r1" does not fit the imported CA's RSA_4096 key .*use certificateKeyAlgorithm RSA_2048/],
    ['an EC certificate from a created RSA CA', { keyAlgorithm: CaKeyAlgorithm.RSA_2048, certificateKeyAlgorithm: acm.KeyAlgorithm.EC_PRIME256V1 }, false,
      /certificateKeyAlgorithm "EC_prime256v1" does not fit the created CA's RSA_2048 key \(keyAlgorithm\)/],
    ['an unknown imported CA key algorithm', { certificateAuthorityKeyAlgorithm: 'EC_secp521r1' }, true,
      /certificateAuthorityKeyAlgorithm "EC_secp521r1" is not a CA key algorithm; use one of RSA_2048, RSA_4096, EC_prime256v1, EC_secp384r1/],
    ['the imported CA key algorithm without an imported CA', { certificateAuthorityKeyAlgorithm: CaKeyAlgorithm.RSA_2048 }, false,
      /certificateAuthorityKeyAlgorithm \("RSA_2048"\) describes a CA given as certificateAuthority; for the CA this construct creates use keyAlgorithm/],
  ])('%s', (_name, props, imported, message) => {
    expect(() => domain(props, imported)).toThrow(message);
  });

  test('an imported EC CA picks an EC certificate key by default', () => {
    const d = domain({ certificateAuthorityKeyAlgorithm: CaKeyAlgorithm.EC_SECP384R1 });
    const certificate = d.node.findAll().find((c) => c.node.defaultChild instanceof acm.CfnCertificate || c instanceof acm.CfnCertificate);
    const cfn = (certificate instanceof acm.CfnCertificate ? certificate : certificate?.node.defaultChild) as acm.CfnCertificate;
    expect(cfn.keyAlgorithm).toBe('EC_secp384r1');
  });
});

describe('class 6: sidecar settings that contradict the cluster they run on', () => {
  const sidecar = (props: Record<string, unknown>) => {
    const f = clusterFixture();
    return { f, policy: new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], ...props }) };
  };
  test.each<[string, number, RegExp]>([
    ['root', 0, /proxyUid 0 \(root\) is not allowed/],
    ['nobody', 65534, /proxyUid 65534 is a uid common images run as \(nobody/],
    ['distroless nonroot', 65532, /proxyUid 65532 is a uid common images run as \(nonroot of distroless/],
    ['nginx and Envoy', 101, /proxyUid 101 is a uid common images run as \(nginx of the official nginx .*envoy of the official Envoy images\)/],
    ['www-data on Debian', 33, /proxyUid 33 is a uid common images run as \(www-data of Debian/],
    ['www-data on Alpine', 82, /proxyUid 82 is a uid common images run as \(www-data of Alpine/],
    ['node', 1000, /proxyUid 1000 is a uid common images run as \(node of the official node images/],
    ['Bitnami', 1001, /proxyUid 1001 is a uid common images run as \(the default user of Bitnami/],
    ['postgres on Debian', 999, /proxyUid 999 is a uid common images run as \(postgres, redis, mysql and mongodb/],
    ['postgres on Alpine', 70, /proxyUid 70 is a uid common images run as \(postgres of the Alpine/],
    ['grafana', 472, /proxyUid 472 is a uid common images run as \(grafana/],
  ])('proxyUid of %s', (_name, proxyUid, message) => {
    expect(() => sidecar({ proxyUid })).toThrow(message);
    expect(() => sidecar({ proxyUid })).toThrow(/^SigV4SidecarPolicy \(Cluster1\/SigV4\): .*choose a dedicated uid|not allowed/);
  });

  test('the Istio proxy uid gets a warning', () => {
    const { policy } = sidecar({ proxyUid: 1337 });
    const warnings = Annotations.fromStack(Stack.of(policy)).findWarning('*', Match.stringLikeRegexp('proxyUid 1337 is the uid of the Istio sidecar proxy'));
    expect(warnings).toHaveLength(1);
  });

  test('a sidecar domain that is the cluster\'s DNS domain', () => {
    const f = clusterFixture({}, false);
    const domain = new PrivateCaDomain(f.shared, 'Local', { domainName: 'svc.cluster.local' });
    expect(() => new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], domain }))
      .toThrow(/^SigV4SidecarPolicy \(Cluster1\/SigV4\): domain 'svc\.cluster\.local' is the cluster's own DNS domain \(cluster\.local\) or under it: CoreDNS answers those names itself.*use a domain of your own/);
  });

  test('a cluster domain that is the cluster\'s DNS domain', () => {
    expect(() => importedIntegration({}, 'cluster.local'))
      .toThrow(/^LatticeEksIntegration \(Imported\/Lattice\): domain 'cluster\.local' is the cluster's own DNS domain/);
  });

  test('a sidecar domain other than the cluster\'s gets a warning', () => {
    const f = clusterFixture();
    const other = new PrivateCaDomain(f.shared, 'Other', { domainName: 'other.example' });
    const policy = new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], domain: other });
    expect(Annotations.fromStack(Stack.of(policy)).findWarning('*',
      Match.stringLikeRegexp("domain 'other\\.example' is not the cluster's domain 'example\\.com'.*get a 403 from the proxy"))).toHaveLength(1);
  });

  test.each<[string, number, RegExp]>([
    ['the proxy port', SigV4SidecarPolicy.DEFAULT_PROXY_PORT, /^LatticeWorkload \(Cluster1\/Lattice\/W\): containerPort 15180 is the SigV4 proxy's proxyPort \('Cluster1\/SigV4'\).*use another containerPort/],
    ['the health port', SigV4SidecarPolicy.DEFAULT_HEALTH_PORT, /containerPort 15181 is the SigV4 proxy's healthPort/],
  ])('a workload container port on %s', (_name, containerPort, message) => {
    const { f, policy } = sidecar({});
    expect(() => f.cluster.addLatticeWorkload('W', { name: 'orders', image: 'registry.example.com/orders:1.0', containerPort, namespace: 'apps', sidecar: policy }))
      .toThrow(message);
  });

  test('ports that collide inside the proxy', () => {
    expect(() => sidecar({ proxyPort: 15300, healthPort: 15300 })).toThrow(/proxyPort and healthPort are both 15300; they must differ/);
    expect(() => sidecar({ interceptedPorts: [80, 15180] })).toThrow(/interceptedPorts .*15180/);
  });
});

describe('class 7: a token where a literal is needed says so, and why', () => {
  const LITERAL = /must be a literal (string|number|duration|list of [a-z ]+[^,]*), not a token \(needed at synth to [^)]+\)/;
  const str = (value: string) => Lazy.string({ produce: () => value });
  const num = (value: number) => Lazy.number({ produce: () => value });
  test.each<[string, () => unknown, RegExp]>([
    ['LatticeEksCluster nodeCount', () => clusterFixture({ nodeCount: num(3) }, false),
      /^LatticeEksCluster \(Cluster1\/Lattice\): nodeCount must be a literal number, not a token \(needed at synth to check the node group's sizes/],
    ['LatticeEksCluster clusterName', () => clusterFixture({ clusterName: str('eks-cluster1') }, false),
      /clusterName must be a literal string, not a token \(needed at synth to name the cluster in auth policies/],
    ['routeMaxConcurrentReconciles', () => clusterFixture({ routeMaxConcurrentReconciles: num(5) } as any, false),
      /routeMaxConcurrentReconciles must be a literal number, not a token \(needed at synth to check it and write the controller's Helm values\)/],
    ['exposeService port', () => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: num(80) }),
      /^LatticeServiceRoute \(Cluster1\/Lattice\/R\): port must be a literal number, not a token \(needed at synth to check its range\)/],
    ['exposeService hostname', () => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80, hostname: str('a.example.com') }),
      /hostname must be a literal string, not a token \(needed at synth to check it against the domain's certificate and the other routes\)/],
    ['a health check interval', () => clusterFixture().cluster.exposeService('R', {
      serviceName: 'orders', namespace: 'apps', port: 80, healthCheck: { interval: Duration.seconds(num(30)) },
    } as any), /healthCheck\.interval must be a literal duration, not a token \(needed at synth to check it against the VPC Lattice limits\)/],
    ['a health check path', () => clusterFixture().cluster.exposeService('R', {
      serviceName: 'orders', namespace: 'apps', port: 80, healthCheck: { path: str('/health') },
    } as any), /healthCheck\.path must be a literal string, not a token/],
    ['a route protocol', () => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80, protocol: str('GRPC') as any }),
      /^LatticeServiceRoute \(Cluster1\/Lattice\/R\): protocol must be a literal string, not a token \(needed at synth to choose the route kind\)/],
    ['an export protocol', () => clusterFixture().cluster.exportService('E', { serviceName: 'orders', namespace: 'apps', port: 80, protocol: str('GRPC') as any }),
      /^LatticeServiceExport \(Cluster1\/Lattice\/E\): protocol must be a literal string, not a token/],
    ['a health check protocol version', () => clusterFixture().cluster.exposeService('R', {
      serviceName: 'orders', namespace: 'apps', port: 80, healthCheck: { protocolVersion: str('HTTP2') },
    } as any), /healthCheck\.protocolVersion must be a literal string, not a token \(needed at synth to check it and write the health check\)/],
    ['a gRPC method of an auth policy', () => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80 })
      .allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }).withGrpcMethods([str('a.B/C')])),
    /gRPC method must be a literal string, not a token \(needed at synth to check it and write the auth policy condition\)/],
    ['a backend weight', () => clusterFixture().cluster.importService('I', {
      routeName: 'orders', namespace: 'apps', port: 80, backends: [{ clusterName: 'eks-cluster2', exportName: 'orders', namespace: 'apps', port: 80, weight: num(1) } as any],
    }), /backends\[0\]\.weight must be a literal number, not a token \(needed at synth to check it and write the route's backend weights\)/],
    ['allowTakeoverFrom', () => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80, allowTakeoverFrom: str('x') }),
      /allowTakeoverFrom must be a literal string, not a token \(needed at synth to write the takeover rule/],
    ['a workload image', () => clusterFixture().cluster.addLatticeWorkload('W', { name: 'orders', image: str('registry.example.com/o:1'), containerPort: 8080 }),
      /^LatticeWorkload \(Cluster1\/Lattice\/W\): image must be a literal string, not a token \(needed at synth to check the image reference\)/],
    ['a sidecar annotation key', () => { const f = clusterFixture(); return new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], annotationKey: str('x/y') }); },
      /^SigV4SidecarPolicy \(Cluster1\/SigV4\): annotationKey must be a literal string, not a token \(needed at synth to write the injection policy's opt-in match\)/],
    ['a sidecar iptables backend', () => { const f = clusterFixture(); return new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], iptablesBackend: str('nft') as any }); },
      /iptablesBackend must be a literal string, not a token \(needed at synth to pick the iptables-<backend>-restore binary/],
    ['a PrivateCaDomain domainName', () => new PrivateCaDomain(new Stack(new App(), 'D'), 'Domain', { domainName: str('example.com') }),
      /^PrivateCaDomain \(D\/Domain\): domainName must be a literal string, not a token \(needed at synth to name the certificate/],
    ['a spoke account ID', () => new PrivateCaDomain(new Stack(new App(), 'D'), 'Domain', { domainName: 'example.com' }).addSpokeAccount(str('222222222222')),
      /^PrivateCaDomain \(D\/Domain\): addSpokeAccount\(\): the account ID must be a literal string, not a token \(needed at synth to name the role the spoke assumes\)/],
    ['a service network name', () => new LatticeServiceNetwork(new Stack(new App(), 'S'), 'Network', { serviceNetworkName: str('n') }),
      /^LatticeServiceNetwork \(S\/Network\): service network name must be a literal string, not a token \(needed at synth to check it and name Kubernetes objects after it\)/],
    ['a resource gateway ENI count', () => { const s = new Stack(new App(), 'G'); return new LatticeResourceGateway(s, 'Gateway', { vpc: smallVpc(s), ipv4AddressesPerEni: num(4) }); },
      /^LatticeResourceGateway \(G\/Gateway\): ipv4AddressesPerEni must be a literal number, not a token \(needed at synth to check it is between 1 and 62\)/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('every token message of these rows has the one shape', () => {
    expect(() => clusterFixture().cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: num(80) })).toThrow(LITERAL);
    expect(() => new LatticeServiceNetwork(new Stack(new App(), 'S'), 'Network', { serviceNetworkName: str('n') })).toThrow(LITERAL);
  });
});

describe('values the library would otherwise forward unchecked', () => {
  test.each<[string, unknown, RegExp | undefined]>([
    ['a retention CloudWatch Logs does not accept', 45,
      /^LatticeServiceNetwork \(S\/Network\): accessLogRetention 45 is not a retention CloudWatch Logs accepts; use a logs\.RetentionDays value/],
    ['a token as retention', Lazy.number({ produce: () => 30 }), /accessLogRetention must be a literal number, not a token \(needed at synth to check it is a period CloudWatch Logs accepts\)/],
    ['a retention it accepts', 400, undefined],
  ])('LatticeServiceNetwork: %s', (_name, accessLogRetention, message) => {
    const build = () => new LatticeServiceNetwork(new Stack(new App(), 'S'), 'Network', { serviceNetworkName: 'lattice-gateway', accessLogRetention: accessLogRetention as any });
    if (message) expect(build).toThrow(message);
    else expect(build).not.toThrow();
  });
});

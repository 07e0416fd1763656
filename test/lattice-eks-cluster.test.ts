import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { LatticeEksCluster, LatticeEksClusterProps } from '../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { PinnedVersions } from '../src/versions';
import { cfnLintTemplate } from './util/cfn-lint';
import { clusterFixture } from './util/fixtures';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { awsSolutionsFindings } from './util/nag';

interface Fixture {
  app: App;
  shared: Stack;
  stack: Stack;
  cluster: LatticeEksCluster;
  template: Template;
  json: any;
}

/** The shared stack and one cluster stack (domain, one exposed service, one pod identity). */
function fixture(extra: Partial<LatticeEksClusterProps> = {}, withDomain = true): Fixture {
  const { app, shared, stack, cluster } = clusterFixture(extra, withDomain);
  cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
  cluster.addPodIdentity('Client', { namespace: 'apps', serviceAccountName: 'default' });
  const template = Template.fromStack(stack);
  return { app, shared, stack, cluster, template, json: template.toJSON() };
}

function logicalIdOf(stack: Stack, construct: { node: any }): string {
  const resource = construct.node.defaultChild ?? construct;
  return stack.getLogicalId(resource);
}

function acknowledgedRules(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data).map((k) => k.replace(/^annotation::/i, '')));
}

function objects(json: any): any[] {
  return k8sObjectsInTemplate(json).map((o) => o.object);
}

function chartValues(json: any, chart: string): any {
  const resource = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === chart);
  const values = resource.Properties.Values;
  if (typeof values === 'string') return JSON.parse(values);
  // Values with tokens are an Fn::Join: keep literal parts, stub tokens.
  return JSON.parse(values['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('LatticeEksCluster', () => {
  let f: Fixture;
  beforeAll(() => {
    f = fixture();
  });

  test('creates the EKS cluster with every control-plane log type and a public+private endpoint', () => {
    f.template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'eks-cluster1',
      Version: '1.35',
      Logging: {
        ClusterLogging: {
          EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }, { Type: 'controllerManager' }, { Type: 'scheduler' }],
        },
      },
      ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: true, EndpointPrivateAccess: true }),
    });
  });

  test('restricting the endpoint is honoured', () => {
    const { template, cluster } = fixture({ endpointAccess: eks.EndpointAccess.PRIVATE });
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false, EndpointPrivateAccess: true }),
    });
    expect(acknowledgedRules(cluster.cluster)).not.toContain('AwsSolutions-EKS1');
  });

  test('the public endpoint default is acknowledged (EKS1) on the cluster only', () => {
    expect(acknowledgedRules(f.cluster.cluster)).toContain('AwsSolutions-EKS1');
    expect(acknowledgedRules(f.cluster.nodegroup!)).not.toContain('AwsSolutions-EKS1');
  });

  test('creates a 10.0.0.0/16 VPC with flow logs and a managed node group', () => {
    f.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    f.template.resourceCountIs('AWS::EC2::FlowLog', 1);
    f.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    f.template.hasResourceProperties('AWS::EKS::Nodegroup', {
      InstanceTypes: ['t3.large'],
      ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 4 },
    });
  });

  test('installs the four EKS add-ons at their pinned versions', () => {
    for (const [name, version] of [
      ['vpc-cni', PinnedVersions.ADDON_VPC_CNI],
      ['coredns', PinnedVersions.ADDON_COREDNS],
      ['kube-proxy', PinnedVersions.ADDON_KUBE_PROXY],
      ['eks-pod-identity-agent', PinnedVersions.ADDON_POD_IDENTITY_AGENT],
    ]) {
      f.template.hasResourceProperties('AWS::EKS::Addon', { AddonName: name, AddonVersion: version, ResolveConflicts: 'OVERWRITE' });
    }
    f.template.resourceCountIs('AWS::EKS::Addon', 4);
  });

  test('installs the AWS Gateway API Controller chart from its OCI registry without a default service network', () => {
    f.template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'aws-gateway-controller-chart',
      Repository: 'oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart',
      Version: 'v2.1.3',
      Namespace: 'aws-application-networking-system',
      CreateNamespace: true,
    });
    const values = chartValues(f.json, 'aws-gateway-controller-chart');
    expect(values).toMatchObject({
      clusterName: 'eks-cluster1',
      defaultServiceNetwork: '',
      serviceAccount: { create: true, name: 'gateway-api-controller' },
    });
    for (const key of ['clusterVpcId', 'awsRegion', 'awsAccountId']) expect(values[key]).toBeDefined();
    // No VPC association policy: CloudFormation owns the association. The only IAMAuthPolicy is
    // the deny-all default of the route that has no callers (never one on the Gateway).
    expect(JSON.stringify(f.json)).not.toMatch(/VpcAssociationPolicy/);
    expect(objects(f.json).filter((o) => o.kind === 'IAMAuthPolicy').map((o) => o.spec.targetRef.kind)).toEqual(['HTTPRoute']);
  });

  test('installs ExternalDNS for the private zone with crd source and sync policy', () => {
    f.template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'external-dns',
      Repository: 'https://kubernetes-sigs.github.io/external-dns/',
      Version: PinnedVersions.EXTERNAL_DNS_CHART,
      Namespace: 'external-dns',
    });
    expect(chartValues(f.json, 'external-dns')).toMatchObject({
      provider: { name: 'aws' },
      sources: ['crd'],
      policy: 'sync',
      // Account and region are deploy-time values here: <account>/<region>/<cluster>.
      txtOwnerId: 'TOKEN/TOKEN/eks-cluster1',
      domainFilters: ['example.com'],
      // Reacts to DNSEndpoint events, not only on its one-minute loop.
      extraArgs: ['--aws-zone-type=private', '--events'],
    });
  });

  test('gives the controller and ExternalDNS Pod Identity roles with session tags', () => {
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'aws-application-networking-system', ServiceAccount: 'gateway-api-controller',
    });
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-dns', ServiceAccount: 'external-dns' });
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'apps', ServiceAccount: 'default' });
    for (const assoc of Object.values<any>(f.template.findResources('AWS::EKS::PodIdentityAssociation'))) {
      expect(assoc.Properties.DisableSessionTags).not.toBe(true);
    }
    const trust = Object.values<any>(f.template.findResources('AWS::IAM::Role'))
      .filter((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('pods.eks.amazonaws.com'));
    expect(trust).toHaveLength(3);
    for (const role of trust) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    }
  });

  test('scopes the controller policy to its own tag and ExternalDNS to its own records (evaluated in least-privilege.test.ts)', () => {
    f.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'NetworkIsOwnedByCloudFormation', Effect: 'Deny' }),
          Match.objectLike({ Action: 'iam:CreateServiceLinkedRole', Condition: { StringLike: { 'iam:AWSServiceName': 'vpc-lattice.amazonaws.com' } } }),
        ]),
      },
    });
    f.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
          Match.objectLike({ Action: 'route53:ListHostedZones', Resource: '*' }),
          Match.objectLike({ Sid: 'ChangeOwnRecordsOnly', Action: 'route53:ChangeResourceRecordSets' }),
        ]),
      },
    });
    const policies = JSON.stringify(f.template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/s3:PutBucketPolicy/);
    expect(policies).not.toContain('"vpc-lattice:*"');
  });

  test('creates the GatewayClass and a Gateway named like the service network with HTTP and HTTPS listeners', () => {
    const all = objects(f.json);
    expect(all).toContainEqual(expect.objectContaining({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: expect.objectContaining({ name: 'amazon-vpc-lattice' }),
      spec: { controllerName: 'application-networking.k8s.aws/gateway-api-controller' },
    }));
    const gateway = all.find((o) => o.kind === 'Gateway');
    expect(gateway.metadata).toMatchObject({ name: 'lattice-gateway', namespace: 'lattice-gateway' });
    expect(gateway.spec.gatewayClassName).toBe('amazon-vpc-lattice');
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port])).toEqual([['http', 'HTTP', 80], ['https', 'HTTPS', 443]]);
    expect(gateway.spec.listeners[1].tls.mode).toBe('Terminate');
    expect(Object.keys(gateway.spec.listeners[1].tls.options)).toEqual(['application-networking.k8s.aws/certificate-arn']);
  });

  test('exposes a service with an HTTPRoute under the domain on both listeners', () => {
    const route = objects(f.json).find((o) => o.kind === 'HTTPRoute');
    expect(route.metadata).toMatchObject({ name: 'demo-cluster1', namespace: 'apps' });
    expect(route.spec.hostnames).toEqual(['demo-cluster1.example.com']);
    expect(route.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['http', 'https']);
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'lattice-gateway', namespace: 'lattice-gateway' });
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'demo-cluster1', port: 80 }]);
    expect(f.cluster.node.findAll().some((c: any) => c.latticeServiceName === 'demo-cluster1-apps')).toBe(true);
  });

  test('installs the Gateway API CRDs with a checksum-verified Job, gated by its success', () => {
    const job = objects(f.json).find((o) => o.kind === 'Job');
    expect(job.metadata.name).toMatch(/^gateway-api-crds-v1-5-1-[0-9a-f]{10}$/);
    const init = job.spec.template.spec.initContainers[0];
    expect(init.image).toBe(PinnedVersions.DOWNLOAD_IMAGE);
    expect(init.env).toEqual(expect.arrayContaining([
      { name: 'URL', value: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml' },
      { name: 'SHA256', value: PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256 },
    ]));
    expect(init.command.join(' ')).toMatch(/sha256sum -c/);
    const apply = job.spec.template.spec.initContainers[1];
    expect(apply.image).toBe(PinnedVersions.KUBECTL_IMAGE);
    expect(apply.args).toEqual(expect.arrayContaining(['apply', '--server-side']));
    // After the install the service account keeps no permission: the last step deletes its binding,
    // and the only RBAC rule on bindings is deleting exactly that one.
    const [revoke] = job.spec.template.spec.containers;
    expect(revoke.args).toEqual(['delete', 'clusterrolebinding', `${job.metadata.name}-installer`, '--wait=false']);
    const role = objects(f.json).find((o) => o.kind === 'ClusterRole' && o.metadata.name === `${job.metadata.name}-installer`);
    expect(role.rules).toContainEqual({
      apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], resourceNames: [`${job.metadata.name}-installer`], verbs: ['delete'],
    });
    const binding = objects(f.json).find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === `${job.metadata.name}-installer`);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'gateway-api-crds-installer', namespace: 'kube-system' }]);
    f.template.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesObjectValue', {
      ObjectType: 'job', ObjectName: job.metadata.name, ObjectNamespace: 'kube-system', JsonPath: '.status.succeeded',
    });
    expect(JSON.stringify(f.json)).not.toMatch(/CustomResourceDefinition/);
  });

  test('clusters that already have the CRDs skip the installer', () => {
    const { json, template } = fixture({ installGatewayApiCrds: false });
    expect(objects(json).some((o) => o.kind === 'Job')).toBe(false);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesObjectValue', 0);
  });

  test('admits the Lattice managed prefix list (looked up at deploy time) to the cluster security group on the route\'s target port only', () => {
    const lookup = Object.values<any>(f.template.findResources('Custom::AWS'))
      .find((r) => JSON.stringify(r.Properties.Update).includes('describeManagedPrefixLists'));
    expect(JSON.stringify(lookup.Properties.Update)).toMatch(/prefix-list-name.*com\.amazonaws\.",\{"Ref":"AWS::Region"\},"\.vpc-lattice/);
    f.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      SourcePrefixListId: { 'Fn::GetAtt': [Match.anyValue(), 'PrefixLists.0.PrefixListId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Cluster'), 'ClusterSecurityGroupId'] },
    });
  });

  test('associates the cluster VPC with the service network and the private zone in the cluster stack', () => {
    f.template.hasResourceProperties('AWS::VpcLattice::ServiceNetworkVpcAssociation', {
      ServiceNetworkIdentifier: { 'Fn::ImportValue': Match.anyValue() },
    });
    f.template.resourceCountIs('Custom::PrivateZoneVpcAssociation', 1);
    Template.fromStack(f.shared).resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 0);
  });

  test('orders creation CRDs -> ExternalDNS -> controller -> Gateway -> routes, all after the nodes', () => {
    const g = new DependencyGraph(f.json);
    const id = (c: any) => logicalIdOf(f.stack, c);
    const route = f.cluster.node.findAll().find((c: any) => c.latticeServiceName) as any;
    const routeId = id(route.manifest);
    const gatewayId = id(f.cluster.gatewayManifest);
    const controllerId = id(f.cluster.gatewayControllerChart);
    const dnsId = id(f.cluster.externalDnsChart!);
    const crdsId = id(f.cluster.gatewayApiCrdsManifest!);
    const readyId = Object.keys(f.template.findResources('Custom::AWSCDK-EKS-KubernetesObjectValue'))[0];
    const nodesId = id(f.cluster.nodegroup);
    const required: Array<[string, string]> = [
      [routeId, gatewayId], [routeId, controllerId], [gatewayId, controllerId], [controllerId, dnsId],
      [controllerId, readyId], [readyId, crdsId], [crdsId, nodesId], [dnsId, nodesId],
    ];
    for (const [from, to] of required) expect([from, to, g.dependsOn(from, to)]).toEqual([from, to, true]);
    // The controller's identity outlives it, so it can clean up when routes go.
    const controllerAssociation = Object.entries<any>(f.template.findResources('AWS::EKS::PodIdentityAssociation'))
      .find(([, r]) => r.Properties.ServiceAccount === 'gateway-api-controller')![0];
    expect(g.dependsOn(controllerId, controllerAssociation)).toBe(true);
    // Every Kubernetes object is deleted before the nodes and the add-ons.
    const addonIds = Object.keys(f.template.findResources('AWS::EKS::Addon'));
    for (const [k8sId, r] of Object.entries<any>(f.json.Resources)) {
      if (!/^Custom::AWSCDK-EKS-(KubernetesResource|HelmChart)$/.test(r.Type)) continue;
      expect([k8sId, g.dependsOn(k8sId, nodesId)]).toEqual([k8sId, true]);
      for (const addon of addonIds) expect([k8sId, addon, g.dependsOn(k8sId, addon)]).toEqual([k8sId, addon, true]);
    }
    expect(g.dependsOn(gatewayId, routeId)).toBe(false);
  });

  test('every synthesized Kubernetes object validates against the upstream schemas', () => {
    expectValidK8sObjects(f.json);
  });

  test('passes AwsSolutions checks and cfn-lint', () => {
    expect(awsSolutionsFindings(f.stack)).toEqual([]);
    expect(awsSolutionsFindings(f.shared)).toEqual([]);
    expect(cfnLintTemplate(f.json, 'cluster')).toEqual([]);
  });

  test('two clusters of one app in separate stacks do not depend on each other', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const stacks = ['eks-cluster1', 'eks-cluster2'].map((name) => {
      const stack = new Stack(app, name);
      const c = new LatticeEksCluster(stack, 'Lattice', { clusterName: name, kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork });
      c.exposeService('Demo', { serviceName: `demo-${name}`, namespace: 'apps', port: 80 });
      return stack;
    });
    app.synth();
    expect(stacks[0].dependencies.map((s) => s.stackName)).toEqual(['Shared']);
    expect(stacks[1].dependencies.map((s) => s.stackName)).toEqual(['Shared']);
  });

  test('without a domain: HTTP listener only, no ExternalDNS, no hostnames', () => {
    const { json, template } = fixture({}, false);
    const gateway = objects(json).find((o) => o.kind === 'Gateway');
    expect(gateway.spec.listeners.map((l: any) => l.name)).toEqual(['http']);
    expect(objects(json).find((o) => o.kind === 'HTTPRoute').spec.hostnames).toBeUndefined();
    expect(Object.values<any>(template.findResources('Custom::AWSCDK-EKS-HelmChart')).map((r) => r.Properties.Chart))
      .toEqual(['aws-gateway-controller-chart']);
  });

  test('node group sizes follow nodeCount when only it is given', () => {
    const { template } = fixture({ nodeCount: 6 });
    template.hasResourceProperties('AWS::EKS::Nodegroup', { ScalingConfig: { MinSize: 1, DesiredSize: 6, MaxSize: 6 } });
  });

  test('versions can be overridden', () => {
    const { template } = fixture({
      versions: { gatewayApiControllerChart: 'v2.1.2', externalDnsChart: '1.20.0', vpcCniAddon: 'v1.20.0-eksbuild.1' },
    });
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'aws-gateway-controller-chart', Version: 'v2.1.2' });
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'external-dns', Version: '1.20.0' });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', AddonVersion: 'v1.20.0-eksbuild.1' });
  });
});

describe('LatticeEksCluster bad input', () => {
  const layer = (stack: Stack) => lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', 'arn:aws:lambda:us-east-1:111111111111:layer:kubectl:1');
  function make(props: Partial<LatticeEksClusterProps>, stackName = 'Bad'): LatticeEksCluster {
    const app = new App();
    const stack = new Stack(app, stackName);
    const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
    return new LatticeEksCluster(stack, 'Lattice', { clusterName: 'ok', kubectlLayer: layer(stack), serviceNetwork, ...props });
  }

  test.each([
    ['-starts-with-hyphen', /clusterName '-starts-with-hyphen'/],
    ['has space', /clusterName 'has space'/],
    ['x'.repeat(101), /is not a valid EKS cluster name/],
  ])('cluster name %s', (clusterName, error) => {
    expect(() => make({ clusterName })).toThrow(error);
  });

  test.each([
    ['10.0.0.0', /vpcCidr '10.0.0.0' is not an IPv4 CIDR/],
    ['10.0.0.0/8', /vpcCidr '10.0.0.0\/8' must have a prefix/],
    ['10.0.0.1/16', /vpcCidr '10.0.0.1\/16' has host bits set/],
    ['300.0.0.0/16', /vpcCidr '300.0.0.0\/16'/],
    ['169.254.0.0/16', /169.254.0.0\/16' overlaps the link-local/],
  ])('vpc cidr %s', (vpcCidr, error) => {
    expect(() => make({ vpcCidr })).toThrow(error);
  });

  test('Kubernetes version older than the controller supports', () => {
    expect(() => make({ version: eks.KubernetesVersion.V1_30 })).toThrow(/Kubernetes version '1.30' is too old/);
  });

  test('node counts out of order', () => {
    expect(() => make({ nodeCount: 5, maxNodes: 3 })).toThrow(/nodeCount \(5\) <= maxNodes \(3\)/);
    expect(() => make({ nodeCount: 1.5 })).toThrow(/nodeCount 1.5/);
  });

  test('vpc and vpcCidr together', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const vpc = new ec2.Vpc(stack, 'Vpc');
    expect(() => new LatticeEksCluster(stack, 'L', { clusterName: 'c', kubectlLayer: layer(stack), serviceNetwork, vpc, vpcCidr: '10.1.0.0/16' }))
      .toThrow(/vpcCidr \('10.1.0.0\/16'\)/);
  });

  test('another Gateway API release without its checksum, or not v1.5', () => {
    expect(() => make({ versions: { gatewayApi: 'v1.5.2' } })).toThrow(/'v1.5.2' needs versions.gatewayApiStandardInstallSha256/);
    expect(() => make({ versions: { gatewayApi: 'v1.4.0', gatewayApiStandardInstallSha256: 'a'.repeat(64) } })).toThrow(/'v1.4.0' is older than v1.5: the AWS Gateway API Controller v2.1 needs Gateway API v1.5 or newer/);
    expect(() => make({ versions: { gatewayApiStandardInstallSha256: 'XYZ' } })).toThrow(/'XYZ' is not a lowercase hex SHA-256/);
  });

  test('unpinned image', () => {
    expect(() => make({ versions: { kubectlImage: 'kubectl' } })).toThrow(/versions.kubectlImage 'kubectl' is not a pinned image/);
  });

  test('bad gateway namespace', () => {
    expect(() => make({ gatewayNamespace: 'Gateways' })).toThrow(/gatewayNamespace 'Gateways'/);
  });

  test('hostname outside the domain, or without a domain', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
    const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const c = new LatticeEksCluster(stack, 'L', { clusterName: 'c', kubectlLayer: layer(stack), serviceNetwork, domain });
    expect(() => c.exposeService('A', { serviceName: 'a', port: 80, hostname: 'a.example.org' })).toThrow(/hostname 'a.example.org' is outside the cluster's domain 'example.com'/);
    expect(() => c.exposeService('B', { serviceName: 'b', port: 80, hostname: 'b..example.com' })).toThrow(/hostname 'b..example.com'/);
    expect(() => c.exposeService('C', { serviceName: 'c', port: 0 })).toThrow(/port 0/);
    expect(() => c.exposeService('D', { serviceName: 'D_svc', port: 80 })).toThrow(/serviceName 'D_svc'/);
    const noDomain = make({});
    expect(() => noDomain.exposeService('E', { serviceName: 'e', port: 80, hostname: 'e.example.com' })).toThrow(/hostname 'e.example.com' needs a cluster with a domain/);
  });

  test('route-name collisions between clusters of one app', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const clusters = ['c1', 'c2'].map((name) => {
      const stack = new Stack(app, name);
      return new LatticeEksCluster(stack, 'L', { clusterName: name, kubectlLayer: layer(stack), serviceNetwork });
    });
    clusters[0].exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80 });
    expect(() => clusters[1].exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80 }))
      .toThrow(/Lattice service 'demo-apps', which c1\/L\/Demo already uses/);
    // Truncation makes long names collide too.
    clusters[0].exposeService('Long1', { serviceName: 'a'.repeat(20) + 'x', namespace: 'apps', port: 80 });
    expect(() => clusters[1].exposeService('Long2', { serviceName: 'a'.repeat(20) + 'y', namespace: 'apps', port: 80 }))
      .toThrow(/Lattice service 'aaaaaaaaaaaaaaaaaaaa-apps'/);
  });

  test('bad pod identity names', () => {
    const c = make({});
    expect(() => c.addPodIdentity('P', { namespace: 'Apps', serviceAccountName: 'sa' })).toThrow(/namespace 'Apps'/);
    expect(() => c.addPodIdentity('Q', { namespace: 'apps', serviceAccountName: 'sa_1' })).toThrow(/serviceAccountName 'sa_1'/);
  });
});

describe('LatticeEksCluster cost of synth', () => {
  test('a cluster stack stays small (no CRDs inlined): 3 Lambda functions, plus 1 for the deletion guard', () => {
    const functionCount = (json: any) => Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length;
    const { json } = fixture();
    expect(JSON.stringify(json).length).toBeLessThan(100_000);
    // kubectl handler, its provider framework, the AwsCustomResource singleton;
    // the guard's one function (it polls and answers CloudFormation itself).
    expect(functionCount(json)).toBe(4);
    expect(functionCount(fixture({ deletionGuard: { enabled: false } }).json)).toBe(3);
  });
});

/**
 * LatticeEksIntegration: Lattice attached to clusters the app already has — an
 * EKS Auto Mode cluster written with plain aws-eks-v2, a node-group cluster,
 * and an imported cluster — and what destroy leaves behind on them.
 */
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DependencyGraph } from './util/graph';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { ArtifactSources } from '../src/artifact-sources';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeEksIntegration, LatticeEksIntegrationProps, PodIdentityAgent } from '../src/cluster/lattice-eks-integration';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';

interface Attached {
  readonly app: App;
  readonly stack: Stack;
  readonly cluster: eks.ICluster;
  readonly lattice: LatticeEksIntegration;
}

function shared(app: App) {
  const stack = new Stack(app, 'Shared');
  return {
    domain: new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' }),
    serviceNetwork: new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' }),
  };
}

/** Lattice on an Auto Mode cluster written with plain aws-eks-v2 (its default capacity). */
function autoMode(extra: Partial<LatticeEksIntegrationProps> = {}, clusterProps: Partial<eks.ClusterProps> = {}): Attached {
  const app = new App();
  const { domain, serviceNetwork } = shared(app);
  const stack = new Stack(app, 'Auto');
  const cluster = new eks.Cluster(stack, 'Cluster', {
    clusterName: 'platform-auto',
    version: eks.KubernetesVersion.V1_35,
    kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(stack, 'Kubectl') },
    ...clusterProps,
  });
  const lattice = new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork, domain, ...extra });
  return { app, stack, cluster, lattice };
}

/** Lattice on an imported cluster (its kubectl provider, VPC and security group given). */
function imported(extra: Partial<LatticeEksIntegrationProps> = {}, attributes: Partial<eks.ClusterAttributes> = {}): Attached {
  const app = new App();
  const { domain, serviceNetwork } = shared(app);
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
    ...attributes,
  });
  const lattice = new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork, domain, ...extra });
  return { app, stack, cluster, lattice };
}

const json = (a: Attached) => Template.fromStack(a.stack).toJSON();
const id = (a: Attached, c: { node: any }) => a.stack.getLogicalId((c.node.defaultChild ?? c) as any);
const objects = (a: Attached) => k8sObjectsInTemplate(json(a)).map((o) => o.object);

describe('on an EKS Auto Mode cluster written with aws-eks-v2', () => {
  const a = autoMode();
  a.lattice.exposeService('Orders', { serviceName: 'orders', namespace: 'shop', port: 80, targetPort: 8080, createNamespace: true });
  const template = Template.fromStack(a.stack);

  test('Auto Mode is detected: one cluster with compute on, no node group, no add-on, no preflight', () => {
    expect(a.lattice.autoMode).toBe(true);
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    template.hasResourceProperties('AWS::EKS::Cluster', { ComputeConfig: { Enabled: true } });
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(a.lattice.podIdentityAgentAddon).toBeUndefined();
    expect(a.lattice.preflightProbe).toBeUndefined();
  });

  test('the controller gets the VPC, account and region explicitly (IMDS hop limit 1 on Auto Mode nodes)', () => {
    const chart = Object.values<any>(json(a).Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Release === 'aws-gateway-controller');
    const values = JSON.stringify(chart.Properties.Values);
    for (const key of ['clusterVpcId', 'awsAccountId', 'awsRegion', 'clusterName']) expect(values).toContain(key);
  });

  test('Lattice may reach the targets on the cluster security group (the one Auto Mode nodes use)', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, ToPort: 8080, GroupId: { 'Fn::GetAtt': [id(a, a.cluster), 'ClusterSecurityGroupId'] },
    });
  });

  test('with an ECR pull-through cache, the Auto Mode node role may fill it', () => {
    const charts = {
      gatewayApiController: 'oci://charts.corp.internal/lattice/aws-gateway-controller-chart',
      externalDns: 'https://charts.corp.internal/external-dns/',
      kyverno: 'oci://charts.corp.internal/lattice/kyverno',
    };
    const mirrored = autoMode({ sources: ArtifactSources.ecrPullThrough({ charts, dockerHubPrefix: 'dh' }), gatewayApiCrds: undefined });
    const nodeRole = mirrored.cluster.node.findChild('ClusternodePoolRole');
    const policies = Object.values<any>(json(mirrored).Resources).filter((r) => r.Type === 'AWS::IAM::Policy'
      && JSON.stringify(r.Properties.Roles).includes(id(mirrored, nodeRole)));
    expect(JSON.stringify(policies)).toContain('ecr:BatchImportUpstreamImage');
  });

  test('a node-group cluster of the app gets the Pod Identity agent add-on, once', () => {
    const ng = autoMode({}, { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 1 });
    expect(ng.lattice.autoMode).toBe(false);
    const t = Template.fromStack(ng.stack);
    t.resourceCountIs('AWS::EKS::Addon', 1);
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    const graph = new DependencyGraph(json(ng));
    expect(graph.dependsOn(id(ng, ng.lattice.gatewayControllerChart), id(ng, ng.lattice.podIdentityAgentAddon!))).toBe(true);
  });
});

describe('on an imported cluster', () => {
  const a = imported({ existingNamespaces: ['apps'] });
  a.lattice.exposeService('Orders', { serviceName: 'orders', namespace: 'apps', port: 80 });
  const template = Template.fromStack(a.stack);

  test('no cluster, node group or add-on is created', () => {
    template.resourceCountIs('AWS::EKS::Cluster', 0);
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(a.lattice.autoMode).toBe(false);
  });

  test('the Pod Identity agent is checked at deploy time, before anything is installed', () => {
    const probe = a.lattice.preflightProbe!;
    const graph = new DependencyGraph(json(a));
    for (const c of [a.lattice.gatewayControllerChart, a.lattice.externalDnsChart!, a.lattice.gatewayManifest, a.lattice.gatewayApiCrdsManifest!]) {
      expect(graph.dependsOn(id(a, c), id(a, probe))).toBe(true);
    }
    const probeObject = objects(a).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cdk-lattice-eks-preflight')!;
    expect(probeObject.metadata.namespace).toBe('kube-system');
    expect(Object.keys(probeObject.data)).toEqual(['podIdentityAgentAvailable']);
    template.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesObjectValue', {
      ObjectType: 'daemonset', ObjectName: 'eks-pod-identity-agent', ObjectNamespace: 'kube-system', JsonPath: '.status.numberAvailable',
    });
  });

  test('every preflight read runs after the policy (the API server enforces a new policy only once its informers see it)', () => {
    const graph = new DependencyGraph(json(a));
    const resources = json(a).Resources as Record<string, any>;
    const reads = Object.keys(resources).filter((k) => resources[k].Type === 'Custom::AWSCDK-EKS-KubernetesObjectValue' && /Preflight/.test(k));
    const policy = Object.keys(resources).find((k) => resources[k].Type === 'Custom::AWSCDK-EKS-KubernetesResource' && /PreflightPolicy/.test(k))!;
    expect(reads.length).toBeGreaterThan(0);
    expect(policy).toBeDefined();
    for (const read of reads) expect(graph.dependsOn(read, policy)).toBe(true);
  });

  test('with installGatewayApiCrds false, the installed bundle version is checked instead of installing one', () => {
    const b = imported({ installGatewayApiCrds: false });
    expect(b.lattice.gatewayApiCrdsManifest).toBeUndefined();
    const probe = objects(b).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cdk-lattice-eks-preflight')!;
    expect(Object.keys(probe.data).sort()).toEqual(['gatewayApiBundleVersion', 'podIdentityAgentAvailable']);
    Template.fromStack(b.stack).hasResourceProperties('Custom::AWSCDK-EKS-KubernetesObjectValue', {
      ObjectType: 'customresourcedefinition', ObjectName: 'httproutes.gateway.networking.k8s.io',
    });
  });

  test('preflightChecks false: no probe', () => {
    expect(imported({ preflightChecks: false }).lattice.preflightProbe).toBeUndefined();
  });

  test('an existing namespace is never created, so destroy never deletes it', () => {
    const namespaces = objects(a).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces).toEqual(['lattice-gateway']);
    const route = objects(a).find((o) => o.kind === 'HTTPRoute');
    expect(route.metadata.namespace).toBe('apps');
  });

  test('an existing Gateway namespace is not created either', () => {
    const b = imported({ existingNamespaces: ['networking'], gatewayNamespace: 'networking' });
    expect(objects(b).filter((o) => o.kind === 'Namespace')).toEqual([]);
  });

  test('associateVpc false: the VPC keeps the association it has', () => {
    const b = imported({ associateVpc: false });
    Template.fromStack(b.stack).resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 0);
    expect(b.lattice.serviceNetworkAssociation).toBeUndefined();
  });

  test('a cluster\'s own Kyverno: no chart, a preflight of its MutatingPolicy support, the policy after it', () => {
    const b = imported();
    const sidecar = new SigV4SidecarPolicy(b.stack, 'SigV4', { cluster: b.lattice, namespaces: ['apps'], installKyverno: false });
    const t = Template.fromStack(b.stack);
    expect(sidecar.kyvernoChart).toBeUndefined();
    const charts = Object.values<any>(t.toJSON().Resources).filter((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart').map((r) => r.Properties.Release);
    expect(charts).not.toContain('kyverno');
    t.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesObjectValue', {
      ObjectType: 'customresourcedefinition', ObjectName: 'mutatingpolicies.policies.kyverno.io', JsonPath: '.spec.versions[?(@.served==true)].name',
    });
    const graph = new DependencyGraph(t.toJSON());
    expect(graph.dependsOn(id(b, sidecar.policyManifest), id(b, sidecar.kyvernoPreflightProbe!))).toBe(true);
    const kyvernoNamespaces = k8sObjectsInTemplate(t.toJSON()).filter((o) => o.object.kind === 'Namespace' && o.object.metadata.name === 'kyverno');
    expect(kyvernoNamespaces).toEqual([]);
  });
});

describe('destroy on an attached cluster', () => {
  const cases: [string, Attached][] = [['Auto Mode', autoMode()], ['imported', imported({ existingNamespaces: ['apps'] })]];
  for (const [, a] of cases) {
    a.lattice.exposeService('Orders', { serviceName: 'orders', namespace: 'apps', port: 80, createNamespace: true });
    new SigV4SidecarPolicy(a.stack, 'SigV4', { cluster: a.lattice, namespaces: ['apps'] });
  }

  test.each(cases)('%s: no CustomResourceDefinition is ever applied (CRDs are never deleted)', (_name, a) => {
    expect(objects(a).filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  test.each(cases)('%s: the system namespaces are never created or deleted', (_name, a) => {
    const namespaces = objects(a).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    for (const system of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(namespaces).not.toContain(system);
  });

  test.each(cases)('%s: create and delete order (namespaces and routes go while the controllers still run)', (_name, a) => {
    const graph = new DependencyGraph(json(a));
    const routeManifest = Object.entries<any>(json(a).Resources).find(([, r]) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource'
      && JSON.stringify(r.Properties.Manifest).includes('"kind\\":\\"HTTPRoute'))![0];
    expect(graph.dependsOn(routeManifest, id(a, a.lattice.gatewayManifest))).toBe(true);
    expect(graph.dependsOn(routeManifest, id(a, a.lattice.deletionGuard!.resource))).toBe(true);
    expect(graph.dependsOn(id(a, a.lattice.deletionGuard!.resource), id(a, a.lattice.gatewayControllerChart))).toBe(true);
    expect(graph.dependsOn(id(a, a.lattice.gatewayControllerChart), id(a, a.lattice.gatewayApiCrdsManifest!))).toBe(true);
    const gatewayNamespace = Object.entries<any>(json(a).Resources).find(([, r]) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource'
      && JSON.stringify(r.Properties.Manifest).includes('"kind\\":\\"Namespace') && JSON.stringify(r.Properties.Manifest).includes('lattice-gateway'))![0];
    expect(graph.dependsOn(gatewayNamespace, id(a, a.lattice.gatewayControllerChart))).toBe(true);
  });
});

describe('LatticeEksIntegration bad input', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['an imported cluster without a kubectl provider', () => imported({}, { kubectlProvider: undefined }),
      /LatticeEksIntegration \(Imported\/Lattice\): cluster 'platform-shared' has no kubectl provider.*kubectlProviderOptions: \{ kubectlLayer \}.*kubectlProvider/],
    ['an imported cluster without its VPC', () => imported({}, { vpc: undefined }),
      /the cluster has no vpc \(an imported cluster without it\); give vpc to Cluster.fromClusterAttributes/],
    ['an imported cluster without its security group', () => imported({}, { clusterSecurityGroupId: undefined }),
      /the cluster has no clusterSecurityGroupId.*give clusterSecurityGroupId to Cluster.fromClusterAttributes, or targetSecurityGroup/],
    ['an eks.Cluster without a name', () => autoMode({}, { clusterName: undefined }),
      /the cluster's name must be a literal string, not a token \(needed at synth to name the cluster in auth policies, ownership tags and DNS owner ids\); an eks.Cluster without clusterName has a token: give the cluster a literal clusterName, or give clusterName here/],
    ['a clusterName other than the cluster\'s', () => imported({ clusterName: 'other' }),
      /clusterName 'other' differs from the cluster's name 'platform-shared'; omit clusterName or give the cluster's own name/],
    ['BUILT_IN agent on a cluster that is not Auto Mode', () => imported({ podIdentityAgent: PodIdentityAgent.BUILT_IN }),
      /podIdentityAgent BUILT_IN is only for EKS Auto Mode, but cluster 'platform-shared' is not in Auto Mode; use PodIdentityAgent.EXISTING/],
    ['association security groups without the association', () => imported({
      associateVpc: false, associationSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(new Stack(), 'Sg', 'sg-1')],
    }), /associationSecurityGroups needs associateVpc: the association is not created here; drop one of them/],
    ['an existing namespace that is no DNS label', () => imported({ existingNamespaces: ['Apps'] }), /existingNamespaces 'Apps'/],
    ['a CRD file with installGatewayApiCrds false', () => imported({ installGatewayApiCrds: false, gatewayApiCrds: { file: '/x' } as any }),
      /gatewayApiCrds is a file but installGatewayApiCrds is false; drop one of them/],
    ['cluster left out by a JavaScript caller', () => imported({ cluster: undefined as any }), /cluster is required/],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('an own Kyverno with a chart version', () => {
    const a = imported();
    expect(() => new SigV4SidecarPolicy(a.stack, 'SigV4', { cluster: a.lattice, namespaces: ['apps'], installKyverno: false, kyvernoChartVersion: '3.7.0' }))
      .toThrow(/SigV4SidecarPolicy \(Imported\/SigV4\): kyvernoChartVersion '3.7.0' is given but installKyverno is false; drop one of them/);
  });
});

describe('LatticeEksCluster on EKS Auto Mode', () => {
  const app = new App();
  const { domain, serviceNetwork } = shared(app);
  const stack = new Stack(app, 'Cluster1');
  const cluster = new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork, domain, autoMode: true,
  });
  const template = Template.fromStack(stack);

  test('one cluster with compute on; no node group, add-ons or preflight', () => {
    expect(cluster.autoMode).toBe(true);
    expect(cluster.nodegroup).toBeUndefined();
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    template.hasResourceProperties('AWS::EKS::Cluster', { ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'] } });
    template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(cluster.lattice.preflightProbe).toBeUndefined();
  });

  test.each<[string, object, RegExp]>([
    ['node sizes', { nodeCount: 3 }, /nodeCount cannot be used with autoMode: EKS Auto Mode chooses the instances/],
    ['an instance type', { nodeInstanceType: new ec2.InstanceType('m6i.large') }, /nodeInstanceType cannot be used with autoMode/],
    ['add-on versions', { versions: { vpcCniAddon: 'v1.20.0-eksbuild.1' } }, /versions.vpcCniAddon cannot be used with autoMode.*set autoMode: false for a managed node group/],
  ])('rejects %s with autoMode', (_name, extra, message) => {
    const a2 = new App();
    const s = shared(a2);
    const st = new Stack(a2, 'C');
    expect(() => new LatticeEksCluster(st, 'Lattice', {
      clusterName: 'c', kubectlLayer: new KubectlV35Layer(st, 'Kubectl'), serviceNetwork: s.serviceNetwork, autoMode: true, ...extra,
    })).toThrow(message);
  });
});

describe('the sidecar on EKS Auto Mode', () => {
  /** The sidecar's Kubernetes objects (policy, guard, proxy ConfigMap), the cluster's own names aside. */
  const sidecarObjects = (a: { stack: Stack }) => k8sObjectsInTemplate(Template.fromStack(a.stack).toJSON()).map((o) => o.object)
    .filter((o) => ['MutatingPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ConfigMap'].includes(o.kind)
      && !o.metadata.name.startsWith('cdk-lattice-eks-preflight') && !o.metadata.name.startsWith('cdk-lattice-eks-tenant')
      && !o.metadata.name.startsWith('cdk-lattice-eks-gateway-api'));

  test('is the same injection, guard, Envoy config and iptables rules as on a node group (the engine tests cover both)', () => {
    const auto = autoMode();
    new SigV4SidecarPolicy(auto.stack, 'SigV4', { cluster: auto.lattice, namespaces: ['apps'] });
    const app = new App();
    const { domain, serviceNetwork } = shared(app);
    const stack = new Stack(app, 'Auto');
    const nodes = new LatticeEksCluster(stack, 'Lattice', { clusterName: 'platform-auto', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork, domain });
    new SigV4SidecarPolicy(stack, 'SigV4', { cluster: nodes, namespaces: ['apps'] });
    const onAuto = sidecarObjects(auto);
    expect(onAuto.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'MutatingPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicyBinding']);
    expect(JSON.stringify(onAuto)).toEqual(JSON.stringify(sidecarObjects({ stack })));
  });
});

import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { criticalPaths } from '../benchmarks/critical-path';
import { LatticeCaller, SigV4SidecarPolicy } from '../src';
import { clusterFixture, ClusterFixture } from './util/fixtures';
import { DependencyGraph } from './util/graph';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { awsSolutionsFindings } from './util/nag';
import { LatticeDeletionGuard } from '../src/cluster/deletion-guard';

/** Kinds the AWS Gateway API Controller reconciles (and finalizes or cleans up in Lattice). */
const CONTROLLER_KINDS = ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'IAMAuthPolicy', 'ServiceExport', 'ServiceImport', 'TargetGroupPolicy', 'VpcAssociationPolicy', 'AccessLogPolicy'];
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

interface Built extends ClusterFixture {
  readonly json: any;
  readonly g: DependencyGraph;
  readonly sidecar: SigV4SidecarPolicy;
}

/**
 * Everything the constructs can create in one cluster, in an awkward order:
 * routes and pod identities are added BEFORE the construct that creates their
 * namespace, some objects live in system namespaces, one namespace is created
 * by two constructs.
 */
function everything(extra: Parameters<typeof clusterFixture>[0] = {}): Built {
  const f = clusterFixture(extra);
  const { cluster } = f;
  // 'apps' is created later by the sidecar policy: these must still wait for it.
  const early = cluster.exposeService('Early', { serviceName: 'early', namespace: 'apps', port: 80 });
  early.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
  cluster.addPodIdentity('EarlyIdentity', { namespace: 'apps', serviceAccountName: 'early', createServiceAccount: true });
  // 'shop' is created by the route itself, and again requested by a pod identity.
  cluster.exposeService('Shop', { serviceName: 'shop', namespace: 'shop', port: 8080, createNamespace: true })
    .allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
  cluster.addPodIdentity('ShopIdentity', { namespace: 'shop', serviceAccountName: 'shop', createNamespace: true, createServiceAccount: true });
  // System namespaces: createNamespace is accepted and creates nothing.
  cluster.exposeService('Sys', { serviceName: 'sys', namespace: 'kube-system', port: 80, createNamespace: true });
  cluster.addPodIdentity('DefaultIdentity', { namespace: 'default', serviceAccountName: 'worker', createNamespace: true, createServiceAccount: true });
  // 'batch' is only ever created by a pod identity added after the sidecar's ConfigMap there.
  const sidecar = new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster, namespaces: ['apps'], createNamespaces: false });
  sidecar.addNamespace('batch');
  cluster.addPodIdentity('BatchIdentity', { namespace: 'batch', serviceAccountName: 'batch', createNamespace: true });
  // Now someone creates 'apps'.
  sidecar.addClient('Client', { namespace: 'apps', serviceAccountName: 'client', createNamespace: true });
  const json = Template.fromStack(f.stack).toJSON();
  return { ...f, json, g: new DependencyGraph(json), sidecar };
}

function idOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

/** Logical id of the Namespace object of each namespace the template creates. */
function namespaceCreators(json: any): Map<string, string[]> {
  const creators = new Map<string, string[]>();
  for (const o of k8sObjectsInTemplate(json)) {
    if (o.object.kind !== 'Namespace') continue;
    creators.set(o.object.metadata.name, [...(creators.get(o.object.metadata.name) ?? []), o.logicalId]);
  }
  return creators;
}

/** Failing pairs, so a failure names the resources. */
function missing(g: DependencyGraph, pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.filter(([from, to]) => !g.dependsOn(from, to));
}

describe('teardown order: namespaces', () => {
  let b: Built;
  beforeAll(() => {
    b = everything();
  });

  test('each namespace is created once, system namespaces never', () => {
    const creators = namespaceCreators(b.json);
    expect([...creators.keys()].sort()).toEqual(['apps', 'batch', 'kyverno', 'lattice-gateway', 'shop']);
    for (const [ns, ids] of creators) expect([ns, ids.length]).toEqual([ns, 1]);
    for (const ns of SYSTEM_NAMESPACES) expect(creators.has(ns)).toBe(false);
  });

  test('every namespaced object depends on whatever creates its namespace, whatever the construct order', () => {
    const creators = namespaceCreators(b.json);
    const pairs: Array<[string, string]> = [];
    let checked = 0;
    for (const o of k8sObjectsInTemplate(b.json)) {
      const ns = o.object.metadata?.namespace;
      if (!ns || o.object.kind === 'Namespace') continue;
      checked++;
      for (const creator of creators.get(ns) ?? []) if (creator !== o.logicalId) pairs.push([o.logicalId, creator]);
    }
    expect(checked).toBeGreaterThanOrEqual(12);
    expect(pairs.length).toBeGreaterThanOrEqual(9);
    expect(missing(b.g, pairs)).toEqual([]);
  });

  test('Pod Identity associations and Helm releases depend on the creator of their namespace', () => {
    const creators = namespaceCreators(b.json);
    const pairs: Array<[string, string]> = [];
    for (const [id, r] of Object.entries<any>(b.json.Resources)) {
      const ns = r.Type === 'AWS::EKS::PodIdentityAssociation' ? r.Properties.Namespace
        : r.Type === 'Custom::AWSCDK-EKS-HelmChart' ? r.Properties.Namespace : undefined;
      for (const creator of creators.get(ns) ?? []) pairs.push([id, creator]);
    }
    // apps (early + client), batch, shop (x1: the same association once), kyverno chart.
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    expect(missing(b.g, pairs)).toEqual([]);
  });

  test('namespaces holding controller objects are deleted before the controller and ExternalDNS; Kyverno\'s is not held back', () => {
    const creators = namespaceCreators(b.json);
    const controller = idOf(b.stack, b.cluster.gatewayControllerChart);
    const dns = idOf(b.stack, b.cluster.externalDnsChart!);
    const pairs: Array<[string, string]> = [];
    for (const ns of ['apps', 'shop', 'lattice-gateway']) {
      for (const creator of creators.get(ns)!) pairs.push([creator, controller], [creator, dns]);
    }
    expect(missing(b.g, pairs)).toEqual([]);
    const kyvernoNs = creators.get('kyverno')![0];
    expect(b.g.dependsOn(kyvernoNs, controller)).toBe(false);
  });

  test('a namespace first created for infrastructure is held back once a controller object lives there', () => {
    const f = clusterFixture();
    new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'] });
    f.cluster.exposeService('Odd', { serviceName: 'odd', namespace: 'kyverno', port: 80 });
    const json = Template.fromStack(f.stack).toJSON();
    const g = new DependencyGraph(json);
    expect(g.dependsOn(namespaceCreators(json).get('kyverno')![0], idOf(f.stack, f.cluster.gatewayControllerChart))).toBe(true);
  });

  test('the charts\' namespaces are Helm\'s: createNamespace there creates nothing, and objects there wait for the chart', () => {
    const f = clusterFixture();
    const identity = f.cluster.addPodIdentity('Dns', { namespace: 'external-dns', serviceAccountName: 'extra', createNamespace: true, createServiceAccount: true });
    const json = Template.fromStack(f.stack).toJSON();
    expect(namespaceCreators(json).has('external-dns')).toBe(false);
    const g = new DependencyGraph(json);
    const dns = idOf(f.stack, f.cluster.externalDnsChart!);
    expect(missing(g, [[idOf(f.stack, identity.association), dns], [idOf(f.stack, identity.serviceAccountManifest!), dns]])).toEqual([]);
  });

  test('a namespace is a DNS label: bad names fail at synth naming the construct and value', () => {
    expect(() => b.cluster.addPodIdentity('Bad', { namespace: 'Bad_NS', serviceAccountName: 'x' })).toThrow(/LatticePodIdentity .*namespace 'Bad_NS'/);
  });
});

describe('teardown order: objects the controller cleans up outlive nothing they need', () => {
  let b: Built;
  beforeAll(() => {
    b = everything();
  });

  test('routes, auth policies and the Gateway -> controller -> ExternalDNS -> nodes -> VPC; controller -> CRDs -> nodes', () => {
    const controller = idOf(b.stack, b.cluster.gatewayControllerChart);
    const dns = idOf(b.stack, b.cluster.externalDnsChart!);
    const crds = idOf(b.stack, b.cluster.gatewayApiCrdsManifest!);
    const nodes = idOf(b.stack, b.cluster.nodegroup!);
    const subnets = b.g.ofType('AWS::EC2::Subnet');
    const nat = b.g.ofType('AWS::EC2::NatGateway');
    const controllerObjects = k8sObjectsInTemplate(b.json).filter((o) => CONTROLLER_KINDS.includes(o.object.kind));
    expect(controllerObjects.map((o) => o.object.kind).sort()).toEqual([
      // Two routes with callers, one without (it gets the deny-all default policy).
      'Gateway', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute', 'IAMAuthPolicy', 'IAMAuthPolicy', 'IAMAuthPolicy',
    ]);
    const pairs: Array<[string, string]> = [
      ...controllerObjects.flatMap((o): Array<[string, string]> => [[o.logicalId, controller], [o.logicalId, dns]]),
      [controller, dns], [controller, crds], [crds, nodes], [dns, nodes],
      // The controller's calls to AWS leave through the NAT gateway: it must outlive the controller.
      ...subnets.map((s): [string, string] => [nodes, s]), ...nat.map((n): [string, string] => [controller, n]),
    ];
    expect(missing(b.g, pairs)).toEqual([]);
  });

  test('the controller and ExternalDNS keep their IAM policies and Pod Identity until they are deleted', () => {
    const pairs: Array<[string, string]> = [];
    const charts = [
      [b.cluster.gatewayControllerChart, b.cluster.gatewayControllerRole],
      [b.cluster.externalDnsChart!, b.cluster.externalDnsRole!],
    ] as const;
    for (const [chart, role] of charts) {
      const chartId = idOf(b.stack, chart);
      for (const policy of role.node.findAll().filter((c) => (c as any).cfnResourceType === 'AWS::IAM::Policy')) {
        pairs.push([chartId, idOf(b.stack, policy)]);
      }
      const association = Object.entries<any>(b.json.Resources).find(([, r]) => r.Type === 'AWS::EKS::PodIdentityAssociation'
        && r.Properties.RoleArn?.['Fn::GetAtt']?.[0] === idOf(b.stack, role))![0];
      pairs.push([chartId, association]);
    }
    expect(pairs.length).toBe(4);
    expect(missing(b.g, pairs)).toEqual([]);
  });

  test('every Kubernetes object and chart is deleted before the nodes and the add-ons', () => {
    const nodes = idOf(b.stack, b.cluster.nodegroup!);
    const addons = b.g.ofType('AWS::EKS::Addon');
    const pairs: Array<[string, string]> = [];
    for (const id of b.g.ofType(/^Custom::AWSCDK-EKS-(KubernetesResource|HelmChart)$/)) {
      pairs.push([id, nodes], ...addons.map((a): [string, string] => [id, a]));
    }
    expect(missing(b.g, pairs)).toEqual([]);
  });

  test('Kyverno installs beside the CRDs, ExternalDNS and the controller (no dependency either way)', () => {
    const kyverno = idOf(b.stack, b.sidecar.kyvernoChart!);
    for (const other of [b.cluster.gatewayControllerChart, b.cluster.externalDnsChart!, b.cluster.gatewayApiCrdsManifest!]) {
      const id = idOf(b.stack, other);
      expect([id, b.g.dependsOn(kyverno, id), b.g.dependsOn(id, kyverno)]).toEqual([id, false, false]);
    }
    // ExternalDNS and the CRDs installer are independent too.
    expect(b.g.dependsOn(idOf(b.stack, b.cluster.externalDnsChart!), idOf(b.stack, b.cluster.gatewayApiCrdsManifest!))).toBe(false);
  });
});

describe('teardown order: the deletion guard', () => {
  let b: Built;
  let guard: string;
  beforeAll(() => {
    b = everything();
    guard = idOf(b.stack, b.cluster.deletionGuard!.resource);
  });

  test('is created after the controller and ExternalDNS and deleted before them', () => {
    const controller = idOf(b.stack, b.cluster.gatewayControllerChart);
    const dns = idOf(b.stack, b.cluster.externalDnsChart!);
    expect(missing(b.g, [[guard, controller], [guard, dns]])).toEqual([]);
    expect(b.g.dependsOn(controller, guard)).toBe(false);
  });

  test('every route and auth policy is created after it and deleted before it', () => {
    const routesAndPolicies = k8sObjectsInTemplate(b.json).filter((o) => ['HTTPRoute', 'IAMAuthPolicy'].includes(o.object.kind));
    expect(routesAndPolicies).toHaveLength(6);
    expect(missing(b.g, routesAndPolicies.map((o): [string, string] => [o.logicalId, guard]))).toEqual([]);
  });

  test('keeps its own function and permissions until it is deleted; one function, no provider framework', () => {
    const handlerPolicy = b.cluster.deletionGuard!.handler.role!.node.findAll().find((c) => (c as any).cfnResourceType === 'AWS::IAM::Policy')!;
    const fn = idOf(b.stack, b.cluster.deletionGuard!.handler);
    expect(missing(b.g, [[guard, fn], [guard, idOf(b.stack, handlerPolicy)]])).toEqual([]);
    expect(b.g.ofType('AWS::StepFunctions::StateMachine')).toEqual([]);
    expect(b.json.Resources[guard].Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fn, 'Arn'] });
  });

  test('is told the controller\'s ManagedBy tag, the zone and the owner id, and waits 10 minutes by default', () => {
    const props = b.json.Resources[guard].Properties;
    expect(b.json.Resources[guard].Type).toBe('Custom::LatticeDeletionGuard');
    expect(props).toMatchObject({ ClusterName: 'eks-cluster1', WaitSeconds: '600', CleanupSeconds: '0', DeleteLeftovers: 'false', HubRoleArn: '' });
    // The owner id ExternalDNS is given: <account>/<region>/<cluster>.
    expect(props.TxtOwnerId).toEqual(b.stack.resolve(`${b.stack.account}/${b.stack.region}/eks-cluster1`));
    expect(props.TxtOwnerId).toEqual(b.stack.resolve(b.cluster.lattice.externalDnsOwnerId));
    expect(JSON.stringify(b.stack.resolve(props.ManagedBy))).toBe(JSON.stringify(b.stack.resolve(
      `${b.stack.account}/eks-cluster1/${b.cluster.vpc.vpcId}`)));
    expect(props.HostedZoneId).toEqual(b.stack.resolve(b.domain!.hostedZone.hostedZoneId));
    // The function runs the whole wait in one invocation and keeps a minute to answer CloudFormation.
    expect(b.json.Resources[idOf(b.stack, b.cluster.deletionGuard!.handler)].Properties.Timeout).toBe(660);
  });

  test('least privilege: reads only; no delete permission unless opted in', () => {
    const statements = handlerStatements(b);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'cloudformation:DescribeStacks', 'route53:ListResourceRecordSets', 'tag:GetResources', 'vpc-lattice:GetAccessLogSubscription', 'vpc-lattice:GetListener',
      'vpc-lattice:GetRule', 'vpc-lattice:GetService', 'vpc-lattice:GetServiceNetworkServiceAssociation', 'vpc-lattice:GetTargetGroup',
    ]);
    const star = statements.filter((s) => s.Resource === '*');
    expect(star.map((s) => s.Action)).toEqual(['tag:GetResources']);
  });

  test('opted-in cleanup: deletions conditioned on the cluster\'s ManagedBy tag and DELETE-only record changes', () => {
    const opted = everything({ deletionGuard: { deleteLeftovers: true, timeout: Duration.minutes(10) } });
    const statements = handlerStatements(opted);
    const deletes = statements.find((s) => s.Sid === 'DeleteTaggedLatticeResources')!;
    expect(deletes.Action).toEqual(expect.arrayContaining(['vpc-lattice:DeleteService', 'vpc-lattice:DeleteTargetGroup']));
    const condition = deletes.Condition.StringEquals['aws:ResourceTag/application-networking.k8s.aws/ManagedBy'];
    expect(condition).toEqual(opted.stack.resolve(opted.cluster.deletionGuard!.managedByTag));
    // Record deletions: only the names ExternalDNS may write for this cluster's routes (not any record of the zone).
    const records = statements.find((s) => s.Sid === 'DeleteOwnRecordsOnly')!;
    expect(records.Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsActions']).toEqual(['DELETE']);
    const names: string[] = records.Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsNormalizedRecordNames'];
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /^(cname-)?[a-z0-9-]+\.example\.com$/.test(n))).toBe(true);
    expect(records.Resource).toEqual(opted.stack.resolve(opted.domain!.hostedZone.hostedZoneArn));
    const props = opted.json.Resources[idOf(opted.stack, opted.cluster.deletionGuard!.resource)].Properties;
    expect(props).toMatchObject({ WaitSeconds: '600', CleanupSeconds: '240', DeleteLeftovers: 'true' });
    expect(opted.json.Resources[idOf(opted.stack, opted.cluster.deletionGuard!.handler)].Properties.Timeout).toBe(900);
    expect(awsSolutionsFindings(opted.stack)).toEqual([]);
  });

  test('can be disabled; routes then wait for the Gateway and the controller', () => {
    const f = clusterFixture({ deletionGuard: { enabled: false } });
    const route = f.cluster.exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80, createNamespace: true });
    const json = Template.fromStack(f.stack).toJSON();
    expect(f.cluster.deletionGuard).toBeUndefined();
    expect(Object.values<any>(json.Resources).filter((r) => r.Type === 'Custom::LatticeDeletionGuard')).toHaveLength(0);
    expect(new DependencyGraph(json).dependsOn(idOf(f.stack, route.manifest), idOf(f.stack, f.cluster.gatewayControllerChart))).toBe(true);
  });

  test('a cluster without a domain: no zone to check', () => {
    const f = clusterFixture({}, false);
    const json = Template.fromStack(f.stack).toJSON();
    const guardResource = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::LatticeDeletionGuard');
    expect(guardResource.Properties.HostedZoneId).toBe('');
    expect(JSON.stringify(json)).not.toContain('route53:ListResourceRecordSets');
  });

  test('bad timeout: synth-time error naming the construct, prop, value and range', () => {
    expect(() => clusterFixture({ deletionGuard: { timeout: Duration.seconds(30) } }))
      .toThrow(/LatticeDeletionGuard \(Cluster1\/Lattice\/Default\/DeletionGuard\): timeout 30 seconds is out of range: give between 1 and 14 minutes/);
    expect(() => clusterFixture({ deletionGuard: { timeout: Duration.minutes(15) } })).toThrow(/timeout 15 minutes is out of range.*one Lambda invocation, at most 15 minutes/);
    // The cleanup runs in the same invocation: 10 minutes at most with deleteLeftovers.
    expect(() => clusterFixture({ deletionGuard: { timeout: Duration.minutes(11), deleteLeftovers: true } }))
      .toThrow(/timeout 11 minutes is out of range: give between 1 and 10 minutes with deleteLeftovers \(it adds 4 minutes of cleanup\)/);
  });

  test('LatticeDeletionGuard.MANAGED_BY_TAG_KEY is the controller\'s tag key', () => {
    expect(LatticeDeletionGuard.MANAGED_BY_TAG_KEY).toBe('application-networking.k8s.aws/ManagedBy');
  });
});

function handlerStatements(b: Built): any[] {
  const role = b.cluster.deletionGuard!.handler.role!;
  const policy = role.node.findAll().find((c) => (c as any).cfnResourceType === 'AWS::IAM::Policy')!;
  return b.json.Resources[idOf(b.stack, policy)].Properties.PolicyDocument.Statement;
}

describe('critical path in custom resources', () => {
  // Measured by benchmarks/critical-path.ts (docs/benchmarks.md); a longer chain is a regression.
  test.each([
    ['example' as const, 6, 5],
    ['cluster-route' as const, 6, 5],
  ])('%s: deploy <= %d, destroy <= %d', (shape, deploy, destroy) => {
    const p = criticalPaths(shape);
    expect(p.deploy.length).toBeLessThanOrEqual(deploy);
    expect(p.destroy.length).toBeLessThanOrEqual(destroy);
    // The guard is never on the deploy chain: it runs beside the Gateway.
    expect(p.deploy.chain.some((id) => /DeletionGuard/.test(id))).toBe(false);
  });
});

describe('a stack of two clusters', () => {
  test('each cluster has its own guard, tag and namespaces', () => {
    const app = new App();
    const f1 = clusterFixture();
    expect(f1.app).not.toBe(app);
    const f2Stack = new Stack(f1.app, 'Cluster2');
    const { LatticeEksCluster } = jest.requireActual('../src/cluster/lattice-eks-cluster');
    const { KubectlV35Layer } = jest.requireActual('@aws-cdk/lambda-layer-kubectl-v35');
    const c2 = new LatticeEksCluster(f2Stack, 'Lattice', {
      clusterName: 'eks-cluster2', kubectlLayer: new KubectlV35Layer(f2Stack, 'Kubectl'), serviceNetwork: f1.serviceNetwork, domain: f1.domain,
    });
    expect(f1.stack.resolve(f1.cluster.deletionGuard!.managedByTag)).not.toEqual(f2Stack.resolve(c2.deletionGuard!.managedByTag));
    expect(JSON.stringify(f2Stack.resolve(c2.deletionGuard!.managedByTag))).toContain('eks-cluster2');
  });
});

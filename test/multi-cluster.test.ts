/**
 * One Lattice service served by several clusters (ServiceExport /
 * ServiceImport), health checks, takeover of a service from another cluster,
 * rolling without 503s (readiness gates, preStop, grace period, reconcile
 * concurrency) and the one-call workload helper.
 */
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { clusterFixture, twoClusterFixture } from './util/fixtures';
import { DependencyGraph } from './util/graph';
import { decide as decideFor, DeployedValues, policiesOf } from './util/identity-eval';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { LatticeCaller } from '../src/auth/lattice-auth-policy';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';

const LATTICE_API = 'application-networking.k8s.aws/v1alpha1';


describe('a service served by two clusters', () => {
  const f = twoClusterFixture();
  const blue = f.cluster.exportService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80, targetPort: 8080, createNamespace: true });
  const green = f.cluster2.exportService('Inventory', {
    serviceName: 'inventory-v2',
    exportName: 'inventory',
    namespace: 'shop',
    port: 80,
    targetPort: 8080,
    createNamespace: true,
    healthCheck: { path: '/healthz', interval: Duration.seconds(15), statusMatch: '200' },
  });
  const route = f.cluster.importService('InventoryRoute', { routeName: 'inventory', namespace: 'shop', port: 80, backends: [blue.backend(80), green.backend(20)] });
  route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
  const json1 = Template.fromStack(f.stack).toJSON();
  const json2 = Template.fromStack(f.stack2).toJSON();
  const objects1 = k8sObjectsInTemplate(json1).map((o) => o.object);
  const objects2 = k8sObjectsInTemplate(json2).map((o) => o.object);

  test('each cluster exports the service for Lattice, under one name', () => {
    const exports = [objects1, objects2].map((objs) => objs.filter((o) => o.kind === 'ServiceExport'));
    expect(exports.map((e) => e.length)).toEqual([1, 1]);
    for (const [e] of exports) {
      expect(e.apiVersion).toBe(LATTICE_API);
      expect(e.metadata).toMatchObject({ name: 'inventory', namespace: 'shop' });
      expect(e.metadata.annotations['application-networking.k8s.aws/federation']).toBe('amazon-vpc-lattice');
      expect(e.spec.exportedPorts).toEqual([{ port: 80, routeType: 'HTTP' }]);
    }
    // The name is decoupled from the Service's: cluster 2 exports 'inventory-v2' as 'inventory'.
    expect(exports[0][0].metadata.annotations['application-networking.k8s.aws/service-name']).toBeUndefined();
    expect(exports[1][0].metadata.annotations['application-networking.k8s.aws/service-name']).toBe('inventory-v2');
  });

  test('the route sends to one ServiceImport per cluster, weighted', () => {
    const imports = objects1.filter((o) => o.kind === 'ServiceImport');
    expect(imports.map((i) => [i.metadata.name, i.metadata.annotations])).toEqual([
      ['inventory-1', { 'application-networking.k8s.aws/export-name': 'inventory', 'application-networking.k8s.aws/aws-eks-cluster-name': 'eks-cluster1' }],
      ['inventory-2', { 'application-networking.k8s.aws/export-name': 'inventory', 'application-networking.k8s.aws/aws-eks-cluster-name': 'eks-cluster2' }],
    ]);
    const http = objects1.find((o) => o.kind === 'HTTPRoute');
    expect(http.spec.hostnames).toEqual(['inventory.example.com']);
    expect(http.spec.rules[0].backendRefs).toEqual([
      { group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: 'inventory-1', weight: 80 },
      { group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: 'inventory-2', weight: 20 },
    ]);
    expect(objects2.some((o) => o.kind === 'HTTPRoute')).toBe(false);
  });

  test('auth policies target the imported route like any route', () => {
    const policy = objects1.find((o) => o.kind === 'IAMAuthPolicy');
    expect(policy.spec.targetRef).toMatchObject({ kind: 'HTTPRoute', name: 'inventory' });
    expect(policy.spec.policy).toContain('eks-cluster2');
  });

  test('each export has a health check: defaults, or the given values', () => {
    const [tgp1] = objects1.filter((o) => o.kind === 'TargetGroupPolicy');
    const [tgp2] = objects2.filter((o) => o.kind === 'TargetGroupPolicy');
    expect(tgp1.spec.targetRef).toEqual({ group: 'application-networking.k8s.aws', kind: 'ServiceExport', name: 'inventory' });
    expect(tgp1.spec.healthCheck).toEqual({
      enabled: true,
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      path: '/',
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
      statusMatch: '200-399',
    });
    expect(tgp2.spec.healthCheck).toMatchObject({ path: '/healthz', intervalSeconds: 15, statusMatch: '200' });
  });

  test('every object validates against the controller\'s and Gateway API\'s schemas', () => {
    const kinds = [json1, json2].flatMap((j) => expectValidK8sObjects(j)).map((o) => o.object.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ServiceExport', 'ServiceImport', 'TargetGroupPolicy', 'HTTPRoute', 'IAMAuthPolicy']));
  });

  test('exporting clusters admit Lattice on the pods\' port; the importing route opens nothing more', () => {
    Template.fromJSON(json2).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080 });
    expect(Object.values<any>(json1.Resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties.FromPort)).toEqual([8080]);
  });

  test('namespaces with Lattice targets get the controller\'s readiness gate', () => {
    for (const json of [json1, json2]) {
      const patches = Object.values<any>(json.Resources).filter((r) => r.Type === 'Custom::AWSCDK-EKS-KubernetesPatch');
      expect(patches).toHaveLength(1);
      expect(patches[0].Properties.ResourceName).toBe('namespace/shop');
      expect(JSON.parse(patches[0].Properties.ApplyPatchJson)).toEqual({ metadata: { labels: { 'application-networking.k8s.aws/pod-readiness-gate-inject': 'enabled' } } });
      expect(JSON.parse(patches[0].Properties.RestorePatchJson)).toEqual({ metadata: { labels: { 'application-networking.k8s.aws/pod-readiness-gate-inject': null } } });
    }
  });
});

test('a health check on another port opens that port to Lattice too', () => {
  const f = clusterFixture();
  f.cluster.exportService('E', { serviceName: 'a', namespace: 'apps', port: 80, targetPort: 8080, healthCheck: { port: 9090 } });
  f.cluster.exposeService('S', { serviceName: 'b', namespace: 'apps', port: 80, targetPort: 8081, healthCheck: { port: 9091 } });
  const ports = Object.values<any>(Template.fromStack(f.stack).findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties.FromPort);
  expect(ports.sort()).toEqual([8080, 8081, 9090, 9091]);
});

describe('imported exports are cross-checked when the app is built', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an export of another namespace', { namespace: 'other' },
      /backends\[0\] names export 'inventory' of cluster 'eks-cluster2', which has no such export in namespace 'other' \(.*exports of that cluster: shop\/inventory\)/],
    ['a misspelled export', { exportName: 'inventroy' }, /backends\[0\] names export 'inventroy' of cluster 'eks-cluster2', which has no such export/],
    ['another port', { port: 8080 }, /backends\[0\] export 'inventory' of cluster 'eks-cluster2' exports port 80, but the route imports port 8080/],
  ])('%s', (_name, change, message) => {
    const f = twoClusterFixture();
    f.cluster2.exportService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80 });
    f.cluster.importService('Route', {
      routeName: 'inventory',
      namespace: (change.namespace as string) ?? 'shop',
      port: (change.port as number) ?? 80,
      backends: [{ exportName: (change.exportName as string) ?? 'inventory', clusterName: 'eks-cluster2' }, { exportName: 'x', clusterName: 'elsewhere' }],
    });
    expect(() => f.app.synth()).toThrow(message);
  });

  test('exports of clusters outside the app are not checked', () => {
    const f = twoClusterFixture();
    f.cluster.importService('Route', { routeName: 'inventory', namespace: 'shop', port: 80, backends: [{ exportName: 'x', clusterName: 'elsewhere' }] });
    expect(() => f.app.synth()).not.toThrow();
  });
});

describe('bad multi-cluster input', () => {
  test.each<[string, (f: ReturnType<typeof twoClusterFixture>) => unknown, RegExp]>([
    ['no backends', (f) => f.cluster.importService('R', { routeName: 'r', port: 80, backends: [] }), /backends is empty; give at least one export/],
    ['a repeated backend', (f) => f.cluster.importService('R', { routeName: 'r', port: 80, backends: [{ exportName: 'a', clusterName: 'c' }, { exportName: 'a', clusterName: 'c' }] }),
      /backends\[1\] repeats export 'a' of cluster 'c'/],
    ['a negative weight', (f) => f.cluster.importService('R', { routeName: 'r', port: 80, backends: [{ exportName: 'a', clusterName: 'c', weight: -1 }] }),
      /backends\[0\]\.weight -1 must be an integer between 0 and 1000000/],
    ['only zero weights', (f) => f.cluster.importService('R', { routeName: 'r', port: 80, backends: [{ exportName: 'a', clusterName: 'c', weight: 0 }] }),
      /every backend has weight 0/],
    ['one export name twice', (f) => [1, 2].map((i) => f.cluster.exportService(`E${i}`, { serviceName: `s${i}`, exportName: 'e', port: 80 })),
      /exportName 'default\/e' is already exported by 'Cluster1\/Lattice\/E1' on cluster 'eks-cluster1'; give this export another exportName/],
    ['an invalid export name', (f) => f.cluster.exportService('E', { serviceName: 'a', exportName: 'A_b', port: 80 }), /exportName 'A_b' is not a valid Kubernetes ServiceExport/],
    ['a health check interval too short', (f) => f.cluster.exportService('E', { serviceName: 'a', port: 80, healthCheck: { interval: Duration.seconds(2) } }),
      /healthCheck\.interval 2 seconds must be whole seconds between 5 and 300/],
    ['a timeout as long as the interval', (f) => f.cluster.exportService('E', { serviceName: 'a', port: 80, healthCheck: { interval: Duration.seconds(5), timeout: Duration.seconds(5) } }),
      /healthCheck\.timeout \(5 s\) must be shorter than healthCheck\.interval \(5 s\)/],
    ['a threshold out of range', (f) => f.cluster.exportService('E', { serviceName: 'a', port: 80, healthCheck: { healthyThreshold: 1 } }),
      /healthCheck\.healthyThreshold 1 must be an integer between 2 and 10/],
    ['a bad status matcher', (f) => f.cluster.exportService('E', { serviceName: 'a', port: 80, healthCheck: { statusMatch: '2xx' } }),
      /healthCheck\.statusMatch '2xx' must be HTTP codes or ranges/],
    ['a relative health check path', (f) => f.cluster.exportService('E', { serviceName: 'a', port: 80, healthCheck: { path: 'health' } }),
      /healthCheck\.path 'health' must start with '\/'/],
    ['a malformed takeover owner', (f) => f.cluster.exposeService('S', { serviceName: 'a', port: 80, allowTakeoverFrom: 'blue-cluster' }),
      /allowTakeoverFrom 'blue-cluster' is not a controller owner '<12-digit account>\/<EKS cluster name>\/<vpc-id>'/],
    ['a health check on an imported route', (f) => f.cluster.importService('R', {
      routeName: 'r', port: 80, backends: [{ exportName: 'a', clusterName: 'c' }], healthCheck: {},
    } as any), /healthCheck applies to the exports of an imported route: give it to exportService\(\)/],
  ])('%s', (_name, build, message) => {
    const f = twoClusterFixture();
    expect(() => build(f)).toThrow(message);
    expect(() => build(twoClusterFixture())).toThrow(/^Lattice(ServiceRoute|ServiceExport) \(Cluster1\/Lattice\/[A-Z]\d?\): /);
  });

  test('route concurrency out of range', () => {
    expect(() => clusterFixture({ routeMaxConcurrentReconciles: 0 })).toThrow(/routeMaxConcurrentReconciles 0 must be a literal integer between 1 and 100/);
  });
});

describe('taking a service over from another cluster', () => {
  const ACCOUNT = '111111111111';
  const REGION = 'us-east-1';
  const BLUE = `${ACCOUNT}/blue-cluster/vpc-0abc123def4567890`;
  const OTHER = `${ACCOUNT}/other-cluster/vpc-0fff123def4567890`;
  const VPC = 'vpc-0cluster1000000000';
  const OWN = `${ACCOUNT}/eks-cluster1/${VPC}`;
  const TAG = 'application-networking.k8s.aws/ManagedBy';
  const f = clusterFixture();
  f.cluster.exposeService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80, allowTakeoverFrom: BLUE });
  const json = Template.fromStack(f.stack).toJSON();
  const vpcId = f.stack.getLogicalId(f.cluster.vpc.node.defaultChild as any);
  const values: DeployedValues = {
    account: ACCOUNT,
    region: REGION,
    vpcLogicalId: vpcId,
    vpcId: VPC,
    networkArn: `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:servicenetwork/sn-0123456789abcdef0`,
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  };
  const policies = policiesOf(json, 'LatticeGatewayControllerRole', values);
  const decide = (action: string, resource: string, context: Record<string, string>) => decideFor(values, policies, action, resource, context);

  const arn = (r: string) => `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:${r}`;
  const ROUTE = 'aws:ResourceTag/application-networking.k8s.aws/Route';
  const ROUTE_TAGS = { [`${ROUTE}Name`]: 'inventory', [`${ROUTE}Namespace`]: 'shop' };
  test('the route carries the annotation', () => {
    const route = k8sObjectsInTemplate(json).map((o) => o.object).find((o) => o.kind === 'HTTPRoute');
    expect(route.metadata.annotations).toEqual({ 'application-networking.k8s.aws/allow-takeover-from': BLUE });
  });

  test.each<[string, string, Record<string, string>, string]>([
    ['retags the previous owner\'s service of this route', arn('service/svc-0123456789abcdef0'), { ...ROUTE_TAGS, [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN }, 'Allowed'],
    ['cannot retag another route\'s service of the previous owner', arn('service/svc-0123456789abcdef1'), {
      [`${ROUTE}Name`]: 'payments', [`${ROUTE}Namespace`]: 'shop', [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN,
    }, 'ImplicitlyDenied'],
    ['cannot retag a service of this route name in another namespace', arn('service/svc-0123456789abcdef2'), {
      [`${ROUTE}Name`]: 'inventory', [`${ROUTE}Namespace`]: 'other', [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN,
    }, 'ImplicitlyDenied'],
    ['retags its listeners', arn('service/svc-1/listener/listener-1'), { [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN }, 'Allowed'],
    ['retags its rules', arn('service/svc-1/listener/listener-1/rule/rule-1'), { [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN }, 'Allowed'],
    ['retags its network association', arn('servicenetworkserviceassociation/snsa-1'), { [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN }, 'Allowed'],
    ['cannot take over from another owner', arn('service/svc-0123456789abcdef0'), { ...ROUTE_TAGS, [`aws:ResourceTag/${TAG}`]: OTHER, [`aws:RequestTag/${TAG}`]: OWN }, 'ImplicitlyDenied'],
    ['cannot hand the service to a third owner', arn('service/svc-0123456789abcdef0'), { ...ROUTE_TAGS, [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OTHER }, 'ImplicitlyDenied'],
    ['cannot adopt untagged services', arn('service/svc-3'), { [`aws:RequestTag/${TAG}`]: OWN }, 'ImplicitlyDenied'],
    ['cannot retag the previous owner\'s target groups', arn('targetgroup/tg-1'), { [`aws:ResourceTag/${TAG}`]: BLUE, [`aws:RequestTag/${TAG}`]: OWN }, 'ImplicitlyDenied'],
  ])('%s', async (_name, resource, context, expected) => {
    expect(await decide('vpc-lattice:TagResource', resource, context)).toBe(expected);
  });

  test('without the opt-in there is no takeover statement', () => {
    const plain = clusterFixture();
    plain.cluster.exposeService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80 });
    expect(JSON.stringify(Template.fromStack(plain.stack).findResources('AWS::IAM::Policy'))).not.toContain('TakeOverFrom');
    expect(JSON.stringify(policies)).toContain('TakeOverFrom1');
  });
});

describe('rolling without 503s', () => {
  test('an export named unlike its Service warns that its pods get no readiness gates; one named like it does not', () => {
    const f = clusterFixture({}, false);
    f.cluster.exportService('Same', { serviceName: 'orders', namespace: 'shop', port: 80 });
    f.cluster.exportService('Renamed', { serviceName: 'payments-v2', exportName: 'payments', namespace: 'shop', port: 80 });
    const warnings = Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('readiness gates'));
    expect(warnings.map((w) => w.id)).toEqual(['/Cluster1/Lattice/Renamed']);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(/exportName 'payments' differs from serviceName 'payments-v2'/);
  });

  const values = (extra = {}) => {
    const f = clusterFixture(extra, false);
    const chart = Object.values<any>(Template.fromStack(f.stack).findResources('Custom::AWSCDK-EKS-HelmChart'))
      .find((r) => r.Properties.Chart === 'aws-gateway-controller-chart');
    return JSON.stringify(chart.Properties.Values);
  };
  test('the controller reconciles 10 routes at a time by default, or as configured', () => {
    expect(values()).toMatch(/routeMaxConcurrentReconciles\\+":10[,}]/);
    expect(values({ routeMaxConcurrentReconciles: 4 })).toMatch(/routeMaxConcurrentReconciles\\+":4[,}]/);
  });
});

describe('addLatticeWorkload', () => {
  function workloadApp(extra: Record<string, unknown> = {}) {
    const f = clusterFixture();
    const sidecar = new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, domain: f.domain });
    const orders = f.cluster.addLatticeWorkload('Orders', {
      name: 'orders', namespace: 'shop', image: 'public.ecr.aws/docker/library/nginx:1.29-alpine', containerPort: 8080, sidecar, ...extra,
    });
    orders.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
    return { ...f, sidecar, orders };
  }

  const w = workloadApp();
  const json = Template.fromStack(w.stack).toJSON();
  const objects = k8sObjectsInTemplate(json);
  const find = (kind: string) => objects.find((o) => o.object.kind === kind)!;

  test('creates the Deployment with a preStop sleep and a grace period longer than the drain', () => {
    const pod = find('Deployment').object.spec.template;
    expect(pod.spec.terminationGracePeriodSeconds).toBe(150);
    expect(pod.spec.serviceAccountName).toBe('orders');
    expect(pod.metadata.annotations).toEqual({ [w.sidecar.annotationKey]: 'true' });
    expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 60 } } });
    expect(pod.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(w.orders.preStopSeconds).toBe(60);
  });

  test('the Service, health check and route line up on the container port', () => {
    expect(find('Service').object.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(find('HTTPRoute').object.spec.rules[0].backendRefs).toEqual([{ name: 'orders', port: 80 }]);
    expect(find('TargetGroupPolicy').object.spec.targetRef).toEqual({ group: '', kind: 'Service', name: 'orders' });
    Template.fromJSON(json).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080 });
    expect(find('IAMAuthPolicy').object.spec.targetRef.name).toBe('orders');
  });

  test('Pod Identity for the service account, and the namespace injected', () => {
    Template.fromJSON(json).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'shop', ServiceAccount: 'orders' });
    expect(w.sidecar.namespaces).toContain('shop');
    expect(objects.some((o) => o.object.kind === 'ServiceAccount' && o.object.metadata.name === 'orders')).toBe(true);
  });

  test('pods come after their identity, the readiness gate and injection; the route goes beside them', () => {
    const g = new DependencyGraph(json);
    const deployment = find('Deployment').logicalId;
    const patch = Object.keys(json.Resources).find((id) => json.Resources[id].Type === 'Custom::AWSCDK-EKS-KubernetesPatch')!;
    const association = Object.keys(json.Resources).find((id) => json.Resources[id].Type === 'AWS::EKS::PodIdentityAssociation' && /Orders/.test(id))!;
    expect(g.dependsOn(deployment, patch)).toBe(true);
    expect(g.dependsOn(deployment, association)).toBe(true);
    expect(g.dependsOn(deployment, find('MutatingPolicy').logicalId)).toBe(true);
    // The controller registers targets whenever the Service's endpoints appear: neither waits for the other.
    expect(g.dependsOn(find('HTTPRoute').logicalId, deployment)).toBe(false);
    expect(g.dependsOn(deployment, find('HTTPRoute').logicalId)).toBe(false);
  });

  test('every object validates against the schemas', () => {
    expect(expectValidK8sObjects(json).length).toBeGreaterThan(5);
  });

  test('a wrong service account fails at synth time', () => {
    const f = clusterFixture();
    const identity = f.cluster.addPodIdentity('OrdersIdentity', { namespace: 'shop', serviceAccountName: 'orders', createServiceAccount: true });
    expect(() => f.cluster.addLatticeWorkload('Orders', {
      name: 'orders', namespace: 'shop', image: 'nginx:1.29', containerPort: 8080, podIdentity: identity, serviceAccountName: 'ordres',
    })).toThrow(/^LatticeWorkload \(Cluster1\/Lattice\/Orders\): serviceAccountName 'shop\/ordres' has no Pod Identity: podIdentity '.*OrdersIdentity' is for 'shop\/orders'/);
  });

  test('a service account this app does not create is flagged', () => {
    const f = clusterFixture();
    const identity = f.cluster.addPodIdentity('OrdersIdentity', { namespace: 'shop', serviceAccountName: 'orders' });
    f.cluster.addLatticeWorkload('Orders', { name: 'orders', namespace: 'shop', image: 'nginx:1.29', containerPort: 8080, podIdentity: identity });
    const warnings = Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp("service account 'shop/orders' is not created by this app"));
    expect(warnings).toHaveLength(1);
  });

  test('a service account that already has an identity must be passed as podIdentity', () => {
    const f = clusterFixture();
    f.cluster.addPodIdentity('OrdersIdentity', { namespace: 'shop', serviceAccountName: 'orders' });
    expect(() => f.cluster.addLatticeWorkload('Orders', { name: 'orders', namespace: 'shop', image: 'nginx:1.29', containerPort: 8080 }))
      .toThrow(/service account 'shop\/orders' already has a Pod Identity \('.*OrdersIdentity\/Association'\); pass it as podIdentity/);
  });

  test('an identity given for the right account is used, not duplicated', () => {
    const f = clusterFixture();
    const identity = f.cluster.addPodIdentity('OrdersIdentity', { namespace: 'shop', serviceAccountName: 'orders', createServiceAccount: true });
    const orders = f.cluster.addLatticeWorkload('Orders', { name: 'orders', namespace: 'shop', image: 'nginx:1.29', containerPort: 8080, podIdentity: identity });
    expect(orders.podIdentity).toBe(identity);
    Template.fromStack(f.stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 3); // controller, ExternalDNS, orders
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a grace period not longer than preStop + drain', { terminationGracePeriod: Duration.seconds(120) },
      /terminationGracePeriod \(120 s\) must exceed preStopDelay \(60 s\) \+ deregistrationDelay \(60 s\); use at least 121 s/],
    ['no preStop sleep', { preStopDelay: Duration.seconds(0) }, /preStopDelay must be at least 1 second/],
    ['a health check on another port', { healthCheck: { port: 9090 } }, /healthCheck\.port 9090 is not the containerPort 8080/],
    ['a container port out of range', { containerPort: 70000 }, /containerPort 70000 is not a TCP port/],
  ])('%s', (_name, extra, message) => {
    expect(() => workloadApp(extra)).toThrow(message);
  });

  test('the grace period follows preStop and drain overrides', () => {
    const custom = workloadApp({ preStopDelay: Duration.seconds(20), deregistrationDelay: Duration.seconds(30) });
    expect(custom.orders.terminationGracePeriodSeconds).toBe(80);
  });
});

describe('an exported workload', () => {
  const f = twoClusterFixture();
  const [a, b] = [f.cluster, f.cluster2].map((c) => c.addLatticeWorkload('Inventory', {
    name: 'inventory', namespace: 'apps', image: 'nginx:1.29', containerPort: 80, exportName: 'inventory',
  }));

  test('gets a ServiceExport and its health check instead of a route', () => {
    const objects = k8sObjectsInTemplate(Template.fromStack(f.stack).toJSON()).map((o) => o.object);
    expect(objects.filter((o) => o.kind === 'HTTPRoute')).toHaveLength(0);
    expect(objects.find((o) => o.kind === 'ServiceExport').metadata.name).toBe('inventory');
    expect(objects.find((o) => o.kind === 'TargetGroupPolicy').spec.targetRef.kind).toBe('ServiceExport');
    expect(a.route).toBeUndefined();
    expect(() => a.allow(LatticeCaller.account('111111111111'))).toThrow(/workload is exported \('inventory'\): call allow\(\) on the route importService\(\) returns/);
    expect(b.serviceExport!.backend(3)).toEqual({ exportName: 'inventory', clusterName: 'eks-cluster2', weight: 3 });
  });
});

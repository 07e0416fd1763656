/**
 * TLS passthrough routes (LatticeRouteProtocol.TLS_PASSTHROUGH): the TLSRoute, the Gateway's
 * `tls` listener (only when a route needs it), exports and imports with routeType TLS, what
 * Lattice cannot authorize on a passthrough listener, the sidecar's intercepted ports, and
 * routes to several ports of one Service.
 */
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { clusterFixture } from './util/fixtures';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { CrossClusterAuthPolicy } from '../src/auth/cross-cluster-auth-policy';
import { LatticeAuthPolicyDocument, LatticeCaller, LatticeRequestMethod } from '../src/auth/lattice-auth-policy';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeRouteProtocol } from '../src/cluster/lattice-route-protocol';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';

const TLS = LatticeRouteProtocol.TLS_PASSTHROUGH;

function objects(stack: any): any[] {
  return k8sObjectsInTemplate(Template.fromStack(stack)).map((o) => o.object);
}

function gateway(stack: any): any {
  return objects(stack).find((o) => o.kind === 'Gateway');
}

describe('a TLS passthrough route', () => {
  const f = clusterFixture();
  const http = f.cluster.exposeService('Web', { serviceName: 'web', namespace: 'apps', port: 80 });
  http.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
  const route = f.cluster.exposeService('Ledger', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: TLS });
  const all = objects(f.stack);

  test('is a TLSRoute on the tls listener with its hostname as the only host name, one rule and the Service backend', () => {
    expect(route.protocol).toBe(TLS);
    const tls = all.filter((o) => o.kind === 'TLSRoute');
    expect(tls).toHaveLength(1);
    expect(tls[0]).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      metadata: { name: 'ledger', namespace: 'apps' },
      spec: {
        parentRefs: [{ name: 'lattice-gateway', namespace: 'lattice-gateway', sectionName: 'tls' }],
        hostnames: ['ledger.example.com'],
        rules: [{ backendRefs: [{ name: 'ledger', port: 8443 }] }],
      },
    });
    expect(tls[0].spec.rules).toHaveLength(1);
    expect(all.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)).toEqual(['web']);
  });

  test('adds the Passthrough listener on 443 beside http and https, with the same allowedRoutes; HTTP routes stay on http and https', () => {
    const listeners = gateway(f.stack).spec.listeners;
    expect(listeners.map((l: any) => `${l.name}:${l.protocol}:${l.port}`)).toEqual(['http:HTTP:80', 'https:HTTPS:443', 'tls:TLS:443']);
    expect(listeners[2].tls).toEqual({ mode: 'Passthrough' });
    expect(listeners[2].allowedRoutes).toEqual(listeners[0].allowedRoutes);
    const httpRoute = all.find((o) => o.kind === 'HTTPRoute');
    expect(httpRoute.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['http', 'https']);
  });

  test('gets no IAMAuthPolicy (the controller attaches none to a TLSRoute), and a warning saying who must authenticate', () => {
    const policies = all.filter((o) => o.kind === 'IAMAuthPolicy');
    expect(policies.map((p) => p.spec.targetRef.name)).toEqual(['web']);
    Annotations.fromStack(f.stack).hasWarning('/Cluster1/Lattice/Ledger',
      Match.stringLikeRegexp('Lattice cannot authenticate its callers.*mutual TLS with client certificates from the private CA'));
  });

  test('admits Lattice to the pods on the target port', () => {
    Template.fromStack(f.stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8443, ToPort: 8443, IpProtocol: 'tcp' });
  });
});

test('without a passthrough route the Gateway keeps http and https only', () => {
  const f = clusterFixture();
  f.cluster.exposeService('Web', { serviceName: 'web', namespace: 'apps', port: 80 });
  expect(gateway(f.stack).spec.listeners.map((l: any) => l.name)).toEqual(['http', 'https']);
});

describe('the service network\'s auth policy', () => {
  test('the default one (signed requests only) gets a warning naming the network and the fix', () => {
    const f = clusterFixture();
    f.cluster.exposeService('Ledger', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: TLS });
    Annotations.fromStack(f.stack).hasWarning('/Cluster1/Lattice/Ledger',
      Match.stringLikeRegexp("auth policy of service network 'lattice-gateway' admits signed requests only.*Principal '\\*' on vpc-lattice-svcs:Invoke and vpc-lattice-svcs:Connect"));
  });

  test('one that admits connections from a source VPC gets none', () => {
    const document = iam.PolicyDocument.fromJson({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: '*',
        Action: ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'],
        Resource: '*',
        Condition: { StringEquals: { 'vpc-lattice-svcs:SourceVpc': 'vpc-0aaaaaaaaaaaaaaaa' } },
      }],
    });
    const f = clusterFixture();
    const network = new LatticeServiceNetwork(f.shared, 'Passthrough', { serviceNetworkName: 'passthrough-net', authPolicy: document });
    const stack = new Stack(f.app, 'Cluster2');
    const cluster = new LatticeEksCluster(stack, 'Lattice', {
      clusterName: 'eks-cluster2', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork: network, domain: f.domain,
    });
    cluster.exposeService('Ledger', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: TLS, hostname: 'ledger2.example.com' });
    const warnings = Annotations.fromStack(stack).findWarning('/Cluster2/Lattice/Ledger', Match.stringLikeRegexp('admits signed requests only'));
    expect(warnings).toHaveLength(0);
    Annotations.fromStack(stack).hasWarning('/Cluster2/Lattice/Ledger', Match.stringLikeRegexp('Lattice cannot authenticate its callers'));
  });
});

describe('exports and imports', () => {
  test('a passthrough export has routeType TLS and no TargetGroupPolicy unless a health check with a port is given', () => {
    const f = clusterFixture();
    const plain = f.cluster.exportService('A', { serviceName: 'a', namespace: 'apps', port: 443, protocol: TLS });
    f.cluster.exportService('B', { serviceName: 'b', namespace: 'apps', port: 443, protocol: TLS, healthCheck: { port: 8080, path: '/healthz' } });
    expect(plain.protocol).toBe(TLS);
    const all = objects(f.stack);
    expect(all.filter((o) => o.kind === 'ServiceExport').map((o) => o.spec.exportedPorts)).toEqual([[{ port: 443, routeType: 'TLS' }], [{ port: 443, routeType: 'TLS' }]]);
    expect(all.filter((o) => o.kind === 'TargetGroupPolicy').map((o) => [o.metadata.name, o.spec.healthCheck.port])).toEqual([['b', 8080]]);
  });

  test('an imported passthrough route is a TLSRoute to ServiceImports', () => {
    const f = clusterFixture();
    const exp = f.cluster.exportService('A', { serviceName: 'a', namespace: 'apps', port: 443, protocol: TLS });
    f.cluster.importService('Imp', { routeName: 'a-global', namespace: 'apps', port: 443, protocol: TLS, backends: [exp.backend()] });
    f.app.synth();
    const tls = objects(f.stack).find((o) => o.kind === 'TLSRoute');
    expect(tls.spec.rules).toEqual([{ backendRefs: [{ group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: 'a-global-1', weight: 1 }] }]);
  });

  test.each<[string, LatticeRouteProtocol | undefined, LatticeRouteProtocol | undefined, RegExp]>([
    ['an HTTP route importing a passthrough export', undefined, TLS,
      /LatticeServiceRoute \(Cluster1\/Lattice\/Imp\): backends\[0\] export 'a' of cluster 'eks-cluster1' is exported with protocol TLS_PASSTHROUGH, but the route's protocol is HTTP.*give importService and exportService the same protocol/],
    ['a passthrough route importing an HTTP export', TLS, undefined, /is exported with protocol HTTP, but the route's protocol is TLS_PASSTHROUGH/],
  ])('%s fails at synth', (_name, routeProtocol, exportProtocol, message) => {
    const f = clusterFixture();
    const exp = f.cluster.exportService('A', { serviceName: 'a', namespace: 'apps', port: 443, protocol: exportProtocol });
    const route = f.cluster.importService('Imp', { routeName: 'a-global', namespace: 'apps', port: 443, protocol: routeProtocol, backends: [exp.backend()] });
    if (routeProtocol !== TLS) route.allow(LatticeCaller.account('111111111111'));
    expect(() => f.app.synth()).toThrow(message);
  });
});

describe('bad input', () => {
  const WEB = { serviceName: 'web', namespace: 'apps', port: 443 };
  test.each<[string, any, boolean, RegExp]>([
    ['a protocol that is not a member', { protocol: 'TCP' }, true, /protocol 'TCP' is not supported; use one of LatticeRouteProtocol\.HTTP, LatticeRouteProtocol\.GRPC, LatticeRouteProtocol\.TLS_PASSTHROUGH/],
    ['a token as protocol', { protocol: Lazy.string({ produce: () => 'HTTP' }) }, true, /protocol must be a literal string, not a token/],
    ['passthrough without a domain', { protocol: TLS }, false,
      /protocol TLS_PASSTHROUGH needs a hostname: Lattice routes passed-through TLS by its SNI.*give the cluster a domain/],
    ['a passthrough health check on the TLS port', { protocol: TLS, healthCheck: { path: '/' } }, true,
      /healthCheck on a TLS_PASSTHROUGH route needs a port: .*give healthCheck.port a plain-HTTP port of the pods, or drop healthCheck/],
  ])('exposeService: %s', (_name, options, withDomain, message) => {
    const { cluster } = clusterFixture({}, withDomain);
    expect(() => cluster.exposeService('R', { ...WEB, ...options })).toThrow(message);
    expect(() => clusterFixture({}, withDomain).cluster.exposeService('R', { ...WEB, ...options })).toThrow(/^LatticeServiceRoute \(Cluster1\/Lattice\/R\): /);
  });

  test.each<[string, any, RegExp]>([
    ['a protocol that is not a member', { protocol: 'GRPCX' }, /LatticeServiceExport \(Cluster1\/Lattice\/E\): protocol 'GRPCX' is not supported/],
    ['a passthrough health check on the TLS port', { protocol: TLS, healthCheck: { path: '/' } },
      /LatticeServiceExport \(Cluster1\/Lattice\/E\): healthCheck of a TLS_PASSTHROUGH export needs a port/],
  ])('exportService: %s', (_name, options, message) => {
    const { cluster } = clusterFixture();
    expect(() => cluster.exportService('E', { ...WEB, ...options })).toThrow(message);
  });

  test('allow() on a passthrough route names the callers and the fix', () => {
    const { cluster } = clusterFixture();
    const route = cluster.exposeService('R', { ...WEB, protocol: TLS });
    expect(() => route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] })))
      .toThrow(/LatticeServiceRoute \(Cluster1\/Lattice\/R\): route 'apps\/web' is a TLS_PASSTHROUGH route, so LatticeCaller.eksWorkload\(cluster 'eks-cluster2'\) cannot be enforced on it: Lattice authenticates no caller on a TLS listener .*authenticate callers in the workload \(mutual TLS/);
  });

  test('withRequest() on a caller of a passthrough route names the request keys and the fix', () => {
    const { cluster } = clusterFixture();
    const route = cluster.exposeService('R', { ...WEB, protocol: TLS });
    const caller = LatticeCaller.account('111111111111').withRequest({ methods: [LatticeRequestMethod.GET], pathPrefixes: ['/api/'] });
    expect(() => route.allow(caller))
      .toThrow(/LatticeCaller.account\('111111111111'\) uses request-level condition keys \(vpc-lattice-svcs:RequestMethod, vpc-lattice-svcs:RequestPath\), but route 'apps\/web' is a TLS_PASSTHROUGH route: .*drop withRequest\(\) and check requests in the workload/);
  });

  test('a CrossClusterAuthPolicy on a passthrough route', () => {
    const { stack, cluster } = clusterFixture();
    const route = cluster.exposeService('R', { ...WEB, protocol: TLS });
    expect(() => new CrossClusterAuthPolicy(stack, 'Policy', { route, policy: LatticeAuthPolicyDocument.denyAll() }))
      .toThrow(/CrossClusterAuthPolicy \(Cluster1\/Policy\): route 'apps\/web' is a TLS_PASSTHROUGH route, so an auth policy cannot be enforced on it/);
  });

  test('a sidecar intercepting the passthrough listener\'s port, even when the route comes after the sidecar', () => {
    const f = clusterFixture();
    new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], interceptedPorts: [80, 443] });
    f.cluster.exposeService('R', { ...WEB, protocol: TLS });
    expect(() => f.app.synth()).toThrow(/SigV4SidecarPolicy \(Cluster1\/SigV4\): interceptedPorts includes 443, the port of the TLS passthrough listener of cluster 'eks-cluster1'.*remove it from interceptedPorts/);
  });

  test('the same sidecar without a passthrough route only warns (as before)', () => {
    const f = clusterFixture();
    new SigV4SidecarPolicy(f.stack, 'SigV4', { cluster: f.cluster, namespaces: ['apps'], interceptedPorts: [80, 443] });
    expect(() => f.app.synth()).not.toThrow();
  });
});

describe('several ports of one Service', () => {
  test('two routes to different ports without health checks work: each route gets its own target group', () => {
    const f = clusterFixture();
    f.cluster.exposeService('Web', { serviceName: 'app', routeName: 'app-web', namespace: 'apps', port: 80 }).allow(LatticeCaller.account('111111111111'));
    f.cluster.exposeService('Tls', { serviceName: 'app', routeName: 'app-tls', namespace: 'apps', port: 443, protocol: TLS });
    const routes = objects(f.stack).filter((o) => /Route$/.test(o.kind));
    expect(routes.map((r) => [r.kind, r.spec.rules[0].backendRefs[0].port])).toEqual([['HTTPRoute', 80], ['TLSRoute', 443]]);
  });

  test('a health check on one of two ports names both routes and the fix', () => {
    const f = clusterFixture();
    f.cluster.exposeService('Web', { serviceName: 'app', routeName: 'app-web', namespace: 'apps', port: 80, healthCheck: { path: '/healthz' } });
    expect(() => f.cluster.exposeService('Tls', { serviceName: 'app', routeName: 'app-tls', namespace: 'apps', port: 443, protocol: TLS }))
      .toThrow(/LatticeServiceRoute \(Cluster1\/Lattice\/Tls\): route 'Cluster1\/Lattice\/Tls' sends to port 443 of Service 'apps\/app' and route 'Cluster1\/Lattice\/Web' to its port 80, and the other route sets a healthCheck: .*one TargetGroupPolicy per Service.*give each port its own Service \(same selector\), or drop the healthCheck/);
  });

  test('two health checks for one Service and port', () => {
    const f = clusterFixture();
    f.cluster.exposeService('A', { serviceName: 'app', routeName: 'app-a', namespace: 'apps', port: 80, healthCheck: { path: '/a' } });
    expect(() => f.cluster.exposeService('B', { serviceName: 'app', routeName: 'app-b', namespace: 'apps', port: 80, healthCheck: { path: '/b' } }))
      .toThrow(/route 'Cluster1\/Lattice\/B' and route 'Cluster1\/Lattice\/A' both set a healthCheck for Service 'apps\/app', which has one TargetGroupPolicy; give the healthCheck to one of them/);
  });

  test('the same Service in another namespace is another Service', () => {
    const f = clusterFixture();
    f.cluster.exposeService('A', { serviceName: 'app', routeName: 'app-a', namespace: 'apps', port: 80, healthCheck: { path: '/a' } });
    expect(() => f.cluster.exposeService('B', { serviceName: 'app', routeName: 'app-b', namespace: 'other', port: 81, healthCheck: { path: '/b' } })).not.toThrow();
  });
});

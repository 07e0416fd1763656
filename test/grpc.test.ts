/**
 * gRPC services: GRPCRoutes on the HTTPS listener, ServiceExports with
 * routeType GRPC, imported gRPC routes, health checks for gRPC target groups
 * and auth policies limited to gRPC methods (evaluated with the IAM simulator
 * on the policy the route's IAMAuthPolicy carries).
 */
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  LatticeAuthPolicyDocument,
  LatticeCaller,
  LatticeHealthCheckProtocolVersion,
  LatticeRequestMethod,
  LatticeRouteProtocol,
} from '../src';
import { clusterFixture, twoClusterFixture } from './util/fixtures';
import { expectValidK8sObjects, k8sObjectsInTemplate, referenceCrdsPresent, validateK8sObject } from './util/k8s-schema';
import { evaluateLatticeRequest, iamAuthPoliciesInTemplate, materialize, OWNER_ACCOUNT, podIdentitySession, REGION } from './util/lattice-eval';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';


const objectsOf = (stack: Stack) => k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object);

describe('a gRPC service exposed on one cluster', () => {
  const f = clusterFixture();
  const route = f.cluster.exposeService('Greeter', {
    serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC, createNamespace: true,
  });
  route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }).withGrpcMethods(['helloworld.Greeter/SayHello']));
  const httpRoute = f.cluster.exposeService('Orders', { serviceName: 'orders', namespace: 'apps', port: 80 });
  httpRoute.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
  const json = Template.fromStack(f.stack).toJSON();
  const objects = k8sObjectsInTemplate(json).map((o) => o.object);
  const grpcRoute = objects.find((o) => o.kind === 'GRPCRoute');

  test('is a GRPCRoute attached to the HTTPS listener only, with the custom domain', () => {
    expect(route.protocol).toBe(LatticeRouteProtocol.GRPC);
    expect(grpcRoute).toEqual({
      apiVersion: GATEWAY_API,
      kind: 'GRPCRoute',
      metadata: expect.objectContaining({ name: 'greeter', namespace: 'apps' }),
      spec: {
        parentRefs: [{ name: 'lattice-gateway', namespace: expect.any(String), sectionName: 'https' }],
        hostnames: ['greeter.example.com'],
        rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }] }],
      },
    });
    expect(objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)).toEqual(['orders']);
  });

  test('HTTP routes keep both listeners', () => {
    const orders = objects.find((o) => o.kind === 'HTTPRoute');
    expect(orders.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['http', 'https']);
    expect(httpRoute.protocol).toBe(LatticeRouteProtocol.HTTP);
  });

  test('its auth policy targets the GRPCRoute', () => {
    const policies = objects.filter((o) => o.kind === 'IAMAuthPolicy');
    expect(policies.map((p) => p.spec.targetRef)).toEqual(expect.arrayContaining([
      { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'greeter' },
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'orders' },
    ]));
  });

  test('without a health check it gets no TargetGroupPolicy (Lattice cannot health-check gRPC)', () => {
    expect(objects.filter((o) => o.kind === 'TargetGroupPolicy')).toEqual([]);
  });

  test('every object passes the Kubernetes and CRD schemas', () => {
    expect(() => expectValidK8sObjects(json)).not.toThrow();
  });

  // GRPCRoute v1 is in the reference CRDs only (the registry models are Gateway API v1.0.0).
  (referenceCrdsPresent() ? test : test.skip)('negative: the schema check knows GRPCRoute (a string port and an unknown field fail)', () => {
    const bad = structuredClone(grpcRoute);
    bad.spec.rules[0].backendRefs[0].port = '50051';
    bad.spec.rules[0].matchez = [];
    expect(validateK8sObject(bad).join('\n')).toMatch(/port: must be integer/);
    expect(validateK8sObject(bad).join('\n')).toMatch(/matchez/);
  });
});

describe('health checks of gRPC target groups', () => {
  const hcOf = (protocol: LatticeRouteProtocol, healthCheck: Record<string, unknown>) => {
    const f = clusterFixture();
    f.cluster.exposeService('R', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol, healthCheck });
    return objectsOf(f.stack).find((o) => o.kind === 'TargetGroupPolicy')?.spec.healthCheck;
  };

  test.each<[string, LatticeRouteProtocol, Record<string, unknown>, string]>([
    ['gRPC: HTTP/2 by default (the gRPC port speaks nothing else)', LatticeRouteProtocol.GRPC, { path: '/healthz' }, 'HTTP2'],
    ['gRPC: HTTP/1.1 on request (e.g. a separate health port)', LatticeRouteProtocol.GRPC, { port: 8081, protocolVersion: LatticeHealthCheckProtocolVersion.HTTP1 }, 'HTTP1'],
    ['HTTP: HTTP/1.1 by default, as before', LatticeRouteProtocol.HTTP, { path: '/healthz' }, 'HTTP1'],
    ['HTTP: HTTP/2 on request', LatticeRouteProtocol.HTTP, { protocolVersion: LatticeHealthCheckProtocolVersion.HTTP2 }, 'HTTP2'],
  ])('%s', (_name, protocol, healthCheck, version) => {
    expect(hcOf(protocol, healthCheck)).toMatchObject({ enabled: true, protocol: 'HTTP', protocolVersion: version });
  });

  test('the TargetGroupPolicy never sets the target group\'s protocol version (the controller makes it GRPC)', () => {
    const f = clusterFixture();
    f.cluster.exposeService('R', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC, healthCheck: { path: '/healthz' } });
    const policy = objectsOf(f.stack).find((o) => o.kind === 'TargetGroupPolicy');
    expect(policy.spec.protocolVersion).toBeUndefined();
    expect(policy.spec.protocol).toBeUndefined();
  });
});

describe('a gRPC service served by two clusters', () => {
  const f = twoClusterFixture();
  const blue = f.cluster.exportService('Greeter', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC });
  const green = f.cluster2.exportService('Greeter', {
    serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC, healthCheck: { path: '/healthz', port: 8081 },
  });
  const route = f.cluster.importService('GreeterRoute', {
    routeName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC, backends: [blue.backend(50), green.backend(50)],
  });
  route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
  const json1 = Template.fromStack(f.stack).toJSON();
  const objects1 = k8sObjectsInTemplate(json1).map((o) => o.object);
  const objects2 = objectsOf(f.stack2);

  test('each cluster exports it with routeType GRPC', () => {
    expect(blue.protocol).toBe(LatticeRouteProtocol.GRPC);
    for (const objects of [objects1, objects2]) {
      expect(objects.find((o) => o.kind === 'ServiceExport').spec.exportedPorts).toEqual([{ port: 50051, routeType: 'GRPC' }]);
    }
  });

  test('the health check is the one given (HTTP/2 by default), none without one', () => {
    expect(objects1.filter((o) => o.kind === 'TargetGroupPolicy')).toEqual([]);
    expect(objects2.find((o) => o.kind === 'TargetGroupPolicy').spec.healthCheck).toMatchObject({ path: '/healthz', port: 8081, protocolVersion: 'HTTP2' });
  });

  test('the importing route is a GRPCRoute to weighted ServiceImports', () => {
    const grpc = objects1.find((o) => o.kind === 'GRPCRoute');
    expect(grpc.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['https']);
    expect(grpc.spec.rules[0].backendRefs).toEqual([
      { group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: 'greeter-1', weight: 50 },
      { group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: 'greeter-2', weight: 50 },
    ]);
    expect(objects1.filter((o) => o.kind === 'ServiceImport').map((o) => o.metadata.name)).toEqual(['greeter-1', 'greeter-2']);
    expect(objects1.find((o) => o.kind === 'IAMAuthPolicy').spec.targetRef.kind).toBe('GRPCRoute');
  });

  test('every object passes the Kubernetes and CRD schemas', () => {
    expect(() => expectValidK8sObjects(json1)).not.toThrow();
  });
});

describe('protocol mismatch between an imported route and an export of this app', () => {
  test.each<[string, LatticeRouteProtocol | undefined, LatticeRouteProtocol | undefined, RegExp | undefined]>([
    ['gRPC route, HTTP export', LatticeRouteProtocol.GRPC, undefined,
      /backends\[0\] export 'greeter' of cluster 'eks-cluster2' is exported with protocol HTTP, but the route's protocol is GRPC .*give importService and exportService the same protocol/],
    ['HTTP route, gRPC export', undefined, LatticeRouteProtocol.GRPC,
      /backends\[0\] export 'greeter' of cluster 'eks-cluster2' is exported with protocol GRPC, but the route's protocol is HTTP/],
    ['both gRPC', LatticeRouteProtocol.GRPC, LatticeRouteProtocol.GRPC, undefined],
  ])('%s', (_name, routeProtocol, exportProtocol, message) => {
    const f = twoClusterFixture();
    f.cluster2.exportService('Greeter', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: exportProtocol });
    f.cluster.importService('Route', {
      routeName: 'greeter',
      namespace: 'apps',
      port: 50051,
      protocol: routeProtocol,
      backends: [{ exportName: 'greeter', clusterName: 'eks-cluster2' }],
    });
    if (message) expect(() => f.app.synth()).toThrow(message);
    else expect(() => f.app.synth()).not.toThrow();
  });
});

describe('a gRPC route needs the HTTPS listener', () => {
  test('a cluster without a domain (HTTP listener only) is a synth-time error naming the fix', () => {
    const f = clusterFixture({}, false);
    expect(() => f.cluster.exposeService('R', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC }))
      .toThrow(/^LatticeServiceRoute \(Cluster1\/Lattice\/R\): protocol GRPC needs an HTTPS listener on the Gateway of cluster 'eks-cluster1', which has only http: .*GRPCRoutes to HTTPS listeners only\. Give the cluster a domain \(LatticeEksClusterProps\.domain\)/);
    expect(() => f.cluster.importService('I', {
      routeName: 'greeter', port: 50051, protocol: LatticeRouteProtocol.GRPC, backends: [{ exportName: 'greeter', clusterName: 'eks-cluster2' }],
    })).toThrow(/protocol GRPC needs an HTTPS listener/);
  });

  test('an HTTP route on the same cluster still works', () => {
    const f = clusterFixture({}, false);
    expect(() => f.cluster.exposeService('R', { serviceName: 'orders', namespace: 'apps', port: 80 })).not.toThrow();
  });

  test('exporting gRPC needs no listener (the importing cluster\'s Gateway serves it)', () => {
    const f = clusterFixture({}, false);
    expect(() => f.cluster.exportService('E', { serviceName: 'greeter', port: 50051, protocol: LatticeRouteProtocol.GRPC })).not.toThrow();
    expect(Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('grpc|gRPC'))).toEqual([]);
  });
});

describe('LatticeCaller.withGrpcMethods()', () => {
  const stack = () => new Stack(new App(), 'Render', { env: { account: OWNER_ACCOUNT, region: REGION } });
  const eks = () => LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] });
  const render = (caller: LatticeCaller) => {
    const s = stack();
    return materialize(s.resolve(LatticeAuthPolicyDocument.allow(caller).toPolicyDocument(s)));
  };

  test.each<[string, string[], Record<string, unknown>]>([
    ['exact methods: StringEquals on the path', ['helloworld.Greeter/SayHello', 'helloworld.Greeter/SayBye'],
      { StringEquals: expect.objectContaining({ 'vpc-lattice-svcs:RequestMethod': 'POST', 'vpc-lattice-svcs:RequestPath': ['/helloworld.Greeter/SayHello', '/helloworld.Greeter/SayBye'] }) }],
    ['a whole service: StringLike for every path (AND of two operators would need both)', ['helloworld.Greeter/*', 'grpc.health.v1.Health/Check'],
      {
        StringEquals: expect.objectContaining({ 'vpc-lattice-svcs:RequestMethod': 'POST' }),
        StringLike: { 'vpc-lattice-svcs:RequestPath': ['/helloworld.Greeter/*', '/grpc.health.v1.Health/Check'] },
      }],
  ])('%s', (_name, methods, condition) => {
    const policy = render(eks().withGrpcMethods(methods));
    expect(policy.Statement[0].Condition).toMatchObject(condition);
    expect(policy.Statement[0].Condition.StringEquals['vpc-lattice-svcs:RequestPath'] === undefined).toBe('StringLike' in condition);
  });

  describe('evaluated with the IAM simulator on the GRPCRoute\'s IAMAuthPolicy', () => {
    const f = clusterFixture();
    f.cluster.exposeService('Greeter', { serviceName: 'greeter', namespace: 'apps', port: 50051, protocol: LatticeRouteProtocol.GRPC })
      .allow(
        eks().withGrpcMethods(['helloworld.Greeter/SayHello']),
        LatticeCaller.eksWorkload({ clusterName: 'eks-cluster3', namespaces: ['ops'] }).withGrpcMethods(['grpc.health.v1.Health/*']),
      );
    const [policy] = iamAuthPoliciesInTemplate(Template.fromStack(f.stack).toJSON());
    const cluster2 = podIdentitySession({ clusterName: 'eks-cluster2', namespace: 'apps' });
    const cluster3 = podIdentitySession({ clusterName: 'eks-cluster3', namespace: 'ops' });

    test.each<[string, any, string, string, boolean]>([
      ['the allowed method', cluster2, 'POST', '/helloworld.Greeter/SayHello', true],
      ['another method of the service', cluster2, 'POST', '/helloworld.Greeter/SayBye', false],
      ['the allowed path with GET', cluster2, 'GET', '/helloworld.Greeter/SayHello', false],
      ['a method of another service', cluster2, 'POST', '/helloworld.Admin/SayHello', false],
      ['a longer path starting like the allowed one', cluster2, 'POST', '/helloworld.Greeter/SayHelloAgain', false],
      ['a whole-service caller: any method of it', cluster3, 'POST', '/grpc.health.v1.Health/Watch', true],
      ['a whole-service caller: another service', cluster3, 'POST', '/helloworld.Greeter/SayHello', false],
      ['a whole-service caller: GET', cluster3, 'GET', '/grpc.health.v1.Health/Check', false],
    ])('%s', async (_name, session, method, path, allowed) => {
      expect(policy.object.spec.targetRef.kind).toBe('GRPCRoute');
      const decision = await evaluateLatticeRequest({ ...session, method, path }, { serviceNetworkPolicy: undefined, servicePolicy: policy.policy });
      expect(decision.allowed).toBe(allowed);
    });
  });

  test.each<[string, () => LatticeCaller, RegExp]>([
    ['no methods', () => eks().withGrpcMethods([]), /withGrpcMethods\(\) needs at least one gRPC method, e\.g\. 'helloworld\.Greeter\/SayHello'/],
    ['a service without its package', () => eks().withGrpcMethods(['Greeter/SayHello']), /gRPC service 'Greeter' in 'Greeter\/SayHello' must be qualified by its package \('<package>\.Greeter'\)/],
    ['a method without its service', () => eks().withGrpcMethods(['/SayHello']), /gRPC method '\/SayHello' must not start with '\/'/],
    ['a bare method', () => eks().withGrpcMethods(['SayHello']), /gRPC method 'SayHello' must be '<package>\.<Service>\/<Method>' with exactly one '\/'/],
    ['an empty service', () => eks().withGrpcMethods(['/']), /must not start with '\/'/],
    ['a leading slash', () => eks().withGrpcMethods(['/helloworld.Greeter/SayHello']), /must not start with '\/': write 'helloworld\.Greeter\/SayHello'/],
    ['a partial method wildcard', () => eks().withGrpcMethods(['helloworld.Greeter/Say*']), /a wildcard must be the whole method name \('helloworld\.Greeter\/\*'\)/],
    ['a wildcard in the service', () => eks().withGrpcMethods(['helloworld.*/SayHello']), /wildcards are allowed only as a whole method/],
    ['a wildcard service and method', () => eks().withGrpcMethods(['*/*']), /wildcards are allowed only as a whole method/],
    ['a ? wildcard', () => eks().withGrpcMethods(['helloworld.Greeter/Say?ello']), /a wildcard must be the whole method name/],
    ['no method', () => eks().withGrpcMethods(['helloworld.Greeter/']), /names no method; write 'helloworld\.Greeter\/\*' for every method/],
    ['a method name with a dash', () => eks().withGrpcMethods(['helloworld.Greeter/say-hello']), /gRPC method name 'say-hello' .* must be letters, digits and '_'/],
    ['a package part starting with a digit', () => eks().withGrpcMethods(['1hello.Greeter/SayHello']), /has the invalid part '1hello'/],
    ['an empty package part', () => eks().withGrpcMethods(['hello..Greeter/SayHello']), /has the invalid part ''/],
    ['a token', () => eks().withGrpcMethods([Lazy.string({ produce: () => 'a.B/C' })]), /gRPC method must be a literal string, not a token/],
    ['after withRequest()', () => eks().withRequest({ methods: [LatticeRequestMethod.POST] }).withGrpcMethods(['a.B/C']),
      /the request method or path is already constrained \(withRequest\(\) or withGrpcMethods\(\)\)/],
    ['withRequest() after it', () => eks().withGrpcMethods(['a.B/C']).withRequest({ pathPrefixes: ['/a.B/'] }),
      /vpc-lattice-svcs:RequestPath is already constrained by an earlier withRequest\(\) or withGrpcMethods\(\)/],
    ['twice', () => eks().withGrpcMethods(['a.B/C']).withGrpcMethods(['a.B/D']), /already constrained/],
  ])('bad input: %s', (_name, caller, message) => {
    expect(() => render(caller())).toThrow(message);
    expect(() => render(caller())).toThrow(/^LatticeAuthPolicy \(Render\): LatticeCaller\.eksWorkload\(cluster 'eks-cluster2'\): /);
  });
});

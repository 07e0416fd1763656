/**
 * `addLatticeWorkload` for gRPC and TLS passthrough: the route or export of
 * the protocol, the readiness probe that fits the port, and Lattice health
 * checks only where Lattice can run them.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { LatticeCaller, LatticeHealthCheckProtocolVersion, LatticeRouteProtocol } from '../src';
import { clusterFixture } from './util/fixtures';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';

const IMAGE = 'registry.example.com/greeter:1.0.0';

function objectsOf(f: ReturnType<typeof clusterFixture>): any[] {
  return k8sObjectsInTemplate(Template.fromStack(f.stack).toJSON()).map((o) => o.object);
}

function container(objects: any[], name: string): any {
  return objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0];
}

describe('a gRPC workload', () => {
  const f = clusterFixture();
  const greeter = f.cluster.addLatticeWorkload('Greeter', {
    name: 'greeter', namespace: 'apps', image: IMAGE, containerPort: 50051, port: 50051, protocol: LatticeRouteProtocol.GRPC,
  });
  greeter.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }).withGrpcMethods(['helloworld.Greeter/SayHello']));
  const objects = objectsOf(f);

  test('gets a GRPCRoute on the HTTPS listener, and its auth policy targets it', () => {
    expect(greeter.protocol).toBe(LatticeRouteProtocol.GRPC);
    expect(greeter.route!.protocol).toBe(LatticeRouteProtocol.GRPC);
    const route = objects.find((o) => o.kind === 'GRPCRoute');
    expect(route.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['https']);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'greeter', port: 50051 }]);
    expect(objects.some((o) => o.kind === 'HTTPRoute')).toBe(false);
    expect(objects.find((o) => o.kind === 'IAMAuthPolicy').spec.targetRef).toMatchObject({ kind: 'GRPCRoute', name: 'greeter' });
  });

  test('is ready by the standard gRPC health service, and its Service port says h2c', () => {
    expect(container(objects, 'greeter').readinessProbe).toEqual({ grpc: { port: 50051 } });
    expect(container(objects, 'greeter').ports).toEqual([{ name: 'grpc', containerPort: 50051, protocol: 'TCP' }]);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'greeter');
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 50051, targetPort: 50051, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }]);
  });

  test('gets no Lattice health check unless one is given (Lattice cannot check gRPC)', () => {
    expect(objects.filter((o) => o.kind === 'TargetGroupPolicy')).toEqual([]);
  });

  test('every object validates against the upstream or core schemas', () => {
    expect(expectValidK8sObjects(Template.fromStack(f.stack).toJSON()).length).toBeGreaterThan(3);
  });
});

test('a gRPC workload with a health check gets it over HTTP/2, and its readiness stays the gRPC probe', () => {
  const f = clusterFixture();
  f.cluster.addLatticeWorkload('Greeter', {
    name: 'greeter', namespace: 'apps', image: IMAGE, containerPort: 50051, protocol: LatticeRouteProtocol.GRPC, healthCheck: { path: '/healthz' },
  });
  const objects = objectsOf(f);
  expect(objects.find((o) => o.kind === 'TargetGroupPolicy').spec.healthCheck).toMatchObject({ path: '/healthz', protocolVersion: LatticeHealthCheckProtocolVersion.HTTP2 });
  expect(container(objects, 'greeter').readinessProbe).toEqual({ grpc: { port: 50051 } });
});

test('an exported gRPC workload gets a ServiceExport of routeType GRPC', () => {
  const f = clusterFixture();
  const w = f.cluster.addLatticeWorkload('Greeter', {
    name: 'greeter', namespace: 'apps', image: IMAGE, containerPort: 50051, protocol: LatticeRouteProtocol.GRPC, exportName: 'greeter',
  });
  expect(w.serviceExport!.protocol).toBe(LatticeRouteProtocol.GRPC);
  const objects = objectsOf(f);
  expect(objects.find((o) => o.kind === 'ServiceExport').spec).toEqual({ exportedPorts: [{ port: 80, routeType: 'GRPC' }] });
  expect(objects.some((o) => o.kind === 'GRPCRoute' || o.kind === 'HTTPRoute')).toBe(false);
});

describe('a TLS passthrough workload', () => {
  const f = clusterFixture();
  const ledger = f.cluster.addLatticeWorkload('Ledger', {
    name: 'ledger', namespace: 'apps', image: IMAGE, containerPort: 8443, port: 443, protocol: LatticeRouteProtocol.TLS_PASSTHROUGH,
  });
  const objects = objectsOf(f);

  test('gets a TLSRoute for its host name, a TCP readiness probe and no Lattice health check', () => {
    const route = objects.find((o) => o.kind === 'TLSRoute');
    expect(route.spec.hostnames).toEqual(['ledger.example.com']);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'ledger', port: 443 }]);
    expect(container(objects, 'ledger').readinessProbe).toEqual({ tcpSocket: { port: 8443 } });
    expect(objects.filter((o) => o.kind === 'TargetGroupPolicy')).toEqual([]);
  });

  test('takes no callers: Lattice sees anonymous connections on a passthrough listener', () => {
    expect(() => ledger.allow(LatticeCaller.account('111111111111'))).toThrow(/TLS_PASSTHROUGH|passthrough/);
  });
});

test.each<[string, Record<string, unknown>, RegExp]>([
  ['a protocol that is not a member', { protocol: 'TCP' },
    /^LatticeWorkload \(Cluster1\/Lattice\/W\): protocol 'TCP' is not supported; use one of LatticeRouteProtocol\.HTTP, LatticeRouteProtocol\.GRPC, LatticeRouteProtocol\.TLS_PASSTHROUGH/],
  ['a health check on a passthrough workload', { protocol: LatticeRouteProtocol.TLS_PASSTHROUGH, healthCheck: { path: '/healthz' } },
    /^LatticeWorkload \(Cluster1\/Lattice\/W\): healthCheck of a TLS_PASSTHROUGH workload: Lattice health checks are plain HTTP, .*drop healthCheck/],
  ['a gRPC workload on a cluster without a domain', { protocol: LatticeRouteProtocol.GRPC, withoutDomain: true },
    /protocol GRPC needs an HTTPS listener on the Gateway of cluster 'eks-cluster1'.*Give the cluster a domain/],
])('bad input: %s', (_name, extra, message) => {
  const { withoutDomain, ...props } = extra;
  const f = clusterFixture({}, !withoutDomain);
  expect(() => f.cluster.addLatticeWorkload('W', { name: 'w', image: IMAGE, containerPort: 8080, ...props } as any)).toThrow(message);
});

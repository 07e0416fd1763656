import * as path from 'path';
import { App, Aws, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { clusterFixture } from './util/fixtures';
import { gatewayApiModuleCrds } from './util/gateway-api-module';
import {
  CrdSchema,
  CrdSchemaIndex,
  KUBERNETES_RESOURCE_TYPE,
  crdKey,
  RAW_TOKEN_PLACEHOLDER,
  REFERENCE_ONLY_GROUPS,
  TOKEN_PLACEHOLDER,
  defaultCrdSchemas,
  defaultCrdsDir,
  expectValidK8sObjects,
  gatewayApiModelsInfo,
  k8sObjectsInTemplate,
  loadCrdSchemas,
  referenceCrdsNotice,
  referenceCrdsPresent,
  registrySchemaIndex,
  renderManifest,
  validateK8sObject,
} from './util/k8s-schema';
import { LatticeRouteProtocol } from '../src/cluster/lattice-route-protocol';
import { grpcRoute, latticeGateway, tlsRoute } from '../src/k8s/gateway-api';
import { serviceExport } from '../src/k8s/multi-cluster';

/** Tests that need the reference CRDs (outside the repository) are skipped without them (see test/global-setup.ts). */
const HAS_REFERENCE_CRDS = referenceCrdsPresent();
const describeWithReferenceCrds = HAS_REFERENCE_CRDS ? describe : describe.skip;

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const LATTICE_API = 'application-networking.k8s.aws/v1alpha1';
const CONTROLLER_NAME = 'application-networking.k8s.aws/gateway-api-controller';

let crds: CrdSchemaIndex;

beforeAll(() => {
  crds = defaultCrdSchemas();
});

const validate = (obj: any) => validateK8sObject(obj, crds);

function gatewayClass(): any {
  return {
    apiVersion: GATEWAY_API,
    kind: 'GatewayClass',
    metadata: { name: 'amazon-vpc-lattice' },
    spec: { controllerName: CONTROLLER_NAME },
  };
}

function gateway(listeners?: any[]): any {
  return {
    apiVersion: GATEWAY_API,
    kind: 'Gateway',
    metadata: { name: 'lattice-net', namespace: 'aws-application-networking-system', labels: { 'app.kubernetes.io/managed-by': 'cdk' } },
    spec: {
      gatewayClassName: 'amazon-vpc-lattice',
      listeners: listeners ?? [
        { name: 'http', protocol: 'HTTP', port: 80 },
        { name: 'https', protocol: 'HTTPS', port: 443, allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
  };
}

function httpRoute(backendPort: unknown): any {
  return {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { name: 'orders', namespace: 'orders' },
    spec: {
      hostnames: ['orders.internal.example.com'],
      parentRefs: [{ name: 'lattice-net', namespace: 'aws-application-networking-system', sectionName: 'https' }],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'orders', kind: 'Service', port: backendPort }],
      }],
    },
  };
}

function iamAuthPolicy(spec: any): any {
  return { apiVersion: LATTICE_API, kind: 'IAMAuthPolicy', metadata: { name: 'orders-auth', namespace: 'orders' }, spec };
}

const AUTH_POLICY_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/caller' }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
});

function job(podSpec: any): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'smoke-test', namespace: 'orders' },
    spec: { backoffLimit: 0, template: { spec: podSpec } },
  };
}

const CONTAINERS = [{ name: 'curl', image: 'public.ecr.aws/docker/library/busybox:1.37', command: ['wget', '-qO-', 'http://orders'] }];

/** Asserts that exactly one error matches. */
function expectError(errors: string[], pattern: RegExp): void {
  expect(errors.filter((e) => pattern.test(e))).toHaveLength(1);
}

describe('schema sources', () => {
  describeWithReferenceCrds('reference CRDs', () => {
    test('are read from shared/reference/crds beside the repository', () => {
      if (!process.env.LATTICE_CRDS_DIR) {
        expect(defaultCrdsDir()).toEqual(path.resolve(__dirname, '..', '..', 'shared', 'reference', 'crds'));
      }
      expect(crds.skippedGroups).toBeUndefined();
      const keys = [...crds.keys()];
      expect(keys).toEqual(expect.arrayContaining([
        'gateway.networking.k8s.io/v1/GatewayClass',
        'gateway.networking.k8s.io/v1/Gateway',
        'gateway.networking.k8s.io/v1/HTTPRoute',
        'gateway.networking.k8s.io/v1/GRPCRoute',
        'gateway.networking.k8s.io/v1beta1/ReferenceGrant',
        'application-networking.k8s.aws/v1alpha1/IAMAuthPolicy',
        'application-networking.k8s.aws/v1alpha1/ServiceExport',
        'application-networking.k8s.aws/v1alpha1/ServiceImport',
        'externaldns.k8s.io/v1alpha1/DNSEndpoint',
        'kyverno.io/v1/ClusterPolicy',
        'policies.kyverno.io/v1/MutatingPolicy',
      ]));
      expect(crds.get('gateway.networking.k8s.io/v1/GatewayClass')?.scope).toEqual('Cluster');
      expect(crds.get('gateway.networking.k8s.io/v1/Gateway')?.scope).toEqual('Namespaced');
      expect(referenceCrdsNotice()).toBeUndefined();
    });
  });

  test('Gateway API models come from @kubernetes-models/gateway-api 0.5.1 (Gateway API v1.0.0, standard versions)', () => {
    expect(gatewayApiModelsInfo()).toMatchObject({ packageVersion: '0.5.1', gatewayApiVersion: 'v1.0.0' });
    const registry = registrySchemaIndex();
    expect([...registry.keys()].sort()).toEqual([
      'gateway.networking.k8s.io/v1/Gateway',
      'gateway.networking.k8s.io/v1/GatewayClass',
      'gateway.networking.k8s.io/v1/HTTPRoute',
      'gateway.networking.k8s.io/v1beta1/Gateway',
      'gateway.networking.k8s.io/v1beta1/GatewayClass',
      'gateway.networking.k8s.io/v1beta1/HTTPRoute',
      'gateway.networking.k8s.io/v1beta1/ReferenceGrant',
    ]);
    expect(registry.get('gateway.networking.k8s.io/v1/GatewayClass')?.scope).toEqual('Cluster');
    expect([...registry.skippedGroups!].sort()).toEqual([...REFERENCE_ONLY_GROUPS.keys()].sort());
    // The generator's nullable markers are dropped: Gateway API has no nullable field.
    expect(JSON.stringify(registry.get('gateway.networking.k8s.io/v1/HTTPRoute')?.schema)).not.toContain('nullable');
  });

  test('a missing folder is an error for loadCrdSchemas', () => {
    const missing = path.join(__dirname, 'no-such-crds-folder');
    expect(() => loadCrdSchemas(missing)).toThrow(/CRD schema folder not found: .*no-such-crds-folder.*LATTICE_CRDS_DIR/s);
  });

  test('LATTICE_CRDS_DIR overrides the folder', () => {
    expect(defaultCrdsDir({ LATTICE_CRDS_DIR: '/nonexistent/crds' })).toEqual('/nonexistent/crds');
    expect(() => loadCrdSchemas(defaultCrdsDir({ LATTICE_CRDS_DIR: '/nonexistent/crds' }))).toThrow(/\/nonexistent\/crds/);
  });

  test('without reference CRDs: skipped with one line on a developer clone, an error naming the folder with CI=true', () => {
    const dev = { LATTICE_CRDS_DIR: '/nonexistent/crds' };
    const notice = referenceCrdsNotice(dev);
    expect(notice).toMatch(/^SKIPPED reference-data schema checks: \/nonexistent\/crds not found/);
    expect(notice).toContain('Gateway API v1.0.0');
    expect(notice).not.toContain('\n');
    const index = defaultCrdSchemas(dev);
    expect(index.skippedGroups?.has('application-networking.k8s.aws')).toBe(true);
    expect(index.has('gateway.networking.k8s.io/v1/HTTPRoute')).toBe(true);

    for (const ci of ['true', '1']) {
      const env = { ...dev, CI: ci };
      expect(() => referenceCrdsNotice(env)).toThrow(/CRD schema folder not found: \/nonexistent\/crds.*CI=true requires them/s);
      expect(() => defaultCrdSchemas(env)).toThrow(/CRD schema folder not found: \/nonexistent\/crds/);
    }
  });

  test('without reference CRDs, reference-only groups get metadata checks and unknown groups still fail', () => {
    const registry = registrySchemaIndex();
    // Spec problems cannot be seen without the CRD ...
    expect(validateK8sObject(iamAuthPolicy({ policy: {} }), registry)).toEqual([]);
    // ... metadata problems still are.
    expect(validateK8sObject({ ...iamAuthPolicy({}), metadata: { name: 'Orders_Auth' } }, registry)).toEqual([
      expect.stringMatching(/^metadata\.name: "Orders_Auth" must be a DNS-1123 subdomain/),
    ]);
    expect(validateK8sObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, registry)).toEqual(['no schema for example.com/v1/Widget']);
    expect(validateK8sObject({ ...gatewayClass(), apiVersion: 'gateway.networking.k8s.io/v1alpha2' }, registry)).toEqual([
      'no schema for gateway.networking.k8s.io/v1alpha2/GatewayClass (served versions of GatewayClass: gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1)',
    ]);
  });
});

describe('structural schema extensions', () => {
  /** A small CRD version written for this test, using each extension the validator handles. */
  const widget: CrdSchema = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    group: 'example.com',
    version: 'v1',
    plural: 'widgets',
    scope: 'Namespaced',
    storage: true,
    deprecated: false,
    file: '(inline)',
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          'type': 'object',
          'required': ['port'],
          'x-kubernetes-validations': [{ rule: 'has(self.never)', message: 'CEL is not evaluated' }],
          'properties': {
            port: { 'x-kubernetes-int-or-string': true },
            replicas: { type: 'integer', format: 'int32' },
            note: { type: 'string', nullable: true },
            mode: { type: 'string', enum: ['A', 'B'], nullable: true },
            config: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
            template: {
              'type': 'object',
              'x-kubernetes-embedded-resource': true,
              'properties': { spec: { type: 'object', properties: { image: { type: 'string' } } } },
            },
            tags: { 'type': 'array', 'items': { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            since: { type: 'string', format: 'date-time' },
            period: { type: 'string', format: 'duration' },
          },
        },
      },
    },
  };
  const index: CrdSchemaIndex = new Map([[crdKey(widget.apiVersion, widget.kind), widget]]);
  const obj = (spec: any) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });

  test('accepts what the API server accepts', () => {
    for (const port of [80, 'http']) {
      expect(validateK8sObject(obj({
        port,
        replicas: 3,
        note: null,
        mode: null,
        config: { any: { nested: ['thing'] } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { image: 'x' } },
        tags: ['a', 'b'],
        since: '2025-01-01T00:00:00Z',
        period: 'not checked: unknown formats are ignored',
      }), index)).toEqual([]);
    }
    // Core kinds still resolve with a custom index.
    expect(validateK8sObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }, index)).toEqual([]);
  });

  test('rejects wrong types, ranges, duplicates, formats and unknown fields', () => {
    const errors = validateK8sObject(obj({
      port: true,
      replicas: 2 ** 31,
      note: 5,
      mode: 'C',
      template: { apiVersion: 'v1', kind: 'Pod', spec: { image: 'x', extra: 1 } },
      tags: ['a', 'a'],
      since: 'yesterday',
      colour: 'blue',
    }), index);
    expectError(errors, /^spec\.port: must be integer/);
    expectError(errors, /^spec\.port: must be string/);
    expectError(errors, /^spec\.replicas: must match format "int32"/);
    expectError(errors, /^spec\.note: must be string,null/);
    expectError(errors, /^spec\.mode: must be one of \["A","B",null\]/);
    expectError(errors, /^spec\.template\.spec\.extra: unknown field/);
    expectError(errors, /^spec\.tags: must NOT have duplicate items/);
    expectError(errors, /^spec\.since: must match format "date-time"/);
    expectError(errors, /^spec\.colour: unknown field/);
    expect(validateK8sObject(obj({}), index)).toEqual(['spec.port: required field missing']);
  });
});

/** Gateway API checks that both schema sources make. */
function gatewayApiTests(index: () => CrdSchemaIndex): void {
  const check = (obj: any) => validateK8sObject(obj, index());

  test('valid GatewayClass for the VPC Lattice controller', () => {
    expect(check(gatewayClass())).toEqual([]);
  });

  test('valid Gateway with listeners', () => {
    expect(check(gateway())).toEqual([]);
  });

  test('listener without protocol', () => {
    const errors = check(gateway([{ name: 'http', port: 80 }]));
    expect(errors).toEqual(['spec.listeners[0].protocol: required field missing']);
  });

  test('unknown field and out-of-range port', () => {
    const errors = check(gateway([
      { name: 'http', protocol: 'HTTP', port: 80, portt: 8080 },
      { name: 'https', protocol: 'HTTPS', port: 70000 },
    ]));
    expect(errors).toHaveLength(2);
    expectError(errors, /^spec\.listeners\[0\]\.portt: unknown field/);
    expectError(errors, /^spec\.listeners\[1\]\.port: must be <= 65535/);
  });

  test('GatewayClass is not served as v1alpha1', () => {
    expect(check({ ...gatewayClass(), apiVersion: 'gateway.networking.k8s.io/v1alpha1' })).toEqual([
      'no schema for gateway.networking.k8s.io/v1alpha1/GatewayClass (served versions of GatewayClass: gateway.networking.k8s.io/v1, gateway.networking.k8s.io/v1beta1)',
    ]);
  });

  test('valid HTTPRoute', () => {
    expect(check(httpRoute(8080))).toEqual([]);
  });

  test('HTTPRoute with a string backend port', () => {
    expect(check(httpRoute('8080'))).toEqual(['spec.rules[0].backendRefs[0].port: must be integer (got "8080")']);
  });

  test('HTTPRoute with a bad enum value and a bad hostname', () => {
    const route = httpRoute(8080);
    route.spec.rules[0].matches[0].path.type = 'Prefix';
    route.spec.hostnames = ['Orders_Internal'];
    const errors = check(route);
    expectError(errors, /^spec\.rules\[0\]\.matches\[0\]\.path\.type: must be one of \["Exact","PathPrefix","RegularExpression"\]/);
    expectError(errors, /^spec\.hostnames\[0\]: must match pattern/);
  });
}

describe('Gateway API from @kubernetes-models/gateway-api (v1.0.0)', () => {
  const registry = registrySchemaIndex();
  gatewayApiTests(() => registry);
});

describeWithReferenceCrds('Gateway API v1.5.1 (reference CRDs)', () => {
  gatewayApiTests(() => crds);

  test('duplicate listener names (list-map keys, not in the models)', () => {
    const errors = validate(gateway([
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'http', protocol: 'HTTP', port: 8080 },
    ]));
    expect(errors).toEqual([expect.stringMatching(/^spec\.listeners: duplicate entry: items 0 and 1 have the same name/)]);
  });
  /** The library's GRPCRoute (GRPCRoute is v1 since Gateway API v1.1, so not in the v1.0.0 models). */
  const greeter = () => grpcRoute({
    name: 'greeter',
    namespace: 'apps',
    hostname: 'greeter.example.com',
    gateway: { name: 'lattice-net', namespace: 'aws-application-networking-system' },
    sectionNames: ['https'],
    backendServiceName: 'greeter',
    backendPort: 50051,
  }) as any;

  test('valid GRPCRoute and gRPC ServiceExport, as the library builds them', () => {
    expect(validate(greeter())).toEqual([]);
    expect(validate(serviceExport({ name: 'greeter', namespace: 'apps', serviceName: 'greeter', port: 50051, routeType: 'GRPC' }))).toEqual([]);
  });

  test('negative: a GRPCRoute with an unknown method match type, a string port, and a ServiceExport with an unknown routeType', () => {
    const route = greeter();
    route.spec.rules[0].matches = [{ method: { type: 'Prefix', service: 'helloworld.Greeter' } }];
    route.spec.rules[0].backendRefs[0].port = '50051';
    const errors = validate(route);
    expectError(errors, /^spec\.rules\[0\]\.matches\[0\]\.method\.type: must be one of \["Exact","RegularExpression"\]/);
    expectError(errors, /^spec\.rules\[0\]\.backendRefs\[0\]\.port: must be integer/);
    expect(validate(serviceExport({ name: 'greeter', namespace: 'apps', serviceName: 'greeter', port: 50051, routeType: 'GRPCS' as any })))
      .toEqual([expect.stringMatching(/routeType: must be one of \["HTTP","GRPC","TLS"\]/)]);
  });
});

/**
 * TLSRoute: the reference CRD folder has none, and @kubernetes-models/gateway-api 0.5.1 only
 * v1alpha2; the Gateway API Go module of the pinned release (v1.5.1) has TLSRoute v1.
 */
const moduleCrds = HAS_REFERENCE_CRDS ? gatewayApiModuleCrds() : { dir: undefined };
const describeWithTlsRouteCrd = HAS_REFERENCE_CRDS && moduleCrds.dir ? describe : describe.skip;
describeWithTlsRouteCrd('TLSRoute v1 (Gateway API Go module at the pinned release)', () => {
  let withTls: CrdSchemaIndex;
  beforeAll(() => {
    const tlsRoute1 = loadCrdSchemas(moduleCrds.dir!).get(crdKey(GATEWAY_API, 'TLSRoute'))!;
    expect(tlsRoute1).toBeDefined();
    withTls = Object.assign(new Map([...crds, [crdKey(GATEWAY_API, 'TLSRoute'), tlsRoute1]]), { skippedGroups: crds.skippedGroups });
  });
  const route = () => tlsRoute({
    name: 'ledger',
    namespace: 'apps',
    hostname: 'ledger.example.com',
    gateway: { name: 'lattice-gateway', namespace: 'lattice-gateway' },
    backendServiceName: 'ledger',
    backendPort: 8443,
  });

  test('is not in the reference folder (so the module is needed)', () => {
    expect(crds.has(crdKey(GATEWAY_API, 'TLSRoute'))).toBe(false);
  });

  test('the TLSRoute and the Gateway with the Passthrough listener are valid', () => {
    expect(validateK8sObject(route(), withTls)).toEqual([]);
    const gw = latticeGateway({ name: 'lattice-gateway', namespace: 'lattice-gateway', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x', tlsPassthrough: true });
    expect(validateK8sObject(gw, withTls)).toEqual([]);
  });

  test('every object of a cluster stack with a passthrough route, export and import is valid', () => {
    const f = clusterFixture();
    const exp = f.cluster.exportService('Ledger', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: LatticeRouteProtocol.TLS_PASSTHROUGH });
    f.cluster.exposeService('LedgerRoute', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: LatticeRouteProtocol.TLS_PASSTHROUGH });
    f.cluster.importService('Global', { routeName: 'ledger-global', namespace: 'apps', port: 8443, protocol: LatticeRouteProtocol.TLS_PASSTHROUGH, backends: [exp.backend()] });
    const kinds = expectValidK8sObjects(Template.fromStack(f.stack), withTls).map((o) => o.object.kind);
    expect(kinds.filter((k) => k === 'TLSRoute')).toHaveLength(2);
  });

  test('negative: without hostnames, or with two rules', () => {
    const noHost: any = structuredClone(route());
    delete noHost.spec.hostnames;
    expect(validateK8sObject(noHost, withTls).join('\n')).toMatch(/hostnames/);
    const twoRules: any = structuredClone(route());
    twoRules.spec.rules.push(structuredClone(twoRules.spec.rules[0]));
    expect(validateK8sObject(twoRules, withTls).join('\n')).toMatch(/spec\.rules/);
  });
});

describeWithReferenceCrds('AWS Gateway API Controller (reference CRDs)', () => {
  test('valid IAMAuthPolicy', () => {
    expect(validate(iamAuthPolicy({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'orders' },
      policy: AUTH_POLICY_DOCUMENT,
    }))).toEqual([]);
  });

  test('IAMAuthPolicy with an object policy and a targetRef without kind', () => {
    const errors = validate(iamAuthPolicy({
      targetRef: { group: 'gateway.networking.k8s.io', name: 'orders' },
      policy: JSON.parse(AUTH_POLICY_DOCUMENT),
    }));
    expect(errors).toHaveLength(2);
    expectError(errors, /^spec\.targetRef\.kind: required field missing$/);
    expectError(errors, /^spec\.policy: must be string \(got an object\)$/);
  });

  test('IAMAuthPolicy without spec', () => {
    expect(validate({ apiVersion: LATTICE_API, kind: 'IAMAuthPolicy', metadata: { name: 'a' } })).toEqual(['spec: required field missing']);
  });
});

describeWithReferenceCrds('ExternalDNS and Kyverno (reference CRDs)', () => {
  test('valid DNSEndpoint', () => {
    expect(validate({
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'orders', namespace: 'orders' },
      spec: { endpoints: [{ dnsName: 'orders.internal.example.com', recordType: 'CNAME', recordTTL: 300, targets: ['orders-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws'] }] },
    })).toEqual([]);
  });

  test('DNSEndpoint with a string TTL', () => {
    expect(validate({
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'orders' },
      spec: { endpoints: [{ dnsName: 'orders.internal.example.com', recordTTL: '300' }] },
    })).toEqual(['spec.endpoints[0].recordTTL: must be integer (got "300")']);
  });

  const mutatingPolicy = (mutations: any[]) => ({
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'MutatingPolicy',
    metadata: { name: 'inject-sigv4-proxy' },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
      mutations,
    },
  });

  test('valid MutatingPolicy', () => {
    expect(validate(mutatingPolicy([{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{}' } }]))).toEqual([]);
  });

  test('MutatingPolicy mutation without patchType', () => {
    expect(validate(mutatingPolicy([{ applyConfiguration: { expression: 'Object{}' } }]))).toEqual(['spec.mutations[0].patchType: required field missing']);
  });
});

describe('core Kubernetes objects', () => {
  test('valid Namespace, ServiceAccount and Job', () => {
    expect(validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders', labels: { 'kubernetes.io/metadata.name': 'orders' } } })).toEqual([]);
    expect(validate({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'orders', namespace: 'orders', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/orders' } },
    })).toEqual([]);
    expect(validate(job({ restartPolicy: 'Never', containers: CONTAINERS }))).toEqual([]);
  });

  test('Job without containers', () => {
    expect(validate(job({ restartPolicy: 'Never' }))).toEqual(['spec.template.spec.containers: required field missing']);
  });

  test('Service with a bad port type and an invalid name', () => {
    const errors = validate({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '1orders', namespace: 'orders' },
      spec: { selector: { app: 'orders' }, ports: [{ port: '80', targetPort: 8080 }] },
    });
    expectError(errors, /^metadata\.name: "1orders" must be a DNS-1035 label/);
    expectError(errors, /^spec\.ports\[0\]\.port: must be integer/);
  });

  test('ClusterRole names may contain colons', () => {
    expect(validate({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'lattice:external-dns' },
      rules: [{ apiGroups: ['externaldns.k8s.io'], resources: ['dnsendpoints'], verbs: ['get', 'list', 'watch'] }],
    })).toEqual([]);
  });

  test('APIs that current clusters no longer serve have no schema', () => {
    expect(validate({ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'a' } })).toEqual(['no schema for batch/v1beta1/CronJob']);
  });
});

describe('metadata and unknown kinds', () => {
  test('unknown kinds fail', () => {
    expect(validate({ ...httpRoute(80), kind: 'HttpRoute' })).toEqual(['no schema for gateway.networking.k8s.io/v1/HttpRoute']);
    expect(validate({ apiVersion: 'v1', kind: 'Namspace', metadata: { name: 'a' } })).toEqual(['no schema for v1/Namspace']);
    expect(validate({ kind: 'Namespace', metadata: { name: 'a' } })).toEqual([expect.stringMatching(/apiVersion and kind must be non-empty strings/)]);
  });

  test('names, namespaces, labels and unknown metadata fields', () => {
    const gw = gateway();
    gw.metadata = { name: 'Lattice_Net', namespace: 'a.b', labels: { 'bad key!': 'x', 'app': 'not valid!' }, annotation: {} };
    const errors = validate(gw);
    expect(errors).toHaveLength(5);
    expectError(errors, /^metadata\.name: "Lattice_Net" must be a DNS-1123 subdomain/);
    expectError(errors, /^metadata\.namespace: "a\.b" must be a DNS-1123 label/);
    expectError(errors, /^metadata\.labels: key "bad key!"/);
    expectError(errors, /^metadata\.labels\["app"\]: "not valid!" is not a valid label value/);
    expectError(errors, /^metadata\.annotation: unknown field/);
    expect(validate({ ...gatewayClass(), metadata: {} })).toEqual([expect.stringMatching(/^metadata\.name: required field missing/)]);
  });
});

describe('templates', () => {
  /** A Manifest the way CDK renders one with tokens: an Fn::Join of JSON text and intrinsics. */
  const joinedManifest = {
    'Fn::Join': ['', [
      '[{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"',
      { Ref: 'AWS::StackName' },
      '-gw","namespace":"default"},"spec":{"gatewayClassName":"amazon-vpc-lattice","listeners":[{"name":"http","protocol":"HTTP","port":',
      { Ref: 'ListenerPort' },
      '}]}},{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"orders","namespace":"orders","annotations":{"a/role":"',
      { 'Fn::GetAtt': ['Role', 'Arn'] },
      '\\"quoted\\""}}}]',
    ]],
  };

  const template = (resources: Record<string, any>) => ({ Resources: resources });

  test('renderManifest puts placeholders inside and outside JSON strings', () => {
    const text = renderManifest(joinedManifest);
    expect(text).toContain(`"name":"${TOKEN_PLACEHOLDER}-gw"`);
    expect(text).toContain(`"port":"${RAW_TOKEN_PLACEHOLDER}"`);
    expect(text).toContain(`"a/role":"${TOKEN_PLACEHOLDER}\\"quoted\\""`);
  });

  test('extracts objects from plain and Fn::Join manifests, and validates them', () => {
    const t = template({
      Plain: { Type: KUBERNETES_RESOURCE_TYPE, Properties: { Manifest: JSON.stringify([gatewayClass()]), ClusterName: 'c' } },
      Joined: { Type: KUBERNETES_RESOURCE_TYPE, Properties: { Manifest: joinedManifest } },
      Chart: { Type: 'Custom::AWSCDK-EKS-HelmChart', Properties: { Chart: 'external-dns' } },
      Bucket: { Type: 'AWS::S3::Bucket' },
    });
    const objects = k8sObjectsInTemplate(t);
    expect(objects.map((o) => `${o.logicalId}[${o.index}] ${o.object.kind}`)).toEqual([
      'Plain[0] GatewayClass',
      'Joined[0] Gateway',
      'Joined[1] ServiceAccount',
    ]);
    expect(objects[1].object.metadata.name).toEqual(`${TOKEN_PLACEHOLDER}-gw`);
    expect(expectValidK8sObjects(t)).toHaveLength(3);
  });

  test('reads manifests that CDK rendered with tokens', () => {
    const stack = new Stack(new App(), 'Manifests');
    const replicas = new CfnParameter(stack, 'Replicas', { type: 'Number', default: 2 });
    new CfnResource(stack, 'Manifest', {
      type: KUBERNETES_RESOURCE_TYPE,
      properties: {
        Manifest: stack.toJsonString([{
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'orders', namespace: 'orders', labels: { account: Aws.ACCOUNT_ID } },
          spec: {
            replicas: replicas.valueAsNumber,
            selector: { matchLabels: { app: 'orders' } },
            template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'app', image: `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com/orders:1` }] } },
          },
        }]),
      },
    });
    const objects = expectValidK8sObjects(Template.fromStack(stack));
    expect(objects).toHaveLength(1);
    expect(objects[0].object.metadata.labels.account).toEqual(TOKEN_PLACEHOLDER);
  });

  test('one error lists every problem with logical ID, kind and name', () => {
    const badGateway = gateway([{ name: 'http', port: 80 }]);
    const t = template({
      Good: { Type: KUBERNETES_RESOURCE_TYPE, Properties: { Manifest: JSON.stringify([gatewayClass(), gateway()]) } },
      Bad: { Type: KUBERNETES_RESOURCE_TYPE, Properties: { Manifest: JSON.stringify([job({}), badGateway, { apiVersion: 'v1', kind: 'Secrett', metadata: { name: 's' } }]) } },
    });
    let message = '';
    try {
      expectValidK8sObjects(t);
    } catch (e: any) {
      message = e.message;
    }
    expect(message).toMatch(/^3 Kubernetes schema problem\(s\)/);
    expect(message).toContain('Bad[0] batch/v1/Job orders/smoke-test: spec.template.spec.containers: required field missing');
    expect(message).toContain('Bad[1] gateway.networking.k8s.io/v1/Gateway aws-application-networking-system/lattice-net: spec.listeners[0].protocol: required field missing');
    expect(message).toContain('Bad[2] v1/Secrett s: no schema for v1/Secrett');
    expect(message).not.toContain('Good');
  });

  test('a manifest that is not JSON is an error', () => {
    const t = template({ M: { Type: KUBERNETES_RESOURCE_TYPE, Properties: { Manifest: '[{"kind": ' } } });
    expect(() => k8sObjectsInTemplate(t)).toThrow(/^M: Manifest is not valid JSON/);
  });
});

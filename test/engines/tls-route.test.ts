/**
 * A cluster stack with a TLS passthrough route, applied to a real Kubernetes API server with the
 * Gateway API CRDs of the pinned release: the Reference CRD folder has no TLSRoute, so the
 * TLSRoute CRD (v1) comes from the Gateway API Go module of that release (module cache, or the
 * Go module proxy). Checks that the API server (schema and CEL rules) accepts the Gateway with
 * its Passthrough listener beside the https listener on 443 and the TLSRoute, refuses a TLSRoute
 * without hostnames, and that the tenant-isolation policies cover TLSRoutes like HTTPRoutes.
 *
 * Needs the control plane of test/engines/control-plane.test.ts (scripts/engines/control-plane.sh);
 * skipped with one line saying what is missing, or failing when CI is set.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { LatticeRouteProtocol } from '../../src/cluster/lattice-route-protocol';
import { PinnedVersions } from '../../src/versions';
import { ApiResponse, apiError, ControlPlane, controlPlaneBinaries, objectPath } from '../util/control-plane';
import { clusterFixture } from '../util/fixtures';
import { gatewayApiModuleCrd, gatewayApiModuleCrds } from '../util/gateway-api-module';
import { referenceCrds } from '../util/k8s-replay';
import { defaultCrdsDir, k8sObjectsInTemplate, referenceCrdsPresent } from '../util/k8s-schema';

const binaries = controlPlaneBinaries();
const moduleCrds = gatewayApiModuleCrds();
const missing = binaries.missing ?? moduleCrds.missing ?? (referenceCrdsPresent() ? undefined : `the reference CRDs (${defaultCrdsDir()})`);
if (missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`TLSRoute control-plane test skipped: missing ${missing}`);
}
const describeWithControlPlane = !missing || process.env.CI === 'true' ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithControlPlane('a TLS passthrough route on a real Kubernetes API server', () => {
  let cp: ControlPlane;
  const results = new Map<string, ApiResponse>();
  const f = clusterFixture();
  f.cluster.exposeService('Ledger', { serviceName: 'ledger', namespace: 'apps', port: 8443, protocol: LatticeRouteProtocol.TLS_PASSTHROUGH, createNamespace: true });
  const objects = k8sObjectsInTemplate(Template.fromStack(f.stack)).map((o) => o.object);
  const pick = (kind: string) => objects.filter((o) => o.kind === kind);
  const tlsRoute = pick('TLSRoute')[0];

  async function apply(o: any, as?: string): Promise<ApiResponse> {
    let resource = await cp.resourceFor(o.apiVersion, o.kind);
    // A CRD applied moments ago may not be served yet.
    for (let i = 0; i < 150 && !resource; i++) {
      await sleep(200);
      resource = await cp.resourceFor(o.apiVersion, o.kind);
    }
    if (!resource) throw new Error(`the API server serves no ${o.apiVersion}/${o.kind}`);
    return cp.request('POST', objectPath(resource, o.metadata.namespace), { body: o, as, asGroups: as ? ['system:authenticated'] : undefined });
  }

  beforeAll(async () => {
    if (!binaries.dir || missing) throw new Error(`TLSRoute control-plane test needs ${missing} (required with CI=true)`);
    cp = await ControlPlane.start(binaries.dir);
    const gatewayApi = `gateway-api-${PinnedVersions.GATEWAY_API}`;
    const crds = [...referenceCrds(gatewayApi), gatewayApiModuleCrd(moduleCrds.dir!, 'tlsroutes'), ...referenceCrds(`aws-gateway-controller-${PinnedVersions.GATEWAY_API_CONTROLLER_CHART}`)];
    for (const crd of crds) {
      const res = await cp.request('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=test&force=true`,
        { body: crd, contentType: 'application/apply-patch+yaml' });
      if (res.status >= 300) throw new Error(`CRD ${crd.metadata.name}: ${apiError(res)}`);
    }
    for (let i = 0; i < 300 && !(await cp.resourceFor('gateway.networking.k8s.io/v1', 'TLSRoute')); i++) await sleep(200);
    // The stack's namespaces, GatewayClass, Gateway, tenant-isolation policies, then the route.
    for (const o of [...pick('Namespace'), ...pick('GatewayClass'), ...pick('Gateway'),
      ...pick('ValidatingAdmissionPolicy'), ...pick('ValidatingAdmissionPolicyBinding')]) {
      const res = await apply(o);
      results.set(`${o.kind} ${o.metadata.name}`, res);
    }
    results.set('TLSRoute', await apply(tlsRoute));
    const noHost = structuredClone(tlsRoute);
    noHost.metadata.name = 'no-host';
    delete noHost.spec.hostnames;
    results.set('TLSRoute without hostnames', await apply(noHost));
    // A namespace user who may write TLSRoutes in team-a (RBAC) tries one to a backend of apps.
    await cp.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } });
    await cp.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'tls-editor', namespace: 'team-a' },
        rules: [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['tlsroutes'], verbs: ['create', 'get'] }],
      },
    });
    await cp.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'tls-editor', namespace: 'team-a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tls-editor' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
      },
    });
    const userRoute = (name: string, backendNamespace?: string) => {
      const r = structuredClone(tlsRoute);
      r.metadata = { name, namespace: 'team-a' };
      r.spec.hostnames = [`${name}.example.com`];
      r.spec.rules[0].backendRefs[0] = { ...r.spec.rules[0].backendRefs[0], ...(backendNamespace ? { namespace: backendNamespace } : {}) };
      return r;
    };
    // The API server loads new policies, and its RBAC authorizer the new binding, within seconds:
    // retry while the route is admitted or refused by RBAC (alice not yet bound), until the policy refuses it.
    const notYet = (r: ApiResponse) => r.status === 201 || /cannot create resource "tlsroutes"/.test(apiError(r));
    let cross = await apply(userRoute('cross', 'apps'), 'alice');
    for (let i = 0; i < 100 && notYet(cross); i++) {
      await cp.request('DELETE', '/apis/gateway.networking.k8s.io/v1/namespaces/team-a/tlsroutes/cross');
      await sleep(200);
      cross = await apply(userRoute('cross', 'apps'), 'alice');
    }
    results.set('user: TLSRoute to a backend of another namespace', cross);
    results.set('user: TLSRoute to its own backend', await apply(userRoute('plain'), 'alice'));
  }, 300_000);

  afterAll(async () => {
    await cp?.stop();
  });

  test('the stack has the Gateway with http, https and the Passthrough tls listener, and the TLSRoute', () => {
    expect(pick('Gateway')[0].spec.listeners.map((l: any) => `${l.name}:${l.protocol}:${l.port}`)).toEqual(['http:HTTP:80', 'https:HTTPS:443', 'tls:TLS:443']);
    expect(tlsRoute.apiVersion).toBe('gateway.networking.k8s.io/v1');
  });

  test('the API server accepts every object of the stack applied here, the TLSRoute included', () => {
    for (const [what, res] of results) {
      if (!/^(ValidatingAdmission|Namespace|GatewayClass|Gateway |TLSRoute$)/.test(what)) continue;
      expect({ what, status: res.status >= 300 ? apiError(res) : 'created' }).toEqual({ what, status: 'created' });
    }
    expect(results.get('TLSRoute')!.status).toBe(201);
    const kinds = new Set([...results.keys()].map((k) => k.split(' ')[0]));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Gateway', 'GatewayClass', 'Namespace', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
  });

  test('negative: a TLSRoute without hostnames is refused', () => {
    expect(apiError(results.get('TLSRoute without hostnames')!)).toMatch(/^422 Invalid: .*spec\.hostnames: Required value/);
  });

  test('tenant isolation: a user\'s TLSRoute to a backend of another namespace is refused, to its own admitted', () => {
    expect(apiError(results.get('user: TLSRoute to a backend of another namespace')!))
      .toMatch(/^403 Forbidden: .*cdk-lattice-eks-tenant-route-scope.*sends to a backend of another namespace/);
    expect(results.get('user: TLSRoute to its own backend')!.status).toBe(201);
  });
});

/**
 * The installer's downgrade guard (src/k8s/gateway-api-downgrade-guard.ts) on a real
 * Kubernetes API server (scripts/engines/control-plane.sh): server-side applies of Gateway
 * API CRDs as the installer's service account, as the Job's `kubectl apply --server-side`
 * makes them, with the bundle-version annotation of one release over another.
 *
 * Skipped with one line when the control plane cannot be built; fails when CI is set.
 */
import { GATEWAY_API_CRDS_SERVICE_ACCOUNT } from '../../src/k8s/gateway-api-crds-job';
import { gatewayApiDowngradeGuard, GATEWAY_API_BUNDLE_VERSION_ANNOTATION } from '../../src/k8s/gateway-api-downgrade-guard';
import { ApiResponse, apiError, ControlPlane, controlPlaneBinaries } from '../util/control-plane';

const binaries = controlPlaneBinaries();
if (binaries.missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`Gateway API downgrade guard engine test skipped: missing ${binaries.missing}`);
}
const describeWithControlPlane = binaries.dir || process.env.CI === 'true' ? describe : describe.skip;

const INSTALLER = `system:serviceaccount:kube-system:${GATEWAY_API_CRDS_SERVICE_ACCOUNT}`;
const FIX = 'FIX-TEXT';

/** A small CRD of `group` named `<plural>.<group>`, with the bundle-version annotation when `version` is given. */
function crd(plural: string, kind: string, version?: string, group = 'gateway.networking.k8s.io'): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      annotations: {
        'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/3328',
        ...(version ? { [GATEWAY_API_BUNDLE_VERSION_ANNOTATION]: version } : {}),
      },
    },
    spec: {
      group,
      names: { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

describeWithControlPlane('the installer never downgrades Gateway API CRDs (real API server)', () => {
  let cp: ControlPlane;

  /** Server-side apply of `body` as `user` (RBAC granted through system:masters; admission still runs). */
  const apply = (body: any, user = INSTALLER, dryRun = false): Promise<ApiResponse> => cp.request('PATCH',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${body.metadata.name}?fieldManager=cdk-lattice-eks&force=true${dryRun ? '&dryRun=All' : ''}`,
    { body, contentType: 'application/apply-patch+yaml', as: user, asGroups: ['system:masters', 'system:authenticated'] });
  const installed = async (name: string): Promise<string | undefined> =>
    (await cp.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).body?.metadata?.annotations?.[GATEWAY_API_BUNDLE_VERSION_ANNOTATION];

  beforeAll(async () => {
    cp = await ControlPlane.start(binaries.dir!);
    for (const body of [crd('httproutes', 'HTTPRoute', 'v1.6.3'), crd('grpcroutes', 'GRPCRoute'), crd('widgets', 'Widget', 'v1.6.3', 'example.com')]) {
      const res = await cp.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body });
      expect({ status: res.status, error: res.status < 300 ? '' : apiError(res) }).toEqual({ status: 201, error: '' });
    }
    for (const object of gatewayApiDowngradeGuard(INSTALLER, FIX)) {
      const res = await cp.request('POST', '/apis/admissionregistration.k8s.io/v1/' + (object.kind === 'ValidatingAdmissionPolicy'
        ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings'), { body: object });
      expect({ kind: object.kind, status: res.status, error: res.status < 300 ? '' : apiError(res) }).toEqual({ kind: object.kind, status: 201, error: '' });
    }
    // The API server starts enforcing a new policy within moments: wait until it denies a downgrade (a dry run: nothing changes).
    const deadline = Date.now() + 30_000;
    while ((await apply(crd('httproutes', 'HTTPRoute', 'v1.5.1'), INSTALLER, true)).status < 300) {
      if (Date.now() > deadline) {
        const status = (await cp.request('GET', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/cdk-lattice-eks-gateway-api-no-downgrade')).body?.status;
        throw new Error(`the downgrade guard never took effect: ${JSON.stringify(status)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 300_000);

  afterAll(async () => {
    await cp?.stop();
  });

  test.each([
    ['an older minor', 'v1.5.1'],
    ['an older patch', 'v1.6.2'],
    ['a value that is no release', 'main'],
  ])('the installer may not replace bundle v1.6.3 with %s; the message names both and the fix', async (_what, version) => {
    const res = await apply(crd('httproutes', 'HTTPRoute', version));
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(`the cluster has Gateway API CRDs of bundle v1.6.3 (httproutes.gateway.networking.k8s.io); the installer will not replace them with bundle '${version}', an older one: ${FIX}`);
    expect(await installed('httproutes.gateway.networking.k8s.io')).toBe('v1.6.3');
  });

  test('an apply without the annotation leaves the installed release (server-side apply removes only fields it owned)', async () => {
    expect((await apply(crd('httproutes', 'HTTPRoute'))).status).toBe(200);
    expect(await installed('httproutes.gateway.networking.k8s.io')).toBe('v1.6.3');
  });

  test('other users, CRDs of other groups and CRDs without a release annotation are not guarded', async () => {
    expect((await apply(crd('widgets', 'Widget', 'v1.5.1', 'example.com'))).status).toBe(200);
    expect((await apply(crd('grpcroutes', 'GRPCRoute', 'v1.5.1'))).status).toBe(200);
    expect(await installed('grpcroutes.gateway.networking.k8s.io')).toBe('v1.5.1');
    // Now that it carries a release, the installer may only move it forward; a cluster admin still may do anything.
    expect((await apply(crd('grpcroutes', 'GRPCRoute', 'v1.5.0'))).status).toBe(403);
    expect((await apply(crd('grpcroutes', 'GRPCRoute', 'v1.5.0'), 'cluster-admin')).status).toBe(200);
  });

  test('the same release and newer ones are applied', async () => {
    for (const version of ['v1.6.3', 'v1.7.0']) {
      const res = await apply(crd('httproutes', 'HTTPRoute', version));
      expect({ version, status: res.status, error: res.status < 300 ? '' : apiError(res) }).toEqual({ version, status: 200, error: '' });
    }
    expect(await installed('httproutes.gateway.networking.k8s.io')).toBe('v1.7.0');
    expect((await apply(crd('httproutes', 'HTTPRoute', 'v1.6.3'))).status).toBe(403);
  });
});

/**
 * Native injection (SidecarInjection.NATIVE) against the Kyverno path, on a real Kubernetes
 * 1.36 API server (etcd + kube-apiserver + kube-controller-manager built from the Go module
 * proxy by scripts/engines/control-plane.sh at NATIVE_KUBERNETES, cached per version).
 *
 * For each iptables backend (node group: nft and legacy; Auto Mode: nft), every pod shape of
 * the Kyverno engine test goes through both paths:
 * - Kyverno: the pod admitted (dry run) by the API server with no mutating policy installed, the
 *   synthesized MutatingPolicy run on the result by the Kyverno CLI at the pinned version, and its
 *   output admitted again (as a webhook sits between two rounds of the built-in plugins);
 * - native: the synthesized MutatingAdmissionPolicy and binding created on the API server,
 *   the original pod admitted (dry run) through it.
 * Both admitted pods (API server defaults and ServiceAccount admission applied alike) must be
 * equal field for field, but for what the server generates per request (uid, timestamps,
 * managedFields, the random suffix of the service account token volume).
 *
 * Without Go (or the binaries) the suite is skipped with one line, or fails when CI is set.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { parseAllDocuments, stringify } from 'yaml';
import { LatticeEksCluster } from '../../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../../src/network/service-network';
import { IptablesBackend, SidecarInjection, SigV4SidecarPolicy } from '../../src/sidecar/sigv4-sidecar-policy';
import { ControlPlane, controlPlaneBinaries } from '../util/control-plane';
import { k8sObjectsInTemplate } from '../util/k8s-schema';
import { kyvernoCli, runKyverno } from '../util/kyverno-cli';
import { pod, SHAPES } from '../util/pod-shapes';

/** The newest Kubernetes 1.36 release the Go module proxy serves (k8s.io/kubernetes). */
const NATIVE_KUBERNETES = 'v1.36.3';

const binaries = controlPlaneBinaries(NATIVE_KUBERNETES);
const cli = kyvernoCli();
const missing = binaries.missing ?? cli.missing;
if (missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`Native injection engine test skipped: missing ${missing}`);
}
const describeWithEngines = !missing || process.env.CI === 'true' ? describe : describe.skip;

const MAP_API = '/apis/admissionregistration.k8s.io/v1';
const CASES: Array<[IptablesBackend, boolean]> = [[IptablesBackend.NFT, false], [IptablesBackend.LEGACY, false], [IptablesBackend.NFT, true]];
const label = (backend: IptablesBackend, autoMode: boolean) => `${backend} (${autoMode ? 'Auto Mode' : 'node group'})`;
const key = (p: any) => `${p.metadata.namespace}/${p.metadata.name}`;

/** The Kubernetes objects of a 1.36 cluster stack with a SigV4SidecarPolicy. */
function synth(backend: IptablesBackend, autoMode: boolean, injection: SidecarInjection): any[] {
  const app = new App();
  const shared = new Stack(app, 'Shared');
  const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' });
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const stack = new Stack(app, 'Cluster1');
  const cluster = new LatticeEksCluster(stack, 'Lattice', {
    clusterName: 'eks-cluster1',
    kubectlLayer: new KubectlV36Layer(stack, 'Kubectl'),
    version: eks.KubernetesVersion.V1_36,
    serviceNetwork,
    domain,
    autoMode,
  });
  new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], iptablesBackend: backend, injection });
  return k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object);
}

/** The JSON of `value` with the random suffix of the service account token volume masked. */
const masked = (value: unknown) => String(JSON.stringify(value)).replace(/kube-api-access-[a-z0-9]{5}\b/g, 'kube-api-access-*');

/** What the server makes up per request: left out of the comparison. */
function normalized(p: any): any {
  const { uid: _u, creationTimestamp: _c, managedFields: _m, resourceVersion: _r, ...metadata } = p.metadata;
  return JSON.parse(masked({ ...p, metadata }));
}

describeWithEngines('native MutatingAdmissionPolicy against Kyverno on Kubernetes ' + NATIVE_KUBERNETES, () => {
  let cp: ControlPlane | undefined;
  let dir: string;
  /** Per case: pods admitted through each path, by namespace/name; the native policy's objects. */
  const viaKyverno = new Map<string, Map<string, any>>();
  const viaNative = new Map<string, Map<string, any>>();
  const nativeObjects = new Map<string, any[]>();
  let guardRejected: string[] = [];

  const admit = async (p: any) => {
    const res = await cp!.request('POST', `/api/v1/namespaces/${p.metadata.namespace}/pods?dryRun=All`, { body: p });
    if (res.status !== 201) throw new Error(`${key(p)}: ${res.status} ${JSON.stringify(res.body?.message ?? res.body)}`);
    return res.body;
  };
  const create = async (urlPath: string, body: unknown) => {
    const res = await cp!.request('POST', urlPath, { body });
    if (res.status !== 201) throw new Error(`POST ${urlPath}: ${res.status} ${JSON.stringify(res.body?.message ?? res.body)}`);
  };
  const waitFor = async (what: string, done: () => Promise<boolean>, detail: () => Promise<string> = async () => '') => {
    const deadline = Date.now() + 60_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${await detail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    if (!binaries.dir || !cli.bin) throw new Error(`native injection engine test needs ${missing} (required with CI=true)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-injection-'));
    cp = await ControlPlane.start(binaries.dir);
    for (const ns of ['apps', 'other']) await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await create('/api/v1/namespaces/apps/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'client' } });
    for (const ns of ['apps', 'other', 'kube-system']) {
      await waitFor(`the default ServiceAccount of ${ns}`, async () => (await cp!.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200);
    }
    // 1. The Kyverno path, for every case, before any mutating policy exists on the server, in the
    // order of a real API server: the built-in admission plugins (ServiceAccount adds its token
    // volume), then Kyverno's webhook, then the built-in plugins again (they are reinvoked after a
    // webhook changes the object: ServiceAccount mounts the token into the new containers).
    const builtIn: any[] = [];
    for (const [, p] of SHAPES) {
      const { status: _s, ...admitted } = await admit(p);
      const { uid: _u, creationTimestamp: _c, managedFields: _m, resourceVersion: _r, ...metadata } = admitted.metadata;
      builtIn.push({ ...admitted, metadata });
    }
    fs.writeFileSync(path.join(dir, 'pods.yaml'), builtIn.map((p) => stringify(p)).join('---\n'));
    for (const [backend, autoMode] of CASES) {
      const policy = synth(backend, autoMode, SidecarInjection.KYVERNO).find((o) => o.kind === 'MutatingPolicy');
      const file = path.join(dir, `${backend}-${autoMode}`);
      fs.writeFileSync(`${file}.policy.yaml`, stringify(policy));
      runKyverno(cli.bin, ['apply', `${file}.policy.yaml`, '--resource', path.join(dir, 'pods.yaml'), '-o', `${file}.mutated.yaml`]);
      const mutated = parseAllDocuments(fs.readFileSync(`${file}.mutated.yaml`, 'utf8')).map((d) => d.toJS()).filter(Boolean);
      expect(mutated).toHaveLength(SHAPES.length);
      const admitted = new Map<string, any>();
      for (const p of mutated) admitted.set(key(p), await admit(p));
      viaKyverno.set(label(backend, autoMode), admitted);
    }

    // 2. The native path: the synthesized MutatingAdmissionPolicy and binding, one case at a time.
    for (const [backend, autoMode] of CASES) {
      const objects = synth(backend, autoMode, SidecarInjection.NATIVE);
      nativeObjects.set(label(backend, autoMode), objects);
      const policy = objects.find((o) => o.kind === 'MutatingAdmissionPolicy');
      const binding = objects.find((o) => o.kind === 'MutatingAdmissionPolicyBinding');
      await cp.request('DELETE', `${MAP_API}/mutatingadmissionpolicybindings/${binding.metadata.name}`);
      await cp.request('DELETE', `${MAP_API}/mutatingadmissionpolicies/${policy.metadata.name}`);
      await create(`${MAP_API}/mutatingadmissionpolicies`, policy);
      await create(`${MAP_API}/mutatingadmissionpolicybindings`, binding);
      // The API server loads policies asynchronously: wait until a probe pod gets this case's containers.
      const expected = viaKyverno.get(label(backend, autoMode))!.get('apps/bare').spec.initContainers;
      let probe: any;
      await waitFor(`the MutatingAdmissionPolicy of ${label(backend, autoMode)} to apply`, async () => {
        probe = await admit(pod('probe', 'apps', {}));
        return masked(probe.spec.initContainers) === masked(expected);
      }, async () => {
        const status = await cp!.request('GET', `${MAP_API}/mutatingadmissionpolicies/${policy.metadata.name}`);
        return `: the probe pod got ${JSON.stringify(probe?.spec?.initContainers)}, expected ${JSON.stringify(expected)}; `
          + `policy status ${JSON.stringify(status.body?.status)}\n${cp!.logTail('kube-apiserver', 10)}`;
      });
      const admitted = new Map<string, any>();
      for (const [, p] of SHAPES) admitted.set(key(p), await admit(p));
      viaNative.set(label(backend, autoMode), admitted);
    }

    // 3. The guard (ValidatingAdmissionPolicy) after native injection, with the last case's policies.
    const guard = nativeObjects.get(label(...CASES[CASES.length - 1]))!
      .filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy') && o.metadata.name.startsWith('lattice-sigv4-proxy'));
    for (const o of guard) await create(`${MAP_API}/${o.kind.toLowerCase().replace(/y$/, 'ie')}s`, o);
    await waitFor('the guard to reject a pod that was not injected', async () => {
      const res = await cp!.request('POST', '/api/v1/namespaces/other/pods?dryRun=All', { body: pod('probe', 'other', {}) });
      return res.status === 422 || res.status === 403;
    });
    for (const [, p] of SHAPES) {
      const res = await cp.request('POST', `/api/v1/namespaces/${p.metadata.namespace}/pods?dryRun=All`, { body: p });
      if (res.status !== 201) guardRejected.push(key(p));
    }
    guardRejected = guardRejected.sort();
  }, 20 * 60_000);

  afterAll(async () => {
    if (cp) await cp.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the API server is the 1.36 release and serves MutatingAdmissionPolicy v1', async () => {
    const version = await cp!.request('GET', '/version');
    expect(version.body.gitVersion).toBe(NATIVE_KUBERNETES);
    expect(await cp!.resourceFor('admissionregistration.k8s.io/v1', 'MutatingAdmissionPolicy')).toBeDefined();
  });

  test.each(CASES.map(([b, a]) => [label(b, a)]))('%s: the native path installs no Kyverno, and the policy type-checks without warnings', async (name) => {
    const objects = nativeObjects.get(name)!;
    expect(objects.map((o) => o.kind)).not.toContain('MutatingPolicy');
    expect(objects.some((o) => JSON.stringify(o).includes('kyverno.io'))).toBe(false);
    const policy = objects.find((o) => o.kind === 'MutatingAdmissionPolicy');
    const res = await cp!.request('GET', `${MAP_API}/mutatingadmissionpolicies/${policy.metadata.name}`);
    expect(res.status).toBe(200);
    expect(res.body.status?.typeChecking?.expressionWarnings ?? []).toEqual([]);
  });

  const rows = CASES.flatMap(([b, a]) => SHAPES.map(([shape, p, injected]) =>
    [label(b, a), shape, key(p), injected] as [string, string, string, boolean]));
  test.each(rows)('%s, %s: the same pod field for field', (name, _shape, podKey, injected) => {
    const kyverno = viaKyverno.get(name)!.get(podKey);
    const native = viaNative.get(name)!.get(podKey);
    expect(native).toBeDefined();
    expect(normalized(native)).toEqual(normalized(kyverno));
    const names = (native.spec.initContainers ?? []).map((c: any) => c.name);
    if (injected) expect(names.slice(0, 2)).toEqual(['lattice-sigv4-iptables', 'lattice-sigv4-proxy']);
    else expect(names.slice(0, 2)).not.toEqual(['lattice-sigv4-iptables', 'lattice-sigv4-proxy']);
  });

  test('the guard admits every natively injected pod and rejects only the opted-in pods left unprotected', () => {
    // As with Kyverno (test/engines/kyverno.test.ts), but the binding's namespace selector applies here:
    // kube-system is not guarded.
    expect(guardRejected).toEqual(['apps/again', 'apps/host', 'apps/netadmin', 'apps/privileged', 'other/elsewhere']);
  });
});

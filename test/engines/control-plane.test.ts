/**
 * Every Kubernetes manifest of the examples' cluster stacks, applied to a real Kubernetes API
 * server the way the aws-eks-v2 kubectl handler does, in orders CloudFormation may legally
 * choose, then deleted in reverse (test/util/k8s-replay.ts). Helm charts are not installed;
 * the CRDs they and the Gateway API installer Job bring are, from the reference CRD folder.
 * Also: the guard ValidatingAdmissionPolicy enforced by the API server, and two defects this
 * found (marked `test.failing` until the library is fixed).
 *
 * The control plane (etcd, kube-apiserver, kube-controller-manager at the library's default
 * Kubernetes minor) is built once per machine from the Go module proxy into a cache outside
 * the repository (scripts/engines/control-plane.sh, 5-15 minutes cold on 2 cores) and runs on
 * loopback (test/util/control-plane.ts). Without Go, openssl or the reference CRDs the suite is
 * skipped with one line, or fails when CI is set.
 */
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCrossClusterExample } from '../../examples/cross-cluster/app';
import { ClusterStack } from '../../examples/cross-cluster/cluster-stack';
import { addMultiAccountExample } from '../../examples/multi-account/app';
import { addPrivateClusterExample } from '../../examples/private-cluster/app';
import { gatewayApiCrdsJobName } from '../../src/k8s/gateway-api-crds-job';
import { injectedContainers } from '../../src/k8s/sidecar';
import { PinnedVersions } from '../../src/versions';
import { apiError, ControlPlane, controlPlaneBinaries, objectPath } from '../util/control-plane';
import {
  deleteAllCrds, describeObject, isIdentityStep, isWorkloadStep, legalOrder, parallelWaves, Replay, ReplayOptions, ReplayPlan, replayPlan,
  ReplayResult, TIE_BREAKS,
} from '../util/k8s-replay';
import { defaultCrdsDir, k8sObjectsInTemplate, referenceCrdsPresent, validateK8sObject } from '../util/k8s-schema';

const binaries = controlPlaneBinaries();
const missing = binaries.missing ?? (referenceCrdsPresent() ? undefined : `the reference CRDs (${defaultCrdsDir()})`);
if (missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`Control-plane engine test skipped: missing ${missing}`);
}
const describeWithControlPlane = !missing || process.env.CI === 'true' ? describe : describe.skip;

/** The reference CRD folder of `<prefix><version>`, else of the same minor (the reference data may lag a patch release). */
function referenceFolder(prefix: string, version: string): string | undefined {
  const folders = fs.existsSync(defaultCrdsDir()) ? fs.readdirSync(defaultCrdsDir()) : [];
  if (folders.includes(`${prefix}${version}`)) return `${prefix}${version}`;
  const minor = version.split('.').slice(0, 2).join('.');
  return folders.find((f) => f.startsWith(`${prefix}${minor}.`)) ?? (folders.includes(prefix.replace(/-$/, '')) ? prefix.replace(/-$/, '') : undefined);
}

const REPLAY_OPTIONS: ReplayOptions = {
  chartCrds: (chart) => {
    if (chart === 'aws-gateway-controller-chart') return referenceFolder('aws-gateway-controller-', PinnedVersions.GATEWAY_API_CONTROLLER_CHART);
    if (chart === 'kyverno') return referenceFolder('kyverno-', PinnedVersions.KYVERNO);
    if (chart === 'external-dns') return referenceFolder('external-dns-', `v${PinnedVersions.EXTERNAL_DNS_CHART}`);
    return undefined;
  },
  jobBundleCrds: (job) => [gatewayApiCrdsJobName(PinnedVersions.GATEWAY_API), gatewayApiCrdsJobName(PinnedVersions.GATEWAY_API, true)].includes(job)
    ? referenceFolder('gateway-api-', PinnedVersions.GATEWAY_API) : undefined,
};

/** The five cluster stacks of the examples. */
function clusterStacks(): { crossCluster: ClusterStack[]; all: Array<[string, any]> } {
  const cross = addCrossClusterExample(new App());
  const multi = addMultiAccountExample(new App());
  const priv = addPrivateClusterExample(new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } }));
  const stacks = [...cross.clusters, ...multi.workloads, priv.cluster];
  return { crossCluster: cross.clusters, all: stacks.map((s) => [s.stackName, Template.fromStack(s).toJSON()]) };
}

const { crossCluster, all: STACKS } = clusterStacks();
const TEMPLATES = new Map(STACKS);
const PLANS = new Map<string, ReplayPlan>(STACKS.map(([name, t]) => [name, replayPlan(t)]));

/** The orders replayed for every stack: CloudFormation's parallel waves, and one sequential order with the opposite tie-break. */
const ORDERS = ['parallel waves', 'descending ids'] as const;

function ordersOf(plan: ReplayPlan, order: string): { create: string[][]; destroy: string[][] } {
  if (order === 'parallel waves') return { create: parallelWaves(plan), destroy: parallelWaves(plan, true) };
  const create = legalOrder(plan, TIE_BREAKS[order]);
  return { create: create.map((id) => [id]), destroy: [...create].reverse().map((id) => [id]) };
}

function summary(result: ReplayResult): string {
  return `failures:\n  ${result.failures.join('\n  ')}\n\nlog:\n  ${result.log.join('\n  ')}`;
}

describeWithControlPlane('a real Kubernetes control plane', () => {
  let cp: ControlPlane;

  beforeAll(async () => {
    if (!binaries.dir || missing) throw new Error(`control-plane engine test needs ${missing} (required with CI=true)`);
    cp = await ControlPlane.start(binaries.dir);
  }, 180_000);

  afterAll(async () => {
    await cp?.stop();
  }, 60_000);

  /** Replays `create` then `destroy` on a cluster without CRDs, and removes the CRDs afterwards. */
  async function replay(plan: ReplayPlan, orders: { create: string[][]; destroy: string[][] }): Promise<ReplayResult> {
    const result = await new Replay(cp, plan, REPLAY_OPTIONS).run(orders.create, orders.destroy);
    await deleteAllCrds(cp);
    return result;
  }

  test('runs Kubernetes at the library\'s default minor', async () => {
    const version = await cp.request('GET', '/version');
    expect(version.status).toBe(200);
    expect(`${version.body.major}.${version.body.minor}`).toBe('1.35');
    expect(fs.existsSync(cp.kubeconfigPath)).toBe(true);
  });

  test('the replay covers the examples\' five cluster stacks, and its sequential orders differ', () => {
    expect(STACKS.map(([name]) => name)).toEqual(['eks-cluster1', 'eks-cluster2', 'lattice-workload-eks-b', 'lattice-workload-eks-c', 'eks-private-cluster']);
    const objects = STACKS.flatMap(([, t]) => k8sObjectsInTemplate(t));
    expect(new Set(objects.map((o) => o.logicalId)).size).toBeGreaterThanOrEqual(50);
    expect(objects.length).toBeGreaterThanOrEqual(100);
    for (const plan of PLANS.values()) {
      const [a, b] = [legalOrder(plan, TIE_BREAKS['ascending ids']), legalOrder(plan, TIE_BREAKS['descending ids'])];
      expect(a).not.toEqual(b);
      expect([...a].sort()).toEqual([...b].sort());
    }
  });

  describe.each(STACKS.map(([name]) => name))('%s', (stackName) => {
    test.each(ORDERS)('in %s: every object is accepted, then deleted; namespaces finish terminating', async (order) => {
      const plan = PLANS.get(stackName)!;
      const result = await replay(plan, ordersOf(plan, order));
      if (result.failures.length > 0) throw new Error(`${stackName}, ${order}: ${result.failures.length} failure(s)\n${summary(result)}`);
      // Everything the template created is gone, the namespaces it did not create are still there.
      for (const o of k8sObjectsInTemplate(TEMPLATES.get(stackName))) {
        const resource = await cp.resourceFor(o.object.apiVersion, o.object.kind);
        if (!resource) continue; // its CRD is gone, and the object with it
        const res = await cp.request('GET', objectPath(resource, o.object.metadata.namespace, o.object.metadata.name));
        expect([o.logicalId, describeObject(o.object), res.status]).toEqual([o.logicalId, describeObject(o.object), 404]);
      }
      for (const ns of ['default', 'kube-system']) expect((await cp.request('GET', `/api/v1/namespaces/${ns}`)).body.status.phase).toBe('Active');
    }, 240_000);
  });

  describe('negative: the API server refuses what the library must never produce', () => {
    const stack = 'eks-cluster1';

    test('a namespaced object applied before its namespace fails, naming the logical id, the object and the API server\'s message', async () => {
      const plan = PLANS.get(stack)!;
      const legal = legalOrder(plan, TIE_BREAKS['ascending ids']);
      const namespaceStep = [...plan.steps.values()].find((s) => s.objects.some((o) => o.object.kind === 'Namespace' && o.object.metadata.name === 'apps'))!;
      // Not a legal order: the namespace last.
      const illegal = [...legal.filter((id) => id !== namespaceStep.id), namespaceStep.id];
      const result = await replay(plan, { create: illegal.map((id) => [id]), destroy: [...illegal].reverse().map((id) => [id]) });
      const configMap = k8sObjectsInTemplate(TEMPLATES.get(stack)).find((o) => o.object.kind === 'ConfigMap' && o.object.metadata.namespace === 'apps')!;
      expect(result.failures).toContainEqual(expect.stringContaining(
        `${configMap.logicalId} (Custom::AWSCDK-EKS-KubernetesResource): create v1/ConfigMap apps/${configMap.object.metadata.name} [${configMap.index}]: 404 NotFound: namespaces "apps" not found`));
    }, 240_000);

    test('an HTTPRoute breaking a Gateway API CEL rule passes the schema check but not the API server', async () => {
      const route = structuredClone(k8sObjectsInTemplate(TEMPLATES.get(stack)).find((o) => o.object.kind === 'HTTPRoute')!.object);
      route.spec.rules[0].matches = [{ path: { type: 'PathPrefix', value: 'api' } }];
      expect(validateK8sObject(route)).toEqual([]);
      const plan = PLANS.get(stack)!;
      const namespaceStep = [...plan.steps.values()].find((s) => s.objects.some((o) => o.object.kind === 'Namespace' && o.object.metadata.name === 'apps'))!;
      const crdStep = [...plan.steps.values()].find((s) => s.properties.ObjectType === 'job')!;
      const installer = [...plan.after.get(crdStep.id)!, crdStep.id];
      const create = [...installer, namespaceStep.id].map((id) => [id]);
      const replayer = new Replay(cp, plan, REPLAY_OPTIONS);
      try {
        const setUp = await replayer.run(create, []);
        expect(setUp.failures).toEqual([]);
        const res = await cp.request('POST', '/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes?fieldValidation=Strict', { body: route });
        expect(res.status).toBe(422);
        expect(apiError(res)).toMatch(/must be an absolute path and start with '\/'/);
      } finally {
        await new Replay(cp, plan, REPLAY_OPTIONS).run([], [...create].reverse());
        await deleteAllCrds(cp);
      }
    }, 240_000);
  });

  describe('the SigV4 guard ValidatingAdmissionPolicy, enforced by the API server (eks-cluster1 deployed)', () => {
    const stack = 'eks-cluster1';
    const sidecar = crossCluster[0].sidecar;
    const optIn = { [sidecar.annotationKey]: 'true' };
    const image = 'public.ecr.aws/docker/library/busybox:1.37';
    const injected = () => injectedContainers({
      proxyImage: PinnedVersions.ENVOY_IMAGE,
      iptablesImage: PinnedVersions.IPTABLES_IMAGE,
      proxyPort: sidecar.proxyPort,
      healthPort: sidecar.healthPort,
      proxyUid: sidecar.proxyUid,
      iptablesMode: 'nft',
    });
    const pod = (name: string, namespace: string, spec: Record<string, unknown>, annotations: Record<string, string> = optIn) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, annotations }, spec: { containers: [{ name: 'app', image }], ...spec },
    });
    const create = (p: any) => cp.request('POST', `/api/v1/namespaces/${p.metadata.namespace}/pods`, { body: p });
    let plan: ReplayPlan;
    let waves: { create: string[][]; destroy: string[][] };

    beforeAll(async () => {
      plan = PLANS.get(stack)!;
      waves = ordersOf(plan, 'parallel waves');
      const result = await new Replay(cp, plan, REPLAY_OPTIONS).run(waves.create, []);
      if (result.failures.length > 0) throw new Error(summary(result));
    }, 240_000);

    afterAll(async () => {
      await new Replay(cp, plan, REPLAY_OPTIONS).run([], waves.destroy);
      await deleteAllCrds(cp);
    }, 240_000);

    test('rejects an opted-in pod that was not injected (once the policy is loaded)', async () => {
      let res = await create(pod('not-injected', 'apps', {}));
      // The API server loads new policies within a second or two.
      for (let i = 0; i < 50 && res.status === 201; i++) {
        await cp.request('DELETE', '/api/v1/namespaces/apps/pods/not-injected');
        await new Promise((r) => setTimeout(r, 200));
        res = await create(pod('not-injected', 'apps', {}));
      }
      expect(res.status).toBe(403);
      expect(apiError(res)).toMatch(/ValidatingAdmissionPolicy 'lattice-sigv4-proxy-guard'.*was not injected: add namespace 'apps'/);
    });

    test('admits injected pods, pods that do not opt in, and system namespaces', async () => {
      const results = await Promise.all([
        create(pod('injected', 'apps', { initContainers: injected() })),
        create(pod('plain', 'apps', {}, {})),
        create(pod('system', 'kube-system', {})),
      ]);
      expect(results.map((r) => (r.status === 201 ? 201 : apiError(r)))).toEqual([201, 201, 201]);
    });

    test('rejects an injected pod whose application runs as the proxy\'s uid', async () => {
      const res = await create(pod('as-proxy', 'apps', { initContainers: injected(), securityContext: { runAsUser: sidecar.proxyUid } }));
      expect(apiError(res)).toMatch(new RegExp(`403 .*must not run as its uid ${sidecar.proxyUid}`));
    });

    // Defect 3 of the control-plane issue: a hostNetwork pod in a listed namespace is told to add
    // the namespace to the policy (the first validation), not that hostNetwork is refused.
    // Turn into `test` when the guard orders its checks.
    test.failing('DEFECT: an opted-in hostNetwork pod in a listed namespace is rejected for hostNetwork, not told to add the namespace', async () => {
      const res = await create(pod('host', 'apps', { hostNetwork: true }));
      expect(res.status).toBe(403);
      expect(apiError(res)).toMatch(/must not use hostNetwork/);
      expect(apiError(res)).not.toMatch(/add namespace/);
    });
  });

  describe('defect: a workload can be applied before the identity of its pods', () => {
    const stack = 'eks-cluster1';
    let result: ReplayResult;

    test('the order with workloads first and identities last is legal, and every object is accepted', async () => {
      const plan = PLANS.get(stack)!;
      const order = legalOrder(plan, TIE_BREAKS['workloads first, identities last']);
      expect(order.some((id) => isWorkloadStep(plan.steps.get(id)!))).toBe(true);
      expect(order.some((id) => isIdentityStep(plan.steps.get(id)!))).toBe(true);
      result = await replay(plan, { create: order.map((id) => [id]), destroy: [...order].reverse().map((id) => [id]) });
      expect(result.failures).toEqual([]);
    }, 240_000);

    // Defect 1 of the control-plane issue: the demo Deployment waits for Kyverno and the policy,
    // not for the ServiceAccount and Pod Identity association SigV4SidecarPolicy.addClient()
    // creates; its ReplicaSet fails until they exist, and on EKS its pods get no credentials.
    // Turn into `test` when every workload depends on the identity its pods use.
    test.failing('DEFECT: no workload is applied before its ServiceAccount and Pod Identity association', () => {
      expect(result).toBeDefined();
      expect(result.identityViolations).toEqual([]);
    });
  });
});

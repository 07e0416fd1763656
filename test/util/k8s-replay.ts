/**
 * Replays what CloudFormation and the aws-eks-v2 kubectl handler do to a cluster, against a
 * real API server ({@link ControlPlane}): every step of a synthesized cluster stack that
 * touches Kubernetes, in an order CloudFormation may legally choose (any order that respects
 * the template's DependsOn/Ref graph), then the deletion in the reverse order.
 *
 * Steps, by resource type:
 * - `Custom::AWSCDK-EKS-KubernetesResource`: Create is `kubectl create --save-config -f`
 *   (each object POSTed in manifest order with the last-applied annotation and strict field
 *   validation; an error does not stop the next objects); Delete is `kubectl delete -f`
 *   (each object deleted, then waited for until it is gone, finalizers and namespace
 *   termination included).
 * - `Custom::AWSCDK-EKS-KubernetesPatch`: `kubectl patch` with the apply patch, the restore
 *   patch on Delete.
 * - `Custom::AWSCDK-EKS-HelmChart`: charts are not installed; the CRDs the chart brings are
 *   (from the reference CRD folder; like Helm, only those that do not exist yet), and its
 *   namespace with `CreateNamespace`. Helm keeps both on uninstall. A test may run what the
 *   chart's Deployment would (e.g. Kyverno's admission controller) from the chart hooks.
 * - `Custom::AWSCDK-EKS-KubernetesObjectValue`: the object must exist; its JSON path is read
 *   (waiting for a value when the options say so) and the value replaces `Fn::GetAtt <id>.Value`
 *   in the manifests created after it. When it is a Job, the
 *   Job's kubectl steps run as its service account (impersonated, so its RBAC is what is
 *   tested): `apply --server-side` of a CRD bundle (the reference CRDs of that release) and
 *   `delete <type> <name>`.
 * - `AWS::EKS::PodIdentityAssociation`: recorded, so a workload applied before the identity of
 *   its pods can be reported.
 *
 * CRDs stay after a replay (Helm and the installer leave them), so a later replay on the same
 * control plane runs on a cluster that has them, as an attached cluster may. A custom object
 * created before the step that brings its CRD still fails, as on a new cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ApiResource, apiError, ControlPlane, objectPath } from './control-plane';
import { DependencyGraph } from './graph';
import { defaultCrdsDir, k8sObjectsInTemplate, KUBERNETES_RESOURCE_TYPE, renderManifest, TemplateK8sObject, TOKEN_PLACEHOLDER } from './k8s-schema';

export const HELM_CHART_TYPE = 'Custom::AWSCDK-EKS-HelmChart';
export const OBJECT_VALUE_TYPE = 'Custom::AWSCDK-EKS-KubernetesObjectValue';
export const PATCH_TYPE = 'Custom::AWSCDK-EKS-KubernetesPatch';
export const POD_IDENTITY_TYPE = 'AWS::EKS::PodIdentityAssociation';
const STEP_TYPES = new Set([KUBERNETES_RESOURCE_TYPE, HELM_CHART_TYPE, OBJECT_VALUE_TYPE, PATCH_TYPE, POD_IDENTITY_TYPE]);

/** Kinds whose objects carry a pod template at `spec.template` (CronJob: `spec.jobTemplate.spec.template`). */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/** A step of the replay: one CloudFormation resource that touches the cluster. */
export interface ReplayStep {
  readonly id: string;
  readonly type: string;
  readonly properties: any;
  /** The manifest's objects (KubernetesResource only). */
  readonly objects: TemplateK8sObject[];
}

/** The steps of a template and the order CloudFormation must respect between them. */
export interface ReplayPlan {
  readonly steps: Map<string, ReplayStep>;
  /** id -> ids it (transitively) depends on: created before it, deleted after it. */
  readonly after: Map<string, Set<string>>;
}

/** The replay steps of a synthesized template and their dependencies (transitive, through resources that are not steps). */
export function replayPlan(template: any): ReplayPlan {
  const resources: Record<string, any> = template.Resources ?? {};
  const objects = k8sObjectsInTemplate(template);
  const steps = new Map<string, ReplayStep>();
  for (const [id, r] of Object.entries<any>(resources)) {
    if (!STEP_TYPES.has(r.Type)) continue;
    steps.set(id, { id, type: r.Type, properties: r.Properties ?? {}, objects: objects.filter((o) => o.logicalId === id) });
  }
  const graph = new DependencyGraph(template);
  const after = new Map<string, Set<string>>();
  for (const a of steps.keys()) after.set(a, new Set([...steps.keys()].filter((b) => b !== a && graph.dependsOn(a, b))));
  return { steps, after };
}

/** Whether a step creates a workload (an object with a pod template). */
function isWorkloadStep(step: ReplayStep): boolean {
  return step.objects.some((o) => WORKLOAD_KINDS.has(o.object.kind));
}

/** Whether a step creates the identity of pods: a ServiceAccount or a Pod Identity association. */
function isIdentityStep(step: ReplayStep): boolean {
  return step.type === POD_IDENTITY_TYPE || (step.objects.length > 0 && step.objects.every((o) => o.object.kind === 'ServiceAccount'));
}

/**
 * A creation order CloudFormation may choose (a topological order of the plan): among the
 * steps whose dependencies are done, the one `compare` puts first.
 */
export function legalOrder(plan: ReplayPlan, compare: (a: ReplayStep, b: ReplayStep) => number): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < plan.steps.size) {
    const ready = [...plan.steps.values()].filter((s) => !done.has(s.id) && [...plan.after.get(s.id)!].every((d) => done.has(d)));
    if (ready.length === 0) throw new Error('dependency cycle among the replay steps');
    const next = ready.sort(compare)[0];
    done.add(next.id);
    order.push(next.id);
  }
  return order;
}

/** Named tie-breaks for {@link legalOrder}. */
export const TIE_BREAKS: Record<string, (a: ReplayStep, b: ReplayStep) => number> = {
  /** Workloads as early and ServiceAccounts / Pod Identity associations as late as the graph allows. */
  'workloads first, identities last': (a, b) => {
    const rank = (s: ReplayStep) => (isWorkloadStep(s) ? 0 : isIdentityStep(s) ? 2 : 1);
    return rank(a) - rank(b) || a.id.localeCompare(b.id);
  },
};

/**
 * CloudFormation's parallel creation: wave n holds the steps whose dependencies are all in
 * earlier waves. With `reverse`, the deletion waves (a step goes once every step that depends
 * on it is gone).
 */
export function parallelWaves(plan: ReplayPlan, reverse = false): string[][] {
  const blockers = new Map<string, Set<string>>();
  for (const id of plan.steps.keys()) {
    blockers.set(id, reverse ? new Set([...plan.steps.keys()].filter((other) => plan.after.get(other)!.has(id))) : new Set(plan.after.get(id)));
  }
  const done = new Set<string>();
  const waves: string[][] = [];
  while (done.size < plan.steps.size) {
    const wave = [...blockers].filter(([id, deps]) => !done.has(id) && [...deps].every((d) => done.has(d))).map(([id]) => id).sort();
    if (wave.length === 0) throw new Error('dependency cycle among the replay steps');
    wave.forEach((id) => done.add(id));
    waves.push(wave);
  }
  return waves;
}

/**
 * Whether creating the steps in `waves` (each wave in parallel) is allowed: every step once,
 * each after everything it depends on. Returns the violations.
 */
export function orderViolations(plan: ReplayPlan, waves: string[][]): string[] {
  const problems: string[] = [];
  const done = new Set<string>();
  for (const wave of waves) {
    for (const id of wave) {
      if (!plan.steps.has(id)) problems.push(`${id} is not a step`);
      if (done.has(id)) problems.push(`${id} twice`);
      for (const dep of plan.after.get(id) ?? []) if (!done.has(dep)) problems.push(`${id} before ${dep}, which it depends on`);
    }
    wave.forEach((id) => done.add(id));
  }
  for (const id of plan.steps.keys()) if (!done.has(id)) problems.push(`${id} missing`);
  return problems;
}

/** What a replay saw. */
export interface ReplayResult {
  /** Creation and deletion, as waves (one step per wave when sequential). */
  readonly create: string[][];
  readonly destroy: string[][];
  /** Every refused request or unmet expectation, each naming the logical id, the object and the API server's message. */
  readonly failures: string[];
  /** Workloads applied before the ServiceAccount or the Pod Identity association their pods use. */
  readonly identityViolations: string[];
  /** What was done, in order (for failure messages). */
  readonly log: string[];
  /** Objects of the template still on the server after the deletion (should be none). */
  readonly leftovers: string[];
}

/** `<apiVersion>/<kind> <namespace>/<name>` */
export function describeObject(object: any): string {
  const meta = object?.metadata ?? {};
  return `${object?.apiVersion}/${object?.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}`;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A ConfigMap's `binaryData` value that is a CloudFormation token comes from `Fn::Base64`;
 * its placeholder is not base64, so the base64 of the placeholder is sent instead.
 */
function withBase64Tokens(object: any): any {
  if (object.kind === 'ConfigMap' && object.binaryData) {
    for (const [key, value] of Object.entries<string>(object.binaryData)) {
      if (value.includes(TOKEN_PLACEHOLDER)) object.binaryData[key] = Buffer.from(value).toString('base64');
    }
  }
  return object;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const crdCache = new Map<string, any[]>();

/** Reference CRDs (all documents of every YAML file) of one folder of the reference data (parsed once). */
export function referenceCrds(folder: string): any[] {
  const dir = path.join(defaultCrdsDir(), folder);
  const cached = crdCache.get(dir);
  if (cached) return cached;
  if (!fs.existsSync(dir)) throw new Error(`reference CRDs not found: ${dir}`);
  const crds = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS({ maxAliasCount: -1 })))
    .filter((d) => d?.kind === 'CustomResourceDefinition');
  crdCache.set(dir, crds);
  return crds;
}

/** Which reference CRD folder a Helm chart brings (by chart name), or undefined when it brings none we know of. */
export type ChartCrds = (chart: string, version: string) => string | undefined;

/** Options of a replay. */
export interface ReplayOptions {
  /** The reference CRD folder of a chart. */
  readonly chartCrds: ChartCrds;
  /** The reference CRD folder of the bundle a Job applies with `kubectl apply --server-side -f`, by Job name. */
  readonly jobBundleCrds: (jobName: string) => string | undefined;
  /** Give up waiting for one deletion after this long (default 90 s). */
  readonly deleteTimeoutMs?: number;
  /**
   * Which `KubernetesObjectValue` reads wait for a value, polling the JSON path as the handler
   * does (up to the resource's timeout, at most 3 minutes here) and failing the step without
   * one. The others (default: all) are read once and the replay goes on with whatever they found:
   * on a control plane without kubelets, Job status never fills in. Either way the value is what
   * the manifests that use it (`Fn::GetAtt <read>.Value`) are rendered with.
   */
  readonly waitForValue?: (step: ReplayStep) => boolean;
  /** Runs before a step is created (e.g. to wait, as a deploy's pace would, until the API server enforces a policy just created). */
  readonly beforeCreate?: (step: ReplayStep, cp: ControlPlane) => Promise<void>;
  /** Runs when a chart step is created, after its CRDs and namespace (what the chart's Deployment would do). */
  readonly onChartInstall?: (step: ReplayStep, cp: ControlPlane) => Promise<void>;
  /** Runs when a chart step is deleted (helm uninstall). */
  readonly onChartUninstall?: (step: ReplayStep, cp: ControlPlane) => Promise<void>;
}

/**
 * kubectl's JSONPath (the subset the library's reads use): `.a.b`, `\.` inside a key,
 * `[n]`, `[*]` and `[?(@.field==value)]` filters. Results are joined with a space, as kubectl prints them.
 */
export function evalJsonPath(object: unknown, expression: string): string {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (ch === '\\' && expression[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '[') {
      if (current) segments.push(current);
      const end = expression.indexOf(']', i);
      segments.push(expression.slice(i, end + 1));
      current = '';
      i = end;
    } else if (ch === '.') {
      if (current) segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) segments.push(current);
  let nodes: unknown[] = [object];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (node === null || node === undefined) continue;
      if (!seg.startsWith('[')) {
        if (typeof node === 'object' && seg in (node as any)) next.push((node as any)[seg]);
        continue;
      }
      if (!Array.isArray(node)) continue;
      const inner = seg.slice(1, -1);
      const filter = /^\?\(@\.([\w.]+)\s*==\s*(.+)\)$/.exec(inner);
      if (filter) {
        const raw = filter[2].trim();
        const want = /^["'].*["']$/.test(raw) ? raw.slice(1, -1) : raw;
        for (const item of node) {
          const got = filter[1].split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), item);
          if (got !== undefined && String(got) === want) next.push(item);
        }
      } else if (inner === '*') {
        next.push(...node);
      } else if (/^\d+$/.test(inner) && Number(inner) < node.length) {
        next.push(node[Number(inner)]);
      }
    }
    nodes = next;
  }
  return nodes.filter((n) => n !== undefined && n !== null).map((n) => (typeof n === 'object' ? JSON.stringify(n) : String(n))).join(' ');
}

/** Runs replays of one template on a control plane. */
export class Replay {
  private readonly failures: string[] = [];
  private readonly identityViolations: string[] = [];
  /** The namespace and ServiceAccount of each identity violation, in the same order. */
  private readonly violatedIdentities: Array<{ namespace: string; serviceAccount: string }> = [];
  private readonly log: string[] = [];
  private readonly associations = new Set<string>();
  /** Objects a replayed Job deleted (`<resource>/<namespace>/<name>`): their own deletion finds them gone. */
  private readonly removedByJobs = new Set<string>();
  private readonly started = Date.now();
  /** What each `KubernetesObjectValue` step read, by logical id. */
  private readonly values = new Map<string, string>();

  /** `<group>/<Kind>` of every CRD a step of the plan brings, with the steps that bring it. */
  private readonly crdSources = new Map<string, string[]>();
  /** `<group>/<Kind>` of the CRDs brought by the steps created so far. */
  private readonly broughtKinds = new Set<string>();

  constructor(private readonly cp: ControlPlane, private readonly plan: ReplayPlan, private readonly options: ReplayOptions) {
    for (const step of plan.steps.values()) {
      for (const crd of this.crdsOf(step)) {
        const key = `${crd.spec.group}/${crd.spec.names.kind}`;
        this.crdSources.set(key, [...(this.crdSources.get(key) ?? []), step.id]);
      }
    }
  }

  /** The CRDs a step brings: a chart's, or the bundle its Job applies (the Job of a waiter). */
  private crdsOf(step: ReplayStep): any[] {
    if (step.type === HELM_CHART_TYPE) {
      const folder = this.options.chartCrds(step.properties.Chart, step.properties.Version);
      return folder ? referenceCrds(folder) : [];
    }
    if (step.type === OBJECT_VALUE_TYPE && String(step.properties.ObjectType).toLowerCase().startsWith('job')) {
      const folder = this.options.jobBundleCrds(step.properties.ObjectName);
      return folder ? referenceCrds(folder) : [];
    }
    return [];
  }

  /**
   * Creates every step in `create` (waves run in parallel), calls `whileDeployed`, then deletes
   * in `destroy` and lists the template's objects still on the server.
   */
  public async run(create: string[][], destroy: string[][], whileDeployed?: () => Promise<void>): Promise<ReplayResult> {
    for (const wave of create) await Promise.all(wave.map((id) => this.createStep(this.plan.steps.get(id)!)));
    await this.addControllerEvidence();
    if (whileDeployed) await whileDeployed();
    for (const wave of destroy) await Promise.all(wave.map((id) => this.deleteStep(this.plan.steps.get(id)!)));
    const leftovers: string[] = [];
    if (destroy.length > 0) {
      for (const step of this.plan.steps.values()) {
        for (const o of step.objects) {
          const resource = await this.cp.resourceFor(o.object.apiVersion, o.object.kind);
          if (!resource) continue; // no such kind (any more): no such object either
          const res = await this.cp.request('GET', objectPath(resource, o.object.metadata.namespace, o.object.metadata.name));
          if (res.status !== 404) leftovers.push(`${step.id}: ${describeObject(o.object)} (${res.status})`);
        }
      }
    }
    return { create, destroy, failures: [...this.failures], identityViolations: [...this.identityViolations], log: [...this.log], leftovers };
  }

  private note(text: string): void {
    this.log.push(`${((Date.now() - this.started) / 1000).toFixed(1)}s ${text}`);
  }

  private fail(step: ReplayStep, text: string): void {
    this.failures.push(`${step.id} (${step.type}): ${text}`);
    this.note(`FAILED ${step.id}: ${text}`);
  }

  private async createStep(step: ReplayStep): Promise<void> {
    await this.options.beforeCreate?.(step, this.cp);
    this.note(`create ${step.id}`);
    switch (step.type) {
      case KUBERNETES_RESOURCE_TYPE:
        for (const o of this.withValues(step)) await this.createObject(step, o);
        return;
      case PATCH_TYPE:
        return this.patch(step, step.properties.ApplyPatchJson);
      case HELM_CHART_TYPE:
        return this.installChart(step);
      case OBJECT_VALUE_TYPE:
        return this.waitForValue(step);
      case POD_IDENTITY_TYPE:
        this.associations.add(`${step.properties.Namespace}/${step.properties.ServiceAccount}`);
        return;
      default:
        throw new Error(`no replay for ${step.type}`);
    }
  }

  private async deleteStep(step: ReplayStep): Promise<void> {
    this.note(`delete ${step.id}`);
    switch (step.type) {
      case KUBERNETES_RESOURCE_TYPE: {
        // kubectl delete -f: every object, then wait for all of them to be gone.
        const deleted: Array<{ o: TemplateK8sObject; resource: ApiResource }> = [];
        for (const o of step.objects) {
          const resource = await this.cp.resourceFor(o.object.apiVersion, o.object.kind);
          if (!resource) {
            this.fail(step, `delete ${describeObject(o.object)} [${o.index}]: no matches for kind "${o.object.kind}" in version "${o.object.apiVersion}"`);
            continue;
          }
          const res = await this.cp.request('DELETE', objectPath(resource, o.object.metadata.namespace, o.object.metadata.name),
            { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
          if (res.status === 404 && this.removedByJobs.has(`${resource.name}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`)) {
            // kubectl reports NotFound, which the handler ignores on Delete: a Job of the stack removed it on purpose.
            this.note(`  already gone (a Job deleted it): ${describeObject(o.object)}`);
            continue;
          }
          if (res.status >= 300) {
            this.fail(step, `delete ${describeObject(o.object)} [${o.index}]: ${apiError(res)}`);
            continue;
          }
          deleted.push({ o, resource });
        }
        await Promise.all(deleted.map(({ o, resource }) => this.waitGone(step, o.object, resource)));
        return;
      }
      case PATCH_TYPE:
        return this.patch(step, step.properties.RestorePatchJson);
      case POD_IDENTITY_TYPE:
        this.associations.delete(`${step.properties.Namespace}/${step.properties.ServiceAccount}`);
        return;
      case HELM_CHART_TYPE:
        // Helm keeps the CRDs of a chart's crds/ folder and the namespace it created.
        return this.options.onChartUninstall?.(step, this.cp);
      default:
        // Waiters do nothing on delete.
        return;
    }
  }

  /** The step's objects, with the values read so far in place of `Fn::GetAtt <read>.Value`. */
  private withValues(step: ReplayStep): TemplateK8sObject[] {
    const uses = JSON.stringify(step.properties.Manifest ?? '').includes('"Value"]');
    if (!uses || this.values.size === 0) return step.objects;
    const rendered = renderManifest(step.properties.Manifest, (token) => {
      const getAtt = (token as any)?.['Fn::GetAtt'];
      return Array.isArray(getAtt) && getAtt[1] === 'Value' ? this.values.get(getAtt[0]) : undefined;
    });
    const parsed = JSON.parse(rendered);
    return (Array.isArray(parsed) ? parsed : [parsed]).map((object: any, index: number) => ({ logicalId: step.id, index, object }));
  }

  private async createObject(step: ReplayStep, o: TemplateK8sObject): Promise<void> {
    const object = o.object;
    const what = `create ${describeObject(object)} [${o.index}]`;
    const resource = await this.cp.resourceFor(object.apiVersion, object.kind);
    if (!resource) {
      this.fail(step, `${what}: no matches for kind "${object.kind}" in version "${object.apiVersion}" (ensure CRDs are installed first)`);
      return;
    }
    // The CRD may be left from an earlier replay on this control plane; on a new cluster it comes with a step of the stack.
    const kind = `${resource.group}/${object.kind}`;
    if (this.crdSources.has(kind) && !this.broughtKinds.has(kind)) {
      this.fail(step, `${what}: no matches for kind "${object.kind}" in version "${object.apiVersion}" on a new cluster: `
        + `its CRD comes with ${this.crdSources.get(kind)!.join(', ')}, not created yet`);
      return;
    }
    if (WORKLOAD_KINDS.has(object.kind)) await this.checkIdentity(step, object);
    // --save-config: the object as given, in the last-applied annotation.
    const body = withBase64Tokens(structuredClone(object));
    body.metadata.annotations = { ...(body.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(object)}\n` };
    const res = await this.cp.request('POST', `${objectPath(resource, object.metadata.namespace)}?fieldManager=kubectl-create&fieldValidation=Strict`, { body });
    if (res.status >= 300) this.fail(step, `${what}: ${apiError(res)}`);
    else this.note(`  created ${describeObject(object)}`);
  }

  /** Records a workload whose pods' ServiceAccount does not exist yet, or whose Pod Identity association (when the template has one) is not created yet. */
  private async checkIdentity(step: ReplayStep, object: any): Promise<void> {
    const podSpec = object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template?.spec : object.spec?.template?.spec;
    const namespace = object.metadata.namespace ?? 'default';
    const serviceAccount = podSpec?.serviceAccountName ?? 'default';
    const key = `${namespace}/${serviceAccount}`;
    const missing: string[] = [];
    const sa = await this.cp.request('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}`);
    if (sa.status === 404) missing.push(`ServiceAccount ${key} does not exist`);
    const association = [...this.plan.steps.values()].find((s) => s.type === POD_IDENTITY_TYPE
      && s.properties.Namespace === namespace && s.properties.ServiceAccount === serviceAccount);
    if (association && !this.associations.has(key)) missing.push(`Pod Identity association ${association.id} for ${key} is not created`);
    if (missing.length > 0) {
      this.identityViolations.push(`${step.id}: ${describeObject(object)} applied while ${missing.join(' and ')}`);
      this.violatedIdentities.push({ namespace, serviceAccount });
    }
  }

  /**
   * What the controllers made of a workload applied before its ServiceAccount: the ReplicaSet
   * controller's FailedCreate events that name the missing ServiceAccount, added to the violation.
   */
  private async addControllerEvidence(): Promise<void> {
    for (const [i, { namespace, serviceAccount }] of this.violatedIdentities.entries()) {
      const events = await this.cp.request('GET', `/api/v1/namespaces/${namespace}/events?fieldSelector=reason%3DFailedCreate`);
      const failed = (events.body?.items ?? []).filter((e: any) => String(e.message).includes(`serviceaccount "${serviceAccount}" not found`));
      if (failed.length > 0) {
        const e = failed[0];
        this.identityViolations[i] += ` (the controllers saw it: ${e.involvedObject.kind} ${e.involvedObject.name} FailedCreate x${e.count ?? 1}: ${e.message})`;
      }
    }
  }

  private async patch(step: ReplayStep, patchJson: string): Promise<void> {
    const { ResourceName: name, ResourceNamespace: namespace, PatchType: patchType } = step.properties;
    const [type, objectName] = String(name).split('/');
    const resource = await this.cp.resourceNamed(type);
    if (!resource) {
      this.fail(step, `patch ${name}: the server doesn't have a resource type "${type}"`);
      return;
    }
    const contentType = { strategic: 'application/strategic-merge-patch+json', merge: 'application/merge-patch+json', json: 'application/json-patch+json' }[String(patchType ?? 'strategic')];
    const res = await this.cp.request('PATCH', objectPath(resource, namespace, objectName), { body: patchJson, contentType });
    if (res.status >= 300) this.fail(step, `patch ${name} -n ${namespace}: ${apiError(res)}`);
  }

  private async installChart(step: ReplayStep): Promise<void> {
    const { Chart: chart, Version: version, Namespace: namespace, CreateNamespace: createNamespace } = step.properties;
    if (createNamespace === true || createNamespace === 'true') {
      const res = await this.cp.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } });
      if (res.status >= 300 && res.status !== 409) this.fail(step, `helm --create-namespace ${namespace}: ${apiError(res)}`);
    }
    const folder = this.options.chartCrds(chart, version);
    if (!folder) {
      await this.options.onChartInstall?.(step, this.cp);
      return;
    }
    // Helm installs the CRDs of a chart's crds/ folder only when they do not exist, and never upgrades them.
    const crds: any[] = [];
    for (const crd of referenceCrds(folder)) {
      const existing = await this.cp.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      if (existing.status === 404) crds.push(crd);
    }
    await this.applyCrds(step, crds, 'helm');
    this.bring(referenceCrds(folder));
    try {
      await this.options.onChartInstall?.(step, this.cp);
    } catch (e: any) {
      this.fail(step, `helm install ${chart} ${version}: ${e.message}`);
    }
  }

  private bring(crds: any[]): void {
    for (const crd of crds) this.broughtKinds.add(`${crd.spec.group}/${crd.spec.names.kind}`);
  }

  /** Server-side apply of CRDs (as `as`, when given), then waits until they are established. */
  private async applyCrds(step: ReplayStep, crds: any[], fieldManager: string, as?: { user: string; groups: string[] }): Promise<void> {
    const established: string[] = [];
    for (const crd of crds) {
      const res = await this.cp.request('PATCH',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=${fieldManager}&force=true`,
        { body: crd, contentType: 'application/apply-patch+yaml', as: as?.user, asGroups: as?.groups });
      if (res.status >= 300) this.fail(step, `apply --server-side CustomResourceDefinition ${crd.metadata.name}${as ? ` as ${as.user}` : ''}: ${apiError(res)}`);
      else established.push(crd.metadata.name);
    }
    const deadline = Date.now() + 60_000;
    for (const name of established) {
      for (;;) {
        const res = await this.cp.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        if ((res.body?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) {
          this.fail(step, `CustomResourceDefinition ${name} not established after 60 s`);
          break;
        }
        await sleep(100);
      }
    }
  }

  /**
   * The read: `kubectl get <type>/<name> -n <namespace> -o jsonpath={<JsonPath>}` (the object must
   * exist); its value is kept for the manifests that use it. A Job's kubectl steps run as the
   * Job's service account.
   */
  private async waitForValue(step: ReplayStep): Promise<void> {
    const { ObjectType: type, ObjectName: name, ObjectNamespace: namespace, JsonPath: jsonPath, TimeoutSeconds: timeout } = step.properties;
    const resource = await this.cp.resourceNamed(type);
    const wait = this.options.waitForValue?.(step) ?? false;
    const deadline = Date.now() + Math.min(Number(timeout ?? 300), 180) * 1000;
    let res = resource ? await this.cp.request('GET', objectPath(resource, namespace, name)) : undefined;
    if (!res || res.status !== 200) {
      this.fail(step, `kubectl get ${type}/${name} -n ${namespace}: ${res ? apiError(res) : `the server doesn't have a resource type "${type}"`} (the waiter would time out)`);
      return;
    }
    if (res.body.kind === 'Job') await this.runJob(step, res.body);
    let value = evalJsonPath(res.body, jsonPath);
    while (wait && value === '' && Date.now() < deadline) {
      await sleep(500);
      res = await this.cp.request('GET', objectPath(resource!, namespace, name));
      value = res.status === 200 ? evalJsonPath(res.body, jsonPath) : '';
    }
    if (wait && value === '') {
      this.fail(step, `kubectl get ${type}/${name} -n ${namespace} -o jsonpath={${jsonPath}}: no value before the timeout`);
      return;
    }
    this.values.set(step.id, value);
    this.note(`  read ${type}/${name} ${jsonPath}: '${value}'`);
  }

  /** The Job's containers (init containers first) that run kubectl, done through the API as the Job's service account. */
  private async runJob(step: ReplayStep, job: any): Promise<void> {
    const podSpec = job.spec.template.spec;
    const namespace = job.metadata.namespace;
    const sa = podSpec.serviceAccountName ?? 'default';
    const as = { user: `system:serviceaccount:${namespace}:${sa}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
    for (const container of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
      const args: string[] = [...(container.command ?? []), ...(container.args ?? [])].filter((a: string) => a !== 'kubectl');
      if (args[0] === 'apply' && args.includes('--server-side')) {
        const folder = this.options.jobBundleCrds(job.metadata.name);
        if (!folder) {
          this.fail(step, `Job ${namespace}/${job.metadata.name}: no reference bundle for its container ${container.name}`);
          continue;
        }
        const manager = args.find((a) => a.startsWith('--field-manager='))?.split('=')[1] ?? 'kubectl';
        await this.applyCrds(step, referenceCrds(folder), manager, as);
        this.bring(referenceCrds(folder));
        this.note(`  Job ${job.metadata.name}: ${container.name} applied ${folder} as ${as.user}`);
      } else if (args[0] === 'delete' && args.length >= 3 && !args[1].startsWith('-')) {
        const resource = await this.cp.resourceNamed(args[1]);
        const res = resource
          ? await this.cp.request('DELETE', objectPath(resource, namespace, args[2]), { as: as.user, asGroups: as.groups })
          : { status: 404, body: `no resource type ${args[1]}` };
        if (res.status >= 300) {
          this.fail(step, `Job ${namespace}/${job.metadata.name} container ${container.name}: kubectl ${args.join(' ')} as ${as.user}: ${apiError(res)}`);
        } else {
          this.removedByJobs.add(`${resource!.name}/${resource!.namespaced ? namespace : ''}/${args[2]}`);
          this.note(`  Job ${job.metadata.name}: ${container.name} deleted ${args[1]} ${args[2]} as ${as.user}`);
        }
      }
    }
  }

  private async waitGone(step: ReplayStep, object: any, resource: ApiResource): Promise<void> {
    const url = objectPath(resource, object.metadata.namespace, object.metadata.name);
    const deadline = Date.now() + (this.options.deleteTimeoutMs ?? 90_000);
    for (;;) {
      const res = await this.cp.request('GET', url);
      if (res.status === 404) {
        this.note(`  gone ${describeObject(object)}`);
        return;
      }
      if (Date.now() > deadline) {
        const conditions = (res.body?.status?.conditions ?? []).filter((c: any) => c.status === 'True').map((c: any) => `${c.type}: ${c.message}`);
        this.fail(step, `delete ${describeObject(object)}: still there after ${(this.options.deleteTimeoutMs ?? 90_000) / 1000} s `
          + `(phase ${res.body?.status?.phase ?? '-'}, finalizers ${JSON.stringify(res.body?.metadata?.finalizers ?? res.body?.spec?.finalizers ?? [])}${conditions.length ? `; ${conditions.join('; ')}` : ''})`);
        return;
      }
      await sleep(150);
    }
  }
}

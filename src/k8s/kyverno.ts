import { K8sObject, objectMeta } from './object';

/** API version of Kyverno's CEL policies (GA since Kyverno 1.17; `kyverno.io/v1` ClusterPolicy is deprecated). */
export const KYVERNO_POLICIES_API_VERSION = 'policies.kyverno.io/v1';
/** Namespace Kyverno runs in. */
export const KYVERNO_NAMESPACE = 'kyverno';
/** Helm release name of Kyverno. */
export const KYVERNO_RELEASE = 'kyverno';

/**
 * Message Kyverno sets on a policy's `WebhookConfigured` condition once its
 * admission webhook serves the policy (the `False` state has another message).
 */
export const KYVERNO_WEBHOOK_CONFIGURED_MESSAGE = 'Webhook configured.';

/**
 * kubectl JSONPath that is empty until the policy's webhook is configured,
 * then `True`: a deploy-time gate for workloads that must be mutated.
 */
export const POLICY_WEBHOOK_READY_JSONPATH =
  `.status.conditionStatus.conditions[?(@.message=="${KYVERNO_WEBHOOK_CONFIGURED_MESSAGE}")].status`;

/** Label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The admission rule of pod creation. */
export const POD_CREATE_RULE = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] };

/**
 * Values of the Kyverno chart: a highly available admission controller (a
 * policy with failurePolicy Fail blocks the pods it matches while Kyverno is
 * down), no reports controller (mutation only). `imageRegistry`: the
 * registry (host and path) that serves Kyverno's images under their
 * `kyverno/...` repositories, as `ghcr.io` does.
 */
export function kyvernoValues(imageRegistry?: string): Record<string, unknown> {
  const values: Record<string, any> = {
    admissionController: { replicas: 3 },
    reportsController: { enabled: false },
  };
  if (imageRegistry) {
    // Every image whose registry is unset follows the global registry; the two
    // readiness-checker images name ghcr.io explicitly, so they are set too.
    values.global = { image: { registry: imageRegistry } };
    values.test = { image: { registry: imageRegistry } };
    values.webhooksCleanup = { image: { registry: imageRegistry } };
  }
  return values;
}

const CEL_RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in',
  'let', 'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
]);

/** Pod fields whose values are maps (CEL map literals), not typed objects. */
const MAP_FIELDS = new Set(['requests', 'limits', 'labels', 'annotations', 'nodeSelector']);

/** A CEL string literal. */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Renders a JSON value as a CEL literal. Objects become typed object
 * constructions (`Object.spec.initContainers{name: "x"}`) when `typeName` is
 * given, as Kubernetes' and Kyverno's JSONPatch mutations expect, and map
 * literals otherwise (and for the map-valued fields of a pod).
 */
export function celLiteral(value: unknown, typeName?: string): string {
  if (typeof value === 'string') return celString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`CEL literal: ${value} is not an integer`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => celLiteral(v, typeName)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (typeName === undefined) {
      return `{${entries.map(([k, v]) => `${celString(k)}: ${celLiteral(v)}`).join(', ')}}`;
    }
    const fields = entries.map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || CEL_RESERVED.has(k)) throw new Error(`CEL literal: field '${k}' cannot be written as a CEL identifier`);
      return `${k}: ${celLiteral(v, MAP_FIELDS.has(k) ? undefined : `${typeName}.${k}`)}`;
    });
    return `${typeName}{${fields.join(', ')}}`;
  }
  throw new Error(`CEL literal: unsupported value ${JSON.stringify(value)}`);
}

/** CEL: the pod carries `annotationKey: "true"`. */
export function optInExpression(annotationKey: string): string {
  const key = celString(annotationKey);
  return `has(object.metadata.annotations) && ${key} in object.metadata.annotations && object.metadata.annotations[${key}] == "true"`;
}

/** CEL: no container of the pod has one of `names`. */
export function noContainerNamedExpression(names: string[]): string {
  const list = `[${names.map(celString).join(', ')}]`;
  return `!object.spec.containers.exists(c, c.name in ${list}) && `
    + `!(has(object.spec.initContainers) && object.spec.initContainers.exists(c, c.name in ${list}))`;
}

/** CEL: the pod does not share the node's network namespace. */
export const NOT_HOST_NETWORK_EXPRESSION = '!(has(object.spec.hostNetwork) && object.spec.hostNetwork)';

/**
 * CEL JSONPatch expression that puts `initContainers` first in the pod's init
 * containers (in order) and adds `volumes`, whether or not the pod already has
 * these lists (`add /spec/initContainers/-` would fail on a pod without any).
 *
 * Every patch value is a single typed object literal (or an empty list): a
 * list OF typed object literals as a patch value crashes Kyverno 1.19.0-1.19.1
 * (`reflect.Set: value of type *structpb.Struct is not assignable to type
 * *structpb.Value`), so a missing list is created empty and then filled one
 * element at a time.
 */
export function injectionPatchExpression(initContainers: Record<string, unknown>[], volumes: Record<string, unknown>[]): string {
  const container = (c: unknown) => celLiteral(c, 'Object.spec.initContainers');
  const volume = (v: unknown) => celLiteral(v, 'Object.spec.volumes');
  const patch = (path: string, value: string) => `JSONPatch{op: "add", path: ${celString(path)}, value: ${value}}`;
  // Inserting at index 0 in reverse order leaves them first, in order.
  const prepend = [...initContainers].reverse().map((c) => patch('/spec/initContainers/0', container(c)));
  const appendContainers = initContainers.map((c) => patch('/spec/initContainers/-', container(c)));
  const appendVolumes = volumes.map((v) => patch('/spec/volumes/-', volume(v)));
  const createThen = (path: string, appends: string[]) => [patch(path, '[]'), ...appends];
  const list = (items: string[]) => `[\n  ${items.join(',\n  ')}\n]`;
  return [
    `(has(object.spec.initContainers) ? ${list(prepend)} : ${list(createThen('/spec/initContainers', appendContainers))})`,
    `+ (has(object.spec.volumes) ? ${list(appendVolumes)} : ${list(createThen('/spec/volumes', appendVolumes))})`,
  ].join('\n');
}

/** Failure policies of an admission policy. */
export type AdmissionFailurePolicy = 'Fail' | 'Ignore';

/** Input of `injectionMutatingPolicy`. */
export interface InjectionMutatingPolicySpec {
  readonly name: string;
  readonly annotationKey: string;
  /** Namespaces where pods are injected (may be a list token). */
  readonly namespaces: string[];
  /** Namespaces never injected. */
  readonly excludedNamespaces: string[];
  /** Names of the injected containers (a pod with any of them is left alone). */
  readonly containerNames: string[];
  readonly initContainers: Record<string, unknown>[];
  readonly volumes: Record<string, unknown>[];
  readonly failurePolicy: AdmissionFailurePolicy;
}

/**
 * What the injection policies of both engines share (the Kyverno MutatingPolicy
 * and the API server's MutatingAdmissionPolicy): failure policy, no
 * reinvocation, Pod creates in the listed namespaces and not the excluded
 * ones, opted in, not injected yet, not on the host network.
 */
export function injectionMatch(spec: InjectionMutatingPolicySpec): Record<string, unknown> {
  return {
    failurePolicy: spec.failurePolicy,
    reinvocationPolicy: 'Never',
    matchConstraints: {
      resourceRules: [POD_CREATE_RULE],
      namespaceSelector: {
        matchExpressions: [
          { key: NAMESPACE_NAME_LABEL, operator: 'In', values: spec.namespaces },
          { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: spec.excludedNamespaces },
        ],
      },
    },
    matchConditions: [
      { name: 'opted-in', expression: optInExpression(spec.annotationKey) },
      { name: 'not-injected-yet', expression: noContainerNamedExpression(spec.containerNames) },
      { name: 'not-host-network', expression: NOT_HOST_NETWORK_EXPRESSION },
    ],
  };
}

/**
 * A Kyverno `policies.kyverno.io/v1` MutatingPolicy that injects the given
 * init containers and volumes into pods at creation when they opt in by
 * annotation. Only Pods are mutated (autogen for Deployments, StatefulSets,
 * DaemonSets and Jobs is off: their pods are caught at creation, and their
 * templates stay as written), only in the listed namespaces, never in the
 * excluded ones, never twice, never on hostNetwork pods.
 */
export function injectionMutatingPolicy(spec: InjectionMutatingPolicySpec): K8sObject {
  return {
    apiVersion: KYVERNO_POLICIES_API_VERSION,
    kind: 'MutatingPolicy',
    metadata: objectMeta(spec.name),
    spec: {
      ...injectionMatch(spec),
      autogen: { podControllers: { controllers: [] }, mutatingAdmissionPolicy: { enabled: false } },
      evaluation: {
        admission: { enabled: true },
        background: { enabled: false },
        mutateExisting: { enabled: false },
      },
      mutations: [{
        patchType: 'JSONPatch',
        jsonPatch: { expression: injectionPatchExpression(spec.initContainers, spec.volumes) },
      }],
    },
  };
}

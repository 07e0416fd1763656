/**
 * Minimal typed shapes for the Kubernetes objects this library synthesizes.
 * Builders in this folder return plain objects of these shapes; constructs hand
 * them to `eks.KubernetesManifest`.
 */

/** Standard object metadata (the subset used here). */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** Any Kubernetes object. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** Labels put on every object this library creates. */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'cdk-lattice-eks',
};

/** Metadata with the library's labels. */
export function objectMeta(name: string, namespace?: string, labels: Record<string, string> = {}): ObjectMeta {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...MANAGED_BY_LABELS, ...labels } };
}

/** A core/v1 Namespace. */
export function namespaceObject(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: objectMeta(name) };
}

/** A core/v1 ServiceAccount. */
export function serviceAccountObject(name: string, namespace: string): K8sObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: objectMeta(name, namespace) };
}

/** One RBAC policy rule. */
export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  /** Names the rule is limited to (not for `create`, `list` or `watch`). */
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

/** A ClusterRole and the ClusterRoleBinding that grants it to one service account. */
export function clusterRoleForServiceAccount(name: string, serviceAccount: string, namespace: string, rules: PolicyRule[]): K8sObject[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: objectMeta(name), rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: objectMeta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    },
  ];
}

/** A restrictive container security context: non-root, read-only root file system, no capabilities. */
export function restrictedSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

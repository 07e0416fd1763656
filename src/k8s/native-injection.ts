import { injectionMatch, InjectionMutatingPolicySpec, injectionPatchExpression } from './kyverno';
import { K8sObject, objectMeta } from './object';

/** API version of the native MutatingAdmissionPolicy (GA, served by default, from Kubernetes 1.36). */
export const MUTATING_ADMISSION_POLICY_API_VERSION = 'admissionregistration.k8s.io/v1';

/**
 * Oldest Kubernetes minor (1.x) whose API server serves
 * `admissionregistration.k8s.io/v1` MutatingAdmissionPolicy by default. In
 * 1.34 and 1.35 the feature is beta, off by default, behind a feature gate
 * and a beta API that EKS does not turn on.
 */
export const MIN_NATIVE_INJECTION_MINOR = 36;

/**
 * A Kubernetes MutatingAdmissionPolicy and its binding that inject the same
 * init containers and volumes as `injectionMutatingPolicy` (Kyverno), with the
 * same match rules: pods only, at creation, opted in by annotation, in the
 * listed namespaces and never in the excluded ones, never twice, never on
 * hostNetwork pods. The API server applies it itself: no webhook, no Kyverno.
 *
 * The JSONPatch expression is the one the Kyverno policy uses, one typed
 * object per patch value: API servers before 1.36.5 have the same JSONPatch
 * bug as Kyverno 1.19 (kyverno#17611) with a list of typed objects as a value.
 */
export function injectionMutatingAdmissionPolicy(spec: InjectionMutatingPolicySpec): K8sObject[] {
  const policy: K8sObject = {
    apiVersion: MUTATING_ADMISSION_POLICY_API_VERSION,
    kind: 'MutatingAdmissionPolicy',
    metadata: objectMeta(spec.name),
    spec: {
      ...injectionMatch(spec),
      mutations: [{
        patchType: 'JSONPatch',
        jsonPatch: { expression: injectionPatchExpression(spec.initContainers, spec.volumes) },
      }],
    },
  };
  const binding: K8sObject = {
    apiVersion: MUTATING_ADMISSION_POLICY_API_VERSION,
    kind: 'MutatingAdmissionPolicyBinding',
    metadata: objectMeta(spec.name),
    spec: { policyName: spec.name },
  };
  return [policy, binding];
}

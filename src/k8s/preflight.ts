import { celString, NAMESPACE_NAME_LABEL } from './kyverno';
import { K8sObject, objectMeta } from './object';

/** Prefix of the names of the preflight ValidatingAdmissionPolicies, their bindings and probe ConfigMaps. */
export const PREFLIGHT_NAME = 'cdk-lattice-eks-preflight';

/** Namespace of the probe ConfigMap (every cluster has it; never created or deleted by the library). */
export const PREFLIGHT_NAMESPACE = 'kube-system';

/** One requirement on what the cluster already has, checked on a field of the probe. */
export interface PreflightRequirement {
  /** Key of the probe's data that carries the value read from the cluster. */
  readonly key: string;
  /** CEL over `value` (a string): true when the cluster meets the requirement. */
  readonly expression: string;
  /** What the cluster must have; the message adds the value found and `fix`. */
  readonly what: string;
  /** How to fix the cluster or the props. */
  readonly fix: string;
}

/**
 * Requirement: the cluster's Gateway API CRDs (their `bundle-version`
 * annotation) are v1.`minMinor` or newer within major version 1.
 */
export function gatewayApiCrdsRequirement(minMinor: number): PreflightRequirement {
  return {
    key: 'gatewayApiBundleVersion',
    expression: `value.matches('^v1[.]([0-9]+)[.]') && int(value.split('.')[1]) >= ${minMinor}`,
    what: `Gateway API CRDs v1.${minMinor} or newer (the AWS Gateway API Controller v2.1 needs them)`,
    fix: `upgrade the cluster's Gateway API CRDs to v1.${minMinor} or newer (standard channel), or drop installGatewayApiCrds: false so that the library installs them`,
  };
}

/** Requirement: the Pod Identity agent DaemonSet in kube-system has at least one available pod. */
export const POD_IDENTITY_AGENT_REQUIREMENT: PreflightRequirement = {
  key: 'podIdentityAgentAvailable',
  expression: 'value.matches(\'^[0-9]+$\') && int(value) > 0',
  what: 'a running EKS Pod Identity agent (DaemonSet kube-system/eks-pod-identity-agent with available pods)',
  fix: 'install the eks-pod-identity-agent add-on or wait for its pods, or set podIdentityAgent: PodIdentityAgent.INSTALL (or BUILT_IN on EKS Auto Mode)',
};

/** Requirement: Kyverno serves `policies.kyverno.io/v1` MutatingPolicy (its CRD lists the served versions). */
export const KYVERNO_MUTATING_POLICY_REQUIREMENT: PreflightRequirement = {
  key: 'kyvernoMutatingPolicyVersions',
  expression: '\'v1\' in value.split(\' \')',
  what: 'Kyverno serving policies.kyverno.io/v1 MutatingPolicy (Kyverno 1.17 or newer)',
  fix: 'upgrade the cluster\'s Kyverno to 1.17 or newer, or let SigV4SidecarPolicy install its own (drop installKyverno: false)',
};

/**
 * The validations of the preflight policy: each requirement whose key the
 * probe carries must hold, or the probe is rejected with a message naming the
 * cluster, what is missing or too old, the value found, and the fix.
 */
export function preflightValidations(clusterName: string, requirements: PreflightRequirement[]): Record<string, string>[] {
  return requirements.map((r) => {
    const value = `object.data[${celString(r.key)}]`;
    return {
      expression: `!has(object.data) || !(${celString(r.key)} in object.data) || ${r.expression.replace(/\bvalue\b/g, value)}`,
      messageExpression: `${celString(`cdk-lattice-eks preflight on cluster '${clusterName}': it needs ${r.what}, but found '`)} + ${value} + `
        + `${celString(`'; ${r.fix}`)}`,
      reason: 'Invalid',
    };
  });
}

/**
 * The ValidatingAdmissionPolicy (and its binding) that evaluates the probe
 * `name` (in kube-system, nothing else) with `validations` (see
 * `preflightValidations`; may be a token resolved at synth time).
 */
export function preflightPolicy(name: string, validations: unknown): K8sObject[] {
  const policy: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(name),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: PREFLIGHT_NAMESPACE } },
      },
      matchConditions: [{ name: 'the-probe', expression: `object.metadata.name == ${celString(name)}` }],
      validations,
    },
  };
  const binding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(name),
    spec: { policyName: name, validationActions: ['Deny'] },
  };
  return [policy, binding];
}

/** The probe: a ConfigMap whose data are the values read from the cluster at deploy time. */
export function preflightProbe(name: string, values: unknown): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(name, PREFLIGHT_NAMESPACE),
    data: values,
  };
}

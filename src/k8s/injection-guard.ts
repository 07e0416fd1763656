import { celString, NAMESPACE_NAME_LABEL, NOT_HOST_NETWORK_EXPRESSION, optInExpression, POD_CREATE_RULE } from './kyverno';
import { K8sObject, objectMeta } from './object';

/** Input of `injectionGuard`. */
export interface InjectionGuardSpec {
  readonly name: string;
  readonly annotationKey: string;
  readonly excludedNamespaces: string[];
  /** Name of the proxy container (proves injection). */
  readonly proxyContainer: string;
  /** Image the mutation gives the proxy container: a container of that name with another image was not injected. */
  readonly proxyImage: string;
  /** Name and image of the init container that installs the NAT rules. */
  readonly iptablesContainer: string;
  readonly iptablesImage: string;
  /** Names of all injected containers (exempt from the application checks). */
  readonly injectedContainers: string[];
  readonly proxyUid: number;
  readonly reservedPorts: number[];
  /** Whether Kyverno injects (its message then says to check that Kyverno runs); the API server otherwise. */
  readonly kyverno: boolean;
}

/** CEL over a container `c`: its uid (its own runAsUser, else the pod's, else -1 for the image's default user). */
const runAsUser = '(has(c.securityContext) && has(c.securityContext.runAsUser) ? c.securityContext.runAsUser : '
  + '(has(object.spec.securityContext) && has(object.spec.securityContext.runAsUser) ? object.spec.securityContext.runAsUser : -1))';

/** CEL over a container `c`: privileged, or adds a capability that can rewrite the pod's NAT rules. */
const NETWORK_POWER = '((has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged) || '
  + '(has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add) && '
  + 'c.securityContext.capabilities.add.exists(k, k in [\'NET_ADMIN\', \'NET_RAW\', \'SYS_ADMIN\', \'ALL\', \'CAP_NET_ADMIN\', \'CAP_NET_RAW\', \'CAP_SYS_ADMIN\'])))';

/** CEL: the init container `name`, if the pod has one, has `image` (the injected one). */
function injectedAs(name: string, image: string): string {
  return `(!has(object.spec.initContainers) || object.spec.initContainers.all(c, c.name != ${celString(name)} || c.image == ${celString(image)}))`;
}

/** CEL: some application container (any container but the injected ones) satisfies `predicate` (over `c`). */
function anyAppContainer(injected: string[], predicate: string): string {
  const names = `[${injected.map(celString).join(', ')}]`;
  return `(object.spec.containers.exists(c, ${predicate}) || `
    + `(has(object.spec.initContainers) && object.spec.initContainers.exists(c, !(c.name in ${names}) && ${predicate})))`;
}

/**
 * A Kubernetes ValidatingAdmissionPolicy (and its binding) that rejects, at
 * creation, opted-in pods that would not be protected by the proxy: pods the
 * mutation did not inject (namespace not configured, Kyverno down with
 * failurePolicy Ignore), hostNetwork pods, and pods whose application
 * containers run as the proxy's uid (their traffic would bypass it) or declare
 * the proxy's ports. It runs after every mutation, in the API server.
 */
export function injectionGuard(spec: InjectionGuardSpec): K8sObject[] {
  const key = spec.annotationKey;
  const ports = `[${spec.reservedPorts.join(', ')}]`;
  const policy: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(spec.name),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [POD_CREATE_RULE],
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: spec.excludedNamespaces }] },
      },
      matchConditions: [{ name: 'opted-in', expression: optInExpression(key) }],
      validations: [
        {
          // hostNetwork pods are never injected: they fail the next check, whose message names the real cause.
          expression: `!(${NOT_HOST_NETWORK_EXPRESSION}) || `
            + `(has(object.spec.initContainers) && object.spec.initContainers.exists(c, c.name == ${celString(spec.proxyContainer)}))`,
          messageExpression: `${celString(`the pod opts in to the SigV4 proxy (${key}) but was not injected: add namespace '`)} + request.namespace + `
            + `${celString(`' to the SigV4SidecarPolicy${spec.kyverno ? ', and check that Kyverno runs' : ''}`)}`,
          reason: 'Forbidden',
        },
        {
          expression: NOT_HOST_NETWORK_EXPRESSION,
          message: `pods that opt in to the SigV4 proxy (${key}) must not use hostNetwork: its NAT rules would apply to the node`,
          reason: 'Forbidden',
        },
        {
          expression: `!${anyAppContainer(spec.injectedContainers, `${runAsUser} == ${spec.proxyUid}`)}`,
          message: `containers of pods with the SigV4 proxy must not run as its uid ${spec.proxyUid}: their calls would bypass it`,
          reason: 'Forbidden',
        },
        {
          expression: `!${anyAppContainer(spec.injectedContainers, `has(c.ports) && c.ports.exists(p, p.containerPort in ${ports})`)}`,
          message: `containers of pods with the SigV4 proxy must not use its ports ${spec.reservedPorts.join(', ')}`,
          reason: 'Forbidden',
        },
        {
          // A pod that declares containers named like the injected ones (so the mutation skips it) is not protected.
          expression: `${NOT_HOST_NETWORK_EXPRESSION} ? (${injectedAs(spec.proxyContainer, spec.proxyImage)} && ${injectedAs(spec.iptablesContainer, spec.iptablesImage)}) : true`,
          message: `the containers ${spec.proxyContainer} and ${spec.iptablesContainer} must be the injected ones (their images ${spec.proxyImage} and `
            + `${spec.iptablesImage}): a pod may not bring its own under those names`,
          reason: 'Forbidden',
        },
        {
          expression: `!${anyAppContainer(spec.injectedContainers, NETWORK_POWER)}`,
          message: 'containers of pods with the SigV4 proxy must not be privileged or add NET_ADMIN, NET_RAW or SYS_ADMIN: they could rewrite the NAT rules that send their calls through the proxy',
          reason: 'Forbidden',
        },
      ],
    },
  };
  const ephemeral: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(`${spec.name}-ephemeral`),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] }],
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: spec.excludedNamespaces }] },
      },
      matchConditions: [{ name: 'opted-in', expression: optInExpression(key) }],
      validations: [{
        expression: `!has(object.spec.ephemeralContainers) || !object.spec.ephemeralContainers.exists(c, ${NETWORK_POWER} || ${runAsUser} == ${spec.proxyUid})`,
        message: `ephemeral containers of pods with the SigV4 proxy must not run as its uid ${spec.proxyUid}, be privileged or add NET_ADMIN, NET_RAW or SYS_ADMIN`,
        reason: 'Forbidden',
      }],
    },
  };
  const binding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(spec.name),
    spec: { policyName: spec.name, validationActions: ['Deny'] },
  };
  const ephemeralBinding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(`${spec.name}-ephemeral`),
    spec: { policyName: `${spec.name}-ephemeral`, validationActions: ['Deny'] },
  };
  return [policy, binding, ephemeral, ephemeralBinding];
}

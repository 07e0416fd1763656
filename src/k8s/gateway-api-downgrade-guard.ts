import { celString } from './kyverno';
import { K8sObject, objectMeta } from './object';

/** Annotation of every Gateway API CRD that names the release bundle it came from. */
export const GATEWAY_API_BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';

/** Name of the ValidatingAdmissionPolicy (and binding) that keeps the installer from downgrading Gateway API CRDs. */
export const GATEWAY_API_DOWNGRADE_GUARD = 'cdk-lattice-eks-gateway-api-no-downgrade';

/** CEL: the bundle-version annotation of `obj` (`object` or `oldObject`), or '' when it has none. */
function bundleVersion(obj: string): string {
  const key = celString(GATEWAY_API_BUNDLE_VERSION_ANNOTATION);
  return `has(${obj}.metadata.annotations) && ${key} in ${obj}.metadata.annotations ? ${obj}.metadata.annotations[${key}] : ''`;
}

/** CEL: `vMAJOR.MINOR.PATCH` in `variables.<name>` as one comparable integer (-1 when it is not a release). */
function versionKey(name: string): string {
  const v = `variables.${name}`;
  return `${v}.matches('^v[0-9]{1,4}[.][0-9]{1,4}[.][0-9]{1,4}$') ? `
    + `int(${v}.substring(1).split('.')[0]) * 100000000 + int(${v}.split('.')[1]) * 10000 + int(${v}.split('.')[2]) : -1`;
}

/**
 * A ValidatingAdmissionPolicy (and its binding) that rejects any update of a
 * Gateway API CRD by `installer` (the CRD installer's service account user) that
 * would replace the bundle version the cluster has with an older one, or with
 * no release at all: the installer stops with a message naming both versions and
 * the fix, and the cluster keeps its CRDs. Other users are not affected, nor are
 * CRDs without a release annotation (the installer may take those over).
 */
export function gatewayApiDowngradeGuard(installer: string, fix: string): K8sObject[] {
  const policy: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(GATEWAY_API_DOWNGRADE_GUARD),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['apiextensions.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['customresourcedefinitions'],
        }],
      },
      matchConditions: [
        { name: 'the-installer', expression: `request.userInfo.username == ${celString(installer)}` },
        { name: 'gateway-api-crds', expression: 'object.spec.group == \'gateway.networking.k8s.io\'' },
      ],
      variables: [
        { name: 'installed', expression: bundleVersion('oldObject') },
        { name: 'incoming', expression: bundleVersion('object') },
        { name: 'installedKey', expression: versionKey('installed') },
        { name: 'incomingKey', expression: versionKey('incoming') },
      ],
      validations: [{
        expression: 'variables.installedKey < 0 || variables.incomingKey >= variables.installedKey',
        messageExpression: `${celString('cdk-lattice-eks: the cluster has Gateway API CRDs of bundle ')} + variables.installed + `
          + `${celString(' (')} + object.metadata.name + ${celString('); the installer will not replace them with bundle \'')} + variables.incoming + `
          + `${celString(`', an older one: ${fix}`)}`,
        reason: 'Forbidden',
      }],
    },
  };
  const binding: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(GATEWAY_API_DOWNGRADE_GUARD),
    spec: { policyName: GATEWAY_API_DOWNGRADE_GUARD, validationActions: ['Deny'] },
  };
  return [policy, binding];
}

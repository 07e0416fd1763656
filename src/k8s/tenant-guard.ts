import { celString } from './kyverno';
import { K8sObject, MANAGED_BY_LABELS, objectMeta } from './object';

/** Prefix of the names of the tenant-isolation ValidatingAdmissionPolicies (cluster-wide). */
export const TENANT_GUARD_NAME = 'cdk-lattice-eks-tenant';

/** Annotations that steer which Lattice service a route becomes or may take over (controller v2.1.3). */
export const ROUTE_OWNERSHIP_ANNOTATIONS = [
  'application-networking.k8s.aws/service-name-override',
  'application-networking.k8s.aws/allow-takeover-from',
];

/** Identity the library deploys with: the kubectl handler's IAM role, as EKS authenticates it. */
export interface DeployerIdentity {
  /** ARN of the role (`arn:<partition>:iam::<account>:role/<name>`; a token is fine). */
  readonly roleArn: string;
  /** `arn:<partition>:sts::<account>:assumed-role/<role name>/`: the prefix of the role's session user names. */
  readonly sessionPrefix: string;
}

/** Input of `tenantGuard`. */
export interface TenantGuardSpec {
  /** The library's deploy identity; without it, ownership annotations are refused to everyone. */
  readonly deployer?: DeployerIdentity;
  /** `system:serviceaccount:<namespace>:<name>` of the AWS Gateway API Controller: the only writer of DNSEndpoints. */
  readonly controllerUser: string;
}

/** CEL: the request comes from the library's deploy identity (or a break-glass cluster admin in `system:masters`). */
function trustedRequester(deployer?: DeployerIdentity): string {
  const masters = '(\'system:masters\' in request.userInfo.groups)';
  if (!deployer) return masters;
  const canonical = '(has(request.userInfo.extra) && \'canonicalArn\' in request.userInfo.extra && '
    + `request.userInfo.extra['canonicalArn'].exists(a, a == ${celString(deployer.roleArn)}))`;
  return `(${masters} || ${canonical} || request.userInfo.username.startsWith(${celString(deployer.sessionPrefix)}))`;
}

function binding(name: string): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: objectMeta(name),
    spec: { policyName: name, validationActions: ['Deny'] },
  };
}

function policy(name: string, spec: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: objectMeta(name),
    spec: { failurePolicy: 'Fail', ...spec },
  };
}

/**
 * The admission policies that keep a cluster's tenants inside their
 * namespaces, for what the AWS Gateway API Controller (v2.1.3) would
 * otherwise act on across namespaces and clusters:
 *
 * - Lattice policies (IAMAuthPolicy, TargetGroupPolicy, AccessLogPolicy) may
 *   target only objects of their own namespace, and never a Gateway (the
 *   service network's auth policy belongs to CloudFormation);
 * - routes (HTTPRoute, GRPCRoute, TLSRoute) may send only to backends of their
 *   own namespace (the controller honours cross-namespace backendRefs without
 *   a ReferenceGrant);
 * - the annotations that rename a route's Lattice service or let it take one
 *   over are set or changed only by the library's deploy identity;
 * - the auth policies the library created are changed or deleted only by that
 *   identity and the namespace controller (deleting one would turn the
 *   service's IAM auth off);
 * - DNSEndpoints (which ExternalDNS reads in every namespace) are written only
 *   by the controller.
 */
export function tenantGuard(spec: TenantGuardSpec): K8sObject[] {
  const trusted = trustedRequester(spec.deployer);
  const scopeName = `${TENANT_GUARD_NAME}-policy-scope`;
  const routesName = `${TENANT_GUARD_NAME}-route-scope`;
  const keepName = `${TENANT_GUARD_NAME}-keep-auth-policies`;
  const dnsName = `${TENANT_GUARD_NAME}-dnsendpoint-writer`;
  const managedBy = Object.entries(MANAGED_BY_LABELS)[0];
  const ownAnnotationUnchanged = (key: string) => {
    const k = celString(key);
    return `(!(has(object.metadata.annotations) && ${k} in object.metadata.annotations) || ${trusted} || `
      + `(request.operation == 'UPDATE' && has(oldObject.metadata.annotations) && ${k} in oldObject.metadata.annotations && `
      + `oldObject.metadata.annotations[${k}] == object.metadata.annotations[${k}]))`;
  };
  return [
    policy(scopeName, {
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['application-networking.k8s.aws'],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['iamauthpolicies', 'targetgrouppolicies', 'accesslogpolicies'],
        }],
      },
      validations: [
        {
          expression: '!has(object.spec.targetRef) || !has(object.spec.targetRef.namespace) || object.spec.targetRef.namespace == object.metadata.namespace',
          messageExpression: '\'this \' + object.kind + \' targets namespace \' + string(object.spec.targetRef.namespace) + '
            + `${celString(' but may only target objects of its own namespace \'')} + object.metadata.namespace + ${celString('\' (cdk-lattice-eks tenant isolation)')}`,
          reason: 'Forbidden',
        },
        {
          expression: 'object.kind != \'IAMAuthPolicy\' || !has(object.spec.targetRef) || object.spec.targetRef.kind != \'Gateway\'',
          message: 'an IAMAuthPolicy must not target a Gateway: the service network\'s auth policy belongs to CloudFormation (cdk-lattice-eks)',
          reason: 'Forbidden',
        },
      ],
    }),
    binding(scopeName),
    policy(routesName, {
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['gateway.networking.k8s.io'],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['httproutes', 'grpcroutes', 'tlsroutes'],
        }],
      },
      validations: [
        {
          expression: '!has(object.spec.rules) || object.spec.rules.all(r, !has(r.backendRefs) || '
            + 'r.backendRefs.all(b, !has(b.namespace) || b.namespace == object.metadata.namespace))',
          messageExpression: `'route ' + object.metadata.name + ${celString(' sends to a backend of another namespace; routes may only send to backends of their own namespace \'')} + `
            + `object.metadata.namespace + ${celString('\' (cdk-lattice-eks tenant isolation; the controller does not check ReferenceGrants)')}`,
          reason: 'Forbidden',
        },
        ...ROUTE_OWNERSHIP_ANNOTATIONS.map((key) => ({
          expression: ownAnnotationUnchanged(key),
          message: `only the identity cdk-lattice-eks deploys with may set or change the annotation ${key}: it decides which Lattice service the route becomes or takes over`,
          reason: 'Forbidden',
        })),
      ],
    }),
    binding(routesName),
    policy(keepName, {
      matchConstraints: {
        resourceRules: [{
          apiGroups: ['application-networking.k8s.aws'], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: ['iamauthpolicies'],
        }],
      },
      matchConditions: [
        {
          name: 'managed-by-cdk-lattice-eks',
          expression: `oldObject != null && has(oldObject.metadata.labels) && ${celString(managedBy[0])} in oldObject.metadata.labels && `
            + `oldObject.metadata.labels[${celString(managedBy[0])}] == ${celString(managedBy[1])}`,
        },
        // The controller only adds and removes its finalizer and status; the namespace controller deletes what a deleted namespace held.
        {
          name: 'not-the-controller-or-namespace-controller',
          expression: `!(request.userInfo.username in [${celString(spec.controllerUser)}, 'system:serviceaccount:kube-system:namespace-controller', `
            + '\'system:serviceaccount:kube-system:generic-garbage-collector\'])',
        },
      ],
      validations: [{
        expression: `${trusted} || (request.operation == 'UPDATE' && object.spec == oldObject.spec)`,
        messageExpression: `${celString('this IAMAuthPolicy was created by cdk-lattice-eks; only its deploy identity may change or delete it (deleting it would turn IAM auth off for the service): ')}`
          + ' + oldObject.metadata.namespace + \'/\' + oldObject.metadata.name',
        reason: 'Forbidden',
      }],
    }),
    binding(keepName),
    policy(dnsName, {
      matchConstraints: {
        resourceRules: [{ apiGroups: ['externaldns.k8s.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['dnsendpoints'] }],
      },
      validations: [{
        expression: `request.userInfo.username == ${celString(spec.controllerUser)} || ${trusted}`,
        message: 'DNSEndpoints are written only by the AWS Gateway API Controller: ExternalDNS publishes every DNSEndpoint of the cluster in the private zone (cdk-lattice-eks tenant isolation)',
        reason: 'Forbidden',
      }],
    }),
    binding(dnsName),
  ];
}

import { GATEWAY_API_VERSION } from './gateway-api';
import { K8sObject, objectMeta } from './object';

/** API version of the AWS Gateway API Controller's policy objects. */
export const APPLICATION_NETWORKING_API_VERSION = 'application-networking.k8s.aws/v1alpha1';

/** Input of `iamAuthPolicy`. */
export interface IamAuthPolicySpec {
  /** Name of the IAMAuthPolicy. */
  readonly name: string;
  /** Namespace of the policy and of its target. */
  readonly namespace: string;
  /** Kind of the Gateway API object the policy attaches to. */
  readonly targetKind: 'HTTPRoute' | 'GRPCRoute' | 'Gateway';
  /** Name of that object (same namespace). */
  readonly targetName: string;
  /** The auth policy, as a JSON string. */
  readonly policy: string;
}

/**
 * An IAMAuthPolicy: the controller writes `policy` as the auth policy of the
 * Lattice service (route) or service network (Gateway) behind the target and
 * sets its auth type to AWS_IAM; deleting it sets the auth type to NONE.
 */
export function iamAuthPolicy(spec: IamAuthPolicySpec): K8sObject {
  return {
    apiVersion: APPLICATION_NETWORKING_API_VERSION,
    kind: 'IAMAuthPolicy',
    metadata: objectMeta(spec.name, spec.namespace),
    spec: {
      targetRef: {
        group: GATEWAY_API_VERSION.split('/')[0],
        kind: spec.targetKind,
        name: spec.targetName,
      },
      policy: spec.policy,
    },
  };
}

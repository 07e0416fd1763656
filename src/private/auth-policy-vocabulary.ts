/**
 * The words a Lattice auth policy may use, as this library knows them: the
 * action, the condition operators and the condition keys.
 *
 * IAM evaluation never reports an unknown action, operator or key: a statement
 * that uses one silently never matches (an Allow then allows nothing, a Deny
 * denies nothing). Every policy this library renders is checked against these
 * lists, and the tests check the lists against an independent IAM evaluator's
 * data.
 */

/** The only action of a Lattice auth policy: calling a service. */
export const LATTICE_INVOKE_ACTION = 'vpc-lattice-svcs:Invoke';

/**
 * The other action of `vpc-lattice-svcs`: connecting to a service. A hand-written policy that
 * admits TLS passthrough connections (anonymous on a TLS listener) names it beside Invoke,
 * since the Lattice documentation does not say which of the two a TLS listener evaluates.
 */
export const LATTICE_CONNECT_ACTION = 'vpc-lattice-svcs:Connect';

/** Action values accepted in a hand-written auth policy. */
export const LATTICE_ACTIONS: readonly string[] = [LATTICE_INVOKE_ACTION, LATTICE_CONNECT_ACTION, 'vpc-lattice-svcs:*', '*'];

/** Condition keys used by the policy builder. */
export const KEY = {
  PRINCIPAL_TYPE: 'aws:PrincipalType',
  PRINCIPAL_ORG_ID: 'aws:PrincipalOrgID',
  PRINCIPAL_ORG_PATHS: 'aws:PrincipalOrgPaths',
  SOURCE_VPC_OWNER: 'vpc-lattice-svcs:SourceVpcOwnerAccount',
  SOURCE_VPC: 'vpc-lattice-svcs:SourceVpc',
  REQUEST_METHOD: 'vpc-lattice-svcs:RequestMethod',
  REQUEST_PATH: 'vpc-lattice-svcs:RequestPath',
  CLUSTER_NAME_TAG: 'aws:PrincipalTag/eks-cluster-name',
  CLUSTER_ARN_TAG: 'aws:PrincipalTag/eks-cluster-arn',
  NAMESPACE_TAG: 'aws:PrincipalTag/kubernetes-namespace',
  SERVICE_ACCOUNT_TAG: 'aws:PrincipalTag/kubernetes-service-account',
} as const;

/**
 * Session tags that EKS Pod Identity puts on a pod's role session (visible
 * to policies as `aws:PrincipalTag/<tag>`).
 */
export const POD_IDENTITY_SESSION_TAGS: readonly string[] = [
  'eks-cluster-arn',
  'eks-cluster-name',
  'kubernetes-namespace',
  'kubernetes-service-account',
  'kubernetes-pod-name',
  'kubernetes-pod-uid',
];

/** Pod Identity session tags whose values change with every rollout: useless in a static rule. */
export const VOLATILE_SESSION_TAGS: readonly string[] = ['kubernetes-pod-name', 'kubernetes-pod-uid'];

/** Fixed condition keys that Lattice evaluates in auth policies. */
export const LATTICE_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalType',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'vpc-lattice-svcs:Port',
  'vpc-lattice-svcs:RequestMethod',
  'vpc-lattice-svcs:RequestPath',
  'vpc-lattice-svcs:ServiceArn',
  'vpc-lattice-svcs:ServiceNetworkArn',
  'vpc-lattice-svcs:SourceVpc',
  'vpc-lattice-svcs:SourceVpcOwnerAccount',
];

/** Condition keys that take a name after the prefix (`aws:PrincipalTag/<tag key>`). */
export const LATTICE_CONDITION_KEY_PREFIXES: readonly string[] = [
  'aws:PrincipalTag/',
  'aws:ResourceTag/',
  'vpc-lattice-svcs:RequestHeader/',
  'vpc-lattice-svcs:RequestQueryString/',
];

/** Condition operators accepted in auth policies (each also with the `IfExists` suffix, except `Null`). */
export const CONDITION_OPERATORS: readonly string[] = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
];

/**
 * Whether `operator` is a known condition operator (case-sensitive, as IAM
 * documents them), including the set operators `ForAnyValue:` and
 * `ForAllValues:` for multi-valued keys such as `aws:PrincipalOrgPaths`.
 */
export function isKnownConditionOperator(operator: string): boolean {
  if (operator === 'Null') return true;
  const unqualified = operator.replace(/^(ForAnyValue|ForAllValues):/, '');
  const base = unqualified.endsWith('IfExists') ? unqualified.slice(0, -'IfExists'.length) : unqualified;
  return CONDITION_OPERATORS.includes(base);
}

/**
 * The canonical spelling of a known condition key (keys are case-insensitive
 * in IAM), or `undefined` when the key is unknown.
 */
export function canonicalConditionKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  const fixed = LATTICE_CONDITION_KEYS.find((known) => known.toLowerCase() === lower);
  if (fixed !== undefined) return fixed;
  const prefix = LATTICE_CONDITION_KEY_PREFIXES.find((p) => lower.startsWith(p.toLowerCase()));
  if (prefix !== undefined && key.length > prefix.length) return `${prefix}${key.slice(prefix.length)}`;
  return undefined;
}

/** The Pod Identity tag that a `aws:PrincipalTag/<tag>` key names, if it names a volatile one. */
export function volatileSessionTagOf(key: string): string | undefined {
  const prefix = 'aws:principaltag/';
  const lower = key.toLowerCase();
  if (!lower.startsWith(prefix)) return undefined;
  return VOLATILE_SESSION_TAGS.find((tag) => tag === lower.slice(prefix.length));
}

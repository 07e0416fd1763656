/**
 * Amazon VPC Lattice authorization, evaluated with an IAM policy simulator
 * that this project did not write (`@cloud-copilot/iam-simulate`, a test-only
 * dependency), plus the Lattice rules that a general IAM evaluator does not
 * know:
 *
 * - Three policies must EACH allow `vpc-lattice-svcs:Invoke`: the caller's
 *   identity policy, the service network's auth policy and the service's auth
 *   policy (a level whose auth type is NONE is skipped). Plain same-account IAM
 *   would let the identity policy or a resource policy naming the role suffice.
 * - A resource policy whose principal is an account root comes back as
 *   `AllowedForAccount` (the account delegates to its identity policies): for
 *   Lattice that is an allow at that level, and the identity level is checked
 *   on its own.
 * - The simulator fills in no request context by itself: `aws:PrincipalType`
 *   (`Anonymous` for unsigned requests), the principal's account, ARN and
 *   session tags, the source VPC and the request method and path are set here.
 *   Without `aws:PrincipalType`, an anonymous caller would pass a
 *   "not anonymous" condition.
 * - IAM never reports an unknown action, condition operator or key: such a
 *   statement silently never matches. Every policy evaluated here is checked
 *   against the library's vocabulary (itself checked against the simulator's
 *   data in the tests) first, and a request context key that the simulator
 *   would drop is an error too.
 */
import { anonymousPrincipal, runSimulation, type Simulation, typeForContextKey } from '@cloud-copilot/iam-simulate';
import { canonicalConditionKey, isKnownConditionOperator, LATTICE_ACTIONS } from '../../src/private/auth-policy-vocabulary';

/** Account that owns the service network and the services. */
export const OWNER_ACCOUNT = '111111111111';
/** Region of the evaluated services. */
export const REGION = 'us-east-1';

/** The identity policy of a caller allowed to invoke any Lattice service. */
export const INVOKE_ANY_SERVICE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
};

/** A request to a Lattice service. */
export interface LatticeRequest {
  /**
   * Caller: an STS assumed-role session ARN
   * (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), or `'anonymous'`
   * for an unsigned request.
   */
  readonly principal: string;
  /** Session tags of the caller (EKS Pod Identity puts six), keyed without the `aws:PrincipalTag/` prefix. */
  readonly sessionTags?: Record<string, string>;
  /** Organization of the caller's account. */
  readonly principalOrgId?: string;
  /** Organizations paths of the caller's account (`aws:PrincipalOrgPaths`, multi-valued). */
  readonly principalOrgPaths?: string[];
  /** Owner of the VPC the request comes from. @default OWNER_ACCOUNT */
  readonly sourceVpcOwner?: string;
  /** Identity policies of the caller. @default [INVOKE_ANY_SERVICE] */
  readonly identityPolicies?: any[];
  /** VPC the request comes from. @default 'vpc-0aaaaaaaaaaaaaaaa' */
  readonly sourceVpc?: string;
  /** @default 'GET' */
  readonly method?: string;
  /** Request path (the evaluator needs a non-empty path after the service ID). @default '/hello' */
  readonly path?: string;
}

/** The Lattice resources and their auth policies (`undefined`: auth type NONE). */
export interface LatticeTarget {
  readonly serviceNetworkPolicy: any | undefined;
  readonly servicePolicy: any | undefined;
  /** @default a fixed service id */
  readonly serviceId?: string;
}

/** One level of Lattice authorization. */
export type LatticeLevel = 'identity' | 'network' | 'service';

/** Outcome of a request. */
export interface LatticeDecision {
  readonly allowed: boolean;
  /** Levels that did not allow the request. */
  readonly deniedBy: LatticeLevel[];
}

const SERVICE_NETWORK_ID = 'sn-0123456789abcdef0';
const DEFAULT_PATH = '/hello';

/** The Pod Identity session of a pod: its role session ARN and the six session tags. */
export function podIdentitySession(opts: {
  account?: string; region?: string; clusterName: string; namespace: string; serviceAccount?: string; role?: string;
}): { principal: string; sessionTags: Record<string, string> } {
  const account = opts.account ?? OWNER_ACCOUNT;
  const role = opts.role ?? 'vpc-lattice-sigv4-client';
  return {
    principal: `arn:aws:sts::${account}:assumed-role/${role}/eks-${opts.clusterName}-demo-1b575f8d`,
    sessionTags: {
      'eks-cluster-arn': `arn:aws:eks:${opts.region ?? REGION}:${account}:cluster/${opts.clusterName}`,
      'eks-cluster-name': opts.clusterName,
      'kubernetes-namespace': opts.namespace,
      'kubernetes-service-account': opts.serviceAccount ?? 'default',
      'kubernetes-pod-name': `${opts.namespace}-demo-6d7558f5b4-zk5cg`,
      'kubernetes-pod-uid': '1b575f8d-fb77-486a-8a13-af5a2a0f78ae',
    },
  };
}

/**
 * Throws when `policy` uses an action, condition operator or condition key
 * outside the vocabulary (the evaluator would silently never match it).
 */
export async function assertKnownVocabulary(policy: any): Promise<void> {
  const statements: any[] = Array.isArray(policy?.Statement) ? policy.Statement : [policy?.Statement];
  for (const statement of statements) {
    for (const action of [statement.Action ?? []].flat()) {
      if (!LATTICE_ACTIONS.includes(action)) throw new Error(`unknown action '${action}' in policy: it would never match`);
    }
    for (const [operator, block] of Object.entries<Record<string, unknown>>(statement.Condition ?? {})) {
      if (!isKnownConditionOperator(operator)) throw new Error(`unknown condition operator '${operator}' in policy: it would never match`);
      for (const key of Object.keys(block)) {
        if (canonicalConditionKey(key) === undefined) throw new Error(`unknown condition key '${key}' in policy: it would never match`);
        await typeForContextKey(key); // the simulator's own data must know it too (throws otherwise)
      }
    }
  }
}

/** Request context keys the simulator would see for `request` (it sets none itself). */
export function requestContext(request: LatticeRequest, serviceArn: string): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {
    'vpc-lattice-svcs:SourceVpc': request.sourceVpc ?? 'vpc-0aaaaaaaaaaaaaaaa',
    'vpc-lattice-svcs:SourceVpcOwnerAccount': request.sourceVpcOwner ?? OWNER_ACCOUNT,
    'vpc-lattice-svcs:RequestMethod': request.method ?? 'GET',
    'vpc-lattice-svcs:RequestPath': request.path ?? DEFAULT_PATH,
    'vpc-lattice-svcs:Port': '443',
    'vpc-lattice-svcs:ServiceArn': serviceArn,
    'vpc-lattice-svcs:ServiceNetworkArn': `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:servicenetwork/${SERVICE_NETWORK_ID}`,
  };
  if (request.principal === 'anonymous') {
    context['aws:PrincipalType'] = 'Anonymous';
    return context;
  }
  const match = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(request.principal);
  if (!match) throw new Error(`principal '${request.principal}' is not an assumed-role session ARN`);
  context['aws:PrincipalType'] = 'AssumedRole';
  context['aws:PrincipalAccount'] = match[1];
  context['aws:PrincipalArn'] = `arn:aws:iam::${match[1]}:role/${match[2]}`;
  if (request.principalOrgId) context['aws:PrincipalOrgID'] = request.principalOrgId;
  if (request.principalOrgPaths) context['aws:PrincipalOrgPaths'] = request.principalOrgPaths;
  for (const [tag, value] of Object.entries(request.sessionTags ?? {})) context[`aws:PrincipalTag/${tag}`] = value;
  return context;
}

/** Runs the simulator once, with only identity policies or only a resource policy. */
async function simulate(request: LatticeRequest, serviceArn: string, identityPolicies: any[], resourcePolicy: any | undefined) {
  const path = request.path ?? DEFAULT_PATH;
  const simulation: Simulation = {
    request: {
      principal: request.principal === 'anonymous' ? anonymousPrincipal : request.principal,
      action: 'vpc-lattice-svcs:Invoke',
      resource: { resource: `${serviceArn}${path}`, accountId: OWNER_ACCOUNT },
      contextVariables: requestContext(request, serviceArn),
    },
    identityPolicies: identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== 'single') throw new Error(`unexpected ${result.resultType} simulation`);
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`the simulator ignored request context keys ${ignored.join(', ')}`);
  return result.result.analysis;
}

/**
 * Whether Lattice admits `request` to the service of `target`: the identity
 * policy, the network's auth policy and the service's auth policy must each
 * allow it.
 */
export async function evaluateLatticeRequest(request: LatticeRequest, target: LatticeTarget): Promise<LatticeDecision> {
  const serviceArn = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/${target.serviceId ?? 'svc-0123456789abcdef0'}`;
  const identityPolicies = request.identityPolicies ?? [INVOKE_ANY_SERVICE];
  for (const policy of [...identityPolicies, target.serviceNetworkPolicy, target.servicePolicy]) {
    if (policy !== undefined) await assertKnownVocabulary(policy);
  }
  const deniedBy: LatticeLevel[] = [];

  // Identity: an unsigned request has no identity, so no identity policy applies.
  if (request.principal !== 'anonymous') {
    const identity = await simulate(request, serviceArn, identityPolicies, undefined);
    if (identity.identityAnalysis?.result !== 'Allowed') deniedBy.push('identity');
  }

  // Each auth policy on its own, as a resource policy.
  const levels: Array<[LatticeLevel, any]> = [['network', target.serviceNetworkPolicy], ['service', target.servicePolicy]];
  for (const [level, policy] of levels) {
    if (policy === undefined) continue; // auth type NONE
    const analysis = await simulate(request, serviceArn, [], policy);
    const result = analysis.resourceAnalysis?.result;
    if (result !== 'Allowed' && result !== 'AllowedForAccount') deniedBy.push(level);
  }
  return { allowed: deniedBy.length === 0, deniedBy };
}

/** What a plain IAM evaluation says (identity and resource policy together, no Lattice rules). */
export async function plainIamResult(request: LatticeRequest, resourcePolicy: any, contextOverride?: Record<string, string | string[]>) {
  const serviceArn = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/svc-0123456789abcdef0`;
  const result = await runSimulation({
    request: {
      principal: request.principal === 'anonymous' ? anonymousPrincipal : request.principal,
      action: 'vpc-lattice-svcs:Invoke',
      resource: { resource: `${serviceArn}${request.path ?? DEFAULT_PATH}`, accountId: OWNER_ACCOUNT },
      contextVariables: contextOverride ?? requestContext(request, serviceArn),
    },
    identityPolicies: request.principal === 'anonymous' ? [] : (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  }, {});
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** Values of CloudFormation pseudo parameters used to materialize templates. */
export interface PseudoParameters {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The deployed form of a template value: `Ref` of pseudo parameters and `Fn::Join` resolved. */
export function materialize(value: any, env: PseudoParameters = { account: OWNER_ACCOUNT, region: REGION, partition: 'aws' }): any {
  if (Array.isArray(value)) return value.map((v) => materialize(v, env));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const pseudo: Record<string, string> = {
      'AWS::Partition': env.partition, 'AWS::AccountId': env.account, 'AWS::Region': env.region, 'AWS::URLSuffix': 'amazonaws.com',
    };
    if (!(value.Ref in pseudo)) throw new Error(`cannot materialize Ref ${value.Ref}`);
    return pseudo[value.Ref];
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((p: any) => materialize(p, env)).join(separator);
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) throw new Error(`cannot materialize ${keys[0]}`);
  return Object.fromEntries(keys.map((k) => [k, materialize(value[k], env)]));
}

/** An IAMAuthPolicy found in a template, with its policy parsed. */
export interface TemplateIamAuthPolicy {
  readonly logicalId: string;
  readonly object: any;
  readonly policy: any;
}

/** Every IAMAuthPolicy of every manifest of a template, as deployed. */
export function iamAuthPoliciesInTemplate(template: any, env?: PseudoParameters): TemplateIamAuthPolicy[] {
  const out: TemplateIamAuthPolicy[] = [];
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== 'Custom::AWSCDK-EKS-KubernetesResource') continue;
    // Manifests holding IAMAuthPolicy objects (not those that only name the kind, like the tenant guard).
    if (!/kind\\*"\s*:\s*\\*"IAMAuthPolicy/.test(JSON.stringify(resource.Properties.Manifest))) continue;
    const objects: any[] = JSON.parse(materialize(resource.Properties.Manifest, env));
    for (const object of objects) {
      if (object.kind === 'IAMAuthPolicy') out.push({ logicalId, object, policy: JSON.parse(object.spec.policy) });
    }
  }
  return out;
}

/** Every `AWS::VpcLattice::AuthPolicy` of a template, keyed by logical ID, as deployed. */
export function cfnAuthPoliciesInTemplate(template: any, env?: PseudoParameters): Record<string, { resourceIdentifier: any; policy: any }> {
  const out: Record<string, { resourceIdentifier: any; policy: any }> = {};
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::VpcLattice::AuthPolicy') continue;
    out[logicalId] = { resourceIdentifier: resource.Properties.ResourceIdentifier, policy: materialize(resource.Properties.Policy, env) };
  }
  return out;
}

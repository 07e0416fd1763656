import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  canonicalConditionKey,
  isKnownConditionOperator,
  KEY,
  LATTICE_ACTIONS,
  LATTICE_INVOKE_ACTION,
  volatileSessionTagOf,
} from '../private/auth-policy-vocabulary';
import { literalRequired, validationError } from '../private/errors';
import { grpcMethodProblem, grpcRequestPath, isGrpcWildcard } from '../private/grpc-names';
import { k8sNameProblem } from '../private/k8s-names';
import { accountIdProblem, organizationIdProblem, organizationPathProblem } from '../private/lattice-names';
import { authPolicySizeProblem } from '../private/policy-size';

const KIND = 'LatticeAuthPolicy';

/** EKS cluster names: 1-100 letters, digits, `-` and `_`, starting with a letter or digit. */
const EKS_CLUSTER_NAME_RE = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const VPC_ID_RE = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Conditions whose values may be merged into one list (OR) without changing the meaning. */
const POSITIVE_OPERATORS = ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase', 'ForAnyValue:StringLike'];

/**
 * HTTP methods a caller may be limited to (`vpc-lattice-svcs:RequestMethod`).
 */
export enum LatticeRequestMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** PATCH */
  PATCH = 'PATCH',
  /** DELETE */
  DELETE = 'DELETE',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
}

/**
 * Request conditions that narrow what a caller may do. Each given condition
 * must hold (AND); within one condition any listed value matches (OR).
 */
export interface LatticeRequestConditions {
  /**
   * HTTP methods the caller may use.
   *
   * @default - any method
   */
  readonly methods?: LatticeRequestMethod[];

  /**
   * Path prefixes the caller may request, each starting with `/`
   * (`/api/` admits `/api/orders`; `/api` also admits `/apiary`). No
   * wildcards (`*`, `?`) and no policy variables (`${...}`).
   *
   * @default - any path
   */
  readonly pathPrefixes?: string[];
}

/** Options of `LatticeCaller.eksWorkload()`. */
export interface EksWorkloadCallerOptions {
  /**
   * Name of the EKS cluster the calling pods run in (session tag
   * `eks-cluster-name`). A literal string: name the other cluster, do not
   * reference its construct (that would make this stack depend on the
   * cluster's stack).
   */
  readonly clusterName: string;

  /**
   * Kubernetes namespaces of the calling pods (session tag
   * `kubernetes-namespace`); any of them matches.
   */
  readonly namespaces: string[];

  /**
   * Kubernetes service accounts of the calling pods (session tag
   * `kubernetes-service-account`); any of them matches, in any of
   * `namespaces`. For exact namespace/service-account pairs use one caller
   * per pair.
   *
   * @default - any service account of the namespaces
   */
  readonly serviceAccounts?: string[];

  /**
   * 12-digit ID of the AWS account of the calling pods' IAM role (the
   * principal Lattice sees, `aws:PrincipalAccount`).
   *
   * @default - the account of the stack the policy is rendered in
   */
  readonly account?: string;

  /**
   * 12-digit ID of the account of the calling pods' cluster, pinned by its
   * ARN (session tag `eks-cluster-arn`). It differs from `account` only when
   * the pods chain into a role of another account (Pod Identity
   * `targetRoleArn`): the request is then signed by that role, in its
   * account, while the transitive session tags still name the source cluster.
   *
   * @default - `account`
   */
  readonly clusterAccount?: string;

  /**
   * Region of the calling pods' cluster. The policy matches the cluster's ARN
   * (session tag `eks-cluster-arn`), so a cluster of the same name in
   * another region or account does not match.
   *
   * @default - the region of the stack the policy is rendered in
   */
  readonly region?: string;
}

/** A condition of a statement: `operator: { key: values }` (any value matches). */
interface Condition {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** What a caller is, before it is rendered in a stack. */
interface CallerSpec {
  /** Statement id of the caller's kind. */
  readonly sid: string;
  /** How the caller was made, for messages. */
  readonly description: string;
  /**
   * Accounts whose principals may call (`undefined` stands for the stack's
   * account); `'*'` for any principal, narrowed by the conditions.
   */
  readonly accounts: Array<string | undefined> | '*';
  readonly conditions: Condition[];
  /** Conditions whose values depend on the stack the policy is rendered in (its account, region, partition). */
  readonly stackConditions?: (stack: Stack) => Condition[];
  /** Checks of the inputs, each returning a problem or `undefined`. */
  readonly checks: Array<() => string | undefined>;
}

/**
 * Who may call a Lattice service: a principal scope (an account, an
 * organization, the pods of an EKS cluster's namespaces, ...) and conditions.
 *
 * Everything inside one caller must hold (AND); a policy admits a request
 * when any of its callers matches (OR). Every caller must sign its requests
 * (SigV4): anonymous requests never match.
 *
 * @example
 * import { LatticeCaller, LatticeRequestMethod } from 'cdk-lattice-eks';
 *
 * // Pods of eks-cluster2's checkout namespace, GET requests under /api only.
 * const checkout = LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] })
 *   .withRequest({ methods: [LatticeRequestMethod.GET], pathPrefixes: ['/api/'] });
 */
export class LatticeCaller {
  /**
   * Pods of an EKS cluster, identified by the session tags EKS Pod Identity
   * puts on their role session (`eks-cluster-name`, `kubernetes-namespace`,
   * `kubernetes-service-account`), whose role belongs to `account`.
   *
   * The pods' role must come from a Pod Identity association (session tags
   * on); the cluster is named, never referenced, so stacks of different
   * clusters stay independent.
   */
  public static eksWorkload(options: EksWorkloadCallerOptions): LatticeCaller {
    const clusterName = options.clusterName;
    const namespaces = unique(options.namespaces ?? []);
    const serviceAccounts = options.serviceAccounts === undefined ? undefined : unique(options.serviceAccounts);
    const description = `LatticeCaller.eksWorkload(cluster '${clusterName}')`;
    const conditions: Condition[] = [
      { operator: 'StringEquals', key: KEY.CLUSTER_NAME_TAG, values: [clusterName] },
      { operator: 'StringEquals', key: KEY.NAMESPACE_TAG, values: namespaces },
    ];
    if (serviceAccounts !== undefined) {
      conditions.push({ operator: 'StringEquals', key: KEY.SERVICE_ACCOUNT_TAG, values: serviceAccounts });
    }
    return new LatticeCaller({
      sid: 'AllowEksWorkloads',
      description,
      accounts: [options.account],
      conditions,
      stackConditions: (stack) => [{
        operator: 'StringEquals',
        key: KEY.CLUSTER_ARN_TAG,
        values: [`arn:${stack.partition}:eks:${options.region ?? stack.region}:${options.clusterAccount ?? options.account ?? stack.account}:cluster/${clusterName}`],
      }],
      checks: [
        () => clusterNameProblem(clusterName),
        () => (namespaces.length === 0 ? 'namespaces must name at least one Kubernetes namespace' : undefined),
        ...namespaces.map((namespace) => () => namespaceProblem(namespace)),
        () => (serviceAccounts !== undefined && serviceAccounts.length === 0
          ? 'serviceAccounts, when given, must name at least one service account' : undefined),
        ...(serviceAccounts ?? []).map((serviceAccount) => () => serviceAccountProblem(serviceAccount)),
        () => (options.account === undefined ? undefined : accountIdProblem(options.account)),
        () => (options.clusterAccount === undefined ? undefined : accountIdProblem(options.clusterAccount)),
        () => (options.region === undefined || Token.isUnresolved(options.region) || /^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)
          ? undefined : `region '${options.region}' is not an AWS region name (e.g. us-east-1)`),
      ],
    });
  }

  /**
   * Any authenticated principal (user, role session) of an AWS account.
   *
   * @param accountId 12-digit account ID
   */
  public static account(accountId: string): LatticeCaller {
    return new LatticeCaller({
      sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts',
      description: `LatticeCaller.account('${accountId}')`,
      accounts: [accountId],
      conditions: [],
      checks: [() => accountIdProblem(accountId)],
    });
  }

  /**
   * Any authenticated principal of an account of an AWS Organizations
   * organization (`aws:PrincipalOrgID`).
   *
   * @param organizationId organization ID, `o-` followed by 10-32 lowercase letters or digits
   */
  public static organization(organizationId: string): LatticeCaller {
    return new LatticeCaller({
      sid: 'AllowAuthenticatedPrincipalsOfAllowedOrganizations',
      description: `LatticeCaller.organization('${organizationId}')`,
      accounts: '*',
      conditions: [{ operator: 'StringEquals', key: KEY.PRINCIPAL_ORG_ID, values: [organizationId] }],
      checks: [() => organizationIdProblem(organizationId)],
    });
  }

  /**
   * Any authenticated principal of an account under an AWS Organizations
   * path (`aws:PrincipalOrgPaths`): the accounts of an organizational unit
   * and of the units below it.
   *
   * @param organizationPath the unit's path as IAM reports it, ending with
   *   `/`: `o-<org id>/r-<root id>/ou-<root id>-<ou id>/` (more `ou-.../`
   *   levels for nested units; `o-<org id>/r-<root id>/` for the whole
   *   organization)
   */
  public static organizationPath(organizationPath: string): LatticeCaller {
    return new LatticeCaller({
      sid: 'AllowAuthenticatedPrincipalsOfOrganizationPaths',
      description: `LatticeCaller.organizationPath('${organizationPath}')`,
      accounts: '*',
      // A principal's account has one path, listed with its ancestors' paths; the prefix admits nested units.
      conditions: [{ operator: 'ForAnyValue:StringLike', key: KEY.PRINCIPAL_ORG_PATHS, values: [`${organizationPath}*`] }],
      checks: [() => organizationPathProblem(organizationPath)],
    });
  }

  /**
   * Authenticated principals of `principalAccountId` whose requests come from
   * a VPC owned by `vpcOwnerAccountId` (`vpc-lattice-svcs:SourceVpcOwnerAccount`),
   * for example any VPC of a workload account that joined a shared network.
   *
   * @param vpcOwnerAccountId 12-digit ID of the account that owns the source VPCs
   * @param principalAccountId 12-digit ID of the callers' account; by default `vpcOwnerAccountId`
   */
  public static sourceVpcOwner(vpcOwnerAccountId: string, principalAccountId?: string): LatticeCaller {
    return new LatticeCaller({
      sid: 'AllowSourceVpcOwners',
      description: `LatticeCaller.sourceVpcOwner('${vpcOwnerAccountId}')`,
      accounts: [principalAccountId ?? vpcOwnerAccountId],
      conditions: [{ operator: 'StringEquals', key: KEY.SOURCE_VPC_OWNER, values: [vpcOwnerAccountId] }],
      checks: [
        () => accountIdProblem(vpcOwnerAccountId),
        () => (principalAccountId === undefined ? undefined : accountIdProblem(principalAccountId)),
      ],
    });
  }

  /**
   * Authenticated principals of `accountId` whose requests come from a VPC
   * (`vpc-lattice-svcs:SourceVpc`).
   *
   * @param vpcId ID of the VPC the requests come from (`vpc-...`)
   * @param accountId 12-digit ID of the callers' account; by default the
   *   account of the stack the policy is rendered in
   */
  public static sourceVpc(vpcId: string, accountId?: string): LatticeCaller {
    return new LatticeCaller({
      sid: 'AllowSourceVpcs',
      description: `LatticeCaller.sourceVpc('${vpcId}')`,
      accounts: [accountId],
      conditions: [{ operator: 'StringEquals', key: KEY.SOURCE_VPC, values: [vpcId] }],
      checks: [
        () => (Token.isUnresolved(vpcId) || VPC_ID_RE.test(vpcId)
          ? undefined : `VPC ID '${vpcId}' must be 'vpc-' followed by 8 or 17 hexadecimal digits`),
        () => (accountId === undefined ? undefined : accountIdProblem(accountId)),
      ],
    });
  }

  /**
   * What the caller is.
   *
   * @internal
   */
  public readonly _spec: CallerSpec;

  private constructor(spec: CallerSpec) {
    this._spec = spec;
  }

  /**
   * A copy of this caller whose requests must also come from a VPC owned by
   * one of `accountIds` (`vpc-lattice-svcs:SourceVpcOwnerAccount`, AND).
   * Given once per caller.
   */
  public withSourceVpcOwners(accountIds: string[]): LatticeCaller {
    const owners = unique(accountIds);
    return this.withCondition({ operator: 'StringEquals', key: KEY.SOURCE_VPC_OWNER, values: owners }, [
      () => (owners.length === 0 ? 'withSourceVpcOwners() needs at least one account ID' : undefined),
      ...owners.map((owner) => () => accountIdProblem(owner)),
    ]);
  }

  /**
   * A copy of this caller whose principal's account must also sit under one
   * of `organizationPaths` (`aws:PrincipalOrgPaths`, AND; see
   * `organizationPath()` for the format). Given once per caller.
   */
  public withOrganizationPaths(organizationPaths: string[]): LatticeCaller {
    const paths = unique(organizationPaths);
    return this.withCondition({ operator: 'ForAnyValue:StringLike', key: KEY.PRINCIPAL_ORG_PATHS, values: paths.map((p) => `${p}*`) }, [
      () => (paths.length === 0 ? 'withOrganizationPaths() needs at least one organization path' : undefined),
      ...paths.map((path) => () => organizationPathProblem(path)),
    ]);
  }

  /**
   * A copy of this caller that must also meet `conditions` (AND). Each kind
   * of request condition may be given once per caller.
   */
  public withRequest(conditions: LatticeRequestConditions): LatticeCaller {
    const added: Condition[] = [];
    const checks: Array<() => string | undefined> = [];
    if (conditions.methods !== undefined) {
      const methods = unique(conditions.methods.map(String));
      added.push({ operator: 'StringEquals', key: KEY.REQUEST_METHOD, values: methods });
      checks.push(() => (methods.length === 0 ? 'methods, when given, must list at least one HTTP method' : undefined));
      for (const method of methods) checks.push(() => methodProblem(method));
    }
    if (conditions.pathPrefixes !== undefined) {
      const prefixes = unique(conditions.pathPrefixes);
      added.push({ operator: 'StringLike', key: KEY.REQUEST_PATH, values: prefixes.map((prefix) => `${prefix}*`) });
      checks.push(() => (prefixes.length === 0 ? 'pathPrefixes, when given, must list at least one path prefix' : undefined));
      for (const prefix of prefixes) checks.push(() => pathPrefixProblem(prefix));
    }
    const spec = this._spec;
    for (const condition of added) {
      if (spec.conditions.some((c) => c.key === condition.key)) {
        checks.push(() => `${condition.key} is already constrained by an earlier withRequest() or withGrpcMethods(); give each request condition once per caller`);
      }
    }
    return new LatticeCaller({
      ...spec,
      conditions: [...spec.conditions, ...added],
      checks: [...spec.checks, ...checks],
    });
  }

  /**
   * A copy of this caller that may call only the given gRPC methods (AND):
   * each `<package>.<Service>/<Method>`, or `<package>.<Service>/*` for every
   * method of a service. A gRPC call is a POST to `/<package>.<Service>/<Method>`,
   * so this limits `vpc-lattice-svcs:RequestMethod` to POST and
   * `vpc-lattice-svcs:RequestPath` to those paths (StringEquals, or StringLike
   * when a `/*` entry is given). Not combinable with `withRequest()` on the
   * same caller; given once per caller.
   *
   * @param methods e.g. `['helloworld.Greeter/SayHello', 'helloworld.Greeter/*']`
   */
  public withGrpcMethods(methods: string[]): LatticeCaller {
    const entries = unique(methods ?? []);
    const checks: Array<() => string | undefined> = [
      () => (entries.length === 0 ? 'withGrpcMethods() needs at least one gRPC method, e.g. \'helloworld.Greeter/SayHello\'' : undefined),
      ...entries.map((entry) => () => (Token.isUnresolved(entry)
        ? literalRequired('gRPC method', 'string', 'check it and write the auth policy condition')
        : grpcMethodProblem(entry))),
    ];
    // One operator for every path: StringEquals and StringLike on one key would both have to hold (AND).
    // Valid names hold no '*' or '?', so StringLike matches the exact ones exactly.
    const operator = entries.some(isGrpcWildcard) ? 'StringLike' : 'StringEquals';
    const spec = this._spec;
    const requestKeys: string[] = [KEY.REQUEST_METHOD, KEY.REQUEST_PATH];
    if (spec.conditions.some((c) => requestKeys.includes(c.key))) {
      checks.push(() => 'the request method or path is already constrained (withRequest() or withGrpcMethods()); give one of them, once per caller');
    }
    return new LatticeCaller({
      ...spec,
      conditions: [
        ...spec.conditions,
        { operator: 'StringEquals', key: KEY.REQUEST_METHOD, values: [LatticeRequestMethod.POST] },
        { operator, key: KEY.REQUEST_PATH, values: entries.map((entry) => (Token.isUnresolved(entry) ? entry : grpcRequestPath(entry))) },
      ],
      checks: [...spec.checks, ...checks],
    });
  }

  private withCondition(condition: Condition, checks: Array<() => string | undefined>): LatticeCaller {
    const spec = this._spec;
    const repeated = spec.conditions.some((c) => c.operator === condition.operator && c.key === condition.key);
    return new LatticeCaller({
      ...spec,
      conditions: [...spec.conditions, condition],
      checks: [
        ...spec.checks,
        ...checks,
        () => (repeated ? `${condition.key} is already constrained for this caller; give it once per caller` : undefined),
      ],
    });
  }
}

/** A statement of an auth policy being rendered. */
interface StatementSpec {
  sid: string;
  effect: iam.Effect;
  /** Account IDs (or tokens) whose principals the statement names, or `'*'`. */
  principals: string[] | '*';
  conditions: Condition[];
}

/** Where the document comes from. */
type DocumentSource =
  | { readonly kind: 'allow'; readonly callers: LatticeCaller[] }
  | { readonly kind: 'denyAll' }
  | { readonly kind: 'document'; readonly document: iam.PolicyDocument };

/**
 * A VPC Lattice auth policy: who may invoke the service or the services of a
 * service network.
 *
 * Build it with `allow()` from callers (any caller matching admits the
 * request), or `denyAll()`. It is rendered, and checked, in the stack of the
 * construct that uses it: empty allow lists, invalid names, unknown condition
 * keys and operators, rules on the pod name or uid session tags and policies
 * over Lattice's 10,000-character limit are synth-time errors.
 *
 * Lattice admits a request only when the caller's own IAM policies allow
 * `vpc-lattice-svcs:Invoke`, the service network's auth policy allows it AND
 * the service's auth policy (if any) allows it.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { LatticeAuthPolicyDocument, LatticeCaller } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * const document = LatticeAuthPolicyDocument.allow(
 *   LatticeCaller.eksWorkload({ clusterName: 'eks-cluster1', namespaces: ['apps'] }),
 *   LatticeCaller.account('222222222222'),
 * ).toPolicyDocument(stack);
 */
export class LatticeAuthPolicyDocument {
  /**
   * A policy that admits requests from any of `callers` (OR), and nothing else.
   *
   * Callers of the same kind are combined into one statement where that keeps
   * the meaning (accounts into one principal list, organizations into one
   * condition value list).
   */
  public static allow(...callers: LatticeCaller[]): LatticeAuthPolicyDocument {
    return new LatticeAuthPolicyDocument({ kind: 'allow', callers: [...callers] });
  }

  /**
   * A policy that explicitly denies every request. Attached to a service, it
   * blocks it whatever the service network's policy allows.
   */
  public static denyAll(): LatticeAuthPolicyDocument {
    return new LatticeAuthPolicyDocument({ kind: 'denyAll' });
  }

  /**
   * A hand-written auth policy. It gets the same checks as built ones: the
   * action must be `vpc-lattice-svcs:Invoke`, condition operators and keys
   * must be known to Lattice (a misspelt one would silently never match),
   * rules on `kubernetes-pod-name` or `kubernetes-pod-uid` are rejected, and
   * the size limit applies.
   */
  public static fromPolicyDocument(document: iam.PolicyDocument): LatticeAuthPolicyDocument {
    return new LatticeAuthPolicyDocument({ kind: 'document', document });
  }

  private readonly source: DocumentSource;

  private constructor(source: DocumentSource) {
    this.source = source;
  }

  /**
   * The callers of a policy built with `allow()` (undefined otherwise).
   *
   * @internal
   */
  public _callers(): LatticeCaller[] | undefined {
    return this.source.kind === 'allow' ? [...this.source.callers] : undefined;
  }

  /**
   * Renders the policy as an IAM policy document in the stack of `scope`
   * (whose account is the default account of callers), after checking it.
   * Errors name `scope`.
   */
  public toPolicyDocument(scope: IConstruct): iam.PolicyDocument {
    const source = this.source;
    const document = source.kind === 'document'
      ? this.checkedDocument(scope, source.document)
      : renderStatements(this.statementsOf(scope, source));
    const sizeProblem = authPolicySizeProblem(Stack.of(scope).resolve(document));
    if (sizeProblem !== undefined) throw validationError(scope, KIND, sizeProblem);
    return document;
  }

  /**
   * Renders the policy as a JSON string in the stack of `scope` (tokens such
   * as the partition are resolved by CloudFormation), after checking it.
   */
  public toJson(scope: IConstruct): string {
    return Stack.of(scope).toJsonString(this.toPolicyDocument(scope));
  }

  private statementsOf(scope: IConstruct, source: Exclude<DocumentSource, { kind: 'document' }>): StatementSpec[] {
    if (source.kind === 'denyAll') {
      return [{ sid: 'DenyAll', effect: iam.Effect.DENY, principals: '*', conditions: [] }];
    }
    const callers = source.callers;
    if (callers.length === 0) {
      throw validationError(scope, KIND,
        'allow() was given no callers, which would deny every request; name the callers, ' +
        'or use LatticeAuthPolicyDocument.denyAll() to deny everything on purpose');
    }
    const stackAccount = Stack.of(scope).account;
    const statements = callers.map((caller): StatementSpec => {
      const spec = caller._spec;
      for (const check of spec.checks) {
        const problem = check();
        if (problem !== undefined) throw validationError(scope, KIND, `${spec.description}: ${problem}`);
      }
      return {
        sid: spec.sid,
        effect: iam.Effect.ALLOW,
        principals: spec.accounts === '*' ? '*' : unique(spec.accounts.map((account) => account ?? stackAccount)),
        conditions: [
          ...spec.conditions.map((c) => ({ ...c, values: [...c.values] })),
          ...(spec.stackConditions?.(Stack.of(scope)) ?? []),
          // Unsigned requests carry aws:PrincipalType "Anonymous": keep them out.
          { operator: 'StringNotEqualsIgnoreCase', key: KEY.PRINCIPAL_TYPE, values: ['anonymous'] },
        ],
      };
    });
    return uniqueSids(mergeStatements(statements));
  }

  private checkedDocument(scope: IConstruct, document: iam.PolicyDocument): iam.PolicyDocument {
    const fail = (problem: string): never => {
      throw validationError(scope, KIND, `LatticeAuthPolicyDocument.fromPolicyDocument(): ${problem}`);
    };
    if (document.isEmpty) {
      fail('the document has no statements, which would deny every request; use LatticeAuthPolicyDocument.denyAll() to deny everything on purpose');
    }
    const problems = document.validateForResourcePolicy();
    if (problems.length > 0) fail(problems.join('; '));
    const resolved = Stack.of(scope).resolve(document);
    (resolved.Statement as any[]).forEach((statement, index) => {
      const where = `statement ${statement.Sid ? `'${statement.Sid}'` : index}`;
      if (statement.NotAction !== undefined || statement.NotPrincipal !== undefined || statement.NotResource !== undefined) {
        fail(`${where} uses NotAction, NotPrincipal or NotResource; name the action, principals and resources instead`);
      }
      for (const action of asList(statement.Action)) {
        if (!LATTICE_ACTIONS.includes(action)) {
          fail(`${where}: action '${action}' is not a Lattice auth policy action; use '${LATTICE_INVOKE_ACTION}'`);
        }
      }
      for (const [operator, block] of Object.entries<Record<string, unknown>>(statement.Condition ?? {})) {
        if (!isKnownConditionOperator(operator)) {
          fail(`${where}: condition operator '${operator}' is unknown (IAM would never match it)`);
        }
        for (const key of Object.keys(block)) {
          const tag = volatileSessionTagOf(key);
          if (tag !== undefined) {
            fail(`${where}: condition key '${key}' changes with every pod rollout (session tag ${tag}); ` +
              'match the cluster, namespace or service account instead');
          }
          if (canonicalConditionKey(key) === undefined) {
            fail(`${where}: condition key '${key}' is not a condition key of Lattice auth policies (IAM would never match it)`);
          }
        }
      }
    });
    return document;
  }
}

/** Renders statement specs as an IAM policy document. */
function renderStatements(statements: StatementSpec[]): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: statements.map((s) => new iam.PolicyStatement({
      sid: s.sid,
      effect: s.effect,
      principals: s.principals === '*' ? [new iam.StarPrincipal()] : s.principals.map((account) => new iam.AccountPrincipal(account)),
      actions: [LATTICE_INVOKE_ACTION],
      resources: ['*'],
      conditions: s.conditions.length === 0 ? undefined : renderConditions(s.conditions),
    })),
  });
}

function renderConditions(conditions: Condition[]): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const c of conditions) {
    out[c.operator] = { ...out[c.operator], [c.key]: c.values.length === 1 ? c.values[0] : c.values };
  }
  return out;
}

/**
 * Combines statements where the result means the same: equal conditions ->
 * one statement with both principal lists; equal principals and conditions
 * that differ in the values of one positive condition -> one statement with
 * both value lists.
 */
function mergeStatements(input: StatementSpec[]): StatementSpec[] {
  const statements = [...input];
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < statements.length && !merged; i++) {
      for (let j = i + 1; j < statements.length && !merged; j++) {
        const combined = combine(statements[i], statements[j]);
        if (combined) {
          statements[i] = combined;
          statements.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return statements;
}

function combine(a: StatementSpec, b: StatementSpec): StatementSpec | undefined {
  const keyOf = (c: Condition) => `${c.operator}\u0000${c.key}`;
  const bByKey = new Map(b.conditions.map((c) => [keyOf(c), c]));
  // Only statements with the same effect and the same condition keys combine.
  if (a.effect !== b.effect || a.conditions.length !== b.conditions.length) return undefined;
  if (a.conditions.some((c) => !bByKey.has(keyOf(c)))) return undefined;
  const differing = a.conditions.filter((c) => !sameSet(c.values, bByKey.get(keyOf(c))!.values));
  const samePrincipals = a.principals === '*' || b.principals === '*'
    ? a.principals === b.principals
    : sameSet(a.principals, b.principals);
  if (differing.length === 0 && a.principals !== '*' && b.principals !== '*') {
    return { ...a, principals: unique([...a.principals, ...b.principals]) };
  }
  if (differing.length === 0 && samePrincipals) return a;
  if (differing.length === 1 && samePrincipals && POSITIVE_OPERATORS.includes(differing[0].operator)) {
    const target = keyOf(differing[0]);
    return {
      ...a,
      conditions: a.conditions.map((c) => (keyOf(c) === target ? { ...c, values: unique([...c.values, ...bByKey.get(target)!.values]) } : c)),
    };
  }
  return undefined;
}

/** Makes statement ids unique by numbering repeats (`Sid`, `Sid2`, ...). */
function uniqueSids(statements: StatementSpec[]): StatementSpec[] {
  const seen = new Map<string, number>();
  return statements.map((s) => {
    const count = (seen.get(s.sid) ?? 0) + 1;
    seen.set(s.sid, count);
    return count === 1 ? s : { ...s, sid: `${s.sid}${count}` };
  });
}

function unique<T>(values: T[]): T[] {
  return Array.from(new Set(values));
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function clusterNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name)) {
    return `${literalRequired('clusterName', 'string', 'write the eks-cluster-name condition of the auth policy')}: name the other cluster ` +
      '(e.g. its LatticeEksCluster.clusterName) instead of referencing a resource, which would tie the stacks together';
  }
  if (!EKS_CLUSTER_NAME_RE.test(name)) {
    return `clusterName '${name}' is not a valid EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)`;
  }
  return undefined;
}

function namespaceProblem(namespace: string): string | undefined {
  return k8sNameProblem('namespace', namespace, 'rfc1123-label', 'namespace');
}

function serviceAccountProblem(serviceAccount: string): string | undefined {
  return k8sNameProblem('service account', serviceAccount, 'rfc1123-subdomain', 'ServiceAccount');
}

function methodProblem(method: string): string | undefined {
  if ((Object.values(LatticeRequestMethod) as string[]).includes(method)) return undefined;
  return `HTTP method '${method}' must be one of ${Object.values(LatticeRequestMethod).join(', ')}`;
}

function pathPrefixProblem(prefix: string): string | undefined {
  if (Token.isUnresolved(prefix)) return literalRequired('path prefix', 'string', 'check it and write the auth policy condition');
  if (!prefix.startsWith('/')) return `path prefix '${prefix}' must start with '/'`;
  if (/[*?]|\$\{/.test(prefix)) return `path prefix '${prefix}' must not contain wildcards ('*', '?') or policy variables ('\${...}')`;
  return undefined;
}

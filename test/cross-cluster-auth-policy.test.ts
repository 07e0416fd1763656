import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { allowedContextKeysForRequest, runSimulation, typeForContextKey } from '@cloud-copilot/iam-simulate';
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import {
  CrossClusterAuthPolicy,
  LatticeAuthPolicyDocument,
  LatticeAuthType,
  LatticeCaller,
  LatticeEksCluster,
  LatticeRequestMethod,
  LatticeServiceNetwork,
  LatticeServiceRoute,
} from '../src';
import { cfnLintErrors } from './util/cfn-lint';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects } from './util/k8s-schema';
import {
  cfnAuthPoliciesInTemplate,
  evaluateLatticeRequest,
  iamAuthPoliciesInTemplate,
  INVOKE_ANY_SERVICE,
  LatticeLevel,
  LatticeRequest,
  materialize,
  OWNER_ACCOUNT,
  plainIamResult,
  podIdentitySession,
  REGION,
  requestContext,
} from './util/lattice-eval';
import { awsSolutionsFindings } from './util/nag';
import {
  canonicalConditionKey,
  CONDITION_OPERATORS,
  KEY,
  LATTICE_CONDITION_KEY_PREFIXES,
  LATTICE_CONDITION_KEYS,
  LATTICE_INVOKE_ACTION,
  POD_IDENTITY_SESSION_TAGS,
} from '../src/private/auth-policy-vocabulary';

const ENV = { account: OWNER_ACCOUNT, region: REGION };
const OTHER_ACCOUNT = '222222222222';
const NOT_ANONYMOUS = { StringNotEqualsIgnoreCase: { 'aws:PrincipalType': 'anonymous' } };
const ROOT = `arn:aws:iam::${OWNER_ACCOUNT}:root`;

/** The pattern: a shared network and two cluster stacks, each app admitting the other cluster's `apps` namespace. */
interface Pattern {
  readonly app: App;
  readonly shared: Stack;
  readonly network: LatticeServiceNetwork;
  readonly clusters: Array<{ stack: Stack; cluster: LatticeEksCluster; route: LatticeServiceRoute; policy: CrossClusterAuthPolicy; json: any }>;
  readonly sharedJson: any;
}

function buildPattern(): Pattern {
  const app = new App();
  const shared = new Stack(app, 'Shared', { env: ENV });
  const network = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const built = [1, 2].map((n) => {
    const stack = new Stack(app, `Cluster${n}`, { env: ENV });
    const cluster = new LatticeEksCluster(stack, 'Lattice', {
      clusterName: `eks-cluster${n}`,
      kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'),
      serviceNetwork: network,
    });
    const route = cluster.exposeService('Demo', { serviceName: `demo-cluster${n}`, namespace: 'apps', port: 80, createNamespace: true });
    cluster.addPodIdentity('Client', { namespace: 'apps', serviceAccountName: 'default' });
    return { stack, cluster, route };
  });
  const [one, two] = built;
  // Clusters are named, never referenced: no stack depends on the other cluster's stack.
  const policies = [
    one.route.allow(LatticeCaller.eksWorkload({ clusterName: two.cluster.clusterName, namespaces: ['apps'] })),
    two.route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster1', namespaces: ['apps'] })),
  ];
  return {
    app,
    shared,
    network,
    sharedJson: Template.fromStack(shared).toJSON(),
    clusters: built.map((c, i) => ({ ...c, policy: policies[i], json: Template.fromStack(c.stack).toJSON() })),
  };
}

/** A stack for rendering policies; `agnostic` leaves account and region to deployment time. */
function renderStack(agnostic = false): Stack {
  return new Stack(new App(), 'Render', { env: agnostic ? undefined : ENV });
}

/** The policy as deployed (pseudo parameters resolved). */
function rendered(document: LatticeAuthPolicyDocument, stack = renderStack()): any {
  return materialize(stack.resolve(document.toPolicyDocument(stack)));
}

const session = podIdentitySession;

describe('the pattern: two clusters, each app admitting the other cluster\'s apps namespace', () => {
  let p: Pattern;
  let networkPolicy: any;
  const servicePolicies: Record<string, any> = {};

  beforeAll(() => {
    p = buildPattern();
    networkPolicy = Object.values(cfnAuthPoliciesInTemplate(p.sharedJson))[0].policy;
    for (const c of p.clusters) {
      const [found] = iamAuthPoliciesInTemplate(c.json);
      servicePolicies[found.object.spec.targetRef.name] = found.policy;
    }
  });

  test('each route gets one IAMAuthPolicy targeting its HTTPRoute', () => {
    const [found, ...rest] = iamAuthPoliciesInTemplate(p.clusters[0].json);
    expect(rest).toEqual([]);
    expect(found.object).toEqual({
      apiVersion: 'application-networking.k8s.aws/v1alpha1',
      kind: 'IAMAuthPolicy',
      metadata: {
        name: 'demo-cluster1-iam-auth-policy',
        namespace: 'apps',
        labels: expect.objectContaining({ 'app.kubernetes.io/managed-by': 'cdk-lattice-eks' }),
      },
      spec: {
        targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'demo-cluster1' },
        policy: expect.any(String),
      },
    });
    expect(found.policy).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AllowEksWorkloads',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalTag/eks-cluster-name': 'eks-cluster2', 'aws:PrincipalTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/eks-cluster2', 'aws:PrincipalTag/kubernetes-namespace': 'apps' },
          ...NOT_ANONYMOUS,
        },
      }],
    });
    expect(servicePolicies['demo-cluster2'].Statement[0].Condition.StringEquals['aws:PrincipalTag/eks-cluster-name']).toBe('eks-cluster1');
    expect(p.clusters[0].policy.manifest).toBeDefined();
    expect(p.clusters[0].policy.cfnAuthPolicy).toBeUndefined();
  });

  test('the policy is applied after the Gateway and the controller (and deleted before them), beside its route', () => {
    const { stack, cluster, route, policy, json } = p.clusters[0];
    const graph = new DependencyGraph(json);
    const id = (c: { node: any }) => stack.getLogicalId(c.node.defaultChild ?? c);
    const policyId = id(policy.manifest!);
    for (const prerequisite of [cluster.gatewayManifest, cluster.gatewayControllerChart, cluster.deletionGuard!.resource, cluster.nodegroup!]) {
      expect(graph.dependsOn(policyId, id(prerequisite))).toBe(true);
    }
    // Neither waits for the other: the controller re-reconciles a policy on every event of its target route.
    expect(graph.dependsOn(id(route.manifest), policyId)).toBe(false);
    expect(graph.dependsOn(policyId, id(route.manifest))).toBe(false);
  });

  test('every Kubernetes object validates against the upstream schemas', () => {
    for (const c of p.clusters) {
      const kinds = expectValidK8sObjects(c.json).map((o) => o.object.kind);
      expect(kinds).toContain('IAMAuthPolicy');
    }
  });

  test('cluster stacks do not depend on each other (no exports, no imports between them)', () => {
    const [one, two] = p.clusters;
    expect(one.stack.dependencies.map((s) => s.stackName)).toEqual(['Shared']);
    expect(two.stack.dependencies.map((s) => s.stackName)).toEqual(['Shared']);
    const imports = (json: any) => JSON.stringify(json).match(/"Fn::ImportValue":"[^"]*"/g) ?? [];
    for (const c of p.clusters) {
      expect(imports(c.json).length).toBeGreaterThan(0);
      expect(imports(c.json).filter((i) => !i.includes('"Shared:'))).toEqual([]);
      expect(c.json.Outputs ?? {}).toEqual({});
    }
  });

  test('the service network policy comes from the same builder: signed principals of the account', () => {
    expect(networkPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: NOT_ANONYMOUS,
      }],
    });
  });

  test('cdk-nag AwsSolutions: no findings; cfn-lint: no errors', () => {
    expect(awsSolutionsFindings(p.clusters[0].stack)).toEqual([]);
    expect(cfnLintErrors(p.clusters[0].stack)).toEqual([]);
  });

  const cluster1Apps = session({ clusterName: 'eks-cluster1', namespace: 'apps' });
  const cluster2Apps = session({ clusterName: 'eks-cluster2', namespace: 'apps' });
  const matrix: Array<{ name: string; request: LatticeRequest; service: string; allowed: boolean; deniedBy: LatticeLevel[] }> = [
    { name: 'cluster1/apps -> demo-cluster2: allowed', request: cluster1Apps, service: 'demo-cluster2', allowed: true, deniedBy: [] },
    { name: 'cluster1/apps -> demo-cluster1: denied', request: cluster1Apps, service: 'demo-cluster1', allowed: false, deniedBy: ['service'] },
    { name: 'cluster2/apps -> demo-cluster1: allowed', request: cluster2Apps, service: 'demo-cluster1', allowed: true, deniedBy: [] },
    { name: 'cluster2/apps -> demo-cluster2: denied', request: cluster2Apps, service: 'demo-cluster2', allowed: false, deniedBy: ['service'] },
    {
      name: 'another namespace (cluster2/batch) -> demo-cluster1: denied',
      request: session({ clusterName: 'eks-cluster2', namespace: 'batch' }),
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['service'],
    },
    {
      name: 'another service account of cluster2/apps -> demo-cluster1: allowed (no service account rule)',
      request: session({ clusterName: 'eks-cluster2', namespace: 'apps', serviceAccount: 'reporting' }),
      service: 'demo-cluster1',
      allowed: true,
      deniedBy: [],
    },
    {
      name: 'another cluster (eks-cluster3/apps) -> demo-cluster1: denied',
      request: session({ clusterName: 'eks-cluster3', namespace: 'apps' }),
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['service'],
    },
    {
      name: 'another account with the same tags -> demo-cluster1: denied by both auth policies',
      request: session({ account: OTHER_ACCOUNT, clusterName: 'eks-cluster2', namespace: 'apps' }),
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['network', 'service'],
    },
    {
      name: 'a caller without session tags (same account) -> demo-cluster1: the network admits it, the service does not',
      request: { principal: `arn:aws:sts::${OWNER_ACCOUNT}:assumed-role/ci-runner/build-42` },
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['service'],
    },
    {
      name: 'an anonymous (unsigned) caller -> demo-cluster1: denied by both auth policies',
      request: { principal: 'anonymous' },
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['network', 'service'],
    },
    {
      name: 'cluster2/apps whose role may not invoke Lattice -> demo-cluster1: denied by its identity policy',
      request: { ...cluster2Apps, identityPolicies: [] },
      service: 'demo-cluster1',
      allowed: false,
      deniedBy: ['identity'],
    },
  ];

  test.each(matrix)('$name', async ({ request, service, allowed, deniedBy }) => {
    const decision = await evaluateLatticeRequest(request, { serviceNetworkPolicy: networkPolicy, servicePolicy: servicePolicies[service] });
    expect(decision).toEqual({ allowed, deniedBy });
  });
});

describe('Lattice rules on top of the IAM evaluator', () => {
  const caller = session({ clusterName: 'eks-cluster2', namespace: 'apps' });
  const roleArn = `arn:aws:iam::${OWNER_ACCOUNT}:role/vpc-lattice-sigv4-client`;
  const allowRole = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
  };
  const pattern = rendered(LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] })));

  test('same-account IAM lets a resource policy naming the role suffice; Lattice also needs the identity policy', async () => {
    expect(await plainIamResult({ ...caller, identityPolicies: [] }, allowRole)).toBe('Allowed');
    expect(await evaluateLatticeRequest({ ...caller, identityPolicies: [] }, { serviceNetworkPolicy: undefined, servicePolicy: allowRole }))
      .toEqual({ allowed: false, deniedBy: ['identity'] });
  });

  test('same-account IAM lets the identity policy suffice; Lattice also needs the auth policies', async () => {
    const denyingService = rendered(LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster9', namespaces: ['apps'] })));
    expect(await plainIamResult({ ...caller, identityPolicies: [INVOKE_ANY_SERVICE] }, undefined)).toBe('Allowed');
    expect(await evaluateLatticeRequest(caller, { serviceNetworkPolicy: pattern, servicePolicy: denyingService }))
      .toEqual({ allowed: false, deniedBy: ['service'] });
  });

  test('the service allowing is not enough when the service network does not', async () => {
    const networkForCluster1Only = rendered(LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster1', namespaces: ['apps'] })));
    expect(await evaluateLatticeRequest(caller, { serviceNetworkPolicy: networkForCluster1Only, servicePolicy: pattern }))
      .toEqual({ allowed: false, deniedBy: ['network'] });
  });

  test('an account-root principal is an account-level allow: the caller\'s identity policy completes it', async () => {
    expect(await plainIamResult({ ...caller, identityPolicies: [] }, pattern)).toBe('ImplicitlyDenied');
    expect(await evaluateLatticeRequest(caller, { serviceNetworkPolicy: undefined, servicePolicy: pattern }))
      .toEqual({ allowed: true, deniedBy: [] });
  });

  test('without aws:PrincipalType an anonymous caller slips through a "not anonymous" rule; the wrapper always sets it', async () => {
    const anyAuthenticated = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*', Condition: NOT_ANONYMOUS }],
    };
    const anonymous: LatticeRequest = { principal: 'anonymous' };
    const serviceArn = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/svc-0123456789abcdef0`;
    const { ['aws:PrincipalType']: principalType, ...withoutType } = requestContext(anonymous, serviceArn);
    expect(principalType).toBe('Anonymous');
    expect(await plainIamResult(anonymous, anyAuthenticated, withoutType)).toBe('Allowed');
    expect(await evaluateLatticeRequest(anonymous, { serviceNetworkPolicy: anyAuthenticated, servicePolicy: undefined }))
      .toEqual({ allowed: false, deniedBy: ['network'] });
    expect(await evaluateLatticeRequest(caller, { serviceNetworkPolicy: anyAuthenticated, servicePolicy: undefined }))
      .toEqual({ allowed: true, deniedBy: [] });
  });
});

describe('the vocabulary is known to the evaluator', () => {
  const serviceArn = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/svc-0123456789abcdef0/hello`;

  test('every condition key is a key of vpc-lattice-svcs:Invoke in the simulator\'s data', async () => {
    const allowed = await allowedContextKeysForRequest('vpc-lattice-svcs', 'Invoke', serviceArn, false, undefined);
    for (const key of LATTICE_CONDITION_KEYS) {
      await expect(typeForContextKey(key)).resolves.toBeDefined();
      expect(allowed).toContain(key.toLowerCase());
    }
    for (const prefix of LATTICE_CONDITION_KEY_PREFIXES) {
      await expect(typeForContextKey(`${prefix}x-example`)).resolves.toBeDefined();
      expect(allowed.some((key) => key.startsWith(prefix.toLowerCase()))).toBe(true);
    }
    for (const key of Object.values(KEY)) expect(canonicalConditionKey(key)).toBe(key);
    for (const tag of POD_IDENTITY_SESSION_TAGS) expect(canonicalConditionKey(`aws:PrincipalTag/${tag}`)).toBeDefined();
  });

  test('the action is known; a misspelt one is rejected by the simulator', async () => {
    const run = (action: string) => runSimulation({
      request: { principal: session({ clusterName: 'c', namespace: 'n' }).principal, action, resource: { resource: serviceArn, accountId: OWNER_ACCOUNT }, contextVariables: {} },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    expect((await run(LATTICE_INVOKE_ACTION)).resultType).toBe('single');
    expect((await run('vpc-lattice-svcs:Invok')).resultType).toBe('error');
  });

  // One matching example per operator: the evaluator must allow with it (an operator it did not know would never match).
  const examples: Record<string, [string, string]> = {
    StringEquals: ['aws:PrincipalTag/eks-cluster-name', 'eks-cluster2'],
    StringNotEquals: ['aws:PrincipalTag/eks-cluster-name', 'eks-cluster9'],
    StringEqualsIgnoreCase: ['aws:PrincipalTag/eks-cluster-name', 'EKS-CLUSTER2'],
    StringNotEqualsIgnoreCase: ['aws:PrincipalType', 'anonymous'],
    StringLike: ['aws:PrincipalTag/eks-cluster-name', 'eks-*2'],
    StringNotLike: ['aws:PrincipalTag/eks-cluster-name', 'eks-*9'],
    ArnEquals: ['aws:PrincipalArn', `arn:aws:iam::${OWNER_ACCOUNT}:role/vpc-lattice-sigv4-client`],
    ArnNotEquals: ['aws:PrincipalArn', `arn:aws:iam::${OWNER_ACCOUNT}:role/other`],
    ArnLike: ['aws:PrincipalArn', 'arn:aws:iam::*:role/vpc-lattice-*'],
    ArnNotLike: ['aws:PrincipalArn', 'arn:aws:iam::*:role/other-*'],
    NumericEquals: ['vpc-lattice-svcs:Port', '443'],
    NumericNotEquals: ['vpc-lattice-svcs:Port', '80'],
    NumericLessThan: ['vpc-lattice-svcs:Port', '444'],
    NumericLessThanEquals: ['vpc-lattice-svcs:Port', '443'],
    NumericGreaterThan: ['vpc-lattice-svcs:Port', '442'],
    NumericGreaterThanEquals: ['vpc-lattice-svcs:Port', '443'],
  };
  const operatorRows = [
    ...CONDITION_OPERATORS.flatMap((operator) => [[operator, ...examples[operator]], [`${operator}IfExists`, ...examples[operator]]]),
    ['Null', 'aws:PrincipalOrgID', 'true'],
  ];

  test('the examples cover every operator', () => {
    expect(Object.keys(examples).sort()).toEqual([...CONDITION_OPERATORS].sort());
  });

  test.each(operatorRows)('operator %s is evaluated', async (operator, key, value) => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: LATTICE_INVOKE_ACTION, Resource: '*', Condition: { [operator]: { [key]: value } } }],
    };
    expect(await evaluateLatticeRequest(session({ clusterName: 'eks-cluster2', namespace: 'apps' }), { serviceNetworkPolicy: undefined, servicePolicy: policy }))
      .toEqual({ allowed: true, deniedBy: [] });
  });

  describe('a misspelt condition key', () => {
    const typo = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        principals: [new iam.AccountPrincipal(OWNER_ACCOUNT)],
        actions: [LATTICE_INVOKE_ACTION],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipleTag/eks-cluster-name': 'eks-cluster2' } },
      })],
    });

    test('silently never matches in plain IAM evaluation', async () => {
      const policy = materialize(renderStack().resolve(typo));
      const caller = session({ clusterName: 'eks-cluster2', namespace: 'apps' });
      expect(await plainIamResult({ ...caller, identityPolicies: [INVOKE_ANY_SERVICE] }, policy)).toBe('Allowed'); // the identity policy alone
      expect(await plainIamResult({ ...caller, identityPolicies: [] }, policy)).toBe('ImplicitlyDenied'); // the statement never matched
    });

    test('is rejected by the evaluation wrapper', async () => {
      const policy = materialize(renderStack().resolve(typo));
      await expect(evaluateLatticeRequest(session({ clusterName: 'eks-cluster2', namespace: 'apps' }), { serviceNetworkPolicy: undefined, servicePolicy: policy }))
        .rejects.toThrow(/unknown condition key 'aws:PrincipleTag\/eks-cluster-name'/);
    });

    test('is rejected by the library', () => {
      const stack = renderStack();
      expect(() => LatticeAuthPolicyDocument.fromPolicyDocument(typo).toPolicyDocument(stack))
        .toThrow(/condition key 'aws:PrincipleTag\/eks-cluster-name' is not a condition key of Lattice auth policies/);
    });
  });

  test('a misspelt operator is rejected by the evaluation wrapper', async () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: LATTICE_INVOKE_ACTION, Resource: '*', Condition: { StringEqual: { 'aws:PrincipalAccount': OWNER_ACCOUNT } } }] };
    await expect(evaluateLatticeRequest({ principal: 'anonymous' }, { serviceNetworkPolicy: policy, servicePolicy: undefined }))
      .rejects.toThrow(/unknown condition operator 'StringEqual'/);
  });
});

describe('LatticeAuthPolicyDocument', () => {
  test('combines callers: AND within a caller, OR across callers', () => {
    const policy = rendered(LatticeAuthPolicyDocument.allow(
      LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps', 'jobs'], serviceAccounts: ['client'] })
        .withRequest({ methods: [LatticeRequestMethod.GET, LatticeRequestMethod.HEAD], pathPrefixes: ['/api/'] }),
      LatticeCaller.account(OTHER_ACCOUNT),
      LatticeCaller.organization('o-exampleorg1'),
      LatticeCaller.sourceVpc('vpc-0bbbbbbbbbbbbbbbb'),
    ));
    expect(policy.Statement).toEqual([
      {
        Sid: 'AllowEksWorkloads',
        Effect: 'Allow',
        Principal: { AWS: ROOT },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: {
          StringEquals: {
            'aws:PrincipalTag/eks-cluster-name': 'eks-cluster2',
            'aws:PrincipalTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/eks-cluster2',
            'aws:PrincipalTag/kubernetes-namespace': ['apps', 'jobs'],
            'aws:PrincipalTag/kubernetes-service-account': 'client',
            'vpc-lattice-svcs:RequestMethod': ['GET', 'HEAD'],
          },
          StringLike: { 'vpc-lattice-svcs:RequestPath': '/api/*' },
          ...NOT_ANONYMOUS,
        },
      },
      expect.objectContaining({ Sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Condition: NOT_ANONYMOUS }),
      expect.objectContaining({
        Sid: 'AllowAuthenticatedPrincipalsOfAllowedOrganizations',
        Principal: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' }, ...NOT_ANONYMOUS },
      }),
      expect.objectContaining({
        Sid: 'AllowSourceVpcs',
        Principal: { AWS: ROOT },
        Condition: { StringEquals: { 'vpc-lattice-svcs:SourceVpc': 'vpc-0bbbbbbbbbbbbbbbb' }, ...NOT_ANONYMOUS },
      }),
    ]);
  });

  test('merges callers only where the meaning is kept', () => {
    const policy = rendered(LatticeAuthPolicyDocument.allow(
      LatticeCaller.account(OWNER_ACCOUNT),
      LatticeCaller.account(OTHER_ACCOUNT),
      LatticeCaller.account(OWNER_ACCOUNT),
      LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }),
      LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['jobs'] }),
      LatticeCaller.eksWorkload({ clusterName: 'eks-cluster3', namespaces: ['batch'] }),
      LatticeCaller.account(OTHER_ACCOUNT).withRequest({ methods: [LatticeRequestMethod.GET] }),
    ));
    expect(policy.Statement.map((s: any) => [s.Sid, s.Principal, s.Condition.StringEquals ?? {}])).toEqual([
      ['AllowAuthenticatedPrincipalsOfAllowedAccounts', { AWS: [ROOT, `arn:aws:iam::${OTHER_ACCOUNT}:root`] }, {}],
      ['AllowEksWorkloads', { AWS: ROOT }, { 'aws:PrincipalTag/eks-cluster-name': 'eks-cluster2', 'aws:PrincipalTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/eks-cluster2', 'aws:PrincipalTag/kubernetes-namespace': ['apps', 'jobs'] }],
      ['AllowEksWorkloads2', { AWS: ROOT }, { 'aws:PrincipalTag/eks-cluster-name': 'eks-cluster3', 'aws:PrincipalTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/eks-cluster3', 'aws:PrincipalTag/kubernetes-namespace': 'batch' }],
      ['AllowAuthenticatedPrincipalsOfAllowedAccounts2', { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, { 'vpc-lattice-svcs:RequestMethod': 'GET' }],
    ]);
  });

  test('principals default to the stack\'s account, never to *', () => {
    const stack = renderStack(true);
    const policy = stack.resolve(LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] })).toPolicyDocument(stack));
    expect(policy.Statement[0].Principal).toEqual({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
    });
  });

  test('denyAll() is an explicit deny of every request', () => {
    expect(rendered(LatticeAuthPolicyDocument.denyAll()).Statement).toEqual([
      { Sid: 'DenyAll', Effect: 'Deny', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' },
    ]);
  });

  test('toJson() renders the policy as a JSON string', () => {
    const stack = renderStack();
    const json = LatticeAuthPolicyDocument.allow(LatticeCaller.account(OTHER_ACCOUNT)).toJson(stack);
    expect(JSON.parse(materialize(stack.resolve(json)))).toEqual(rendered(LatticeAuthPolicyDocument.allow(LatticeCaller.account(OTHER_ACCOUNT))));
  });

  test('fromPolicyDocument() passes a valid hand-written document through', () => {
    const document = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        principals: [new iam.StarPrincipal()],
        actions: [LATTICE_INVOKE_ACTION],
        resources: ['*'],
        conditions: { StringEqualsIgnoreCase: { 'aws:principaltag/EKS-CLUSTER-NAME': 'eks-cluster2' }, Null: { 'aws:PrincipalOrgID': 'false' } },
      })],
    });
    expect(LatticeAuthPolicyDocument.fromPolicyDocument(document).toPolicyDocument(renderStack())).toBe(document);
  });

  const twoLevels = (servicePolicy: any) => ({ serviceNetworkPolicy: undefined, servicePolicy });
  const cases: Array<{ name: string; policy: LatticeAuthPolicyDocument; request: LatticeRequest; allowed: boolean }> = [
    {
      name: 'service account rule: the named service account is admitted',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], serviceAccounts: ['client'] })),
      request: session({ clusterName: 'eks-cluster2', namespace: 'apps', serviceAccount: 'client' }),
      allowed: true,
    },
    {
      name: 'service account rule: another service account of the namespace is not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], serviceAccounts: ['client'] })),
      request: session({ clusterName: 'eks-cluster2', namespace: 'apps' }),
      allowed: false,
    },
    ...(() => {
      const readApi = LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] })
        .withRequest({ methods: [LatticeRequestMethod.GET], pathPrefixes: ['/api/'] }));
      const base = session({ clusterName: 'eks-cluster2', namespace: 'apps' });
      return [
        { name: 'request rule: GET /api/orders is admitted', policy: readApi, request: { ...base, method: 'GET', path: '/api/orders' }, allowed: true },
        { name: 'request rule: POST /api/orders is not', policy: readApi, request: { ...base, method: 'POST', path: '/api/orders' }, allowed: false },
        { name: 'request rule: GET /admin is not', policy: readApi, request: { ...base, method: 'GET', path: '/admin' }, allowed: false },
      ];
    })(),
    {
      name: 'merged namespaces of one cluster: both are admitted',
      policy: LatticeAuthPolicyDocument.allow(
        LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }),
        LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['jobs'] })),
      request: session({ clusterName: 'eks-cluster2', namespace: 'jobs' }),
      allowed: true,
    },
    {
      name: 'two callers are not crossed: cluster2/batch is not admitted by cluster2/apps OR cluster3/batch',
      policy: LatticeAuthPolicyDocument.allow(
        LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }),
        LatticeCaller.eksWorkload({ clusterName: 'eks-cluster3', namespaces: ['batch'] })),
      request: session({ clusterName: 'eks-cluster2', namespace: 'batch' }),
      allowed: false,
    },
    {
      name: 'eksWorkload in another account: that account\'s pods are admitted',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], account: OTHER_ACCOUNT })),
      request: session({ account: OTHER_ACCOUNT, clusterName: 'eks-cluster2', namespace: 'apps' }),
      allowed: true,
    },
    {
      name: 'eksWorkload in another account: this account\'s pods with the same tags are not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], account: OTHER_ACCOUNT })),
      request: session({ clusterName: 'eks-cluster2', namespace: 'apps' }),
      allowed: false,
    },
    {
      name: 'account: a principal of the account is admitted',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.account(OTHER_ACCOUNT)),
      request: { principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/app/session` },
      allowed: true,
    },
    {
      name: 'account: a principal of another account is not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.account(OTHER_ACCOUNT)),
      request: { principal: 'arn:aws:sts::333333333333:assumed-role/app/session' },
      allowed: false,
    },
    {
      name: 'organization: a principal of a member account is admitted',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.organization('o-exampleorg1')),
      request: { principal: 'arn:aws:sts::333333333333:assumed-role/app/session', principalOrgId: 'o-exampleorg1' },
      allowed: true,
    },
    {
      name: 'organization: a principal outside the organization is not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.organization('o-exampleorg1')),
      request: { principal: 'arn:aws:sts::333333333333:assumed-role/app/session', principalOrgId: 'o-otherorg22' },
      allowed: false,
    },
    {
      name: 'organization: an anonymous caller is not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.organization('o-exampleorg1')),
      request: { principal: 'anonymous' },
      allowed: false,
    },
    {
      name: 'sourceVpc: a request from the VPC is admitted',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.sourceVpc('vpc-0bbbbbbbbbbbbbbbb')),
      request: { principal: `arn:aws:sts::${OWNER_ACCOUNT}:assumed-role/app/session`, sourceVpc: 'vpc-0bbbbbbbbbbbbbbbb' },
      allowed: true,
    },
    {
      name: 'sourceVpc: a request from another VPC is not',
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.sourceVpc('vpc-0bbbbbbbbbbbbbbbb')),
      request: { principal: `arn:aws:sts::${OWNER_ACCOUNT}:assumed-role/app/session`, sourceVpc: 'vpc-0cccccccccccccccc' },
      allowed: false,
    },
    {
      name: 'denyAll: nobody is admitted',
      policy: LatticeAuthPolicyDocument.denyAll(),
      request: session({ clusterName: 'eks-cluster2', namespace: 'apps' }),
      allowed: false,
    },
  ];

  test.each(cases)('$name', async ({ policy, request, allowed }) => {
    expect((await evaluateLatticeRequest(request, twoLevels(rendered(policy)))).allowed).toBe(allowed);
  });
});

describe('CloudFormation-owned targets', () => {
  let stack: Stack;
  let json: any;
  let service: vpclattice.CfnService;

  beforeAll(() => {
    stack = new Stack(new App(), 'Services', { env: ENV });
    const network = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Network', {
      serviceNetworkId: 'sn-0123456789abcdef0',
      serviceNetworkName: 'lattice-gateway',
    });
    new CrossClusterAuthPolicy(stack, 'NetworkPolicy', {
      serviceNetwork: network,
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.organization('o-exampleorg1')),
    });
    service = new vpclattice.CfnService(stack, 'Service', { name: 'orders', authType: 'AWS_IAM' });
    new CrossClusterAuthPolicy(stack, 'ServicePolicy', {
      serviceIdentifier: service.attrArn,
      policy: LatticeAuthPolicyDocument.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] })),
    });
    json = Template.fromStack(stack).toJSON();
  });

  test('an imported service network gets an AWS::VpcLattice::AuthPolicy', () => {
    const policies = Object.values(cfnAuthPoliciesInTemplate(json));
    expect(policies).toHaveLength(2);
    expect(policies[0]).toEqual({
      resourceIdentifier: 'sn-0123456789abcdef0',
      policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AllowAuthenticatedPrincipalsOfAllowedOrganizations',
          Effect: 'Allow',
          Principal: '*',
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' }, ...NOT_ANONYMOUS },
        }],
      },
    });
  });

  test('a CloudFormation service gets an AWS::VpcLattice::AuthPolicy on its ARN', () => {
    const policies = Object.values(cfnAuthPoliciesInTemplate(json));
    expect(policies[1].resourceIdentifier).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(service), 'Arn'] });
    expect(policies[1].policy.Statement[0].Condition.StringEquals).toEqual({
      'aws:PrincipalTag/eks-cluster-name': 'eks-cluster2', 'aws:PrincipalTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/eks-cluster2', 'aws:PrincipalTag/kubernetes-namespace': 'apps',
    });
  });

  test('cdk-nag AwsSolutions: no findings; cfn-lint: no errors', () => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
    expect(cfnLintErrors(stack)).toEqual([]);
  });
});

describe('bad input', () => {
  let app: App;
  let stack: Stack;
  let cluster: LatticeEksCluster;
  let route: LatticeServiceRoute;
  let n = 0;
  /** A fresh construct scope in the shared stack (ids never clash). */
  const scope = () => new Stack(app, `Scope${n++}`, { env: ENV });
  const render = (...callers: LatticeCaller[]) => () => LatticeAuthPolicyDocument.allow(...callers).toPolicyDocument(scope());
  const eks = (overrides: Partial<{ clusterName: string; namespaces: string[]; serviceAccounts: string[]; account: string }> = {}) =>
    LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], ...overrides });

  beforeAll(() => {
    app = new App();
    const shared = new Stack(app, 'Shared', { env: ENV });
    const network = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
    stack = new Stack(app, 'Cluster1', { env: ENV });
    cluster = new LatticeEksCluster(stack, 'Lattice', { clusterName: 'eks-cluster1', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork: network });
    route = cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80 });
  });

  test('an empty allow list (deny-all must be explicit)', () => {
    expect(render()).toThrow(/allow\(\) was given no callers.*LatticeAuthPolicyDocument\.denyAll\(\)/);
  });

  test('an invalid cluster name', () => {
    expect(render(eks({ clusterName: 'eks cluster2' }))).toThrow(/clusterName 'eks cluster2' is not a valid EKS cluster name/);
  });

  test('a cluster referenced by token instead of named', () => {
    const token = Lazy.string({ produce: () => 'eks-cluster2' });
    expect(render(eks({ clusterName: token }))).toThrow(/clusterName must be a literal string, not a token \(needed at synth to write the eks-cluster-name condition of the auth policy\)/);
  });

  test('an invalid namespace', () => {
    expect(render(eks({ namespaces: ['Apps'] }))).toThrow(/namespace 'Apps' is not a valid Kubernetes namespace/);
  });

  test('no namespace', () => {
    expect(render(eks({ namespaces: [] }))).toThrow(/namespaces must name at least one Kubernetes namespace/);
  });

  test('an invalid service account', () => {
    expect(render(eks({ serviceAccounts: ['Default_SA'] }))).toThrow(/service account 'Default_SA' is not a valid/);
  });

  test('an invalid account ID', () => {
    expect(render(eks({ account: '12345' }))).toThrow(/AWS account ID "12345" must be exactly 12 digits/);
    expect(render(LatticeCaller.account('1234567890123'))).toThrow(/"1234567890123"/);
  });

  test('an invalid organization ID', () => {
    expect(render(LatticeCaller.organization('org-123'))).toThrow(/AWS Organizations ID "org-123"/);
  });

  test('an invalid VPC ID', () => {
    expect(render(LatticeCaller.sourceVpc('vpc-xyz'))).toThrow(/VPC ID 'vpc-xyz'/);
  });

  test('an unknown HTTP method', () => {
    expect(render(eks().withRequest({ methods: ['FETCH' as LatticeRequestMethod] }))).toThrow(/HTTP method 'FETCH' must be one of GET/);
  });

  test('path prefixes that are relative or have wildcards', () => {
    expect(render(eks().withRequest({ pathPrefixes: ['api/'] }))).toThrow(/path prefix 'api\/' must start with '\/'/);
    expect(render(eks().withRequest({ pathPrefixes: ['/api/*'] }))).toThrow(/path prefix '\/api\/\*' must not contain wildcards/);
  });

  test('the same request condition twice on one caller', () => {
    const caller = eks().withRequest({ methods: [LatticeRequestMethod.GET] }).withRequest({ methods: [LatticeRequestMethod.POST] });
    expect(render(caller)).toThrow(/vpc-lattice-svcs:RequestMethod is already constrained/);
  });

  test('rules on the pod name or uid session tags', () => {
    for (const tag of ['kubernetes-pod-name', 'kubernetes-pod-uid']) {
      const document = new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          principals: [new iam.AccountPrincipal(OWNER_ACCOUNT)],
          actions: [LATTICE_INVOKE_ACTION],
          resources: ['*'],
          conditions: { StringEquals: { [`aws:PrincipalTag/${tag}`]: 'demo-6d7558f5b4-zk5cg' } },
        })],
      });
      expect(() => LatticeAuthPolicyDocument.fromPolicyDocument(document).toPolicyDocument(scope()))
        .toThrow(new RegExp(`condition key 'aws:PrincipalTag/${tag}' changes with every pod rollout`));
    }
  });

  test('a hand-written document with another action or operator, or no statements', () => {
    const statement = (props: Partial<iam.PolicyStatementProps>) => LatticeAuthPolicyDocument.fromPolicyDocument(new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ principals: [new iam.AccountPrincipal(OWNER_ACCOUNT)], actions: [LATTICE_INVOKE_ACTION], resources: ['*'], ...props })],
    }));
    expect(() => statement({ actions: ['vpc-lattice-svcs:Invok'] }).toPolicyDocument(scope())).toThrow(/action 'vpc-lattice-svcs:Invok' is not a Lattice auth policy action/);
    expect(() => statement({ conditions: { StringEqual: { 'aws:PrincipalAccount': OWNER_ACCOUNT } } }).toPolicyDocument(scope()))
      .toThrow(/condition operator 'StringEqual' is unknown/);
    expect(() => LatticeAuthPolicyDocument.fromPolicyDocument(new iam.PolicyDocument()).toPolicyDocument(scope())).toThrow(/no statements.*denyAll/);
  });

  test('a policy over Lattice\'s 10,000-character limit', () => {
    const callers = Array.from({ length: 60 }, (_, i) => eks({ clusterName: `eks-cluster-${i}`, namespaces: [`namespace-${i}`] }));
    expect(render(...callers)).toThrow(/the auth policy is (at least )?\d{5} characters of JSON; Lattice accepts at most 10000/);
  });

  test('no target, or two targets of different kinds', () => {
    const policy = LatticeAuthPolicyDocument.allow(eks());
    expect(() => new CrossClusterAuthPolicy(stack, 'NoTarget', { policy })).toThrow(/needs a target: route, serviceNetwork or serviceIdentifier/);
    expect(() => new CrossClusterAuthPolicy(stack, 'TwoTargets', { policy, route, serviceIdentifier: 'svc-0123456789abcdefg' }))
      .toThrow(/takes exactly one target, got route 'apps\/demo-cluster1' \(IAMAuthPolicy manifest.*\) and serviceIdentifier 'svc-0123456789abcdefg'/);
  });

  test('an invalid service identifier', () => {
    expect(() => new CrossClusterAuthPolicy(scope(), 'Bad', { policy: LatticeAuthPolicyDocument.allow(eks()), serviceIdentifier: 'service-123' }))
      .toThrow(/serviceIdentifier 'service-123' must be a Lattice service ID/);
  });

  test('two owners of one auth policy', () => {
    route.allow(eks());
    expect(() => route.allow(eks({ clusterName: 'eks-cluster3' }))).toThrow(/route 'apps\/demo-cluster1' already has an auth policy/);
    expect(() => new CrossClusterAuthPolicy(stack, 'Second', { route, policy: LatticeAuthPolicyDocument.denyAll() }))
      .toThrow(/the auth policy of HTTPRoute 'apps\/demo-cluster1' of cluster 'eks-cluster1' is already attached by 'Cluster1\/Lattice\/Demo\/AuthPolicy'/);

    const other = scope();
    new CrossClusterAuthPolicy(other, 'ByArn', {
      policy: LatticeAuthPolicyDocument.denyAll(),
      serviceIdentifier: `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/svc-0123456789abcdefg`,
    });
    expect(() => new CrossClusterAuthPolicy(other, 'ById', { policy: LatticeAuthPolicyDocument.denyAll(), serviceIdentifier: 'svc-0123456789abcdefg' }))
      .toThrow(/Lattice service 'svc-0123456789abcdefg' is already attached by '.*\/ByArn'/);
  });

  test('a service network that owns its auth policy already, or ignores auth policies', () => {
    const owner = scope();
    const iamNetwork = new LatticeServiceNetwork(owner, 'Iam', { serviceNetworkName: 'owned-network' });
    const openNetwork = new LatticeServiceNetwork(owner, 'Open', { serviceNetworkName: 'open-network', authType: LatticeAuthType.NONE });
    const policy = LatticeAuthPolicyDocument.allow(eks());
    expect(() => new CrossClusterAuthPolicy(owner, 'OnOwned', { policy, serviceNetwork: iamNetwork }))
      .toThrow(/service network 'owned-network' already owns its auth policy/);
    expect(() => new CrossClusterAuthPolicy(owner, 'OnOpen', { policy, serviceNetwork: openNetwork }))
      .toThrow(/service network 'open-network' uses authType NONE/);
  });

  test('a service network of another account', () => {
    const shared = LatticeServiceNetwork.fromServiceNetworkAttributes(scope(), 'Shared', {
      serviceNetworkId: 'sn-0123456789abcdef1',
      serviceNetworkName: 'shared-network',
      serviceNetworkArn: `arn:aws:vpc-lattice:${REGION}:${OTHER_ACCOUNT}:servicenetwork/sn-0123456789abcdef1`,
    });
    expect(() => new CrossClusterAuthPolicy(Stack.of(shared), 'OnShared', { policy: LatticeAuthPolicyDocument.allow(eks()), serviceNetwork: shared }))
      .toThrow(/service network 'shared-network' belongs to account 222222222222/);
  });

  test('a route policy outside the route\'s stack', () => {
    const other = new App();
    const otherShared = new Stack(other, 'Shared', { env: ENV });
    const network = LatticeServiceNetwork.fromServiceNetworkAttributes(otherShared, 'Network', { serviceNetworkId: 'sn-0123456789abcdef0', serviceNetworkName: 'lattice-gateway' });
    const clusterStack = new Stack(other, 'Cluster2', { env: ENV });
    const cluster2 = new LatticeEksCluster(clusterStack, 'Lattice', { clusterName: 'eks-cluster2', kubectlLayer: new KubectlV35Layer(clusterStack, 'Kubectl'), serviceNetwork: network });
    const route2 = cluster2.exposeService('Demo', { serviceName: 'demo-cluster2', namespace: 'apps', port: 80 });
    expect(() => new CrossClusterAuthPolicy(otherShared, 'Policy', { route: route2, policy: LatticeAuthPolicyDocument.allow(eks()) }))
      .toThrow(/must be created in the stack of route 'Cluster2\/Lattice\/Demo' \(Cluster2\), not in Shared/);
  });
});

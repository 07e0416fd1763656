/**
 * Hub and spoke across AWS accounts: the multi-account example's templates
 * (RAM shares in the hub, associations by ARN in the workload accounts, the
 * zone authorization and association with their teardown calls, ExternalDNS
 * through the hub's role) and its auth policies, evaluated by the IAM
 * evaluator across accounts; plus Pod Identity role chaining.
 */
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cfnLintErrors } from './util/cfn-lint';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects } from './util/k8s-schema';
import { cfnAuthPoliciesInTemplate, evaluateLatticeRequest, iamAuthPoliciesInTemplate, materialize, podIdentitySession } from './util/lattice-eval';
import { awsSolutionsFindings } from './util/nag';
import { addMultiAccountExample, PLACEHOLDERS } from '../examples/multi-account/app';
import { LatticeAuthPolicyDocument, LatticeCaller, LatticeEksCluster, LatticeServiceNetwork, PrivateCaDomain } from '../src';

const HUB = PLACEHOLDERS.hubAccount;
const B = PLACEHOLDERS.workloadAccountB;
const C = PLACEHOLDERS.workloadAccountC;
const REGION = PLACEHOLDERS.region;
const OU = PLACEHOLDERS.workloadsOrganizationPath;

describe('multi-account example', () => {
  const app = new App();
  const example = addMultiAccountExample(app);
  const hub = Template.fromStack(example.hub);
  const [spokeB, spokeC] = example.workloads.map((s) => Template.fromStack(s));
  const envOf = (account: string) => ({ account, region: REGION, partition: 'aws' });

  test('three stacks in three accounts, and the workload stacks do not depend on the hub stack', () => {
    expect([example.hub, ...example.workloads].map((s) => s.account)).toEqual([HUB, B, C]);
    app.synth();
    for (const s of example.workloads) expect(s.dependencies).toEqual([]);
  });

  test('the hub shares the service network and the CA with both workload accounts through RAM', () => {
    hub.resourceCountIs('AWS::RAM::ResourceShare', 2);
    hub.hasResourceProperties('AWS::RAM::ResourceShare', {
      Principals: [B, C],
      ResourceArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceNetwork'), 'Arn'] }],
      AllowExternalPrincipals: false,
    });
    hub.hasResourceProperties('AWS::RAM::ResourceShare', {
      Principals: [B, C],
      ResourceArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainRootCa'), 'Arn'] }],
      PermissionArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ram::aws:permission/AWSRAMDefaultPermissionCertificateAuthority']] }],
    });
    // Shared only once the CA is active (it can issue).
    const json = hub.toJSON();
    const caShare = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::RAM::ResourceShare' && r.Properties.PermissionArns)![0];
    const activation = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::ACMPCA::CertificateAuthorityActivation')![0];
    expect(new DependencyGraph(json).dependsOn(caShare, activation)).toBe(true);
  });

  test('the hub roles of each workload account: trusted by path-pinned roles of that account only, zone authorizations and its own records only', () => {
    const roles = hub.findResources('AWS::IAM::Role');
    const principal = (account: string) => ({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] } });
    const pathPattern = (account: string, kind: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/lattice-zone/example.com/${kind}/*`]],
    });
    const policyOf = (id: string) => Object.values<any>(hub.findResources('AWS::IAM::Policy')).find((p) => p.Properties.Roles[0].Ref === id)!;
    for (const [account, host] of [[B, 'demo-b.example.com'], [C, 'demo-c.example.com']]) {
      const [id, role] = Object.entries<any>(roles).find(([, r]) => r.Properties.RoleName === `lattice-zone-${account}-example-com`)!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Effect: 'Allow',
        Principal: principal(account),
        Condition: { ArnLike: { 'aws:PrincipalArn': pathPattern(account, 'dns') } },
      }]);
      const statements: any[] = policyOf(id).Properties.PolicyDocument.Statement;
      expect(statements.map((s) => s.Sid)).toEqual(['ReadZone', 'FindZone', 'ChangeOwnRecordsOnly']);
      expect(statements[2].Condition['ForAllValues:StringEquals']).toEqual({
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [host, `cname-${host}`],
        'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'],
      });
      for (const s of statements.filter((x) => x.Sid !== 'FindZone')) expect(JSON.stringify(s.Resource)).toContain('DomainHostedZone');

      const [vpcId, vpcRole] = Object.entries<any>(roles).find(([, r]) => r.Properties.RoleName === `lattice-zone-vpc-${account}-example-com`)!;
      expect(vpcRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: principal(account),
        Condition: { ArnLike: { 'aws:PrincipalArn': pathPattern(account, 'vpc') } },
      }]);
      const vpcStatements: any[] = policyOf(vpcId).Properties.PolicyDocument.Statement;
      expect(vpcStatements.map((s) => [s.Sid, s.Action])).toEqual([
        ['AuthorizeVpcAssociations', ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization']],
      ]);
    }
  });

  test.each([['B', 1], ['C', 2]])('workload %s joins the shared network by its ARN and has no network, zone or CA of its own', (_name, i) => {
    const t = [undefined, spokeB, spokeC][i as number]!;
    t.resourceCountIs('AWS::VpcLattice::ServiceNetwork', 0);
    t.resourceCountIs('AWS::Route53::HostedZone', 0);
    t.resourceCountIs('AWS::ACMPCA::CertificateAuthority', 0);
    t.resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 1);
    t.hasResourceProperties('AWS::VpcLattice::ServiceNetworkVpcAssociation', { ServiceNetworkIdentifier: PLACEHOLDERS.serviceNetworkArn });
    // The certificate is issued in the workload account from the hub's shared CA.
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'example.com',
      CertificateAuthorityArn: PLACEHOLDERS.certificateAuthorityArn,
    });
  });

  test('zone: one association resource whose own function authorizes through the hub VPC role, then associates', () => {
    const json = spokeB.toJSON();
    const associations = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'Custom::PrivateZoneVpcAssociation');
    expect(associations).toHaveLength(1);
    const [, assoc] = associations[0];
    expect(Object.values<any>(json.Resources).filter((r) => r.Type === 'Custom::PrivateZoneVpcAssociationAuthorization')).toHaveLength(0);
    const hubVpcRole = `arn:aws:iam::${HUB}:role/lattice-zone-vpc-${B}-example-com`;
    expect(materialize({ ...assoc.Properties, ServiceToken: undefined, VpcId: undefined }, envOf(B))).toEqual({
      HostedZoneId: PLACEHOLDERS.hostedZoneId, VpcRegion: REGION, HubRoleArn: hubVpcRole,
    });
    expect(assoc.Properties.VpcId).toEqual({ Ref: expect.stringMatching(/^LatticeVpc/) });
    // The function's role sits under the path the hub trusts and may assume the hub's VPC role, nothing else of the hub.
    const fnId = assoc.Properties.ServiceToken['Fn::GetAtt'][0];
    const roleId = json.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    expect(json.Resources[roleId].Properties.Path).toBe('/lattice-zone/example.com/vpc/');
    const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === roleId);
    const statements = materialize(JSON.parse(JSON.stringify(policy.Properties.PolicyDocument.Statement).replace(/\{"Ref":"[A-Za-z0-9]+"\}/g, '"x"')), envOf(B));
    expect(statements.filter((s: any) => JSON.stringify(s.Action).includes('sts:'))).toEqual([
      { Sid: 'AssumeHubVpcRole', Action: 'sts:AssumeRole', Effect: 'Allow', Resource: hubVpcRole },
    ]);
  });

  test('ExternalDNS writes the hub zone through the hub role only', () => {
    const json = spokeB.toJSON();
    const hubRole = `arn:aws:iam::${HUB}:role/lattice-zone-${B}-example-com`;
    const chart = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === 'external-dns');
    const values = JSON.parse(materialize(chart.Properties.Values, envOf(B)));
    expect(values.extraArgs).toEqual(['--aws-zone-type=private', '--events', `--aws-assume-role=${hubRole}`]);
    const role = Object.entries<any>(json.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('LatticeExternalDnsRole'))!;
    const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === role[0]);
    expect(materialize(policy.Properties.PolicyDocument.Statement, envOf(B))).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: hubRole },
    ]);
  });

  test('destroy on a spoke: the guard waits for the hub zone\'s records through the hub role, and only then ExternalDNS goes', () => {
    const json = spokeB.toJSON();
    const g = new DependencyGraph(json);
    const hubRole = `arn:aws:iam::${HUB}:role/lattice-zone-${B}-example-com`;
    const [guardId, guard] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'Custom::LatticeDeletionGuard')!;
    const { ServiceToken: _token, ManagedBy: _managedBy, ...plain } = guard.Properties;
    const props = materialize(plain, envOf(B));
    expect(props).toMatchObject({ HostedZoneId: PLACEHOLDERS.hostedZoneId, HubRoleArn: hubRole, TxtOwnerId: `${B}/${REGION}/eks-b` });
    // Deletion order: routes and policies -> guard (waits until the records ExternalDNS owns are gone) -> ExternalDNS.
    const chartId = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === 'external-dns')![0];
    expect(g.dependsOn(guardId, chartId)).toBe(true);
    const routes = Object.entries<any>(json.Resources).filter(([, r]) =>
      r.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && /"kind\\?":\\?"HTTPRoute/.test(JSON.stringify(r.Properties.Manifest)));
    expect(routes.length).toBeGreaterThan(0);
    for (const [routeId] of routes) expect(g.dependsOn(routeId, guardId)).toBe(true);
    // The guard's function reads the hub zone through the hub role only, from the path the hub trusts.
    const fnId = guard.Properties.ServiceToken['Fn::GetAtt'][0];
    const roleId = json.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    expect(json.Resources[roleId].Properties.Path).toBe('/lattice-zone/example.com/dns/');
    const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === roleId);
    const statements = policy.Properties.PolicyDocument.Statement
      .filter((s: any) => JSON.stringify(s.Action).match(/route53|sts/)).map((s: any) => materialize(s, envOf(B)));
    expect(statements).toEqual([
      { Sid: 'AssumeHubZoneRole', Action: 'sts:AssumeRole', Effect: 'Allow', Resource: hubRole },
    ]);
  });

  test('the Gateway is applied after the VPC association (the controller finds a shared network through it)', () => {
    const json = spokeB.toJSON();
    const g = new DependencyGraph(json);
    const gateway = Object.entries<any>(json.Resources).find(([, r]) =>
      r.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && JSON.stringify(r.Properties.Manifest).includes('"kind\\":\\"Gateway\\"'))![0];
    const association = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::VpcLattice::ServiceNetworkVpcAssociation')![0];
    expect(g.dependsOn(gateway, association)).toBe(true);
  });

  test('hub and workload stacks: AwsSolutions clean (acknowledgements only on specific constructs) and cfn-lint clean', () => {
    for (const stack of [example.hub, example.workloads[0]]) {
      expect(awsSolutionsFindings(stack)).toEqual([]);
      expect(cfnLintErrors(stack)).toEqual([]);
    }
  });

  test('Kubernetes objects of the workload stacks validate against the upstream or core schemas', () => {
    expect(expectValidK8sObjects(spokeB.toJSON()).length).toBeGreaterThan(10);
  });

  describe('auth policies, evaluated across accounts (service in C admits eks-b of account B under the workloads OU)', () => {
    const network = Object.values(cfnAuthPoliciesInTemplate(hub.toJSON(), envOf(HUB)))[0].policy;
    const service = iamAuthPoliciesInTemplate(spokeC.toJSON(), envOf(C))[0].policy;
    const target = { serviceNetworkPolicy: network, servicePolicy: service };
    const fromB = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });

    test.each<[string, any, boolean]>([
      ['eks-b/apps of account B, under the workloads OU', { ...fromB, principalOrgPaths: [OU], sourceVpcOwner: B }, true],
      ['a cluster named eks-b in account C', {
        ...podIdentitySession({ account: C, clusterName: 'eks-b', namespace: 'apps' }), principalOrgPaths: [OU], sourceVpcOwner: C,
      }, false],
      ['eks-b/apps of account B, with the account moved to another OU', {
        ...fromB, principalOrgPaths: ['o-exampleorgid/r-ab12/ou-ab12-22222222/'], sourceVpcOwner: B,
      }, false],
      ['eks-b/other of account B', { ...podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'other' }), principalOrgPaths: [OU] }, false],
      ['an anonymous (unsigned) request', { principal: 'anonymous' }, false],
      ['a principal of the hub account', { ...podIdentitySession({ account: HUB, clusterName: 'eks-b', namespace: 'apps' }), principalOrgPaths: [OU] }, false],
    ])('%s', async (_name, request, allowed) => {
      const decision = await evaluateLatticeRequest(request, target);
      expect(decision.allowed).toBe(allowed);
    });

    test('the network policy admits the named workload accounts and not others', async () => {
      const other = await evaluateLatticeRequest(podIdentitySession({ account: '444444444444', clusterName: 'eks-b', namespace: 'apps' }),
        { serviceNetworkPolicy: network, servicePolicy: undefined });
      expect(other.deniedBy).toEqual(['network']);
      const fromC = await evaluateLatticeRequest(podIdentitySession({ account: C, clusterName: 'eks-c', namespace: 'apps' }),
        { serviceNetworkPolicy: network, servicePolicy: undefined });
      expect(fromC.allowed).toBe(true);
    });
  });
});

describe('callers across accounts', () => {
  const render = (caller: LatticeCaller) => {
    const stack = new Stack(new App(), 'P', { env: { account: C, region: REGION } });
    return materialize(stack.resolve(LatticeAuthPolicyDocument.allow(caller).toPolicyDocument(stack)), { account: C, region: REGION, partition: 'aws' });
  };
  const network = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] };

  test('organizationPath admits accounts of the unit and its children, not of a sibling unit', async () => {
    const policy = render(LatticeCaller.organizationPath(OU));
    expect(policy.Statement[0].Condition['ForAnyValue:StringLike']).toEqual({ 'aws:PrincipalOrgPaths': `${OU}*` });
    const session = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });
    const result = async (paths: string[]) =>
      (await evaluateLatticeRequest({ ...session, principalOrgPaths: paths }, { serviceNetworkPolicy: network, servicePolicy: policy })).allowed;
    expect(await result([OU])).toBe(true);
    expect(await result([`${OU}ou-ab12-33333333/`])).toBe(true);
    expect(await result(['o-exampleorgid/r-ab12/ou-ab12-111111119/'])).toBe(false);
    expect(await result([])).toBe(false);
  });

  test('two organization paths merge into one statement that admits either unit', async () => {
    const stack = new Stack(new App(), 'P', { env: { account: C, region: REGION } });
    const other = 'o-exampleorgid/r-ab12/ou-ab12-22222222/';
    const policy = materialize(stack.resolve(LatticeAuthPolicyDocument.allow(
      LatticeCaller.organizationPath(OU), LatticeCaller.organizationPath(other)).toPolicyDocument(stack)), { account: C, region: REGION, partition: 'aws' });
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Condition['ForAnyValue:StringLike']).toEqual({ 'aws:PrincipalOrgPaths': [`${OU}*`, `${other}*`] });
    const session = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });
    for (const [paths, allowed] of [[[OU], true], [[other], true], [['o-exampleorgid/r-ab12/ou-ab12-33333333/'], false]] as const) {
      const target = { serviceNetworkPolicy: network, servicePolicy: policy };
      const decision = await evaluateLatticeRequest({ ...session, principalOrgPaths: [...paths] }, target);
      expect(decision.allowed).toBe(allowed);
    }
  });

  test('sourceVpcOwner admits principals of the account calling from its own VPCs only', async () => {
    const policy = render(LatticeCaller.sourceVpcOwner(B));
    const session = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });
    const result = async (owner: string) =>
      (await evaluateLatticeRequest({ ...session, sourceVpcOwner: owner }, { serviceNetworkPolicy: network, servicePolicy: policy })).allowed;
    expect([await result(B), await result(C)]).toEqual([true, false]);
  });

  test('withSourceVpcOwners narrows an eksWorkload caller', async () => {
    const policy = render(LatticeCaller.eksWorkload({ clusterName: 'eks-b', namespaces: ['apps'], account: B }).withSourceVpcOwners([B]));
    const session = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });
    const result = async (owner: string) =>
      (await evaluateLatticeRequest({ ...session, sourceVpcOwner: owner }, { serviceNetworkPolicy: network, servicePolicy: policy })).allowed;
    expect([await result(B), await result(C)]).toEqual([true, false]);
  });

  test('allowedOrganizationPaths shapes the network policy', () => {
    const stack = new Stack(new App(), 'N', { env: { account: HUB, region: REGION } });
    const net = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway', allowedOrganizationPaths: [OU] });
    expect(JSON.stringify(stack.resolve(net.authPolicyDocument))).toContain(`"aws:PrincipalOrgPaths":"${OU}*"`);
  });
});

describe('Pod Identity role chaining (targetRoleArn)', () => {
  // Pods of eks-b (account B) chain into a role of account 444444444444 that calls services there.
  const TARGET_ACCOUNT = '444444444444';
  const TARGET_ROLE = `arn:aws:iam::${TARGET_ACCOUNT}:role/lattice-caller`;
  const build = () => {
    const app = new App();
    const stack = new Stack(app, 'B', { env: { account: B, region: REGION } });
    const serviceNetwork = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Net', {
      serviceNetworkName: 'lattice-gateway', serviceNetworkId: 'sn-0123456789abcdef0', serviceNetworkArn: PLACEHOLDERS.serviceNetworkArn,
    });
    const cluster = new LatticeEksCluster(stack, 'Lattice', { clusterName: 'eks-b', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork });
    return { stack, cluster };
  };

  test('the association names the target role; the source role may assume it with session tags', () => {
    const { stack, cluster } = build();
    const identity = cluster.addPodIdentity('Caller', { namespace: 'apps', serviceAccountName: 'caller', roleName: 'eks-b-caller', targetRoleArn: TARGET_ROLE });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'apps', ServiceAccount: 'caller', TargetRoleArn: TARGET_ROLE });
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'eks-b-caller' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: TARGET_ROLE }] },
      Roles: [{ Ref: stack.getLogicalId(identity.role.node.defaultChild as iam.CfnRole) }],
    });
    expect(identity.targetRoleArn).toBe(TARGET_ROLE);
  });

  test('Lattice sees the target role\'s account with the source cluster\'s tags: clusterAccount matches, account alone does not', async () => {
    // The chained session: principal in the target account, transitive tags from the cluster in account B.
    const source = podIdentitySession({ account: B, clusterName: 'eks-b', namespace: 'apps' });
    const chained = { principal: `arn:aws:sts::${TARGET_ACCOUNT}:assumed-role/lattice-caller/eks-b-session`, sessionTags: source.sessionTags };
    const network = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] };
    const render = (caller: LatticeCaller) => {
      const stack = new Stack(new App(), 'T', { env: { account: TARGET_ACCOUNT, region: REGION } });
      return materialize(stack.resolve(LatticeAuthPolicyDocument.allow(caller).toPolicyDocument(stack)), { account: TARGET_ACCOUNT, region: REGION, partition: 'aws' });
    };
    const pinned = render(LatticeCaller.eksWorkload({ clusterName: 'eks-b', namespaces: ['apps'], account: TARGET_ACCOUNT, clusterAccount: B }));
    const sourceAccountOnly = render(LatticeCaller.eksWorkload({ clusterName: 'eks-b', namespaces: ['apps'], account: B }));
    const targetAccountOnly = render(LatticeCaller.eksWorkload({ clusterName: 'eks-b', namespaces: ['apps'], account: TARGET_ACCOUNT }));
    const allowed = async (policy: any, request: any) =>
      (await evaluateLatticeRequest(request, { serviceNetworkPolicy: network, servicePolicy: policy })).allowed;
    expect(await allowed(pinned, chained)).toBe(true);
    expect(await allowed(sourceAccountOnly, chained)).toBe(false); // principal account is the target's
    expect(await allowed(targetAccountOnly, chained)).toBe(false); // eks-cluster-arn names account B
    // Unchained pods of eks-b do not match the chained caller's statement.
    expect(await allowed(pinned, source)).toBe(false);
  });
});

describe('spoke domain wiring', () => {
  test('a spoke domain cannot create spoke roles, and the hub domain names the spoke VPC account in its error', () => {
    const app = new App();
    const stack = new Stack(app, 'B', { env: { account: B, region: REGION } });
    const domain = new PrivateCaDomain(stack, 'Domain', {
      domainName: 'example.com',
      certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', PLACEHOLDERS.certificateAuthorityArn),
      hubHostedZone: { hostedZoneId: PLACEHOLDERS.hostedZoneId, accountId: HUB },
    });
    expect(domain.hubRoleArn).toBeDefined();
    expect(stack.resolve(domain.hubRoleArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${HUB}:role/lattice-zone-${B}-example-com`]] });
    expect(() => domain.addSpokeAccount(C)).toThrow(/PrivateCaDomain \(B\/Domain\): addSpokeAccount\("333333333333"\) needs the zone in this stack/);
  });
});

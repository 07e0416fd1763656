import { App, CfnParameter, CfnResource, Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { cfnLintErrors } from './util/cfn-lint';
import { awsSolutionsFindings, NagFinding } from './util/nag';
import { CaKeyAlgorithm, CaSigningAlgorithm, PrivateCaDomain, PrivateCaDomainProps } from '../src/domain/private-ca-domain';
import { assertDnsName, dnsNameProblem, isDnsName } from '../src/private/dns';

const CA_ARN = 'arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';

/** The logical ids of all resources of `type`; expects exactly `count`. */
function idsOfType(template: Template, type: string, count = 1): string[] {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(count);
  return ids;
}

/** Logical ids that `value` points at through `Ref` or `Fn::GetAtt`. */
function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => referencedIds(v, into));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {
        // Pseudo parameters such as AWS::Partition are not resources.
        if (!v.startsWith('AWS::')) into.add(v);
      } else if (key === 'Fn::GetAtt' && Array.isArray(v)) {
        into.add(v[0]);
      } else {
        referencedIds(v, into);
      }
    }
  }
  return into;
}

/**
 * Turns an `AwsCustomResource` call (a JSON string, or an `Fn::Join` of one)
 * back into an object; intrinsic parts become `REF(x)` / `IMPORT(x)` strings.
 */
function sdkCall(value: unknown): any {
  if (typeof value === 'string') return JSON.parse(value);
  const [, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts.map((part: any) => {
    if (typeof part === 'string') return part;
    if (part.Ref) return `REF(${part.Ref})`;
    if (part['Fn::ImportValue']) return `IMPORT(${part['Fn::ImportValue']})`;
    throw new Error(`unexpected part ${JSON.stringify(part)}`);
  }).join('');
  return JSON.parse(text);
}

/** Paths of the constructs that carry cdk-nag AwsSolutions acknowledgements, and their rule ids. */
function nagAcknowledgements(scope: IConstruct): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const ids = Object.keys(entry.data)
        .map((k) => k.replace(/^annotation::/i, ''))
        .filter((id) => id.startsWith('AwsSolutions-'));
      if (ids.length > 0) found[c.node.path] = [...(found[c.node.path] ?? []), ...ids];
    }
  }
  return found;
}

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

function build(props: Partial<PrivateCaDomainProps>, stack = newStack()): PrivateCaDomain {
  return new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com', ...props });
}

// One app with the three stacks of the pattern: the default environment, one
// that brings its own CA, and a cluster stack whose VPC joins the zone.
describe('shared app', () => {
  let app: App;
  let envStack: Stack;
  let byoStack: Stack;
  let clusterStack: Stack;
  let domain: PrivateCaDomain;
  let byoDomain: PrivateCaDomain;
  let clusterVpc: ec2.Vpc;
  let env: Template;
  let byo: Template;
  let cluster: Template;
  let findings: NagFinding[];

  beforeAll(() => {
    app = new App();
    envStack = new Stack(app, 'Env');
    domain = new PrivateCaDomain(envStack, 'Domain', { domainName: 'example.com' });

    byoStack = new Stack(app, 'Byo');
    byoDomain = new PrivateCaDomain(byoStack, 'Domain', {
      domainName: 'corp.internal',
      certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(byoStack, 'SharedCa', CA_ARN),
    });
    const reader = new iam.Role(byoStack, 'TrustStoreReader', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    byoDomain.grantReadCaCertificate(reader);

    clusterStack = new Stack(app, 'Cluster');
    clusterVpc = new ec2.Vpc(clusterStack, 'Vpc', { natGateways: 0, maxAzs: 2, flowLogs: { All: {} } });
    domain.associateVpc(clusterVpc);

    findings = awsSolutionsFindings(app);
    env = Template.fromStack(envStack);
    byo = Template.fromStack(byoStack);
    cluster = Template.fromStack(clusterStack);
  });

  describe('created CA (defaults)', () => {
    test('ROOT CA with RSA_4096 / SHA512WITHRSA, general purpose, CN = domain, deleted with the stack', () => {
      idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      env.hasResource('AWS::ACMPCA::CertificateAuthority', {
        Properties: {
          Type: 'ROOT',
          KeyAlgorithm: 'RSA_4096',
          SigningAlgorithm: 'SHA512WITHRSA',
          Subject: { CommonName: 'example.com' },
          UsageMode: 'GENERAL_PURPOSE',
        },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    });

    test('self-signed root certificate from the RootCACertificate/V1 template, valid 3650 days', () => {
      const [caId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      idsOfType(env, 'AWS::ACMPCA::Certificate');
      env.hasResourceProperties('AWS::ACMPCA::Certificate', {
        CertificateAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] },
        CertificateSigningRequest: { 'Fn::GetAtt': [caId, 'CertificateSigningRequest'] },
        SigningAlgorithm: 'SHA512WITHRSA',
        TemplateArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm-pca:::template/RootCACertificate/V1']] },
        Validity: { Type: 'DAYS', Value: 3650 },
      });
    });

    test('activation installs the root certificate and sets the CA ACTIVE', () => {
      const [caId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      const [rootId] = idsOfType(env, 'AWS::ACMPCA::Certificate');
      idsOfType(env, 'AWS::ACMPCA::CertificateAuthorityActivation');
      env.hasResourceProperties('AWS::ACMPCA::CertificateAuthorityActivation', {
        CertificateAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] },
        Certificate: { 'Fn::GetAtt': [rootId, 'Certificate'] },
        Status: 'ACTIVE',
      });
    });

    test('ACM private certificate for the domain and its wildcard, issued by the CA', () => {
      const [caId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      idsOfType(env, 'AWS::CertificateManager::Certificate');
      env.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'example.com',
        SubjectAlternativeNames: ['*.example.com'],
        CertificateAuthorityArn: { 'Fn::GetAtt': [caId, 'Arn'] },
        KeyAlgorithm: 'RSA_2048',
      });
    });

    test('deploy order is CA -> root certificate -> activation -> ACM certificate', () => {
      const resources = env.toJSON().Resources;
      const [caId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      const [rootId] = idsOfType(env, 'AWS::ACMPCA::Certificate');
      const [activationId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthorityActivation');
      const [certId] = idsOfType(env, 'AWS::CertificateManager::Certificate');
      const dependsOn = (id: string): Set<string> =>
        new Set([...referencedIds(resources[id].Properties), ...(resources[id].DependsOn ?? [])]);

      expect(dependsOn(rootId)).toEqual(new Set([caId]));
      expect(dependsOn(activationId)).toEqual(new Set([caId, rootId]));
      // Nothing in the ACM certificate references the activation: the explicit DependsOn is what orders it.
      expect(resources[certId].DependsOn).toEqual([activationId]);
      expect(dependsOn(certId)).toEqual(new Set([caId, activationId]));
    });

    test('private hosted zone anchored on the placeholder VPC', () => {
      const [vpcId] = idsOfType(env, 'AWS::EC2::VPC');
      idsOfType(env, 'AWS::Route53::HostedZone');
      env.hasResource('AWS::Route53::HostedZone', {
        Properties: {
          Name: 'example.com.',
          VPCs: [{ VPCId: { Ref: vpcId }, VPCRegion: { Ref: 'AWS::Region' } }],
        },
        DeletionPolicy: 'Delete',
      });
    });

    test('placeholder VPC: /28 with DNS support and hostnames, no subnets or gateways', () => {
      env.hasResourceProperties('AWS::EC2::VPC', {
        CidrBlock: '10.255.0.0/28',
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
      });
      for (const type of ['AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog']) {
        env.resourceCountIs(type, 0);
      }
    });

    test('no custom resource or Lambda function for a created CA', () => {
      env.resourceCountIs('AWS::Lambda::Function', 0);
      env.resourceCountIs('Custom::PrivateCaCertificatePem', 0);
    });

    test('public members point at the created resources', () => {
      const [caId] = idsOfType(env, 'AWS::ACMPCA::CertificateAuthority');
      const [rootId] = idsOfType(env, 'AWS::ACMPCA::Certificate');
      const [zoneId] = idsOfType(env, 'AWS::Route53::HostedZone');
      expect(domain.domainName).toBe('example.com');
      expect(domain.cfnCertificateAuthority).toBeDefined();
      expect(domain.cfnCertificateAuthorityActivation).toBeDefined();
      expect(domain.placeholderVpc).toBeDefined();
      expect(envStack.resolve(domain.caCertificatePem)).toEqual({ 'Fn::GetAtt': [rootId, 'Certificate'] });
      expect(envStack.resolve(domain.certificateAuthority.certificateAuthorityArn)).toEqual({ 'Fn::GetAtt': [caId, 'Arn'] });
      expect(envStack.resolve(domain.hostedZone.hostedZoneId)).toEqual({ Ref: zoneId });
    });
  });

  describe('imported CA', () => {
    test('creates no CA, root certificate or activation', () => {
      byo.resourceCountIs('AWS::ACMPCA::CertificateAuthority', 0);
      byo.resourceCountIs('AWS::ACMPCA::Certificate', 0);
      byo.resourceCountIs('AWS::ACMPCA::CertificateAuthorityActivation', 0);
      expect(byoDomain.cfnCertificateAuthority).toBeUndefined();
      expect(byoDomain.cfnCertificateAuthorityActivation).toBeUndefined();
    });

    test('the ACM certificate is issued by the given CA', () => {
      byo.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'corp.internal',
        SubjectAlternativeNames: ['*.corp.internal'],
        CertificateAuthorityArn: CA_ARN,
      });
    });

    test('reads the CA certificate PEM at deploy time, with a policy scoped to that CA', () => {
      const [crId] = idsOfType(byo, 'Custom::PrivateCaCertificatePem');
      const props = byo.toJSON().Resources[crId].Properties;
      const expected = {
        service: 'ACMPCA',
        action: 'getCertificateAuthorityCertificate',
        parameters: { CertificateAuthorityArn: CA_ARN },
        physicalResourceId: { id: CA_ARN },
        outputPaths: ['Certificate'],
      };
      expect(sdkCall(props.Create)).toEqual(expected);
      expect(sdkCall(props.Update)).toEqual(expected);
      expect(props.Delete).toBeUndefined();
      expect(props.InstallLatestAwsSdk).toBe(false);

      const crPolicy = Object.values(byo.findResources('AWS::IAM::Policy'))
        .find((p: any) => p.Properties.PolicyName.startsWith('DomainCaCertificatePem'));
      expect(crPolicy?.Properties.PolicyDocument.Statement).toEqual([
        { Action: 'acm-pca:GetCertificateAuthorityCertificate', Effect: 'Allow', Resource: CA_ARN },
      ]);
      expect(byoStack.resolve(byoDomain.caCertificatePem)).toEqual({ 'Fn::GetAtt': [crId, 'Certificate'] });
    });

    test('grantReadCaCertificate allows reading this CA only', () => {
      const [roleId] = Object.keys(byo.findResources('AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'pods.eks.amazonaws.com' } }] } },
      }));
      const grantPolicy = Object.values(byo.findResources('AWS::IAM::Policy'))
        .find((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
      expect(grantPolicy?.Properties.PolicyDocument.Statement).toEqual([
        { Action: 'acm-pca:GetCertificateAuthorityCertificate', Effect: 'Allow', Resource: CA_ARN },
      ]);
      expect(JSON.stringify(grantPolicy)).not.toContain('"*"');
    });
  });

  describe('associateVpc with a VPC in another stack', () => {
    test('the association sits beside the VPC: what depends on the VPC (an EKS cluster) does not wait for it; its logical id is unchanged', () => {
      const a = new App();
      const zoneStack = new Stack(a, 'Env');
      const d = new PrivateCaDomain(zoneStack, 'Domain', { domainName: 'example.com' });
      const stack = new Stack(a, 'Cluster');
      const vpc = new ec2.Vpc(new Construct(stack, 'Lattice'), 'Vpc', { natGateways: 0, maxAzs: 1 });
      // As aws-eks-v2 does for its cluster: a dependency on the whole VPC construct.
      const dependent = new CfnResource(stack, 'DependsOnVpc', { type: 'AWS::CloudFormation::WaitConditionHandle' });
      dependent.node.addDependency(vpc);
      d.associateVpc(vpc);
      const resources = Template.fromStack(stack).toJSON().Resources;
      const [assocId] = Object.keys(resources).filter((id) => resources[id].Type === 'Custom::PrivateZoneVpcAssociation');
      // The id it was deployed with when it was created under the VPC: stacks deployed then keep their association.
      expect(assocId).toBe('LatticeVpcPrivateZoneAssociationexamplecomC1520F1D');
      expect(resources.DependsOnVpc.DependsOn ?? []).not.toContain(assocId);
      expect(JSON.stringify(resources[assocId].Properties.Create)).toContain(stack.resolve(vpc.vpcId).Ref);
      expect(() => d.associateVpc(vpc)).toThrow(/is already associated/);
    });

    test('creates an association custom resource in the VPC stack that disassociates on delete', () => {
      const [assocId] = idsOfType(cluster, 'Custom::PrivateZoneVpcAssociation');
      const [vpcId] = idsOfType(cluster, 'AWS::EC2::VPC');
      const props = cluster.toJSON().Resources[assocId].Properties;
      const zoneExport = Object.values(env.toJSON().Outputs as Record<string, any>)
        .find((o) => o.Value.Ref === idsOfType(env, 'AWS::Route53::HostedZone')[0]).Export.Name;
      const target = {
        HostedZoneId: `IMPORT(${zoneExport})`,
        VPC: { VPCId: `REF(${vpcId})`, VPCRegion: 'REF(AWS::Region)' },
      };
      expect(sdkCall(props.Create)).toEqual({
        service: 'Route53',
        action: 'associateVPCWithHostedZone',
        parameters: target,
        physicalResourceId: { id: `IMPORT(${zoneExport}):REF(${vpcId})` },
      });
      expect(sdkCall(props.Update)).toMatchObject({ action: 'associateVPCWithHostedZone', parameters: target });
      expect(sdkCall(props.Delete)).toMatchObject({
        service: 'Route53',
        action: 'disassociateVPCFromHostedZone',
        parameters: target,
      });
      expect(props.InstallLatestAwsSdk).toBe(false);
    });

    test('the association may change only this zone, plus ec2:DescribeVpcs', () => {
      const policy = Object.values(cluster.findResources('AWS::IAM::Policy'))
        .find((p: any) => p.Properties.PolicyName.startsWith('VpcPrivateZoneAssociation')) as any;
      const zoneArn = policy.Properties.PolicyDocument.Statement[0].Resource;
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        {
          Action: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
          Effect: 'Allow',
          Resource: zoneArn,
        },
        { Action: 'ec2:DescribeVpcs', Effect: 'Allow', Resource: '*' },
      ]);
      expect(zoneArn['Fn::Join'][1].slice(0, 3)).toEqual(['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/']);
    });

    test('the zone itself keeps only its own VPC', () => {
      const zone = Object.values(env.findResources('AWS::Route53::HostedZone'))[0] as any;
      expect(zone.Properties.VPCs).toHaveLength(1);
    });

    test('associating the same VPC twice is rejected', () => {
      expect(() => domain.associateVpc(clusterVpc)).toThrow(/VPC "Cluster\/Vpc" is already associated with the private hosted zone "example.com"/);
    });
  });

  describe('cdk-nag and cfn-lint', () => {
    test.each(['Env', 'Byo', 'Cluster'])('%s stack has no unacknowledged AwsSolutions findings', (stackName) => {
      expect(findings.filter((f) => f.path.startsWith(`${stackName}/`))).toEqual([]);
    });

    test('acknowledgements sit on the narrowest constructs only', () => {
      expect(nagAcknowledgements(app)).toEqual({
        'Env/Domain/PlaceholderVpc': ['AwsSolutions-VPC7'],
        'Byo/Domain/PlaceholderVpc': ['AwsSolutions-VPC7'],
        'Byo/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource': [
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        ],
        'Byo/AWS679f53fac002430cb0da5b7982bd2287/Resource': ['AwsSolutions-L1'],
        'Cluster/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource': [
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        ],
        'Cluster/AWS679f53fac002430cb0da5b7982bd2287/Resource': ['AwsSolutions-L1'],
        'Cluster/Vpc-PrivateZoneAssociation-example.com/CustomResourcePolicy/Resource': ['AwsSolutions-IAM5[Resource::*]'],
      });
    });

    test.each(['Env', 'Byo', 'Cluster'])('%s stack has no cfn-lint errors', (stackName) => {
      expect(cfnLintErrors(app.node.findChild(stackName) as Stack)).toEqual([]);
    });
  });
});

describe('custom settings', () => {
  let stack: Stack;
  let domain: PrivateCaDomain;
  let template: Template;

  beforeAll(() => {
    stack = newStack();
    const zoneVpc = new ec2.Vpc(stack, 'ZoneVpc', { natGateways: 0, maxAzs: 1 });
    domain = new PrivateCaDomain(stack, 'Domain', {
      domainName: 'svc.example.net',
      keyAlgorithm: CaKeyAlgorithm.EC_SECP384R1,
      caValidity: Duration.days(730),
      caCommonName: 'Example Root CA',
      zoneVpc,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    domain.associateVpc(new ec2.Vpc(stack, 'SecondVpc', { natGateways: 0, maxAzs: 1 }));
    domain.grantReadCaCertificate(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
    template = Template.fromStack(stack);
  });

  test('EC key gets the matching ECDSA signing algorithm, custom CN, RETAIN', () => {
    template.hasResource('AWS::ACMPCA::CertificateAuthority', {
      Properties: {
        KeyAlgorithm: 'EC_secp384r1',
        SigningAlgorithm: 'SHA384WITHECDSA',
        Subject: { CommonName: 'Example Root CA' },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::ACMPCA::CertificateAuthorityActivation', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'Retain' });
  });

  test('custom validity and an EC certificate key of the CA family', () => {
    template.hasResourceProperties('AWS::ACMPCA::Certificate', {
      SigningAlgorithm: 'SHA384WITHECDSA',
      Validity: { Type: 'DAYS', Value: 730 },
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'svc.example.net',
      SubjectAlternativeNames: ['*.svc.example.net'],
      KeyAlgorithm: 'EC_secp384r1',
    });
  });

  test('zoneVpc given: no placeholder, zone on zoneVpc, same-stack association joins the zone', () => {
    expect(domain.placeholderVpc).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 2);
    template.resourceCountIs('Custom::PrivateZoneVpcAssociation', 0);
    const vpcIds = Object.keys(template.findResources('AWS::EC2::VPC'));
    const zone = Object.values(template.findResources('AWS::Route53::HostedZone'))[0] as any;
    expect(zone.Properties.VPCs).toEqual([
      { VPCId: { Ref: vpcIds.find((id) => id.startsWith('ZoneVpc')) }, VPCRegion: { Ref: 'AWS::Region' } },
      { VPCId: { Ref: vpcIds.find((id) => id.startsWith('SecondVpc')) }, VPCRegion: { Ref: 'AWS::Region' } },
    ]);
  });

  test('grantReadCaCertificate on a created CA targets its ARN', () => {
    const [caId] = idsOfType(template, 'AWS::ACMPCA::CertificateAuthority');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'acm-pca:GetCertificateAuthorityCertificate', Effect: 'Allow', Resource: { 'Fn::GetAtt': [caId, 'Arn'] } }],
      },
    });
  });

  test('explicit signing algorithm of the key family is accepted', () => {
    const t = Template.fromStack(build({
      keyAlgorithm: CaKeyAlgorithm.EC_PRIME256V1,
      signingAlgorithm: CaSigningAlgorithm.SHA512WITHECDSA,
      caValidity: Duration.days(396),
    }).node.scope as Stack);
    t.hasResourceProperties('AWS::ACMPCA::CertificateAuthority', { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA512WITHECDSA' });
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { KeyAlgorithm: 'EC_prime256v1' });
  });
});

test('several associations and an imported CA in one stack share one provider acknowledgement', () => {
  const app = new App();
  const zoneStack = new Stack(app, 'Zones');
  const first = new PrivateCaDomain(zoneStack, 'First', { domainName: 'one.example.com' });
  const second = new PrivateCaDomain(zoneStack, 'Second', { domainName: 'two.example.com' });
  const clusters = new Stack(app, 'Clusters');
  new PrivateCaDomain(clusters, 'Imported', {
    domainName: 'three.example.com',
    certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(clusters, 'Ca', CA_ARN),
  });
  const vpcA = ec2.Vpc.fromVpcAttributes(clusters, 'VpcA', { vpcId: 'vpc-0aaaaaaaaaaaaaaaa', availabilityZones: ['eu-west-1a'] });
  const vpcB = ec2.Vpc.fromVpcAttributes(clusters, 'VpcB', { vpcId: 'vpc-0bbbbbbbbbbbbbbbb', availabilityZones: ['eu-west-1a'] });
  first.associateVpc(vpcA);
  first.associateVpc(vpcB);
  second.associateVpc(vpcA);

  expect(awsSolutionsFindings(app)).toEqual([]);
  Template.fromStack(clusters).resourceCountIs('Custom::PrivateZoneVpcAssociation', 3);
  Template.fromStack(clusters).resourceCountIs('AWS::Lambda::Function', 1);
  expect(nagAcknowledgements(clusters)['Clusters/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource']).toHaveLength(1);
});

describe('validation', () => {
  const sharedCa = (stack: Stack) => acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN);

  test.each([
    ['uppercase', 'Example.com', /got "Example.com": it must be lowercase \(use "example.com"\)/],
    ['trailing dot', 'example.com.', /got "example.com.": remove the trailing dot/],
    ['wildcard', '*.example.com', /got "\*.example.com": wildcards are not allowed/],
    ['single label', 'localhost', /got "localhost": it needs at least two labels/],
    ['underscore', 'my_app.example.com', /label "my_app" may only contain/],
    ['leading hyphen', '-app.example.com', /label "-app" must not start or end with "-"/],
    ['empty label', 'example..com', /got "example..com": it contains an empty label/],
    ['label over 63', `${'a'.repeat(64)}.com`, /label "a{64}" is 64 characters long/],
    ['IPv4 address', '10.0.0.1', /got "10.0.0.1": the last label must not be all digits/],
    ['empty', '', /got "": it is empty/],
  ])('rejects a domain name with %s', (_kind, domainName, message) => {
    expect(() => build({ domainName })).toThrow(message);
  });

  test('rejects a domain name longer than the 64 characters ACM allows', () => {
    const domainName = `${'a'.repeat(60)}.example.com`;
    expect(() => build({ domainName })).toThrow(new RegExp(`domainName "${domainName}" is 72 characters long; ACM allows at most 64`));
  });

  test('rejects a token domain name', () => {
    const stack = newStack();
    const parameter = new CfnParameter(stack, 'DomainNameParameter');
    expect(() => build({ domainName: parameter.valueAsString }, stack)).toThrow(/domainName must be a literal string, not a token \(needed at synth to name the certificate/);
    expect(() => build({ domainName: Lazy.string({ produce: () => 'example.com' }) })).toThrow(/domainName must be a literal string, not a token/);
  });

  test.each([
    ['keyAlgorithm', { keyAlgorithm: CaKeyAlgorithm.RSA_2048 }, /certificateAuthority and keyAlgorithm \("RSA_2048"\) cannot be combined/],
    ['signingAlgorithm', { signingAlgorithm: CaSigningAlgorithm.SHA256WITHRSA }, /certificateAuthority and signingAlgorithm \("SHA256WITHRSA"\)/],
    ['caValidity', { caValidity: Duration.days(365) }, /certificateAuthority and caValidity \("Duration.days\(365\)"\)/],
    ['caCommonName', { caCommonName: 'My CA' }, /certificateAuthority and caCommonName \("My CA"\)/],
  ])('rejects certificateAuthority together with %s', (_name, props, message) => {
    const stack = newStack();
    expect(() => build({ certificateAuthority: sharedCa(stack), ...props }, stack)).toThrow(message);
  });

  test('rejects a signing algorithm of the other key family', () => {
    expect(() => build({ keyAlgorithm: CaKeyAlgorithm.EC_PRIME256V1, signingAlgorithm: CaSigningAlgorithm.SHA512WITHRSA }))
      .toThrow(/signingAlgorithm "SHA512WITHRSA" does not fit keyAlgorithm "EC_prime256v1"/);
    expect(() => build({ signingAlgorithm: CaSigningAlgorithm.SHA256WITHECDSA }))
      .toThrow(/signingAlgorithm "SHA256WITHECDSA" does not fit keyAlgorithm "RSA_4096"/);
  });

  test.each([
    ['not whole days', Duration.hours(36), /caValidity must be a whole number of days, got "1 day 12 hours" \(1.5 days\)/],
    ['shorter than an ACM certificate', Duration.days(30), /caValidity must be between 396 days .* got "30 days"/],
    ['longer than 100 years', Duration.days(40000), /caValidity must be between .* and 36500 days, got "40000 days"/],
  ])('rejects a CA validity %s', (_kind, caValidity, message) => {
    expect(() => build({ caValidity })).toThrow(message);
  });

  test('rejects a token CA validity', () => {
    const caValidity = Duration.days(Lazy.number({ produce: () => 400 }));
    expect(() => build({ caValidity })).toThrow(/caValidity must be a literal duration, not a token \(needed at synth to check it outlives/);
  });

  test('rejects a CA common name over 64 characters', () => {
    const caCommonName = 'C'.repeat(65);
    expect(() => build({ caCommonName })).toThrow(new RegExp(`caCommonName "${caCommonName}" must be 1 to 64 characters long, got 65`));
  });

  test('rejects a certificate key that ACM cannot request or that misfits the CA', () => {
    expect(() => build({ certificateKeyAlgorithm: acm.KeyAlgorithm.RSA_4096 }))
      .toThrow(/certificateKeyAlgorithm "RSA_4096" cannot be requested from a private CA/);
    expect(() => build({ keyAlgorithm: CaKeyAlgorithm.EC_PRIME256V1, certificateKeyAlgorithm: acm.KeyAlgorithm.RSA_2048 }))
      .toThrow(/certificateKeyAlgorithm "RSA_2048" does not fit the created CA's EC_prime256v1 key \(keyAlgorithm\)/);
  });

  test('rejects associating the zone VPC or a same-stack VPC twice', () => {
    const stack = newStack();
    const zoneVpc = new ec2.Vpc(stack, 'ZoneVpc', { natGateways: 0, maxAzs: 1 });
    const other = new ec2.Vpc(stack, 'Other', { natGateways: 0, maxAzs: 1 });
    const domain = build({ zoneVpc }, stack);
    expect(() => domain.associateVpc(zoneVpc)).toThrow(/VPC "Test\/ZoneVpc" is already associated/);
    domain.associateVpc(other);
    expect(() => domain.associateVpc(other)).toThrow(/VPC "Test\/Other" is already associated/);
  });

  test('rejects a VPC of another account', () => {
    const app = new App();
    const zoneStack = new Stack(app, 'Zone', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpcStack = new Stack(app, 'Vpcs', { env: { account: '222222222222', region: 'eu-west-1' } });
    const domain = build({}, zoneStack);
    const vpc = ec2.Vpc.fromVpcAttributes(vpcStack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
    expect(() => domain.associateVpc(vpc)).toThrow(/VPC "Vpcs\/Vpc" is in account "222222222222" but the zone "example.com" is in account "111111111111"/);
  });
});

describe('DNS name helpers', () => {
  test.each(['example.com', 'a.b', 'svc-1.team-2.example.internal', `${'a'.repeat(63)}.com`, 'xn--bcher-kva.example'])('%s is a DNS name', (name) => {
    expect(isDnsName(name)).toBe(true);
    expect(dnsNameProblem(name)).toBeUndefined();
  });

  test.each(['', 'com', 'Example.com', 'example.com.', '*.example.com', 'a b.com', 'a-.com', '1.2.3.4', `${'a.'.repeat(127)}com`])('"%s" is not a DNS name', (name) => {
    expect(isDnsName(name)).toBe(false);
  });

  test('a token is never a DNS name', () => {
    expect(isDnsName(Lazy.string({ produce: () => 'example.com' }))).toBe(false);
  });

  test('assertDnsName names the construct kind, the property and the value', () => {
    const stack = newStack();
    expect(() => assertDnsName(stack, 'ServiceNetwork', 'hostname', 'API.example.com'))
      .toThrow(/^ServiceNetwork \(Test\): hostname must be a lowercase DNS name such as "example.com", got "API.example.com"/);
    expect(() => assertDnsName(stack, 'ServiceNetwork', 'hostname', Lazy.string({ produce: () => 'api.example.com' })))
      .toThrow(/hostname must be a literal string, not a token \(needed at synth to check it and use it in names\)/);
    expect(() => assertDnsName(stack, 'ServiceNetwork', 'hostname', 'api.example.com')).not.toThrow();
  });
});

import { App, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cfnLintErrors } from './util/cfn-lint';
import { smallVpc } from './util/fixtures';
import { awsSolutionsFindings } from './util/nag';
import {
  AccessLogDestination,
  LatticeAuthType,
  LatticeServiceNetwork,
  LatticeServiceNetworkProps,
} from '../src/network/service-network';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ENV = { account: ACCOUNT, region: REGION };
const NETWORK_ID = 'sn-0123456789abcdef0';

const rootOf = (account: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]],
});
const NOT_ANONYMOUS = { StringNotEqualsIgnoreCase: { 'aws:PrincipalType': 'anonymous' } };

/** A stack in a fresh app; `agnostic` leaves account and region to deployment time. */
function newStack(id = 'NetworkStack', agnostic = false): Stack {
  return new Stack(new App(), id, { env: agnostic ? undefined : ENV });
}

/** `Fn::GetAtt` of an attribute of the network's `AWS::VpcLattice::ServiceNetwork`. */
function networkAttr(network: LatticeServiceNetwork, attribute: 'Id' | 'Arn') {
  return { 'Fn::GetAtt': [Stack.of(network).getLogicalId(network.cfnServiceNetwork), attribute] };
}

/** A network in a fresh stack, with its synthesized template. */
function synthNetwork(props: Partial<LatticeServiceNetworkProps> = {}, stack = newStack()) {
  const network = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'cross-cluster', ...props });
  return { stack, network, template: Template.fromStack(stack) };
}


describe('LatticeServiceNetwork with defaults', () => {
  let template: Template;
  let network: LatticeServiceNetwork;
  let stack: Stack;

  beforeAll(() => {
    ({ template, network, stack } = synthNetwork());
  });

  test('creates the service network with its name and AWS_IAM auth', () => {
    template.resourceCountIs('AWS::VpcLattice::ServiceNetwork', 1);
    template.hasResource('AWS::VpcLattice::ServiceNetwork', {
      Properties: { Name: 'cross-cluster', AuthType: 'AWS_IAM' },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    expect(network.authType).toBe(LatticeAuthType.AWS_IAM);
    expect(network.serviceNetworkName).toBe('cross-cluster');
    expect(stack.resolve(network.serviceNetworkId)).toEqual(networkAttr(network, 'Id'));
    expect(stack.resolve(network.serviceNetworkArn)).toEqual(networkAttr(network, 'Arn'));
    expect(network.cfnServiceNetwork.name).toBe('cross-cluster');
  });

  test('default auth policy admits signed requests from this account only', () => {
    template.resourceCountIs('AWS::VpcLattice::AuthPolicy', 1);
    template.hasResourceProperties('AWS::VpcLattice::AuthPolicy', {
      ResourceIdentifier: networkAttr(network, 'Id'),
      Policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts',
          Effect: 'Allow',
          Principal: { AWS: rootOf(ACCOUNT) },
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: '*',
          Condition: NOT_ANONYMOUS,
        }],
      },
    });
    expect(network.authPolicy).toBeDefined();
    expect(network.authPolicyDocument?.statementCount).toBe(1);
  });

  test('access logs go to a new log group kept for one month and deleted with the stack', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    template.resourceCountIs('AWS::VpcLattice::AccessLogSubscription', 1);
    template.hasResourceProperties('AWS::VpcLattice::AccessLogSubscription', {
      ResourceIdentifier: networkAttr(network, 'Id'),
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkAccessLogs'), 'Arn'] },
    });
    expect(network.accessLogGroup).toBeDefined();
    expect(network.accessLogSubscription).toBeDefined();
  });

  test('creates nothing else', () => {
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(4);
  });

  test('env-agnostic stack: the principal is the deploying account', () => {
    const agnostic = synthNetwork({}, newStack('Agnostic', true));
    agnostic.template.hasResourceProperties('AWS::VpcLattice::AuthPolicy', {
      Policy: {
        Statement: [Match.objectLike({
          Principal: {
            AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
          },
        })],
      },
    });
  });
});

describe('auth policy variants', () => {
  test('allowedAccountIds are admitted next to this account (duplicates removed)', () => {
    const { template } = synthNetwork({ allowedAccountIds: ['222222222222', ACCOUNT, '333333333333'] });
    template.hasResourceProperties('AWS::VpcLattice::AuthPolicy', {
      Policy: {
        Statement: [{
          Sid: 'AllowAuthenticatedPrincipalsOfAllowedAccounts',
          Effect: 'Allow',
          Principal: { AWS: [rootOf(ACCOUNT), rootOf('222222222222'), rootOf('333333333333')] },
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: '*',
          Condition: NOT_ANONYMOUS,
        }],
      },
    });
  });

  test('allowedOrganizationIds add an aws:PrincipalOrgID statement', () => {
    const { template } = synthNetwork({ allowedOrganizationIds: ['o-abcdefghij', 'o-0123456789klmn'] });
    template.hasResourceProperties('AWS::VpcLattice::AuthPolicy', {
      Policy: {
        Statement: [
          Match.objectLike({ Principal: { AWS: rootOf(ACCOUNT) } }),
          {
            Sid: 'AllowAuthenticatedPrincipalsOfAllowedOrganizations',
            Effect: 'Allow',
            Principal: '*',
            Action: 'vpc-lattice-svcs:Invoke',
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': ['o-abcdefghij', 'o-0123456789klmn'] },
              ...NOT_ANONYMOUS,
            },
          },
        ],
      },
    });
  });

  test('authPolicy replaces the default document', () => {
    const document = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal('arn:aws:iam::444444444444:role/caller')],
        actions: ['vpc-lattice-svcs:Invoke'],
        resources: ['*'],
      })],
    });
    const { template, network } = synthNetwork({ authPolicy: document });
    expect(network.authPolicyDocument).toBe(document);
    template.hasResourceProperties('AWS::VpcLattice::AuthPolicy', {
      Policy: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444444444444:role/caller' },
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: '*',
        }],
      },
    });
  });

  test('authType NONE: no auth policy and a warning', () => {
    const { stack, template, network } = synthNetwork({ authType: LatticeAuthType.NONE });
    template.hasResourceProperties('AWS::VpcLattice::ServiceNetwork', { Name: 'cross-cluster', AuthType: 'NONE' });
    template.resourceCountIs('AWS::VpcLattice::AuthPolicy', 0);
    expect(network.authPolicy).toBeUndefined();
    expect(network.authPolicyDocument).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/NetworkStack/Network',
      Match.stringLikeRegexp('authType NONE: any caller in an associated VPC can invoke'));
  });

  test('an auth policy over 10,000 characters fails synthesis', () => {
    const stack = newStack();
    const callers = Array.from({ length: 200 }, (_, i) => `arn:aws:iam::444444444444:role/caller-with-a-long-name-${i}`);
    new LatticeServiceNetwork(stack, 'Network', {
      serviceNetworkName: 'cross-cluster',
      authPolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          principals: callers.map((arn) => new iam.ArnPrincipal(arn)),
          actions: ['vpc-lattice-svcs:Invoke'],
          resources: ['*'],
        })],
      }),
    });
    expect(() => (stack.node.root as App).synth()).toThrow(/auth policy is \d{5} characters of JSON; Lattice accepts at most 10000/);
  });

  test('the size check counts the literal parts of tokens (lower bound)', () => {
    const stack = newStack('Agnostic', true);
    const callers = Array.from({ length: 300 }, (_, i) => `role/caller-with-a-long-name-${i}`);
    new LatticeServiceNetwork(stack, 'Network', {
      serviceNetworkName: 'cross-cluster',
      authPolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          principals: callers.map((name) => new iam.ArnPrincipal(`arn:aws:iam::${stack.account}:${name}`)),
          actions: ['vpc-lattice-svcs:Invoke'],
          resources: ['*'],
        })],
      }),
    });
    expect(() => (stack.node.root as App).synth()).toThrow(/auth policy is at least \d{4,} characters/);
  });

  test('an auth policy without principals or statements fails synthesis', () => {
    const noPrincipal = newStack();
    new LatticeServiceNetwork(noPrincipal, 'Network', {
      serviceNetworkName: 'cross-cluster',
      authPolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['vpc-lattice-svcs:Invoke'], resources: ['*'] })],
      }),
    });
    expect(() => (noPrincipal.node.root as App).synth()).toThrow(/at least one IAM principal/);

    const empty = newStack();
    new LatticeServiceNetwork(empty, 'Network', { serviceNetworkName: 'cross-cluster', authPolicy: new iam.PolicyDocument() });
    expect(() => (empty.node.root as App).synth()).toThrow(/the auth policy has no statements/);
  });
});

describe('access log destinations', () => {
  test('an existing CloudWatch log group', () => {
    const stack = newStack();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', 'lattice-access');
    const { template, network } = synthNetwork({ accessLogDestination: AccessLogDestination.cloudWatchLogs(logGroup) }, stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(network.accessLogGroup).toBeUndefined();
    template.hasResourceProperties('AWS::VpcLattice::AccessLogSubscription', {
      DestinationArn: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:lattice-access:*`]],
      },
    });
  });

  test('an S3 bucket', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'lattice-access-logs');
    const { template, network } = synthNetwork({ accessLogDestination: AccessLogDestination.s3(bucket) }, stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.hasResourceProperties('AWS::VpcLattice::AccessLogSubscription', {
      ResourceIdentifier: networkAttr(network, 'Id'),
      DestinationArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::lattice-access-logs']] },
    });
  });

  test('a Firehose delivery stream', () => {
    const arn = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/lattice-access`;
    const { template } = synthNetwork({ accessLogDestination: AccessLogDestination.firehose(arn) });
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.hasResourceProperties('AWS::VpcLattice::AccessLogSubscription', { DestinationArn: arn });
    expect(AccessLogDestination.firehose(arn).destinationArn).toBe(arn);
  });

  test('disabled', () => {
    const { template, network } = synthNetwork({ accessLogDestination: AccessLogDestination.disabled() });
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.resourceCountIs('AWS::VpcLattice::AccessLogSubscription', 0);
    expect(network.accessLogSubscription).toBeUndefined();
    expect(AccessLogDestination.disabled().destinationArn).toBeUndefined();
  });

  test('retention and removal policy of the created log group', () => {
    const { template } = synthNetwork({ accessLogRetention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('VPC association from another stack, sharing, cdk-nag and cfn-lint', () => {
  let app: App;
  let networkStack: Stack;
  let clusterStack: Stack;
  let networkTemplate: Template;
  let clusterTemplate: Template;
  let network: LatticeServiceNetwork;

  beforeAll(() => {
    app = new App();
    networkStack = new Stack(app, 'NetworkStack', { env: ENV });
    network = new LatticeServiceNetwork(networkStack, 'Network', { serviceNetworkName: 'cross-cluster' });
    network.shareWith('ClusterAccounts', {
      accountIds: ['222222222222'],
      organizationArns: ['arn:aws:organizations::999999999999:organization/o-abcdefghij'],
      organizationalUnitArns: ['arn:aws:organizations::999999999999:ou/o-abcdefghij/ou-ab12-cdefgh34'],
    });

    clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const vpc = smallVpc(clusterStack);
    const securityGroup = new ec2.SecurityGroup(clusterStack, 'LatticeClients', {
      vpc,
      description: 'Clients allowed to reach the service network',
    });
    network.associateVpc(vpc, { securityGroups: [securityGroup] });

    networkTemplate = Template.fromStack(networkStack);
    clusterTemplate = Template.fromStack(clusterStack);
  });

  test('the association lives in the VPC stack, not in the network stack', () => {
    networkTemplate.resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 0);
    clusterTemplate.resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 1);
    const associations = clusterTemplate.findResources('AWS::VpcLattice::ServiceNetworkVpcAssociation');
    expect(Object.keys(associations)[0]).toMatch(/^VpcLatticeServiceNetworkAssociationNetworkStackNetwork/);
  });

  test('the association references the network ID across stacks, the VPC and the security groups', () => {
    clusterTemplate.hasResourceProperties('AWS::VpcLattice::ServiceNetworkVpcAssociation', {
      ServiceNetworkIdentifier: {
        'Fn::ImportValue': Match.stringLikeRegexp(`^NetworkStack:ExportsOutputFnGetAtt${networkStack.getLogicalId(network.cfnServiceNetwork)}Id`),
      },
      VpcIdentifier: { Ref: Match.stringLikeRegexp('^Vpc') },
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LatticeClients'), 'GroupId'] }],
    });
    expect(clusterStack.dependencies.map((s) => s.stackName)).toContain('NetworkStack');
  });

  test('shareWith creates a RAM share of the network ARN with the principals', () => {
    networkTemplate.hasResourceProperties('AWS::RAM::ResourceShare', {
      Name: 'cross-cluster-ClusterAccounts',
      ResourceArns: [networkAttr(network, 'Arn')],
      Principals: [
        '222222222222',
        'arn:aws:organizations::999999999999:organization/o-abcdefghij',
        'arn:aws:organizations::999999999999:ou/o-abcdefghij/ou-ab12-cdefgh34',
      ],
      AllowExternalPrincipals: false,
    });
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings in either stack', () => {
    expect(awsSolutionsFindings(networkStack)).toEqual([]);
    expect(awsSolutionsFindings(clusterStack)).toEqual([]);
  });

  test('cfn-lint: no errors in either stack', () => {
    expect(cfnLintErrors(networkStack)).toEqual([]);
    expect(cfnLintErrors(clusterStack)).toEqual([]);
  });
});

describe('fromServiceNetworkAttributes', () => {
  test('derives the ARN from the ID, account and region', () => {
    const stack = newStack('ClusterStack');
    const imported = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Imported', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
    });
    expect(imported.serviceNetworkId).toBe(NETWORK_ID);
    expect(imported.serviceNetworkName).toBe('cross-cluster');
    expect(stack.resolve(imported.serviceNetworkArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:vpc-lattice:${REGION}:${ACCOUNT}:servicenetwork/${NETWORK_ID}`]],
    });
  });

  test('env-agnostic stack: the ARN uses the deployment account and region', () => {
    const stack = newStack('ClusterStack', true);
    const imported = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Imported', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
    });
    expect(stack.resolve(imported.serviceNetworkArn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':vpc-lattice:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
        `:servicenetwork/${NETWORK_ID}`,
      ]],
    });
  });

  test('associateVpc uses the ID, or the ARN when one is given (shared networks)', () => {
    const stack = newStack('ClusterStack');
    const sameAccount = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'SameAccount', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
    });
    const arn = `arn:aws:vpc-lattice:${REGION}:999999999999:servicenetwork/${NETWORK_ID}`;
    const shared = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Shared', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
      serviceNetworkArn: arn,
    });
    expect(shared.serviceNetworkArn).toBe(arn);
    expect(shared.env.account).toBe('999999999999');
    sameAccount.associateVpc(smallVpc(stack, 'VpcA'));
    shared.associateVpc(smallVpc(stack, 'VpcB'));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 2);
    template.hasResourceProperties('AWS::VpcLattice::ServiceNetworkVpcAssociation', {
      ServiceNetworkIdentifier: NETWORK_ID,
      VpcIdentifier: { Ref: Match.stringLikeRegexp('^VpcA') },
      SecurityGroupIds: Match.absent(),
    });
    template.hasResourceProperties('AWS::VpcLattice::ServiceNetworkVpcAssociation', {
      ServiceNetworkIdentifier: arn,
      VpcIdentifier: { Ref: Match.stringLikeRegexp('^VpcB') },
    });
  });
});

describe('rejects bad input', () => {
  const badNames: Array<[string, string, RegExp]> = [
    ['too short', 'ab', /"ab" must be 3-63 characters long/],
    ['too long', 'a'.repeat(64), new RegExp(`"${'a'.repeat(64)}" must be 3-63 characters`)],
    ['uppercase', 'Cross-Cluster', /"Cross-Cluster" may only contain lowercase letters/],
    ['underscore', 'cross_cluster', /"cross_cluster" may only contain/],
    ['leading hyphen', '-cross', /"-cross" must start and end with a letter or digit/],
    ['trailing hyphen', 'cross-', /"cross-" must start and end with a letter or digit/],
    ['consecutive hyphens', 'cross--cluster', /"cross--cluster" must not contain consecutive hyphens/],
    ['reserved prefix servicenetwork-', 'servicenetwork-a', /"servicenetwork-a" must not start with the reserved prefix "servicenetwork-"/],
    ['ID prefix sn-', 'sn-cluster', /"sn-cluster" must not start with the reserved prefix "sn-"/],
  ];
  test.each(badNames)('service network name: %s', (_label, name, error) => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', { serviceNetworkName: name })).toThrow(error);
  });

  test('accepts names at the limits', () => {
    const stack = newStack();
    expect(() => new LatticeServiceNetwork(stack, 'Short', { serviceNetworkName: 'a1b' })).not.toThrow();
    expect(() => new LatticeServiceNetwork(stack, 'Long', { serviceNetworkName: `a-${'b'.repeat(61)}` })).not.toThrow();
  });

  test('service network name: token', () => {
    const name = Lazy.string({ produce: () => 'cross-cluster' });
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', { serviceNetworkName: name }))
      .toThrow(/service network name must be a literal string, not a token \(needed at synth/);
  });

  test('bad account ID', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      allowedAccountIds: ['12345678901'],
    })).toThrow(/AWS account ID "12345678901" must be exactly 12 digits/);
  });

  test('bad organization ID', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      allowedOrganizationIds: ['o-ABCDEFGHIJ'],
    })).toThrow(/AWS Organizations ID "o-ABCDEFGHIJ" must be "o-" followed by 10-32/);
  });

  test('authType NONE with an auth policy or allowed principals', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      authType: LatticeAuthType.NONE,
      authPolicy: new iam.PolicyDocument(),
    })).toThrow(/authType "NONE" has no auth policy, so authPolicy cannot be used/);
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      authType: LatticeAuthType.NONE,
      allowedAccountIds: ['222222222222'],
      allowedOrganizationIds: ['o-abcdefghij'],
    })).toThrow(/allowedAccountIds \("222222222222"\) and allowedOrganizationIds \("o-abcdefghij"\) cannot be used/);
  });

  test('authPolicy together with allowedAccountIds', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      authPolicy: new iam.PolicyDocument(),
      allowedAccountIds: ['222222222222'],
    })).toThrow(/cannot be combined with authPolicy/);
  });

  test('retention or removal policy with a destination of ones own', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      accessLogDestination: AccessLogDestination.disabled(),
      accessLogRetention: logs.RetentionDays.ONE_WEEK,
    })).toThrow(/accessLogRetention \(7 days\) only applies to the log group this construct creates.*\(disabled\)/);
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      accessLogDestination: AccessLogDestination.firehose(`arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/x`),
      removalPolicy: RemovalPolicy.RETAIN,
    })).toThrow(/removalPolicy \("retain"\) only applies/);
  });

  test('bad Firehose ARN', () => {
    expect(() => new LatticeServiceNetwork(newStack(), 'Network', {
      serviceNetworkName: 'cross-cluster',
      accessLogDestination: AccessLogDestination.firehose('arn:aws:kinesis:us-east-1:111111111111:stream/x'),
    })).toThrow(/Firehose delivery stream ARN "arn:aws:kinesis:us-east-1:111111111111:stream\/x"/);
  });

  describe('shareWith', () => {
    let network: LatticeServiceNetwork;
    beforeAll(() => {
      network = new LatticeServiceNetwork(newStack(), 'Network', { serviceNetworkName: 'cross-cluster' });
    });

    test('without principals', () => {
      expect(() => network.shareWith('Nobody', {})).toThrow(/shareWith\("Nobody"\) needs at least one principal/);
      expect(() => network.shareWith('Empty', { accountIds: [], allowExternalPrincipals: true })).toThrow(/shareWith\("Empty"\)/);
    });

    test('bad account ID, organization ARN and OU ARN', () => {
      expect(() => network.shareWith('A', { accountIds: ['2222'] })).toThrow(/AWS account ID "2222"/);
      expect(() => network.shareWith('B', { organizationArns: ['o-abcdefghij'] }))
        .toThrow(/organization ARN "o-abcdefghij" must look like/);
      expect(() => network.shareWith('C', { organizationalUnitArns: ['arn:aws:organizations::999999999999:ou/o-abcdefghij'] }))
        .toThrow(/organizational unit ARN "arn:aws:organizations::999999999999:ou\/o-abcdefghij" must look like/);
    });
  });

  test('the same VPC associated twice', () => {
    const stack = newStack();
    const vpc = smallVpc(stack);
    const first = new LatticeServiceNetwork(stack, 'First', { serviceNetworkName: 'first-network' });
    const second = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'Second', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'second-network',
    });
    first.associateVpc(vpc);
    expect(() => first.associateVpc(vpc)).toThrow(/VPC "NetworkStack\/Vpc" is already associated with a service network/);
    expect(() => second.associateVpc(vpc)).toThrow(/VPC "NetworkStack\/Vpc" is already associated/);
  });

  test('more than 5 security groups on an association', () => {
    const stack = newStack();
    const vpc = smallVpc(stack);
    const network = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'cross-cluster' });
    const securityGroups = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc }));
    expect(() => network.associateVpc(vpc, { securityGroups })).toThrow(/at most 5 security groups, got 6 \("NetworkStack\/Sg0"/);
  });

  test('imported network: bad ID, bad or mismatched ARN, bad name', () => {
    const stack = newStack();
    expect(() => LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'A', {
      serviceNetworkId: 'cross-cluster',
      serviceNetworkName: 'cross-cluster',
    })).toThrow(/service network ID "cross-cluster" must be "sn-" followed by 17/);
    expect(() => LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'B', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
      serviceNetworkArn: `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:servicenetwork/sn-11111111111111111`,
    })).toThrow(/"arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork\/sn-11111111111111111" does not match the service network ID "sn-0123456789abcdef0"/);
    expect(() => LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'C', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
      serviceNetworkArn: `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:service/svc-11111111111111111`,
    })).toThrow(/service network ARN "arn:aws:vpc-lattice:us-east-1:111111111111:service\/svc-11111111111111111" must look like/);
    expect(() => LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'E', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'cross-cluster',
      serviceNetworkArn: 'not-an-arn',
    })).toThrow(/service network ARN "not-an-arn" must look like/);
    expect(() => LatticeServiceNetwork.fromServiceNetworkAttributes(stack, 'D', {
      serviceNetworkId: NETWORK_ID,
      serviceNetworkName: 'Cross_Cluster',
    })).toThrow(/"Cross_Cluster" may only contain lowercase letters/);
  });
});

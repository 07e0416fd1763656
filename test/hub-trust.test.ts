/**
 * Hub-and-spoke trust, evaluated with the IAM simulator on the synthesized
 * templates of the multi-account example: the hub's roles for a spoke account
 * may be assumed only by the spoke roles that need them (the zone-association
 * function, ExternalDNS), under the IAM paths the spoke's templates give them;
 * the hub's VPC role authorizes only the VPCs the hub declares for the spoke.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { materialize } from './util/lattice-eval';
import { addMultiAccountExample, PLACEHOLDERS } from '../examples/multi-account/app';
import { PrivateCaDomain } from '../src';

const HUB = PLACEHOLDERS.hubAccount;
const B = PLACEHOLDERS.workloadAccountB;
const C = PLACEHOLDERS.workloadAccountC;
const REGION = PLACEHOLDERS.region;
const envOf = (account: string) => ({ account, region: REGION, partition: 'aws' });

const app = new App();
const example = addMultiAccountExample(app);
const hub = Template.fromStack(example.hub).toJSON();
const spokeB = Template.fromStack(example.workloads[0]).toJSON();

/** Resource references as stand-in values (`Ref` of a zone as `zoneId`), then pseudo parameters resolved. */
function deployed(value: any, account: string, zoneId = 'Z0HUBZONE'): any {
  const refs = (v: any): any => {
    if (Array.isArray(v)) return v.map(refs);
    if (!v || typeof v !== 'object') return v;
    if (v.Ref === 'AWS::StackId') return `arn:aws:cloudformation:${REGION}:${account}:stack/stack/guid`;
    if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) return /HostedZone/.test(v.Ref) ? zoneId : `ref-${v.Ref}`;
    if (v['Fn::GetAtt']) return `att-${v['Fn::GetAtt'].join('.')}`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, refs(x)]));
  };
  return materialize(refs(value), envOf(account));
}

/** A role of a template, deployed: its ARN (path and a generated name), trust and identity policies. */
interface DeployedRole { readonly arn: string; readonly trust: any; readonly policies: any[] }

function deployedRole(json: any, account: string, match: (id: string, role: any) => boolean): DeployedRole {
  const [id, role] = Object.entries<any>(json.Resources).find(([i, r]) => r.Type === 'AWS::IAM::Role' && match(i, r))!;
  const name = role.Properties.RoleName ?? `${id}-AbC123dEf456`;
  const policies = Object.values<any>(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === id))
    .map((r) => deployed(r.Properties.PolicyDocument, account));
  return {
    arn: `arn:aws:iam::${account}:role${role.Properties.Path ?? '/'}${name}`,
    trust: deployed(role.Properties.AssumeRolePolicyDocument, account),
    policies,
  };
}

const hubRole = (name: string) => deployedRole(hub, HUB, (_id, r) => r.Properties.RoleName === name);
const ADMIN_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Whether `caller` (a role of `account`, with `policies`) may do `action` on the hub role `target`. */
async function mayAssume(caller: { arn: string; policies: any[] }, target: DeployedRole, action = 'sts:AssumeRole'): Promise<string> {
  const [, account, rolePath] = /^arn:aws:iam::(\d{12}):role(\/.*)$/.exec(caller.arn)!;
  const name = rolePath.split('/').pop();
  const result = await runSimulation({
    request: {
      principal: `arn:aws:sts::${account}:assumed-role/${name}/session`,
      action,
      resource: { resource: target.arn, accountId: HUB },
      contextVariables: { 'aws:PrincipalArn': caller.arn, 'aws:PrincipalAccount': account },
    },
    identityPolicies: caller.policies.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: target.trust,
  }, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('the hub roles of spoke B are assumable only by the spoke roles that need them', () => {
  const vpcRole = hubRole(`lattice-zone-vpc-${B}-example-com`);
  const dnsRole = hubRole(`lattice-zone-${B}-example-com`);
  // The spoke's own roles, as its template creates them.
  const associationFn = deployedRole(spokeB, B, (id) => id.startsWith('HubZoneAssociationexamplecomRole'));
  const externalDns = deployedRole(spokeB, B, (id) => id.startsWith('LatticeExternalDnsRole'));
  const guard = deployedRole(spokeB, B, (id) => /DeletionGuardHandlerRole/.test(id));
  const admin = { arn: `arn:aws:iam::${B}:role/ci-deployer`, policies: [ADMIN_POLICY] };

  test('the spoke roles sit under the paths the hub trusts', () => {
    expect(associationFn.arn).toMatch(new RegExp(`^arn:aws:iam::${B}:role/lattice-zone/example.com/vpc/`));
    expect(externalDns.arn).toMatch(new RegExp(`^arn:aws:iam::${B}:role/lattice-zone/example.com/dns/`));
  });

  test('VPC role: the association function only', async () => {
    expect({
      associationFunction: await mayAssume(associationFn, vpcRole),
      externalDns: await mayAssume(externalDns, vpcRole),
      adminOfB: await mayAssume(admin, vpcRole),
      associationRoleOfC: await mayAssume({ arn: `arn:aws:iam::${C}:role/lattice-zone/example.com/vpc/fn`, policies: [ADMIN_POLICY] }, vpcRole),
    }).toEqual({ associationFunction: 'Allowed', externalDns: 'ImplicitlyDenied', adminOfB: 'ImplicitlyDenied', associationRoleOfC: 'ImplicitlyDenied' });
  });

  test('DNS role: ExternalDNS (with its session tags) and the deletion guard only', async () => {
    expect({
      externalDns: await mayAssume(externalDns, dnsRole),
      externalDnsTags: await mayAssume(externalDns, dnsRole, 'sts:TagSession'),
      deletionGuard: await mayAssume(guard, dnsRole),
      associationFunction: await mayAssume(associationFn, dnsRole),
      adminOfB: await mayAssume(admin, dnsRole),
      adminOfBTags: await mayAssume(admin, dnsRole, 'sts:TagSession'),
    }).toEqual({
      externalDns: 'Allowed', externalDnsTags: 'Allowed', deletionGuard: 'Allowed', associationFunction: 'ImplicitlyDenied', adminOfB: 'ImplicitlyDenied', adminOfBTags: 'ImplicitlyDenied',
    });
  });

  test('the DNS role cannot authorize VPCs; the VPC role cannot read or write records', () => {
    const actions = (r: DeployedRole) => r.policies.flatMap((p) => p.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(actions(dnsRole)).not.toContain('route53:CreateVPCAssociationAuthorization');
    expect(actions(vpcRole)).toEqual(['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization']);
  });
});

describe('addSpokeAccount vpcIds: the hub authorizes the declared VPCs only', () => {
  const hubApp = new App();
  const stack = new Stack(hubApp, 'Hub', { env: { account: HUB, region: REGION } });
  const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
  domain.addSpokeAccount(B, { vpcIds: ['vpc-0bbbbbbbbbbbbbbbb'] });
  const json = Template.fromStack(stack).toJSON();
  const zoneArn = 'arn:aws:route53:::hostedzone/Z0HUBZONE';
  const [roleId] = Object.entries<any>(json.Resources).find(([, r]) => r.Properties?.RoleName === `lattice-zone-vpc-${B}-example-com`)!;
  const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === roleId)!;
  const doc = deployed(policy.Properties.PolicyDocument, HUB);

  async function authorize(vpcId: string, action = 'route53:CreateVPCAssociationAuthorization'): Promise<string> {
    const result = await runSimulation({
      request: {
        principal: `arn:aws:sts::${HUB}:assumed-role/lattice-zone-vpc-${B}-example-com/session`,
        action,
        resource: { resource: zoneArn, accountId: HUB },
        contextVariables: { 'route53:VPCs': `VPCId=${vpcId},VPCRegion=${REGION}` },
      },
      identityPolicies: [{ name: 'p', policy: doc }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  test('the declared VPC is allowed, a VPC of another account is not', async () => {
    expect({
      declared: await authorize('vpc-0bbbbbbbbbbbbbbbb'),
      declaredRemoval: await authorize('vpc-0bbbbbbbbbbbbbbbb', 'route53:DeleteVPCAssociationAuthorization'),
      otherAccountsVpc: await authorize('vpc-0cccccccccccccccc'),
    }).toEqual({ declared: 'Allowed', declaredRemoval: 'Allowed', otherAccountsVpc: 'ImplicitlyDenied' });
  });

  test('a bad VPC id is a synth error naming it', () => {
    expect(() => domain.addSpokeAccount(C, { vpcIds: ['vpc-XYZ'] }))
      .toThrow(/PrivateCaDomain \(Hub\/Domain\): addSpokeAccount\("333333333333"\): vpcIds entry "vpc-XYZ" must be a literal VPC ID/);
  });
});

/**
 * Per-spoke host names (opt-in): the hub lets a spoke write records under its
 * own subdomain only (evaluated with the IAM simulator), and the spoke's
 * certificate and default host names cover that subdomain only.
 */
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import { LatticeEksCluster, LatticeServiceNetwork, PrivateCaDomain } from '../src';
import { materialize } from './util/lattice-eval';

const HUB = '111111111111';
const B = '222222222222';
const REGION = 'us-east-1';
const ZONE_ARN = 'arn:aws:route53:::hostedzone/Z0HUBZONE';
const CA_ARN = `arn:aws:acm-pca:${REGION}:${HUB}:certificate-authority/11111111-2222-3333-4444-555555555555`;

describe('hub: addSpokeAccount subdomain', () => {
  const app = new App();
  const stack = new Stack(app, 'Hub', { env: { account: HUB, region: REGION } });
  const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
  domain.addSpokeAccount(B, { subdomain: 'team-b' });
  const json = Template.fromStack(stack).toJSON();
  const [roleId] = Object.entries<any>(json.Resources).find(([, r]) => r.Properties?.RoleName === `lattice-zone-${B}-example-com`)!;
  const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === roleId)!;
  const doc = materialize(JSON.parse(JSON.stringify(policy.Properties.PolicyDocument).replace(/\{"Ref":"DomainHostedZone[^"]*"\}/g, '"Z0HUBZONE"')),
    { account: HUB, region: REGION, partition: 'aws' });

  async function change(names: string[], types = ['CNAME', 'TXT']): Promise<string> {
    const result = await runSimulation({
      request: {
        principal: `arn:aws:sts::${HUB}:assumed-role/lattice-zone-${B}-example-com/external-dns`,
        action: 'route53:ChangeResourceRecordSets',
        resource: { resource: ZONE_ARN, accountId: HUB },
        contextVariables: {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
          'route53:ChangeResourceRecordSetsRecordTypes': types,
          'route53:ChangeResourceRecordSetsActions': ['CREATE'],
        },
      },
      identityPolicies: [{ name: 'p', policy: doc }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  test('records under its subdomain only, CNAME and TXT only', async () => {
    expect({
      own: await change(['demo.team-b.example.com', 'cname-demo.team-b.example.com']),
      anotherSpokes: await change(['demo.team-c.example.com', 'cname-demo.team-c.example.com']),
      apex: await change(['example.com']),
      mixed: await change(['demo.team-b.example.com', 'demo.team-c.example.com']),
      aRecord: await change(['demo.team-b.example.com'], ['A']),
    }).toEqual({ own: 'Allowed', anotherSpokes: 'ImplicitlyDenied', apex: 'ImplicitlyDenied', mixed: 'ImplicitlyDenied', aRecord: 'ImplicitlyDenied' });
  });

  test('bad subdomains and host names outside it are synth errors', () => {
    expect(() => domain.addSpokeAccount('333333333333', { subdomain: 'a.b' }))
      .toThrow(/PrivateCaDomain \(Hub\/Domain\): addSpokeAccount\("333333333333"\): subdomain "a.b" must be one literal lowercase DNS label/);
    expect(() => domain.addSpokeAccount('444444444444', { subdomain: 'team-d', hostnames: ['demo.example.com'] }))
      .toThrow(/hostname "demo.example.com" is outside the spoke's subdomain team-d.example.com; use a name like app.team-d.example.com/);
  });
});

describe('spoke: PrivateCaDomain subdomain', () => {
  test('the certificate covers the subdomain and its wildcard only', () => {
    const app = new App();
    const stack = new Stack(app, 'Spoke', { env: { account: B, region: REGION } });
    const domain = new PrivateCaDomain(stack, 'Domain', {
      domainName: 'example.com',
      subdomain: 'team-b',
      certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN),
      hubHostedZone: { hostedZoneId: 'Z0HUBZONE', accountId: HUB },
    });
    expect(domain.certificateDomainName).toBe('team-b.example.com');
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'team-b.example.com',
      SubjectAlternativeNames: ['*.team-b.example.com'],
    });
  });

  test('services get host names under the subdomain; names outside it are rejected', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const domain = new PrivateCaDomain(shared, 'Sub', { domainName: 'example.com', subdomain: 'team-b' });
    const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
    const stack = new Stack(app, 'Cluster1');
    const cluster = new LatticeEksCluster(stack, 'Lattice', {
      clusterName: 'eks-cluster1', kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'), serviceNetwork, domain,
    });
    const f = { cluster };
    const route = f.cluster.exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80, createNamespace: true });
    expect(route.hostname).toBe('demo.team-b.example.com');
    expect(() => f.cluster.exposeService('Other', { serviceName: 'other', namespace: 'apps', port: 80, hostname: 'other.example.com' }))
      .toThrow(/hostname 'other.example.com' is not covered by the domain's certificate|outside the cluster's domain 'team-b.example.com'/);
  });

  test('a subdomain that is not one label, or too long for the certificate, is a synth error', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new PrivateCaDomain(stack, 'A', { domainName: 'example.com', subdomain: 'Team_B' }))
      .toThrow(/PrivateCaDomain \(S\/A\): subdomain "Team_B" must be one literal lowercase DNS label/);
    expect(() => new PrivateCaDomain(stack, 'B', { domainName: 'example.com', subdomain: 'x'.repeat(60) }))
      .toThrow(/makes the certificate name "x+\.example\.com" 72 characters long; ACM allows at most 64/);
  });
});

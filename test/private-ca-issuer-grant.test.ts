/**
 * PrivateCaDomain.grantIssueCertificate: what the grantee may do with the domain's private CA,
 * evaluated on the synthesized policy with an IAM policy simulator this project did not write
 * (`@cloud-copilot/iam-simulate`).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';

const ACCOUNT = '111111111111';
const CA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`;
const OTHER_CA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/99999999-2222-3333-4444-555555555555`;
const template = (name: string) => `arn:aws:acm-pca:::template/${name}`;

const app = new App();
const stack = new Stack(app, 'Shared', { env: { account: ACCOUNT, region: 'us-east-1' } });
const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
const issuer = new iam.Role(stack, 'Issuer', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
const grant = domain.grantIssueCertificate(issuer);
const json = Template.fromStack(stack).toJSON();
const caLogicalId = stack.getLogicalId(domain.cfnCertificateAuthority!);

/** The issuer role's policy, deployed: the created CA's ARN in place of its GetAtt. */
function deployed(value: any): any {
  if (Array.isArray(value)) return value.map(deployed);
  if (value === null || typeof value !== 'object') return value;
  if (value['Fn::GetAtt']?.[0] === caLogicalId) return CA;
  if (value.Ref === 'AWS::Partition') return 'aws';
  if ('Fn::Join' in value) return value['Fn::Join'][1].map(deployed).join(value['Fn::Join'][0]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deployed(v)]));
}
const policies = Object.entries<any>(json.Resources)
  .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('Issuer'))
  .map(([, r]) => deployed(r.Properties.PolicyDocument));

async function decide(action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/issuer/eks-pod-identity`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { 'aws:RequestedRegion': 'us-east-1', ...context },
    },
    identityPolicies: policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

test('the grant is an identity policy on the grantee, naming the CA and no wildcard', () => {
  expect(grant.success).toBe(true);
  expect(policies).toHaveLength(1);
  expect(JSON.stringify(policies)).not.toContain('*');
});

test.each<[string, string, string, Record<string, string>, string]>([
  ['issues an end-entity certificate from the domain\'s CA', 'acm-pca:IssueCertificate', CA, { 'acm-pca:TemplateArn': template('EndEntityCertificate/V1') }, 'Allowed'],
  ['reads a certificate of the CA', 'acm-pca:GetCertificate', CA, {}, 'Allowed'],
  ['cannot issue a subordinate CA certificate', 'acm-pca:IssueCertificate', CA, { 'acm-pca:TemplateArn': template('SubordinateCACertificate_PathLen0/V1') }, 'ImplicitlyDenied'],
  ['cannot issue without naming the template', 'acm-pca:IssueCertificate', CA, {}, 'ImplicitlyDenied'],
  ['cannot issue from another CA', 'acm-pca:IssueCertificate', OTHER_CA, { 'acm-pca:TemplateArn': template('EndEntityCertificate/V1') }, 'ImplicitlyDenied'],
  ['cannot read another CA\'s certificates', 'acm-pca:GetCertificate', OTHER_CA, {}, 'ImplicitlyDenied'],
  ['cannot revoke certificates', 'acm-pca:RevokeCertificate', CA, {}, 'ImplicitlyDenied'],
  ['cannot change the CA', 'acm-pca:UpdateCertificateAuthority', CA, {}, 'ImplicitlyDenied'],
])('%s', async (_name, action, resource, context, expected) => {
  expect(await decide(action, resource, context)).toBe(expected);
});

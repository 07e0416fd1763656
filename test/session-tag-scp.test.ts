/**
 * The SCP the README gives to reserve the Pod Identity session tags, read from
 * the README and evaluated with the IAM simulator: setting any of the tags,
 * in any case, is denied; other tags are not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const SCP = JSON.parse(/```json\n(\{\n {2}"Version": "2012-10-17",\n {2}"Statement": \[\{\n {4}"Sid": "ReservePodIdentitySessionTags"[\s\S]*?)```/.exec(README)![1]);
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

async function decide(action: string, tagKeys: string[]): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: 'arn:aws:iam::222222222222:role/ci',
      action,
      resource: { resource: 'arn:aws:iam::222222222222:role/target', accountId: '222222222222' },
      contextVariables: { 'aws:TagKeys': tagKeys, ...Object.fromEntries(tagKeys.map((k) => [`aws:RequestTag/${k}`, 'x'])) },
    },
    identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
    serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [{ name: 'full', policy: ALLOW_ALL }, { name: 'reserve', policy: SCP }] }],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

test('the README block is the reserving SCP', () => {
  expect(SCP.Statement[0].Effect).toBe('Deny');
  expect(Object.keys(SCP.Statement[0].Condition)).toEqual(['ForAnyValue:StringEqualsIgnoreCase']);
});

test.each<[string, string, string[], string]>([
  ['tagging a session with the cluster ARN key', 'sts:TagSession', ['eks-cluster-arn'], 'ExplicitlyDenied'],
  ['the same key in another case', 'sts:TagSession', ['EKS-Cluster-Arn'], 'ExplicitlyDenied'],
  ['an upper-case namespace key among others', 'sts:TagSession', ['team', 'KUBERNETES-NAMESPACE'], 'ExplicitlyDenied'],
  ['tagging a role with a reserved key', 'iam:TagRole', ['Kubernetes-Service-Account'], 'ExplicitlyDenied'],
  ['a chained session in the target account', 'sts:TagSession', ['eks-cluster-name'], 'ExplicitlyDenied'],
  ['other tags', 'sts:TagSession', ['team', 'cost-center'], 'Allowed'],
])('%s', async (_name, action, keys, expected) => {
  expect(await decide(action, keys)).toBe(expected);
});

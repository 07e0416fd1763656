/**
 * Pod Identity role trust, evaluated with the IAM simulator on the synthesized
 * trust policies: EKS Pod Identity gets the controller's and a client's role
 * only for their own service account of their own cluster and account (the
 * session tags it sets), whatever association someone creates.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import { clusterFixture } from './util/fixtures';
import { deployed, DeployedValues } from './util/identity-eval';

const ACCOUNT = '111111111111';
const f = clusterFixture();
const client = f.cluster.addPodIdentity('Reports', { namespace: 'shop', serviceAccountName: 'reports', createServiceAccount: true, createNamespace: true });
const json = Template.fromStack(f.stack).toJSON();
const values: DeployedValues = {
  account: ACCOUNT,
  region: 'us-east-1',
  vpcLogicalId: f.stack.getLogicalId(f.cluster.vpc.node.defaultChild as any),
  vpcId: 'vpc-1',
  networkArn: 'arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-1',
  hostedZoneId: 'Z1',
};
const trustOf = (role: { node: any }) => deployed(
  json.Resources[f.stack.getLogicalId(role.node.defaultChild)].Properties.AssumeRolePolicyDocument, values);

async function decide(trust: any, action: string, tags: Record<string, string>, sourceAccount = ACCOUNT): Promise<string> {
  const result = await runSimulation({
    request: {
      principal: 'pods.eks.amazonaws.com',
      action,
      resource: { resource: `arn:aws:iam::${ACCOUNT}:role/pod-role`, accountId: ACCOUNT },
      contextVariables: {
        'aws:SourceAccount': sourceAccount,
        ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
        'aws:TagKeys': Object.keys(tags),
      },
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trust,
  }, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const tags = (cluster: string, namespace: string, serviceAccount: string) => ({
  'eks-cluster-name': cluster, 'kubernetes-namespace': namespace, 'kubernetes-service-account': serviceAccount,
});

const ROLES: Array<[string, () => any, Record<string, string>]> = [
  ['the Gateway API Controller', () => trustOf(f.cluster.gatewayControllerRole), tags('eks-cluster1', 'aws-application-networking-system', 'gateway-api-controller')],
  ['ExternalDNS', () => trustOf(f.cluster.externalDnsRole!), tags('eks-cluster1', 'external-dns', 'external-dns')],
  ['a client identity', () => trustOf(client.role), tags('eks-cluster1', 'shop', 'reports')],
];

test.each(ROLES)('the role of %s: EKS Pod Identity may assume and tag it for its own service account only', async (_name, trust, own) => {
  const outcomes: Record<string, string> = {};
  for (const action of ['sts:AssumeRole', 'sts:TagSession']) outcomes[`own ${action}`] = await decide(trust(), action, own);
  outcomes['another service account'] = await decide(trust(), 'sts:AssumeRole', { ...own, 'kubernetes-service-account': 'other' });
  outcomes['another namespace'] = await decide(trust(), 'sts:AssumeRole', { ...own, 'kubernetes-namespace': 'other' });
  outcomes['another cluster'] = await decide(trust(), 'sts:AssumeRole', { ...own, 'eks-cluster-name': 'eks-cluster2' });
  outcomes['another account'] = await decide(trust(), 'sts:AssumeRole', own, '222222222222');
  expect(outcomes).toEqual({
    'own sts:AssumeRole': 'Allowed',
    'own sts:TagSession': 'Allowed',
    'another service account': 'ImplicitlyDenied',
    'another namespace': 'ImplicitlyDenied',
    'another cluster': 'ImplicitlyDenied',
    'another account': 'ImplicitlyDenied',
  });
});

/**
 * What a service network auth policy does to the connections of a TLS passthrough listener,
 * evaluated with an IAM policy simulator this project did not write (`@cloud-copilot/iam-simulate`).
 *
 * On a TLS listener Lattice sees anonymous principals only and no HTTP request (VPC Lattice
 * user guide, "TLS listeners"): the request context has the connection's facts (source VPC,
 * its owner, port, service and network ARNs), `aws:PrincipalType` Anonymous, and no
 * `vpc-lattice-svcs:Request*` key. The controller attaches no IAMAuthPolicy to a TLSRoute, so
 * the network's policy is the only one. Which action Lattice evaluates for a TLS connection
 * (`vpc-lattice-svcs:Connect` or `Invoke`) is not stated there: both are evaluated here.
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cfnAuthPoliciesInTemplate, OWNER_ACCOUNT, REGION } from './util/lattice-eval';
import { LatticeServiceNetwork } from '../src/network/service-network';

const SERVICE = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:service/svc-0123456789abcdef0`;
const NETWORK = `arn:aws:vpc-lattice:${REGION}:${OWNER_ACCOUNT}:servicenetwork/sn-0123456789abcdef0`;
const CLIENT_VPC = 'vpc-0aaaaaaaaaaaaaaaa';

/** The request context of an anonymous TLS connection from `vpc`. */
function tlsConnection(vpc: string): Record<string, string> {
  return {
    'aws:PrincipalType': 'Anonymous',
    'vpc-lattice-svcs:SourceVpc': vpc,
    'vpc-lattice-svcs:SourceVpcOwnerAccount': OWNER_ACCOUNT,
    'vpc-lattice-svcs:Port': '443',
    'vpc-lattice-svcs:ServiceArn': SERVICE,
    'vpc-lattice-svcs:ServiceNetworkArn': NETWORK,
  };
}

/** The simulator needs a path segment after the service id to match the resource type; the policies here name Resource '*'. */
async function decide(policy: any, action: string, vpc = CLIENT_VPC): Promise<string> {
  const result = await runSimulation({
    request: { principal: anonymousPrincipal, action, resource: { resource: `${SERVICE}/tls`, accountId: OWNER_ACCOUNT }, contextVariables: tlsConnection(vpc) },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy,
  }, {});
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

const statement = (actions: string[], condition: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: actions, Resource: '*', Condition: condition }],
});
const BY_SOURCE_VPC = { StringEquals: { 'vpc-lattice-svcs:SourceVpc': CLIENT_VPC } };

const app = new App();
const network = new LatticeServiceNetwork(new Stack(app, 'Shared'), 'Network', { serviceNetworkName: 'lattice-gateway' });
const defaultPolicy = Object.values(cfnAuthPoliciesInTemplate(Template.fromStack(network.stack).toJSON()))[0].policy;

test('a network auth policy admitting passthrough connections by source VPC, with both actions, passes the library\'s checks', () => {
  const document = iam.PolicyDocument.fromJson(statement(['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'], BY_SOURCE_VPC));
  const custom = new LatticeServiceNetwork(new Stack(new App(), 'Custom'), 'Network', { serviceNetworkName: 'passthrough-net', authPolicy: document });
  const policy = Object.values(cfnAuthPoliciesInTemplate(Template.fromStack(custom.stack).toJSON()))[0].policy;
  expect(policy.Statement[0].Action).toEqual(['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect']);
});

describe('an anonymous TLS passthrough connection', () => {
  test.each(['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'])('the library\'s default network policy (signed callers only) refuses it (%s)', async (action) => {
    expect(await decide(defaultPolicy, action)).not.toBe('Allowed');
  });

  test.each<[string, string[], Record<string, unknown>, string, string, string]>([
    ['a source-VPC policy naming both actions admits it as Invoke', ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'], BY_SOURCE_VPC, 'vpc-lattice-svcs:Invoke', CLIENT_VPC, 'Allowed'],
    ['... and as Connect', ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'], BY_SOURCE_VPC, 'vpc-lattice-svcs:Connect', CLIENT_VPC, 'Allowed'],
    ['... but not from another VPC', ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'], BY_SOURCE_VPC, 'vpc-lattice-svcs:Connect', 'vpc-0bbbbbbbbbbbbbbbb', 'ImplicitlyDenied'],
    ['a policy naming Invoke only refuses it if Lattice evaluates Connect', ['vpc-lattice-svcs:Invoke'], BY_SOURCE_VPC, 'vpc-lattice-svcs:Connect', CLIENT_VPC, 'ImplicitlyDenied'],
    ['a request-level condition never matches (no request on a TLS listener)', ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'],
      { ...BY_SOURCE_VPC, StringEqualsIgnoreCase: { 'vpc-lattice-svcs:RequestMethod': 'GET' } }, 'vpc-lattice-svcs:Invoke', CLIENT_VPC, 'ImplicitlyDenied'],
    ['a principal-tag condition never matches (anonymous)', ['vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Connect'],
      { ...BY_SOURCE_VPC, StringEquals: { 'vpc-lattice-svcs:SourceVpc': CLIENT_VPC, 'aws:PrincipalTag/kubernetes-namespace': 'apps' } }, 'vpc-lattice-svcs:Connect', CLIENT_VPC, 'ImplicitlyDenied'],
  ])('%s', async (_name, actions, condition, action, vpc, expected) => {
    expect(await decide(statement(actions, condition), action, vpc)).toBe(expected);
  });
});

import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { clusterFixture } from './util/fixtures';
import { evaluateLatticeRequest, iamAuthPoliciesInTemplate, podIdentitySession } from './util/lattice-eval';
import { CrossClusterAuthPolicy } from '../src/auth/cross-cluster-auth-policy';
import { LatticeAuthPolicyDocument, LatticeCaller } from '../src/auth/lattice-auth-policy';

describe('routes deny by default', () => {
  test('a route without callers gets a deny-all IAMAuthPolicy and a warning', async () => {
    const { stack, cluster } = clusterFixture();
    cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
    const template = Template.fromStack(stack);
    const policies = iamAuthPoliciesInTemplate(template.toJSON());
    expect(policies).toHaveLength(1);
    expect(policies[0].object.spec.targetRef).toMatchObject({ kind: 'HTTPRoute', name: 'demo-cluster1' });
    expect(policies[0].policy.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Principal: '*' })]);
    Annotations.fromStack(stack).hasWarning('/Cluster1/Lattice/Demo', Match.stringLikeRegexp("route 'apps/demo-cluster1' has no callers, so it denies every request"));
    // Even a caller of the account that the network admits is refused.
    const caller = podIdentitySession({ clusterName: 'eks-cluster2', namespace: 'apps' });
    const decision = await evaluateLatticeRequest(caller, {
      serviceNetworkPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] },
      servicePolicy: policies[0].policy,
    });
    expect(decision).toEqual({ allowed: false, deniedBy: ['service'] });
  });

  test('allow() replaces the default: one policy, no warning', () => {
    const { stack, cluster } = clusterFixture();
    const route = cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
    route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));
    const policies = iamAuthPoliciesInTemplate(Template.fromStack(stack).toJSON());
    expect(policies).toHaveLength(1);
    expect(policies[0].policy.Statement[0].Effect).toBe('Allow');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('has no callers'));
  });

  test('a CrossClusterAuthPolicy on the route, created anywhere in the stack, replaces the default', () => {
    const { stack, cluster } = clusterFixture();
    const route = cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
    new CrossClusterAuthPolicy(stack, 'Open', { route, policy: LatticeAuthPolicyDocument.allow(LatticeCaller.account('111111111111')) });
    const policies = iamAuthPoliciesInTemplate(Template.fromStack(stack).toJSON());
    expect(policies).toHaveLength(1);
    expect(policies[0].logicalId).toMatch(/^Open/);
  });
});

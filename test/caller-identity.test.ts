import { App, Stack } from 'aws-cdk-lib';
import { evaluateLatticeRequest, materialize, OWNER_ACCOUNT, podIdentitySession, REGION } from './util/lattice-eval';
import { LatticeAuthPolicyDocument, LatticeCaller } from '../src/auth/lattice-auth-policy';

/** The service policy admitting `caller`, rendered in a stack of the owner account and region. */
function servicePolicy(caller: LatticeCaller): any {
  const stack = new Stack(new App(), 'Policy', { env: { account: OWNER_ACCOUNT, region: REGION } });
  return materialize(stack.resolve(LatticeAuthPolicyDocument.allow(caller).toPolicyDocument(stack)));
}

const ACCOUNT_NETWORK = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER_ACCOUNT}:root` }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
};

describe('eksWorkload pins the cluster by ARN, not only by name', () => {
  const policy = servicePolicy(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'] }));

  test.each<[string, Parameters<typeof podIdentitySession>[0], boolean]>([
    ['the cluster in the stack\'s region', { clusterName: 'eks-cluster2', namespace: 'apps' }, true],
    ['a same-named cluster in another region of the account', { clusterName: 'eks-cluster2', namespace: 'apps', region: 'eu-west-1' }, false],
  ])('%s', async (_name, session, allowed) => {
    const decision = await evaluateLatticeRequest(podIdentitySession(session), { serviceNetworkPolicy: ACCOUNT_NETWORK, servicePolicy: policy });
    expect(decision.allowed).toBe(allowed);
  });

  test('a role whose tags were set by hand (name and namespace, no cluster ARN) does not match', async () => {
    const session = podIdentitySession({ clusterName: 'eks-cluster2', namespace: 'apps' });
    const { ['eks-cluster-arn']: _arn, ...forged } = session.sessionTags;
    const target = { serviceNetworkPolicy: ACCOUNT_NETWORK, servicePolicy: policy };
    const decision = await evaluateLatticeRequest({ ...session, sessionTags: forged }, target);
    expect(decision).toEqual({ allowed: false, deniedBy: ['service'] });
  });

  test('region option: a cluster of another region is named explicitly', async () => {
    const euPolicy = servicePolicy(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], region: 'eu-west-1' }));
    expect(JSON.stringify(euPolicy)).toContain('arn:aws:eks:eu-west-1:111111111111:cluster/eks-cluster2');
    const eu = await evaluateLatticeRequest(podIdentitySession({ clusterName: 'eks-cluster2', namespace: 'apps', region: 'eu-west-1' }),
      { serviceNetworkPolicy: ACCOUNT_NETWORK, servicePolicy: euPolicy });
    const us = await evaluateLatticeRequest(podIdentitySession({ clusterName: 'eks-cluster2', namespace: 'apps' }),
      { serviceNetworkPolicy: ACCOUNT_NETWORK, servicePolicy: euPolicy });
    expect([eu.allowed, us.allowed]).toEqual([true, false]);
  });

  test('a bad region is a synth-time error', () => {
    expect(() => servicePolicy(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['apps'], region: 'useast1' })))
      .toThrow(/LatticeCaller.eksWorkload\(cluster 'eks-cluster2'\): region 'useast1' is not an AWS region name \(e.g. us-east-1\)/);
  });
});

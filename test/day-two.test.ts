/**
 * Day two: what the second deploy and the first renewal need. The CRD
 * installer Job (immutable pod template) is renamed whenever anything it runs
 * changes, so an update runs a new Job instead of failing; a created CA lets
 * ACM renew the domain's certificate.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import { clusterFixture } from './util/fixtures';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { LatticeEksClusterProps } from '../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';

function installer(extra: Partial<LatticeEksClusterProps> = {}) {
  const f = clusterFixture(extra, false);
  const json = Template.fromStack(f.stack).toJSON();
  const manifestId = f.stack.getLogicalId(f.cluster.gatewayApiCrdsManifest!.node.defaultChild as any);
  const objects = k8sObjectsInTemplate(json).filter((o) => o.logicalId === manifestId).map((o) => o.object);
  const job = objects.find((o) => o.kind === 'Job');
  const ready = Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-KubernetesObjectValue' && r.Properties.ObjectType === 'job');
  return { job, objects, ready, resource: json.Resources[manifestId] };
}

describe('the Gateway API CRD installer on update', () => {
  const before = installer();

  test('the same spec gives the same Job name in every synth', () => {
    expect(installer().job.metadata.name).toBe(before.job.metadata.name);
    expect(before.job.metadata.name).toMatch(/^gateway-api-crds-v1-5-1-[0-9a-f]{10}$/);
  });

  test.each<[string, Partial<LatticeEksClusterProps>]>([
    ['a new kubectl image', { versions: { kubectlImage: 'registry.k8s.io/kubectl:v1.35.9' } }],
    ['a new download image', { versions: { downloadImage: 'public.ecr.aws/docker/library/busybox:1.37.1' } }],
  ])('%s', (_name, extra) => {
    const after = installer(extra);
    // A changed pod template gets a new Job name: the update creates a new Job instead of failing on the immutable one.
    expect(after.job.metadata.name).not.toBe(before.job.metadata.name);
    // The readiness check waits for the new Job.
    expect(after.ready.Properties.ObjectName).toBe(after.job.metadata.name);
    // The installer's ClusterRole and binding are named after the Job: the new Job revokes the binding re-applied with it.
    const roles = after.objects.filter((o) => o.kind.startsWith('ClusterRole')).map((o) => o.metadata.name);
    expect(roles).toEqual([`${after.job.metadata.name}-installer`, `${after.job.metadata.name}-installer`]);
    const revoke = after.job.spec.template.spec.containers[0];
    expect(revoke.args).toEqual(['delete', 'clusterrolebinding', `${after.job.metadata.name}-installer`, '--wait=false']);
  });

  test('the kubectl handler prunes the old Job, ClusterRole and binding on update (they carry the manifest\'s prune label)', () => {
    const pruneLabel = before.resource.Properties.PruneLabel;
    expect(pruneLabel).toMatch(/^aws\.cdk\.eks\/prune-/);
    for (const o of before.objects) expect(Object.keys(o.metadata.labels)).toContain(pruneLabel);
  });
});

describe('certificate renewal', () => {
  test('a created CA lets ACM renew the certificate (AWS::ACMPCA::Permission for acm.amazonaws.com, after activation)', () => {
    const stack = new Stack(new App(), 'Shared');
    const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ACMPCA::Permission', 1);
    template.hasResourceProperties('AWS::ACMPCA::Permission', {
      CertificateAuthorityArn: { 'Fn::GetAtt': [stack.getLogicalId(domain.cfnCertificateAuthority!), 'Arn'] },
      Principal: 'acm.amazonaws.com',
      Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'],
    });
    template.hasResource('AWS::ACMPCA::Permission', { DependsOn: [stack.getLogicalId(domain.cfnCertificateAuthorityActivation!)] });
  });

  test('an imported CA gets no permission from this stack (its owner grants it)', () => {
    const stack = new Stack(new App(), 'Shared');
    const ca = acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca',
      'arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222-3333-4444-555555555555');
    const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com', certificateAuthority: ca });
    expect(domain.acmRenewalPermission).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::ACMPCA::Permission', 0);
  });
});

import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { clusterFixture } from './util/fixtures';

describe('what the cluster exposes', () => {
  test('Lattice may reach pods only on the target ports of the routes', () => {
    const { stack, cluster } = clusterFixture();
    cluster.exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80, targetPort: 8090 });
    cluster.exposeService('Orders', { serviceName: 'orders', namespace: 'apps', port: 80, targetPort: 8090 });
    cluster.exposeService('Admin', { serviceName: 'admin', namespace: 'ops', port: 8443 });
    const template = Template.fromStack(stack);
    const rules = Object.values<any>(template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: { SourcePrefixListId: Match.anyValue() },
    })).map((r) => [r.Properties.FromPort, r.Properties.ToPort]).sort();
    expect(rules).toEqual([[8090, 8090], [8443, 8443]]);
    expect(cluster.latticeIngressRules).toHaveLength(2);
  });

  test('a cluster without routes admits nothing from Lattice and looks nothing up', () => {
    const { stack } = clusterFixture();
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { SourcePrefixListId: Match.anyValue() } }))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('describeManagedPrefixLists');
  });

  test('the Gateway admits routes only from the namespaces of the library\'s routes, or a selector given', () => {
    const gatewayOf = (template: Template) => {
      const manifests = Object.values<any>(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      const text = manifests.map((m) => JSON.stringify(m.Properties.Manifest)).find((m) => m.includes('\\"kind\\":\\"Gateway\\"'))!;
      return text;
    };
    const a = clusterFixture();
    a.cluster.exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80 });
    a.cluster.exposeService('Admin', { serviceName: 'admin', namespace: 'ops', port: 80 });
    expect(gatewayOf(Template.fromStack(a.stack))).toContain('\\"allowedRoutes\\":{\\"namespaces\\":{\\"from\\":\\"Selector\\",\\"selector\\":{\\"matchExpressions\\":[{\\"key\\":\\"kubernetes.io/metadata.name\\",\\"operator\\":\\"In\\",\\"values\\":[\\"apps\\",\\"ops\\"]}]}}}');
    expect(gatewayOf(Template.fromStack(a.stack))).not.toContain('\\"from\\":\\"All\\"');
    const b = clusterFixture({ routeNamespaceLabels: { 'lattice.example.com/expose': 'true' } });
    expect(gatewayOf(Template.fromStack(b.stack))).toContain('\\"selector\\":{\\"matchLabels\\":{\\"lattice.example.com/expose\\":\\"true\\"}}');
    const c = clusterFixture();
    expect(gatewayOf(Template.fromStack(c.stack))).toContain('\\"allowedRoutes\\":{\\"namespaces\\":{\\"from\\":\\"Same\\"}}');
  });

  test('a public endpoint open to the internet is a synth warning; a restricted one is not', () => {
    const open = clusterFixture();
    Annotations.fromStack(open.stack).hasWarning('/Cluster1/Lattice', Match.stringLikeRegexp('is public and open to 0.0.0.0/0'));
    const restricted = clusterFixture({ endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') });
    Annotations.fromStack(restricted.stack).hasNoWarning('*', Match.stringLikeRegexp('open to 0.0.0.0/0'));
    const privateOnly = clusterFixture({ endpointAccess: eks.EndpointAccess.PRIVATE });
    Annotations.fromStack(privateOnly.stack).hasNoWarning('*', Match.stringLikeRegexp('open to 0.0.0.0/0'));
  });

  test('a target port outside 1-65535 is a synth-time error', () => {
    const { cluster } = clusterFixture();
    expect(() => cluster.exposeService('Demo', { serviceName: 'demo', namespace: 'apps', port: 80, targetPort: 0 }))
      .toThrow(/LatticeServiceRoute \(Cluster1\/Lattice\/Demo\): targetPort 0 is not a TCP port \(1-65535\)/);
  });
});

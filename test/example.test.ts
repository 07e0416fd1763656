import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { evaluateLatticeRequest, iamAuthPoliciesInTemplate, podIdentitySession } from './util/lattice-eval';
import { addCrossClusterExample, GREETER_SERVICE } from '../examples/cross-cluster/app';
import { GREETER_PORT } from '../examples/cross-cluster/demo-app';
import { DATABASE_HOST } from '../examples/cross-cluster/resources-stack';

describe('cross-cluster example', () => {
  const app = new App();
  const { environment, clusters, resources } = addCrossClusterExample(app);
  const templates = [environment, ...clusters].map((s) => Template.fromStack(s).toJSON());
  const resourcesTemplate = Template.fromStack(resources);

  test('every Kubernetes object validates against the upstream or core schemas', () => {
    const checked = templates.flatMap((t) => expectValidK8sObjects(t));
    expect(checked.length).toBeGreaterThan(20);
    for (const kind of ['ServiceExport', 'ServiceImport', 'TargetGroupPolicy']) expect(checked.some((o) => o.object.kind === kind)).toBe(true);
  });

  test('each demo app admits only the other cluster\'s apps namespace', () => {
    for (const [i, template] of templates.slice(1).entries()) {
      const policy = k8sObjectsInTemplate(template).map((o) => o.object).find((o) => o.kind === 'IAMAuthPolicy' && o.spec.targetRef.kind === 'HTTPRoute');
      expect(policy.spec.targetRef).toMatchObject({ kind: 'HTTPRoute', name: `demo-cluster${i + 1}` });
      expect(policy.spec.policy).toContain(`eks-cluster${2 - i}`);
    }
  });

  test('the demo app is created after injection is ready; its route goes beside it', () => {
    const json = templates[1];
    const g = new DependencyGraph(json);
    const objects = k8sObjectsInTemplate(json);
    const idOf = (kind: string) => objects.find((o) => o.object.kind === kind)!.logicalId;
    expect(g.dependsOn(idOf('Deployment'), idOf('MutatingPolicy'))).toBe(true);
    // The controller watches Services and EndpointSlices: it registers the targets whenever they appear,
    // so the route need not wait for the app (one Lambda round trip less on deploy and on destroy).
    expect(g.dependsOn(idOf('HTTPRoute'), idOf('Deployment'))).toBe(false);
    expect(g.dependsOn(idOf('Deployment'), idOf('HTTPRoute'))).toBe(false);
  });

  test('each cluster stack exports the shared service with a health check and a preStop hook', () => {
    for (const template of templates.slice(1)) {
      const objects = k8sObjectsInTemplate(template).map((o) => o.object);
      const exported = objects.filter((o) => o.kind === 'ServiceExport');
      expect(exported.map((e) => [e.metadata.name, e.metadata.annotations['application-networking.k8s.aws/federation']]))
        .toEqual([['inventory', 'amazon-vpc-lattice']]);
      const policy = objects.find((o) => o.kind === 'TargetGroupPolicy');
      expect(policy.spec.targetRef).toEqual({ group: 'application-networking.k8s.aws', kind: 'ServiceExport', name: 'inventory' });
      expect(policy.spec.healthCheck).toMatchObject({ enabled: true, path: '/', intervalSeconds: 10 });
      const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'inventory').spec.template.spec;
      expect(pod.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 60 } });
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(60 + 60);
    }
  });

  test('cluster 1 routes the shared service to both clusters\' exports, and both clusters may call it', () => {
    const objects = k8sObjectsInTemplate(templates[1]).map((o) => o.object);
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'inventory');
    expect(route.spec.hostnames).toEqual(['inventory.example.com']);
    const refs = route.spec.rules[0].backendRefs;
    expect(refs.map((r: any) => [r.kind, r.weight])).toEqual([['ServiceImport', 50], ['ServiceImport', 50]]);
    const imports = objects.filter((o) => o.kind === 'ServiceImport');
    expect(imports.map((i) => i.metadata.name)).toEqual(refs.map((r: any) => r.name));
    expect(imports.map((i) => i.metadata.annotations['application-networking.k8s.aws/aws-eks-cluster-name'])).toEqual(['eks-cluster1', 'eks-cluster2']);
    const policy = objects.find((o) => o.kind === 'IAMAuthPolicy' && o.spec.targetRef.name === 'inventory');
    expect(policy.spec.policy).toContain('eks-cluster1');
    expect(policy.spec.policy).toContain('eks-cluster2');
    expect(k8sObjectsInTemplate(templates[2]).some((o) => o.object.kind === 'ServiceImport')).toBe(false);
  });

  describe('cluster 2 serves a gRPC service that only cluster 1\'s apps may call, and only its health Check', () => {
    const objects = () => k8sObjectsInTemplate(templates[2]).map((o) => o.object);

    test('a GRPCRoute on the HTTPS listener to the h2c Service, and no gRPC objects in cluster 1', () => {
      const route = objects().find((o) => o.kind === 'GRPCRoute');
      expect(route.metadata.name).toBe(GREETER_SERVICE);
      expect(route.spec.parentRefs.map((p: any) => p.sectionName)).toEqual(['https']);
      expect(route.spec.hostnames).toEqual([`${GREETER_SERVICE}.example.com`]);
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: GREETER_SERVICE, port: GREETER_PORT }]);
      const service = objects().find((o) => o.kind === 'Service' && o.metadata.name === GREETER_SERVICE);
      expect(service.spec.ports[0]).toMatchObject({ port: GREETER_PORT, appProtocol: 'kubernetes.io/h2c' });
      const pod = objects().find((o) => o.kind === 'Deployment' && o.metadata.name === GREETER_SERVICE).spec.template.spec;
      expect(pod.containers[0].readinessProbe).toEqual({ grpc: { port: GREETER_PORT } });
      expect(k8sObjectsInTemplate(templates[1]).some((o) => o.object.kind === 'GRPCRoute')).toBe(false);
    });

    const policy = () => iamAuthPoliciesInTemplate(templates[2]).find((p) => p.object.spec.targetRef.kind === 'GRPCRoute')!;
    test.each<[string, string, string, string, string, boolean]>([
      ['cluster 1\'s apps, the Check method', 'eks-cluster1', 'apps', 'POST', '/grpc.health.v1.Health/Check', true],
      ['cluster 1\'s apps, the Watch method', 'eks-cluster1', 'apps', 'POST', '/grpc.health.v1.Health/Watch', false],
      ['cluster 1\'s apps, GET on the Check path', 'eks-cluster1', 'apps', 'GET', '/grpc.health.v1.Health/Check', false],
      ['cluster 1\'s other namespace', 'eks-cluster1', 'ops', 'POST', '/grpc.health.v1.Health/Check', false],
      ['cluster 2\'s own apps', 'eks-cluster2', 'apps', 'POST', '/grpc.health.v1.Health/Check', false],
    ])('IAM evaluation: %s', async (_name, clusterName, namespace, method, path, allowed) => {
      const session = podIdentitySession({ clusterName, namespace });
      const target = { serviceNetworkPolicy: undefined, servicePolicy: policy().policy };
      const decision = await evaluateLatticeRequest({ ...session, method, path }, target);
      expect(decision.allowed).toBe(allowed);
    });
  });

  test('cluster stacks depend on the environment only', () => {
    app.synth();
    for (const c of clusters) expect(c.dependencies.map((d) => d.stackName)).toEqual(['lattice-environment']);
  });

  test('the resources stack puts a TCP resource of a third 10.0.0.0/16 VPC on the service network', () => {
    resourcesTemplate.resourceCountIs('AWS::EC2::VPC', 1);
    resourcesTemplate.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    resourcesTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    resourcesTemplate.resourceCountIs('AWS::VpcLattice::ResourceGateway', 1);
    resourcesTemplate.hasResourceProperties('AWS::VpcLattice::ResourceGateway', {
      IpAddressType: 'IPV4',
      ResourceConfigDnsResolution: 'IN_VPC',
      VpcIdentifier: { Ref: Match.stringLikeRegexp('^Vpc') },
    });
    resourcesTemplate.resourceCountIs('AWS::VpcLattice::ResourceConfiguration', 1);
    resourcesTemplate.hasResourceProperties('AWS::VpcLattice::ResourceConfiguration', {
      Name: 'orders-db',
      ResourceConfigurationType: 'SINGLE',
      ProtocolType: 'TCP',
      PortRanges: ['5432'],
      ResourceConfigurationDefinition: { DnsResource: { DomainName: DATABASE_HOST, IpAddressType: 'IPV4' } },
    });
    // The name resolves in the resources VPC, where the gateway looks it up.
    resourcesTemplate.hasResourceProperties('AWS::Route53::RecordSet', { Name: `${DATABASE_HOST}.`, Type: 'A' });
    // The gateway may connect to the resource's port in its VPC and nowhere else.
    resourcesTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('resource gateway'),
      SecurityGroupEgress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 })],
    });
  });

  test('the resource configuration is associated with the shared service network', () => {
    const associations = resourcesTemplate.findResources('AWS::VpcLattice::ServiceNetworkResourceAssociation');
    expect(Object.keys(associations)).toHaveLength(1);
    const association = Object.values<any>(associations)[0];
    expect(association.Properties.ServiceNetworkId).toEqual(
      resources.resolve(environment.network.serviceNetworkArn));
    expect(association.Properties.ResourceConfigurationId).toEqual({
      'Fn::GetAtt': [Object.keys(resourcesTemplate.findResources('AWS::VpcLattice::ResourceConfiguration'))[0], 'Id'],
    });
  });

  test('the resources VPC reaches the network through a service-network VPC endpoint, not an association', () => {
    resourcesTemplate.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    resourcesTemplate.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'ServiceNetwork',
      ServiceNetworkArn: resources.resolve(environment.network.serviceNetworkArn),
      PrivateDnsEnabled: true,
      DnsOptions: { PrivateDnsSpecifiedDomains: [environment.domain.domainName] },
    });
    resourcesTemplate.resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 0);
    // The clusters keep their VPC associations, through which their pods reach the resource.
    for (const c of clusters) Template.fromStack(c).resourceCountIs('AWS::VpcLattice::ServiceNetworkVpcAssociation', 1);
  });

  test('the resources stack depends on the environment only', () => {
    app.synth();
    expect(resources.dependencies.map((d) => d.stackName)).toEqual(['lattice-environment']);
  });
});

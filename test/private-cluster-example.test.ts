import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cfnLintTemplate } from './util/cfn-lint';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { awsSolutionsFindings } from './util/nag';
import { addPrivateClusterExample, CRDS_FILE_CONTEXT } from '../examples/private-cluster/app';
import { INTERFACE_ENDPOINTS } from '../examples/private-cluster/private-cluster-stack';

/** Hosts a cluster without internet access cannot reach. */
const UPSTREAM_HOSTS = [
  'docker.io', 'registry.k8s.io', 'public.ecr.aws', 'github.com', 'githubusercontent', 'kyverno.github.io',
  'kubernetes-sigs.github.io', 'ghcr.io', 'reg.kyverno.io',
];

describe('private-cluster example', () => {
  const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
  const { environment, cluster } = addPrivateClusterExample(app);
  const env = Template.fromStack(environment).toJSON();
  const json = Template.fromStack(cluster).toJSON();
  const resources = (type: string) => Object.values<any>(json.Resources).filter((r) => r.Type === type);

  test('no template references docker.io, registry.k8s.io, ECR Public, GitHub, ghcr.io or a public chart repository', () => {
    for (const template of [env, json]) {
      const text = JSON.stringify(template);
      for (const host of UPSTREAM_HOSTS) expect({ host, found: text.includes(host) }).toEqual({ host, found: false });
    }
  });

  test('charts come from the private registry over OCI and images from its pull-through cache', () => {
    const charts = resources('Custom::AWSCDK-EKS-HelmChart');
    expect(charts).toHaveLength(3);
    for (const chart of charts) expect(JSON.stringify(chart.Properties.Repository)).toMatch(/oci:\/\/.*\.dkr\.ecr\..*\/charts\//);
    const job = k8sObjectsInTemplate(json).map((o) => o.object).find((o) => o.kind === 'Job');
    // The bundle comes from the S3 asset, read with the AWS CLI image.
    expect(JSON.stringify(job.spec.template.spec.initContainers[0].command)).toContain('aws s3 cp');
  });

  test('no NAT gateway, no internet gateway, no public subnet; private API endpoint only', () => {
    expect(resources('AWS::EC2::NatGateway')).toEqual([]);
    expect(resources('AWS::EC2::InternetGateway')).toEqual([]);
    expect(resources('AWS::EC2::Subnet').every((s) => s.Properties.MapPublicIpOnLaunch !== true)).toBe(true);
    const [eksCluster] = resources('AWS::EKS::Cluster');
    expect(eksCluster.Properties.ResourcesVpcConfig).toMatchObject({ EndpointPublicAccess: false, EndpointPrivateAccess: true });
  });

  test('the AWS APIs the cluster needs are VPC endpoints (interface endpoints with private DNS, S3 as a gateway)', () => {
    const endpoints = resources('AWS::EC2::VPCEndpoint');
    const interfaces = endpoints.filter((e) => e.Properties.VpcEndpointType === 'Interface');
    expect(interfaces).toHaveLength(Object.keys(INTERFACE_ENDPOINTS).length);
    expect(interfaces.every((e) => e.Properties.PrivateDnsEnabled === true)).toBe(true);
    const names = JSON.stringify(interfaces.map((e) => e.Properties.ServiceName));
    for (const service of ['ecr.api', 'ecr.dkr', 'sts', 'eks-auth', 'eks', 'ec2', 'vpc-lattice', 'lambda']) expect(names).toContain(`.${service}`);
    expect(endpoints.filter((e) => e.Properties.VpcEndpointType === 'Gateway')).toHaveLength(1);
  });

  test('the cluster stack reads the environment through stack outputs (weak references), never Fn::ImportValue', () => {
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(json)).toContain('Fn::GetStackOutput');
    expect(Object.values<any>(env.Outputs ?? {}).filter((o) => o.Export)).toEqual([]);
  });

  test('without a CRD file the example synthesizes a placeholder and warns that it cannot be deployed', () => {
    expect(app.node.tryGetContext(CRDS_FILE_CONTEXT)).toBeUndefined();
    const warnings = cluster.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.join('\n')).toMatch(/placeholder: synthesize with -c gatewayApiCrdsFile=/);
  });

  test('manifests are schema-valid, cdk-nag AwsSolutions finds nothing, cfn-lint reports no error', () => {
    expectValidK8sObjects(json);
    expect(awsSolutionsFindings(cluster)).toEqual([]);
    expect(awsSolutionsFindings(environment)).toEqual([]);
    expect(cfnLintTemplate(json, 'eks-private-cluster')).toEqual([]);
  });
});

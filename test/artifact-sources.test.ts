import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ArtifactSources, ChartRepositoryMirrors, ImageRegistryMirrors } from '../src/artifact-sources';
import { GatewayApiCrdsSource } from '../src/cluster/gateway-api-crds-source';
import { LatticeEksCluster, LatticeEksClusterProps } from '../src/cluster/lattice-eks-cluster';
import { SigV4SidecarPolicy } from '../src/sidecar/sigv4-sidecar-policy';
import { PinnedVersions } from '../src/versions';
import { clusterFixture, smallVpc } from './util/fixtures';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { awsSolutionsFindings } from './util/nag';

const IMAGES: ImageRegistryMirrors = {
  dockerHub: 'mirror.corp.internal/docker-hub',
  kubernetesRegistry: 'mirror.corp.internal/k8s',
  ecrPublic: 'mirror.corp.internal/ecr-public',
  githubContainerRegistry: 'mirror.corp.internal/ghcr',
};
const CHARTS: ChartRepositoryMirrors = {
  gatewayApiController: 'oci://charts.corp.internal/lattice/aws-gateway-controller-chart',
  externalDns: 'https://charts.corp.internal/external-dns/',
  kyverno: 'oci://charts.corp.internal/lattice/kyverno',
};

/** Every upstream host a mirrored deployment must not reach. */
const UPSTREAM_HOSTS = [
  'docker.io', 'registry.k8s.io', 'public.ecr.aws', 'github.com', 'githubusercontent', 'kyverno.github.io',
  'kubernetes-sigs.github.io', 'ghcr.io', 'reg.kyverno.io',
];

/** A fake CRD bundle (never the real one) and its SHA-256. */
function fakeBundle(content = `# fake bundle ${Math.random()}\n`): { file: string; sha256: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
  const file = path.join(dir, 'standard-install.yaml');
  fs.writeFileSync(file, content);
  return { file, sha256: crypto.createHash('sha256').update(content).digest('hex') };
}

function build(extra: Partial<LatticeEksClusterProps>) {
  const f = clusterFixture(extra);
  f.cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });
  const sidecar = new SigV4SidecarPolicy(f.stack, 'Sidecar', { cluster: f.cluster, namespaces: ['apps'] });
  return { ...f, sidecar };
}

function helmChart(json: any, chart: string): any {
  return Object.values<any>(json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-HelmChart' && r.Properties.Chart === chart).Properties;
}

/** Chart values with tokens rendered as `${TOKEN}` (values are a JSON string or an Fn::Join of one). */
function values(properties: any): any {
  const v = properties.Values;
  if (typeof v === 'string') return JSON.parse(v);
  return JSON.parse(v['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : '${TOKEN}')).join(''));
}

function containers(json: any): any[] {
  return k8sObjectsInTemplate(json).map((o) => o.object)
    .filter((o) => o.kind === 'Job')
    .flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers]);
}

describe('ArtifactSources.mirror()', () => {
  const bundle = fakeBundle();
  const f = build({
    sources: ArtifactSources.mirror({ images: IMAGES, charts: CHARTS }),
    gatewayApiCrds: GatewayApiCrdsSource.fromFile(bundle.file, { sha256: bundle.sha256 }),
  });
  const json = Template.fromStack(f.stack).toJSON();
  const shared = Template.fromStack(f.shared).toJSON();

  test('no template references docker.io, registry.k8s.io, ECR Public, GitHub, ghcr.io or a public chart repository', () => {
    for (const template of [json, shared]) {
      const text = JSON.stringify(template);
      for (const host of UPSTREAM_HOSTS) expect({ host, found: text.includes(host) }).toEqual({ host, found: false });
    }
  });

  test('charts come from the mirrors, at the pinned versions', () => {
    expect(helmChart(json, 'aws-gateway-controller-chart')).toMatchObject({ Repository: CHARTS.gatewayApiController, Version: PinnedVersions.GATEWAY_API_CONTROLLER_CHART });
    expect(helmChart(json, 'external-dns')).toMatchObject({ Repository: CHARTS.externalDns, Version: PinnedVersions.EXTERNAL_DNS_CHART });
    expect(helmChart(json, 'kyverno')).toMatchObject({ Repository: CHARTS.kyverno, Version: PinnedVersions.KYVERNO_CHART });
  });

  test('the charts\' own images are rewritten through their values', () => {
    expect(values(helmChart(json, 'aws-gateway-controller-chart')).image)
      .toEqual({ repository: 'mirror.corp.internal/ecr-public/aws-application-networking-k8s/aws-gateway-controller' });
    expect(values(helmChart(json, 'external-dns')).image).toEqual({ repository: 'mirror.corp.internal/k8s/external-dns/external-dns' });
    const kyverno = values(helmChart(json, 'kyverno'));
    expect(kyverno.global.image.registry).toBe('mirror.corp.internal/ghcr');
    expect(kyverno.test.image.registry).toBe('mirror.corp.internal/ghcr');
    expect(kyverno.webhooksCleanup.image.registry).toBe('mirror.corp.internal/ghcr');
  });

  test('the CRD installer and the injected sidecar pull the pinned images from the mirrors', () => {
    const images = containers(json).map((c) => c.image);
    expect(images).toEqual(expect.arrayContaining([
      `mirror.corp.internal/ecr-public/${PinnedVersions.AWS_CLI_IMAGE.split('/').slice(1).join('/')}`,
      `mirror.corp.internal/k8s/${PinnedVersions.KUBECTL_IMAGE.split('/').slice(1).join('/')}`,
    ]));
    const policy = JSON.stringify(json);
    expect(policy).toContain(`mirror.corp.internal/docker-hub/${PinnedVersions.ENVOY_IMAGE.split('/').slice(1).join('/')}`);
    expect(policy).toContain(`mirror.corp.internal/k8s/${PinnedVersions.IPTABLES_IMAGE.split('/').slice(1).join('/')}`);
  });

  test('manifests stay schema-valid and cdk-nag AwsSolutions finds nothing', () => {
    expectValidK8sObjects(json);
    expect(awsSolutionsFindings(f.stack)).toEqual([]);
  });
});

describe('ArtifactSources.ecrPullThrough()', () => {
  test('images are pulled as <registry>/<prefix>/<upstream path>; Docker Hub official images get library/', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const sources = ArtifactSources.ecrPullThrough({ charts: CHARTS, dockerHubPrefix: 'dh' });
    const image = (upstream: string) => stack.resolve(sources._image(stack, 'Test', upstream));
    const own = (rest: string) => ({ 'Fn::Join': ['', ['123456789012.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, rest]] });
    expect(image('docker.io/envoyproxy/envoy:v1')).toEqual(own('/dh/envoyproxy/envoy:v1'));
    expect(image('docker.io/alpine:3.22')).toEqual(own('/dh/library/alpine:3.22'));
    expect(image('registry.k8s.io/kubectl:v1.35.0')).toEqual(own('/registry-k8s-io/kubectl:v1.35.0'));
    expect(image('ghcr.io/kyverno/kyverno:v1')).toEqual(own('/github/kyverno/kyverno:v1'));
    const other = ArtifactSources.ecrPullThrough({ charts: CHARTS, registry: '999999999999.dkr.ecr.eu-west-1.amazonaws.com' });
    expect(other._image(stack, 'Test', 'public.ecr.aws/docker/library/alpine:3.22')).toBe('999999999999.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/alpine:3.22');
  });

  test('the node role may create cached repositories and import upstream images under the four prefixes only', () => {
    const f = clusterFixture({ sources: ArtifactSources.ecrPullThrough({ charts: CHARTS }) });
    const json = Template.fromStack(f.stack).toJSON();
    const nodeRole = f.stack.getLogicalId(f.cluster.nodegroup!.role.node.defaultChild as any);
    const statements = Object.values<any>(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === nodeRole))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['ecr:CreateRepository', 'ecr:BatchImportUpstreamImage']);
    const resources = JSON.stringify(statements[0].Resource);
    for (const prefix of ['docker-hub', 'registry-k8s-io', 'ecr-public', 'github']) expect(resources).toContain(`:repository/${prefix}/*`);
    expect(statements[0].Resource).toHaveLength(4);
    expect(JSON.stringify(json)).not.toContain('public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller');
  });

  test('another registry (given explicitly) adds no permission to the node role', () => {
    const f = clusterFixture({ sources: ArtifactSources.ecrPullThrough({ charts: CHARTS, registry: '999999999999.dkr.ecr.eu-west-1.amazonaws.com' }) });
    expect(JSON.stringify(Template.fromStack(f.stack).toJSON())).not.toContain('ecr:BatchImportUpstreamImage');
  });
});

describe('mirrors with the CRD bundle still from GitHub', () => {
  test('warn that the cluster still downloads from GitHub, naming the fix', () => {
    const f = clusterFixture({ sources: ArtifactSources.mirror({ images: IMAGES, charts: CHARTS }) });
    Annotations.fromStack(f.stack).hasWarning('/Cluster1/Lattice/Default',
      Match.stringLikeRegexp('Gateway API CRD bundle is still downloaded from GitHub.*GatewayApiCrdsSource.fromFile'));
    expect(JSON.stringify(Template.fromStack(f.stack).toJSON())).toContain('github.com');
  });

  test('do not warn with installGatewayApiCrds false', () => {
    const f = clusterFixture({ sources: ArtifactSources.mirror({ images: IMAGES, charts: CHARTS }), installGatewayApiCrds: false });
    Annotations.fromStack(f.stack).hasNoWarning('/Cluster1/Lattice/Default', Match.stringLikeRegexp('downloaded from GitHub'));
  });
});

describe('ArtifactSources.publicRegistries() (the default)', () => {
  test('charts come from the pinned upstream repositories and chart images stay the charts\' defaults', () => {
    const f = build({});
    const json = Template.fromStack(f.stack).toJSON();
    expect(helmChart(json, 'aws-gateway-controller-chart').Repository).toBe(PinnedVersions.GATEWAY_API_CONTROLLER_CHART_REPOSITORY);
    expect(helmChart(json, 'external-dns').Repository).toBe(PinnedVersions.EXTERNAL_DNS_CHART_REPOSITORY);
    expect(helmChart(json, 'kyverno').Repository).toBe(PinnedVersions.KYVERNO_CHART_REPOSITORY);
    expect(values(helmChart(json, 'aws-gateway-controller-chart')).image).toBeUndefined();
    expect(values(helmChart(json, 'kyverno')).global).toBeUndefined();
    expect(containers(json).map((c) => c.image)).toEqual(expect.arrayContaining([PinnedVersions.DOWNLOAD_IMAGE, PinnedVersions.KUBECTL_IMAGE]));
  });
});

describe('bad sources are synth errors naming the construct, the field and the fix', () => {
  const cases: Array<[string, () => Partial<LatticeEksClusterProps>, RegExp]> = [
    ['a missing image mirror',
      () => ({ sources: ArtifactSources.mirror({ images: { ...IMAGES, kubernetesRegistry: undefined as any }, charts: CHARTS }) }),
      /LatticeEksCluster \(Cluster1\/Lattice\): sources \(ArtifactSources.mirror\(\)\) images.kubernetesRegistry is missing: give the registry/],
    ['a mirror with a scheme',
      () => ({ sources: ArtifactSources.mirror({ images: { ...IMAGES, ecrPublic: 'https://mirror.corp.internal' }, charts: CHARTS }) }),
      /images.ecrPublic 'https:\/\/mirror.corp.internal' is not a registry host with an optional path/],
    ['missing charts',
      () => ({ sources: ArtifactSources.mirror({ images: IMAGES } as any) }),
      /sources \(ArtifactSources.mirror\(\)\) has no charts: give charts\.\w+ \(and the other charts' mirrors\)/],
    ['an OCI chart reference without the chart name',
      () => ({ sources: ArtifactSources.mirror({ images: IMAGES, charts: { ...CHARTS, gatewayApiController: 'oci://charts.corp.internal/lattice' } }) }),
      /charts.gatewayApiController 'oci:\/\/charts.corp.internal\/lattice' must end in '\/aws-gateway-controller-chart'/],
    ['a plain-HTTP chart repository',
      () => ({ sources: ArtifactSources.mirror({ images: IMAGES, charts: { ...CHARTS, externalDns: 'http://charts.corp.internal/' } }) }),
      /charts.externalDns 'http:\/\/charts.corp.internal\/' is neither an oci:\/\/ chart reference nor an https:\/\/ Helm repository/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => clusterFixture(props())).toThrow(message);
  });

  test('an image from a registry no mirror maps is named with the mirrored registries', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => ArtifactSources.mirror({ images: IMAGES, charts: CHARTS })._image(stack, 'Test', 'quay.io/x/y:1'))
      .toThrow(/no mirror for registry 'quay.io' of image 'quay.io\/x\/y:1'; mirrored registries: docker.io, registry.k8s.io, public.ecr.aws, ghcr.io/);
  });
});

describe('GatewayApiCrdsSource.fromFile()', () => {
  test('a file with another SHA-256 fails synth naming the file, the expected and the actual hash', () => {
    const bundle = fakeBundle('not the release\n');
    const expected = PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256;
    expect(() => clusterFixture({ gatewayApiCrds: GatewayApiCrdsSource.fromFile(bundle.file) }))
      .toThrow(new RegExp(`gatewayApiCrds: '${bundle.file.replace(/[.]/g, '\\.')}' has SHA-256 ${bundle.sha256}, expected ${expected}`));
  });

  test('a missing file fails synth naming it', () => {
    expect(() => clusterFixture({ gatewayApiCrds: GatewayApiCrdsSource.fromFile('/nonexistent/standard-install.yaml') }))
      .toThrow(/gatewayApiCrds: cannot read '\/nonexistent\/standard-install.yaml' \(ENOENT\)/);
  });

  test('a file with installGatewayApiCrds false is a contradiction', () => {
    const bundle = fakeBundle();
    const gatewayApiCrds = GatewayApiCrdsSource.fromFile(bundle.file, { sha256: bundle.sha256 });
    expect(() => clusterFixture({ installGatewayApiCrds: false, gatewayApiCrds }))
      .toThrow(/gatewayApiCrds is a file but installGatewayApiCrds is false/);
  });

  describe('a verified file', () => {
    const bundle = fakeBundle();
    const f = clusterFixture({ gatewayApiCrds: GatewayApiCrdsSource.fromFile(bundle.file, { sha256: bundle.sha256 }) });
    const json = Template.fromStack(f.stack).toJSON();
    const job = k8sObjectsInTemplate(json).map((o) => o.object).find((o) => o.kind === 'Job');
    const download = job.spec.template.spec.initContainers.find((c: any) => c.name === 'download');

    test('becomes a file asset that the Job copies from S3 with the AWS CLI and verifies before applying', () => {
      expect(f.cluster.gatewayApiCrdsAsset?.assetHash).toBeDefined();
      expect(job.metadata.name).toMatch(/^gateway-api-crds-v1-5-1-[0-9a-f]{10}$/);
      expect(download.image).toBe(PinnedVersions.AWS_CLI_IMAGE);
      expect(download.command.join(' ')).toMatch(/aws s3 cp --only-show-errors "\$URL" "\$BUNDLE"; echo "\$SHA256  \$BUNDLE" \| sha256sum -c -/);
      const env = Object.fromEntries(download.env.map((e: any) => [e.name, e.value]));
      expect(env.SHA256).toBe(bundle.sha256);
      // The URL names the bootstrap bucket (a token); the raw template carries it.
      expect(JSON.stringify(json)).toContain(`/${f.cluster.gatewayApiCrdsAsset!.s3ObjectKey}`);
      expect(f.cluster.gatewayApiCrdsAsset!.s3ObjectKey).toMatch(/\.yaml$/);
      expect(env.URL).toBeDefined();
      expect(JSON.stringify(json)).not.toContain('github.com');
    });

    test('the installer\'s Pod Identity role may read exactly that object', () => {
      const roleId = f.stack.getLogicalId(f.cluster.gatewayApiCrdsRole!.node.defaultChild as any);
      const statements = Object.values<any>(json.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === roleId))
        .flatMap((r) => r.Properties.PolicyDocument.Statement);
      expect(statements).toHaveLength(1);
      expect(statements[0].Action).toBe('s3:GetObject');
      expect(JSON.stringify(statements[0].Resource)).toContain(`/${f.cluster.gatewayApiCrdsAsset!.s3ObjectKey}`);
      const associations = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::EKS::PodIdentityAssociation'
        && r.Properties.Namespace === 'kube-system' && r.Properties.ServiceAccount === 'gateway-api-crds-installer');
      expect(associations).toHaveLength(1);
      expect(associations[0].Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    });

    test('the Job comes after its Pod Identity association and role policy', () => {
      const manifestId = f.stack.getLogicalId(f.cluster.gatewayApiCrdsManifest!.node.defaultChild as any);
      const dependsOn: string[] = json.Resources[manifestId].DependsOn;
      const association = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::EKS::PodIdentityAssociation'
        && r.Properties.ServiceAccount === 'gateway-api-crds-installer')![0];
      expect(dependsOn).toContain(association);
      expect(dependsOn.some((id) => json.Resources[id].Type === 'AWS::IAM::Policy')).toBe(true);
    });

    test('manifests stay schema-valid and cdk-nag AwsSolutions finds nothing', () => {
      expectValidK8sObjects(json);
      expect(awsSolutionsFindings(f.stack)).toEqual([]);
    });
  });
});

describe('subnets', () => {
  test('control plane and nodes use the given subnets of the given VPC', () => {
    const f = clusterFixture({}, false);
    const stack = new Stack(f.app, 'Isolated');
    const vpc = smallVpc(stack);
    const cluster = new LatticeEksCluster(stack, 'Lattice', {
      clusterName: 'eks-isolated',
      kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'),
      serviceNetwork: f.serviceNetwork,
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const json = Template.fromStack(stack).toJSON();
    const isolated = vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as any) }));
    const eksCluster = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::EKS::Cluster');
    expect(eksCluster.Properties.ResourcesVpcConfig.SubnetIds).toEqual(isolated);
    const nodegroup = json.Resources[stack.getLogicalId(cluster.nodegroup!.node.defaultChild as any)];
    expect(nodegroup.Properties.Subnets).toEqual(isolated);
  });

  test('subnets without vpc is a synth error', () => {
    expect(() => clusterFixture({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow(/LatticeEksCluster \(Cluster1\/Lattice\): subnets needs vpc/);
  });
});

describe('the new permissions, evaluated with an IAM policy simulator', () => {
  const ACCOUNT = '111111111111';
  const REGION = 'us-east-1';
  const BUCKET = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;

  /** Deployed form of a policy: pseudo parameters and the bootstrap bucket name resolved. */
  function deployed(value: any): any {
    if (Array.isArray(value)) return value.map(deployed);
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) return ({ 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION } as any)[value.Ref];
    if ('Fn::Sub' in value) return value['Fn::Sub'].replace('${AWS::AccountId}', ACCOUNT).replace('${AWS::Region}', REGION);
    if ('Fn::Join' in value) return value['Fn::Join'][1].map(deployed).join(value['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deployed(v)]));
  }

  function policiesOfRole(json: any, roleLogicalId: string): any[] {
    return Object.values<any>(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === roleLogicalId))
      .map((r) => deployed(r.Properties.PolicyDocument));
  }

  async function decide(policies: any[], action: string, resource: string): Promise<string> {
    const result = await runSimulation({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/installer/eks-pod-identity`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { 'aws:RequestedRegion': REGION },
      },
      identityPolicies: policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
  }

  const bundle = fakeBundle();
  const f = clusterFixture({
    gatewayApiCrds: GatewayApiCrdsSource.fromFile(bundle.file, { sha256: bundle.sha256 }),
    sources: ArtifactSources.ecrPullThrough({ charts: CHARTS }),
  });
  const json = Template.fromStack(f.stack).toJSON();
  const installer = policiesOfRole(json, f.stack.getLogicalId(f.cluster.gatewayApiCrdsRole!.node.defaultChild as any));
  const nodes = policiesOfRole(json, f.stack.getLogicalId(f.cluster.nodegroup!.role.node.defaultChild as any));
  const key = f.cluster.gatewayApiCrdsAsset!.s3ObjectKey;
  const repo = (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;

  test.each<[string, () => any[], string, string, string]>([
    ['the installer reads the bundle object', () => installer, 's3:GetObject', `arn:aws:s3:::${BUCKET}/${key}`, 'Allowed'],
    ['the installer reads no other asset', () => installer, 's3:GetObject', `arn:aws:s3:::${BUCKET}/other.zip`, 'ImplicitlyDenied'],
    ['the installer cannot overwrite the bundle', () => installer, 's3:PutObject', `arn:aws:s3:::${BUCKET}/${key}`, 'ImplicitlyDenied'],
    ['the installer cannot list the bucket', () => installer, 's3:ListBucket', `arn:aws:s3:::${BUCKET}`, 'ImplicitlyDenied'],
    ['nodes create cached repositories under a rule prefix', () => nodes, 'ecr:CreateRepository', repo('docker-hub/envoyproxy/envoy'), 'Allowed'],
    ['nodes import upstream images under a rule prefix', () => nodes, 'ecr:BatchImportUpstreamImage', repo('github/kyverno/kyverno'), 'Allowed'],
    ['nodes create no other repository', () => nodes, 'ecr:CreateRepository', repo('team-app/api'), 'ImplicitlyDenied'],
    ['nodes push nothing', () => nodes, 'ecr:PutImage', repo('docker-hub/envoyproxy/envoy'), 'ImplicitlyDenied'],
    ['nodes delete nothing', () => nodes, 'ecr:DeleteRepository', repo('docker-hub/envoyproxy/envoy'), 'ImplicitlyDenied'],
  ])('%s', async (_name, policies, action, resource, expected) => {
    expect(policies().length).toBeGreaterThan(0);
    expect(await decide(policies(), action, resource)).toBe(expected);
  });
});

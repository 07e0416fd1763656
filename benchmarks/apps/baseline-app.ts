/**
 * Baseline: the same clusters hand-wired with plain aws-cdk-lib (aws-eks-v2):
 * VPC, cluster, node group, add-ons, the two Helm charts with Pod Identity
 * roles, the CRD installer Job, GatewayClass/Gateway and one HTTPRoute per
 * route, the prefix-list ingress and the two VPC associations.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import * as cr from 'aws-cdk-lib/custom-resources';
import { shapeFromEnv } from './shape';

const shape = shapeFromEnv();
const app = new App({ outdir: shape.outdir });
const shared = new Stack(app, 'shared');
const zoneVpc = new ec2.CfnVPC(shared, 'ZoneVpc', { cidrBlock: '10.255.0.0/28' });
const zone = new route53.PrivateHostedZone(shared, 'Zone', {
  zoneName: 'example.com',
  vpc: ec2.Vpc.fromVpcAttributes(shared, 'ZoneVpcRef', { vpcId: zoneVpc.ref, availabilityZones: ['a'] }),
});
const certificate = acm.Certificate.fromCertificateArn(shared, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
const network = new vpclattice.CfnServiceNetwork(shared, 'Network', { name: 'lattice-gateway', authType: 'AWS_IAM' });

function podRole(scope: Stack, id: string, cluster: eks.Cluster, namespace: string, serviceAccount: string, statements: iam.PolicyStatement[]) {
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
  statements.forEach((s) => role.addToPrincipalPolicy(s));
  return new eks.CfnPodIdentityAssociation(scope, `${id}Association`, { clusterName: cluster.clusterName, namespace, serviceAccount, roleArn: role.roleArn });
}

for (let c = 1; c <= shape.clusters; c++) {
  const stack = new Stack(app, `cluster${c}`);
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    clusterName: `cluster${c}`,
    version: eks.KubernetesVersion.V1_35,
    vpc,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1') },
  });
  const nodes = cluster.addNodegroupCapacity('Nodes', { instanceTypes: [new ec2.InstanceType('t3.large')], minSize: 1, desiredSize: 2, maxSize: 4 });
  for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns']) {
    new eks.CfnAddon(stack, name, { clusterName: cluster.clusterName, addonName: name, resolveConflicts: 'OVERWRITE' });
  }
  const lookup = new cr.AwsCustomResource(stack, 'PrefixList', {
    onUpdate: {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${stack.region}.vpc-lattice`] }] },
      physicalResourceId: cr.PhysicalResourceId.of('lattice'),
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
  });
  new ec2.CfnSecurityGroupIngress(stack, 'LatticeIngress', {
    groupId: cluster.clusterSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: 0,
    toPort: 65535,
    sourcePrefixListId: lookup.getResponseField('PrefixLists.0.PrefixListId'),
  });
  new vpclattice.CfnServiceNetworkVpcAssociation(stack, 'NetworkAssociation', { serviceNetworkIdentifier: network.attrId, vpcIdentifier: vpc.vpcId });
  new cr.AwsCustomResource(stack, 'ZoneAssociation', {
    onCreate: {
      service: 'Route53',
      action: 'associateVPCWithHostedZone',
      parameters: { HostedZoneId: zone.hostedZoneId, VPC: { VPCId: vpc.vpcId, VPCRegion: stack.region } },
      physicalResourceId: cr.PhysicalResourceId.of('zone'),
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
  });
  const crds = cluster.addManifest('Crds', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'gateway-api-crds', namespace: 'kube-system' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'apply', image: 'registry.k8s.io/kubectl:v1.35.0', args: ['apply', '-f', '/b/standard-install.yaml'] }] } } },
  });
  const ready = new eks.KubernetesObjectValue(stack, 'CrdsReady', {
    cluster, objectType: 'job', objectName: 'gateway-api-crds', objectNamespace: 'kube-system', jsonPath: '.status.succeeded',
  });
  ready.node.addDependency(crds);
  const dnsIdentity = podRole(stack, 'ExternalDns', cluster, 'external-dns', 'external-dns', [
    new iam.PolicyStatement({ actions: ['route53:ChangeResourceRecordSets'], resources: [zone.hostedZoneArn] }),
  ]);
  const dns = cluster.addHelmChart('ExternalDns', {
    chart: 'external-dns',
    repository: 'https://kubernetes-sigs.github.io/external-dns/',
    version: '1.21.1',
    namespace: 'external-dns',
    values: { provider: { name: 'aws' }, sources: ['crd'], policy: 'sync', txtOwnerId: `cluster${c}`, domainFilters: ['example.com'] },
  });
  dns.node.addDependency(nodes, dnsIdentity);
  const controllerIdentity = podRole(stack, 'Controller', cluster, 'aws-application-networking-system', 'gateway-api-controller', [
    new iam.PolicyStatement({ actions: ['vpc-lattice:*'], resources: ['*'] }),
  ]);
  const controller = cluster.addHelmChart('Controller', {
    chart: 'aws-gateway-controller-chart',
    repository: 'oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart',
    version: 'v2.1.3',
    namespace: 'aws-application-networking-system',
    values: { clusterName: `cluster${c}`, clusterVpcId: vpc.vpcId, awsRegion: stack.region, awsAccountId: stack.account },
  });
  controller.node.addDependency(ready, dns, controllerIdentity);
  const gateway = cluster.addManifest('Gateway',
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'amazon-vpc-lattice' }, spec: { controllerName: 'application-networking.k8s.aws/gateway-api-controller' } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'lattice-gateway', namespace: 'default' },
      spec: {
        gatewayClassName: 'amazon-vpc-lattice',
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80 },
          { name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate', options: { 'application-networking.k8s.aws/certificate-arn': certificate.certificateArn } } },
        ],
      },
    });
  gateway.node.addDependency(controller);
  for (let r = 1; r <= shape.routes; r++) {
    const route = cluster.addManifest(`Route${r}`, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `svc${r}-c${c}`, namespace: 'apps' },
      spec: {
        hostnames: [`svc${r}-c${c}.example.com`],
        parentRefs: [{ name: 'lattice-gateway', namespace: 'default', sectionName: 'http' }, { name: 'lattice-gateway', namespace: 'default', sectionName: 'https' }],
        rules: [{ backendRefs: [{ name: `svc${r}-c${c}`, kind: 'Service', port: 80 }] }],
      },
    });
    route.node.addDependency(gateway);
  }
}
app.synth();

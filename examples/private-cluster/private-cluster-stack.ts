import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ArtifactSources, GatewayApiCrdsSource, LatticeEksCluster, LatticeServiceNetwork, PrivateCaDomain, SigV4SidecarPolicy } from '../../src';

/** Props of the private cluster stack. */
export interface PrivateClusterStackProps extends StackProps {
  /** EKS cluster name. */
  readonly clusterName: string;
  /** The shared service network. */
  readonly serviceNetwork: LatticeServiceNetwork;
  /** The shared private domain. */
  readonly domain: PrivateCaDomain;
  /** Where images and charts come from (a mirror or an ECR pull-through cache). */
  readonly sources: ArtifactSources;
  /** The Gateway API CRD bundle, as a verified local file. */
  readonly gatewayApiCrds: GatewayApiCrdsSource;
}

/**
 * AWS services the cluster reaches through interface endpoints (no NAT, no
 * internet gateway): images (ECR API and registry, layers from S3 through the
 * gateway endpoint), Pod Identity credentials (EKS Auth, STS), the node
 * bootstrap and the controllers (EKS, EC2, VPC Lattice, ACM, tagging), the
 * kubectl handler (Lambda invokes, EKS), and logs.
 */
export const INTERFACE_ENDPOINTS: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  EksAuth: ec2.InterfaceVpcEndpointAwsService.EKS_AUTH,
  Eks: ec2.InterfaceVpcEndpointAwsService.EKS,
  Ec2: ec2.InterfaceVpcEndpointAwsService.EC2,
  VpcLattice: ec2.InterfaceVpcEndpointAwsService.VPC_LATTICE,
  Acm: ec2.InterfaceVpcEndpointAwsService.CERTIFICATE_MANAGER,
  Tagging: ec2.InterfaceVpcEndpointAwsService.TAGGING,
  Lambda: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
};

/**
 * A fully private cluster: isolated subnets only (no NAT gateway, no internet
 * gateway), a private Kubernetes API endpoint, VPC endpoints for the AWS APIs,
 * every image and chart from `sources`, and the Gateway API CRDs from a file
 * asset read through the S3 gateway endpoint.
 */
export class PrivateClusterStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly lattice: LatticeEksCluster;
  public readonly sidecar: SigV4SidecarPolicy;

  constructor(scope: Construct, id: string, props: PrivateClusterStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      const endpoint = this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true });
      for (const group of endpoint.connections.securityGroups) {
        Validations.of(group).acknowledge({
          id: 'AwsSolutions-EC23',
          reason: 'The endpoint accepts HTTPS from the VPC\'s own CIDR only; cdk-nag cannot evaluate the CIDR, a reference to the VPC.',
        });
      }
    }

    this.lattice = new LatticeEksCluster(this, 'Lattice', {
      clusterName: props.clusterName,
      kubectlLayer: new KubectlV35Layer(this, 'Kubectl'),
      serviceNetwork: props.serviceNetwork,
      domain: props.domain,
      vpc: this.vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      endpointAccess: eks.EndpointAccess.PRIVATE,
      sources: props.sources,
      gatewayApiCrds: props.gatewayApiCrds,
    });
    // Kyverno, Envoy and iptables follow the cluster's sources.
    this.sidecar = new SigV4SidecarPolicy(this, 'SigV4', { cluster: this.lattice, namespaces: ['apps'] });
  }
}

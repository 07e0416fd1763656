import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { LatticeCaller, LatticeEksCluster, LatticeServiceNetwork, LatticeServiceRoute, PrivateCaDomain, SigV4SidecarPolicy } from '../../src';
import { DEMO_PORT, demoAppObjects } from '../cross-cluster/demo-app';

/** Namespace of the demo apps. */
export const APPS_NAMESPACE = 'apps';

/** What the hub deployed (its stack outputs), passed to the workload accounts as context. */
export interface HubReferences {
  readonly accountId: string;
  readonly serviceNetworkName: string;
  readonly serviceNetworkArn: string;
  readonly certificateAuthorityArn: string;
  readonly hostedZoneId: string;
  readonly domainName: string;
}

/** The other workload, whose pods may call this one. */
export interface AllowedCaller {
  readonly clusterName: string;
  readonly accountId: string;
  readonly region: string;
  /** Organization path the caller's account must sit under. */
  readonly organizationPath: string;
}

/** Props of a workload stack. */
export interface WorkloadStackProps extends StackProps {
  readonly hub: HubReferences;
  readonly clusterName: string;
  /** Name of the demo app; its host name is `<appName>.<domain>`. */
  readonly appName: string;
  readonly allowedCaller: AllowedCaller;
  /** Account of the services this workload's pods call. */
  readonly calleeAccountId: string;
  readonly nodeInstanceType: ec2.InstanceType;
}

/**
 * One EKS cluster in a workload account: joins the hub's shared service
 * network by ARN, issues its certificate from the hub's shared CA, resolves
 * and writes names in the hub's zone, and runs a demo app that only the
 * other workload account's cluster may call.
 */
export class WorkloadStack extends Stack {
  public readonly lattice: LatticeEksCluster;
  public readonly route: LatticeServiceRoute;
  public readonly sidecar: SigV4SidecarPolicy;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props);
    const hub = props.hub;
    const serviceNetwork = LatticeServiceNetwork.fromServiceNetworkAttributes(this, 'HubNetwork', {
      serviceNetworkName: hub.serviceNetworkName,
      serviceNetworkId: hub.serviceNetworkArn.split('/').pop()!,
      serviceNetworkArn: hub.serviceNetworkArn,
    });
    const domain = new PrivateCaDomain(this, 'Domain', {
      domainName: hub.domainName,
      certificateAuthority: acmpca.CertificateAuthority.fromCertificateAuthorityArn(this, 'HubCa', hub.certificateAuthorityArn),
      hubHostedZone: { hostedZoneId: hub.hostedZoneId, accountId: hub.accountId },
    });
    this.lattice = new LatticeEksCluster(this, 'Lattice', {
      clusterName: props.clusterName,
      kubectlLayer: new KubectlV35Layer(this, 'Kubectl'),
      serviceNetwork,
      domain,
      vpcCidr: '10.0.0.0/16',
      nodeInstanceType: props.nodeInstanceType,
    });

    const sidecar = this.sidecar = new SigV4SidecarPolicy(this, 'SigV4', { cluster: this.lattice, domain, namespaces: [APPS_NAMESPACE] });
    sidecar.addClient('Client', {
      namespace: APPS_NAMESPACE,
      serviceAccountName: props.appName,
      createNamespace: true,
      createServiceAccount: true,
      // The services this app calls live in the other workload account.
      serviceArns: [this.formatArn({ service: 'vpc-lattice', account: props.calleeAccountId, resource: 'service', resourceName: '*' })],
    });
    const app = this.lattice.cluster.addManifest('DemoApp',
      ...demoAppObjects(props.appName, APPS_NAMESPACE, props.appName, sidecar.annotationKey));
    sidecar.addWorkload(app);

    this.route = this.lattice.exposeService('Demo', {
      serviceName: props.appName,
      namespace: APPS_NAMESPACE,
      port: 80,
      targetPort: DEMO_PORT,
      hostname: `${props.appName}.${hub.domainName}`,
    });
    const caller = props.allowedCaller;
    this.route.allow(LatticeCaller.eksWorkload({
      clusterName: caller.clusterName,
      namespaces: [APPS_NAMESPACE],
      account: caller.accountId,
      region: caller.region,
    }).withOrganizationPaths([caller.organizationPath]));
  }
}

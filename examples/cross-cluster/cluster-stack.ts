import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DEMO_IMAGE, DEMO_PORT, demoAppObjects } from './demo-app';
import { EnvironmentStack } from './environment-stack';
import { LatticeCaller, LatticeEksCluster, LatticeServiceRoute, LatticeWorkload, SigV4SidecarPolicy } from '../../src';

/** Namespace of the demo apps in both clusters. */
export const APPS_NAMESPACE = 'apps';

/** Name of the service both clusters serve (its export, Deployment and route). */
export const SHARED_SERVICE = 'inventory';

/** Props of one cluster stack. */
export interface ClusterStackProps extends StackProps {
  /** EKS cluster name, e.g. `eks-cluster1`. */
  readonly clusterName: string;
  /** Name of the demo app, e.g. `demo-cluster1` (also its host name under the domain). */
  readonly appName: string;
  /** The cluster whose `apps` namespace may call this cluster's app. */
  readonly allowedCallerCluster: string;
  /** The shared environment (domain, service network, client role). */
  readonly environment: EnvironmentStack;
  /** Node instance type. */
  readonly nodeInstanceType: ec2.InstanceType;
}

/**
 * One EKS cluster on the shared service network (both clusters use
 * 10.0.0.0/16), running a demo app that only the other cluster may call.
 */
export class ClusterStack extends Stack {
  public readonly lattice: LatticeEksCluster;
  public readonly sidecar: SigV4SidecarPolicy;
  public readonly route: LatticeServiceRoute;
  public readonly appName: string;
  /** This cluster's share of the service both clusters serve (exported, routed by cluster 1). */
  public readonly sharedService: LatticeWorkload;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const env = props.environment;
    this.lattice = new LatticeEksCluster(this, 'Lattice', {
      clusterName: props.clusterName,
      kubectlLayer: new KubectlV35Layer(this, 'Kubectl'),
      serviceNetwork: env.network,
      domain: env.domain,
      vpcCidr: '10.0.0.0/16',
      nodeInstanceType: props.nodeInstanceType,
    });

    // Pods annotated for injection get the SigV4 proxy; they sign as the shared client role.
    this.appName = props.appName;
    const sidecar = this.sidecar = new SigV4SidecarPolicy(this, 'SigV4', { cluster: this.lattice, domain: env.domain, namespaces: [APPS_NAMESPACE] });
    sidecar.addClient('Client', {
      namespace: APPS_NAMESPACE,
      serviceAccountName: props.appName,
      role: env.clientRole,
      createNamespace: true,
      createServiceAccount: true,
    });

    const app = this.lattice.cluster.addManifest('DemoApp',
      ...demoAppObjects(props.appName, APPS_NAMESPACE, props.appName, sidecar.annotationKey));
    sidecar.addWorkload(app);

    const route = this.route = this.lattice.exposeService('Demo', { serviceName: props.appName, namespace: APPS_NAMESPACE, port: 80, targetPort: DEMO_PORT });
    route.allow(LatticeCaller.eksWorkload({ clusterName: props.allowedCallerCluster, namespaces: [APPS_NAMESPACE] }));

    // Both clusters run and export the shared service (health check, preStop sleep, readiness gate);
    // one route (see app.ts) sends to both exports.
    this.sharedService = this.lattice.addLatticeWorkload('SharedService', {
      name: SHARED_SERVICE,
      namespace: APPS_NAMESPACE,
      image: DEMO_IMAGE,
      containerPort: 80,
      exportName: SHARED_SERVICE,
    });
  }
}

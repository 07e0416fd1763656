import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
// From aws-eks, not aws-eks-v2: aws-cdk-lib 2.263.0 (the lowest supported version) has no L1s in aws-eks-v2.
import { CfnAddon } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct, IConstruct } from 'constructs';
import { ArtifactSources } from '../artifact-sources';
import { LatticeDeletionGuard } from './deletion-guard';
import { MIN_KUBERNETES_MINOR, NEWEST_KUBERNETES_MINOR } from './kubernetes-versions';
import { clusterWiring, ILatticeCluster, registerClusterWiring, registerComposite } from './lattice-cluster';
import { LatticeEksIntegration, PodIdentityAgent } from './lattice-eks-integration';
import { LatticeInstallOptions } from './lattice-install-options';
import { LatticePodIdentity, PodIdentityOptions } from './lattice-pod-identity';
import { ExportServiceOptions, LatticeServiceExport } from './lattice-service-export';
import { ResolvedVersions, resolveVersions } from './lattice-versions';
import { PrivateCaDomain } from '../domain/private-ca-domain';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import { validateClusterInputs } from '../private/app-checks';
import { validateClusterName } from '../private/cluster-name';
import { literalRequired, validationError } from '../private/errors';
import { acknowledge, FRAMEWORK_RUNTIME_REASON } from '../private/nag';
import { nodegroupAmiType } from '../private/node-ami';
import { ExposeServiceOptions, ImportServiceOptions, LatticeServiceRoute } from '../service/lattice-service-route';
import { LatticeWorkload, LatticeWorkloadOptions } from '../service/lattice-workload';

const KIND = 'LatticeEksCluster';

/** Properties of a `LatticeEksCluster`. */
export interface LatticeEksClusterProps extends LatticeInstallOptions {
  /**
   * Name of the EKS cluster. A literal: auth policies in other stacks refer to
   * callers by it (session tag `eks-cluster-name`), and it is ExternalDNS's
   * owner id. 1-100 characters: letters, digits, `-` and `_`, starting with a
   * letter or digit.
   */
  readonly clusterName: string;

  /**
   * kubectl Lambda layer matching `version`, e.g. `new KubectlV35Layer(this, 'Kubectl')`
   * from `@aws-cdk/lambda-layer-kubectl-v35` (`KubectlV36Layer` from `@aws-cdk/lambda-layer-kubectl-v36` for 1.36).
   */
  readonly kubectlLayer: lambda.ILayerVersion;

  /** The service network the cluster's Gateway binds to (by name) and its VPC joins. */
  readonly serviceNetwork: ILatticeServiceNetwork;

  /**
   * VPC of the cluster.
   * @default - a new VPC with `vpcCidr`, 2 AZs, one NAT gateway and flow logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the control plane's network interfaces and of the nodes (and
   * so of the kubectl handler with a private endpoint). Needed for a VPC
   * without public or egress subnets, e.g. `{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }`.
   * @default - control plane in the public and private subnets, nodes in the private ones (EKS's defaults)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * CIDR of the new VPC. Clusters may share a CIDR: Lattice needs no routing between VPCs.
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * Kubernetes version: 1.31 (the AWS Gateway API Controller's minimum) to 1.36; newer ones synthesize with a warning.
   * The add-on versions are pinned for the default only (EKS's default add-on versions apply to the others).
   * @default eks.KubernetesVersion.V1_35
   */
  readonly version?: eks.KubernetesVersion;

  /**
   * Run the cluster's compute on EKS Auto Mode (Bottlerocket nodes managed by
   * EKS, with the Pod Identity agent, VPC CNI, CoreDNS and kube-proxy built
   * in) instead of a managed node group. With it, `nodeInstanceType`,
   * `nodeAmiType`, `nodeCount`, `minNodes`, `maxNodes` and the add-on versions
   * are rejected (Auto Mode chooses instances and runs no add-ons).
   * @default false (a managed node group of `nodeInstanceType`)
   */
  readonly autoMode?: boolean;

  /**
   * Instance type of the managed node group.
   * @default t3.large (2 vCPU, 8 GiB; about USD 0.083 an hour each in us-east-1)
   */
  readonly nodeInstanceType?: ec2.InstanceType;

  /**
   * AMI type of the managed node group. Amazon Linux 2 types are rejected on
   * Kubernetes newer than 1.32 (EKS no longer publishes them), Windows types
   * always (the add-ons need Linux), and types of another architecture than
   * `nodeInstanceType`.
   * @default - Amazon Linux 2023 standard for the instance type's architecture (`AL2023_ARM_64_STANDARD` on Graviton, `AL2023_x86_64_STANDARD` otherwise)
   */
  readonly nodeAmiType?: eks.NodegroupAmiType;

  /**
   * Desired number of nodes.
   * @default 2
   */
  readonly nodeCount?: number;

  /**
   * Minimum number of nodes.
   * @default 1 (0 when `nodeCount` is 0)
   */
  readonly minNodes?: number;

  /**
   * Maximum number of nodes.
   * @default 4, or `nodeCount` when that is larger
   */
  readonly maxNodes?: number;

  /**
   * Access to the Kubernetes API endpoint. The default keeps `kubectl` usable
   * from operators' machines; restrict it with
   * `EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24')` or
   * `EndpointAccess.PRIVATE`.
   *
   * @default eks.EndpointAccess.PUBLIC_AND_PRIVATE
   */
  readonly endpointAccess?: eks.EndpointAccess;
}

/**
 * A new EKS cluster wired into a VPC Lattice service network (the
 * batteries-included path; for a cluster the app already has, use
 * `LatticeEksIntegration`): a VPC, the cluster with a managed node group and
 * its add-ons (or EKS Auto Mode), and on it what `LatticeEksIntegration`
 * installs: the AWS Gateway API
 * Controller (Pod Identity, never owning the network), ExternalDNS for the
 * private domain, a GatewayClass and a Gateway named like the service network,
 * the Lattice prefix-list ingress rule, and the VPC's associations with the
 * network and the private zone.
 *
 * Creation order is CRDs and ExternalDNS (DNSEndpoint CRD) -> controller ->
 * deletion guard and Gateway -> routes and auth policies; namespaces that hold
 * such objects come after the controller, and every object after whatever
 * creates its namespace. CloudFormation deletes in reverse: routes, policies and
 * their namespaces go while the controller still runs, the guard waits until
 * the controller and ExternalDNS have removed the Lattice services, target
 * groups and DNS records, then the controllers, the CRDs installer, the nodes
 * and the VPC go. Every Kubernetes object depends on the node group and the
 * add-ons; the system namespaces (`default`, `kube-system`, `kube-public`,
 * `kube-node-lease`) are never created or deleted.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { LatticeCaller, LatticeEksCluster, LatticeServiceNetwork, PrivateCaDomain } from 'cdk-lattice-eks';
 *
 * const app = new App();
 * const shared = new Stack(app, 'Shared');
 * const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' });
 * const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
 *
 * const stack = new Stack(app, 'Cluster1');
 * declare const kubectlLayer: lambda.ILayerVersion; // e.g. new KubectlV35Layer(stack, 'Kubectl')
 * const cluster = new LatticeEksCluster(stack, 'Lattice', { clusterName: 'eks-cluster1', kubectlLayer, serviceNetwork, domain });
 * const route = cluster.exposeService('Orders', { serviceName: 'orders', namespace: 'shop', port: 80, targetPort: 8080 });
 * route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
 */
export class LatticeEksCluster extends Construct implements ILatticeCluster {
  /** The EKS cluster. */
  public readonly cluster: eks.Cluster;
  /** Name of the EKS cluster. */
  public readonly clusterName: string;
  /** VPC of the cluster. */
  public readonly vpc: ec2.IVpc;
  /** Whether the cluster runs EKS Auto Mode compute. */
  public readonly autoMode: boolean;
  /** Kubernetes version of the cluster (`1.35`); always set on a cluster this construct creates. */
  public readonly kubernetesVersion?: string;
  /** The managed node group (none on EKS Auto Mode). */
  public readonly nodegroup?: eks.Nodegroup;
  /** Lattice on the cluster: CRDs, controller, ExternalDNS, Gateway, guard. */
  public readonly lattice: LatticeEksIntegration;
  /** The custom domain, if any. */
  public readonly domain?: PrivateCaDomain;
  /** The service network the cluster joins. */
  public readonly serviceNetwork: ILatticeServiceNetwork;
  /** Name of the Gateway (the service network's name). */
  public readonly gatewayName: string;
  /** Namespace of the Gateway. */
  public readonly gatewayNamespace: string;
  /** Names of the Gateway's listeners (`http`, and `https` with a domain). */
  public readonly gatewayListeners: string[];
  /** IAM role of the AWS Gateway API Controller (EKS Pod Identity). */
  public readonly gatewayControllerRole: iam.IRole;
  /** The AWS Gateway API Controller Helm release. */
  public readonly gatewayControllerChart: eks.HelmChart;
  /** IAM role of ExternalDNS (only with a domain). */
  public readonly externalDnsRole?: iam.IRole;
  /** The ExternalDNS Helm release (only with a domain). */
  public readonly externalDnsChart?: eks.HelmChart;
  /** The GatewayClass and Gateway. */
  public readonly gatewayManifest: eks.KubernetesManifest;
  /** The Job that installs the Gateway API CRDs (unless disabled). */
  public readonly gatewayApiCrdsManifest?: eks.KubernetesManifest;
  /** The Gateway API CRD bundle as a file asset (only with `GatewayApiCrdsSource.fromFile`). */
  public readonly gatewayApiCrdsAsset?: s3assets.Asset;
  /** IAM role (EKS Pod Identity) with which the CRD installer reads the bundle asset (only with `GatewayApiCrdsSource.fromFile`). */
  public readonly gatewayApiCrdsRole?: iam.IRole;
  /** Where images and charts of this cluster are pulled from. */
  public readonly sources: ArtifactSources;
  /** The service-network VPC association. */
  public readonly serviceNetworkAssociation: vpclattice.CfnServiceNetworkVpcAssociation;
  /**
   * Ingress rules from the VPC Lattice managed prefix list to the cluster
   * security group: one per target port of the routes on this cluster (none
   * without routes).
   */
  public readonly latticeIngressRules: ec2.CfnSecurityGroupIngress[];
  /** Network connections of the cluster (its security groups). */
  public readonly connections: ec2.Connections;
  /** The deletion guard (unless disabled). */
  public readonly deletionGuard?: LatticeDeletionGuard;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeEksClusterProps) {
    super(scope, id);
    validateRequired(this, props);
    validateClusterName(this, KIND, props.clusterName);
    const version = props.version ?? eks.KubernetesVersion.V1_35;
    validateKubernetesVersion(this, version);
    this.kubernetesVersion = version.version;
    this.autoMode = props.autoMode ?? false;
    if (this.autoMode) validateAutoModeProps(this, props);
    const nodes = this.autoMode ? undefined : nodeScaling(this, props);
    if (props.subnets && !props.vpc) {
      throw validationError(this, KIND, 'subnets needs vpc: the new VPC\'s subnets are chosen by the construct');
    }
    if (props.vpc && props.vpcCidr !== undefined) {
      throw validationError(this, KIND, `give either vpc or vpcCidr ('${props.vpcCidr}'), not both`);
    }
    const sources = props.sources ?? ArtifactSources.publicRegistries();
    const versions = resolveVersions(this, KIND, version, sources, props.versions);
    this.clusterName = props.clusterName;
    this.vpc = props.vpc ?? this.createVpc(props.vpcCidr ?? '10.0.0.0/16');

    const endpointAccess = props.endpointAccess ?? eks.EndpointAccess.PUBLIC_AND_PRIVATE;
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      version,
      vpc: this.vpc,
      vpcSubnets: props.subnets ? [props.subnets] : undefined,
      ...(this.autoMode
        ? { defaultCapacityType: eks.DefaultCapacityType.AUTOMODE, compute: { nodePools: ['system', 'general-purpose'] } }
        : { defaultCapacityType: eks.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 }),
      endpointAccess,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      kubectlProviderOptions: { kubectlLayer: props.kubectlLayer },
    });

    const prerequisites: IConstruct[] = [];
    if (nodes) {
      const instanceType = props.nodeInstanceType ?? new ec2.InstanceType('t3.large');
      this.nodegroup = this.cluster.addNodegroupCapacity('Nodes', {
        instanceTypes: [instanceType],
        subnets: props.subnets,
        amiType: nodegroupAmiType(this, KIND, instanceType, version, props.nodeAmiType),
        desiredSize: nodes.desired,
        minSize: nodes.min,
        maxSize: nodes.max,
      });
      sources._grantPullThrough(this, this.nodegroup.role);
      prerequisites.push(this.nodegroup, ...this.addAddons(versions, this.nodegroup));
    }

    // Lattice on the cluster. The id 'Default' keeps the logical ids (and so the
    // deployed resources) of clusters created before the integration existed.
    registerComposite(this, KIND);
    this.lattice = new LatticeEksIntegration(this, 'Default', {
      cluster: this.cluster,
      clusterName: props.clusterName,
      serviceNetwork: props.serviceNetwork,
      domain: props.domain,
      autoMode: this.autoMode,
      // The add-on above, or built into Auto Mode nodes; nothing to check at deploy time.
      podIdentityAgent: this.autoMode ? PodIdentityAgent.BUILT_IN : PodIdentityAgent.EXISTING,
      preflightChecks: false,
      kubernetesPrerequisites: prerequisites,
      routeNamespaceLabels: props.routeNamespaceLabels,
      installGatewayApiCrds: props.installGatewayApiCrds,
      gatewayApiCrds: props.gatewayApiCrds,
      sources,
      gatewayNamespace: props.gatewayNamespace,
      associationSecurityGroups: props.associationSecurityGroups,
      versions: props.versions,
      deletionGuard: props.deletionGuard,
      externalDnsOwnerId: props.externalDnsOwnerId,
      routeMaxConcurrentReconciles: props.routeMaxConcurrentReconciles,
      tenantIsolation: props.tenantIsolation,
    });
    registerClusterWiring(this, clusterWiring(this, KIND, this.lattice));
    this.domain = this.lattice.domain;
    this.serviceNetwork = this.lattice.serviceNetwork;
    this.gatewayName = this.lattice.gatewayName;
    this.gatewayNamespace = this.lattice.gatewayNamespace;
    this.gatewayListeners = this.lattice.gatewayListeners;
    this.gatewayControllerRole = this.lattice.gatewayControllerRole;
    this.gatewayControllerChart = this.lattice.gatewayControllerChart;
    this.externalDnsRole = this.lattice.externalDnsRole;
    this.externalDnsChart = this.lattice.externalDnsChart;
    this.gatewayManifest = this.lattice.gatewayManifest;
    this.gatewayApiCrdsManifest = this.lattice.gatewayApiCrdsManifest;
    this.gatewayApiCrdsAsset = this.lattice.gatewayApiCrdsAsset;
    this.gatewayApiCrdsRole = this.lattice.gatewayApiCrdsRole;
    this.sources = this.lattice.sources;
    this.serviceNetworkAssociation = this.lattice.serviceNetworkAssociation!;
    this.latticeIngressRules = this.lattice.latticeIngressRules;
    this.connections = this.cluster.connections;
    this.deletionGuard = this.lattice.deletionGuard;

    this.acknowledgeClusterFindings(endpointAccess._config.publicAccess);
    const publicCidrs = endpointAccess._config.publicCidrs ?? ['0.0.0.0/0'];
    if (endpointAccess._config.publicAccess && publicCidrs.includes('0.0.0.0/0')) {
      Annotations.of(this).addWarningV2('cdk-lattice-eks:publicEndpointOpen',
        `the Kubernetes API endpoint of cluster '${props.clusterName}' is public and open to 0.0.0.0/0 (IAM still authenticates every call); ` +
        'restrict it with endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(\'<your CIDR>\') or eks.EndpointAccess.PRIVATE');
    }
  }

  /**
   * Exposes a Kubernetes Service on VPC Lattice: an HTTPRoute attached to the
   * Gateway's listeners (a GRPCRoute on the HTTPS listener for
   * `protocol: LatticeRouteProtocol.GRPC`), with a hostname under the domain
   * when there is one.
   * The returned route is what an auth policy targets.
   */
  public exposeService(id: string, options: ExposeServiceOptions): LatticeServiceRoute {
    return new LatticeServiceRoute(this, id, { ...options, cluster: this });
  }

  /**
   * Exports a Kubernetes Service to VPC Lattice (a ServiceExport with a
   * health check): routes of any cluster can send to it with `importService`.
   */
  public exportService(id: string, options: ExportServiceOptions): LatticeServiceExport {
    return new LatticeServiceExport(this, id, { ...options, cluster: this });
  }

  /**
   * A route on this cluster's Gateway whose backends are the exports of one
   * or more clusters (ServiceImports), weighted: one Lattice service served
   * by several clusters. Auth policies target it like any route.
   */
  public importService(id: string, options: ImportServiceOptions): LatticeServiceRoute {
    const props = { ...options, cluster: this, serviceName: options.routeName, _serviceImports: options.backends };
    return new LatticeServiceRoute(this, id, props);
  }

  /**
   * Puts a workload on VPC Lattice in one call: Deployment, Service, health
   * check, route, Pod Identity and (optionally) the SigV4 proxy, cross-checked
   * at synth time. Name its callers with `allow()`.
   */
  public addLatticeWorkload(id: string, options: LatticeWorkloadOptions): LatticeWorkload {
    return new LatticeWorkload(this, id, { ...options, cluster: this });
  }

  /**
   * Gives a Kubernetes service account an IAM role through EKS Pod Identity
   * (session tags on), optionally creating the namespace and service account.
   */
  public addPodIdentity(id: string, options: PodIdentityOptions): LatticePodIdentity {
    return new LatticePodIdentity(this, id, { ...options, cluster: this });
  }

  private createVpc(cidr: string): ec2.Vpc {
    validateVpcCidr(this, cidr);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: 2,
      natGateways: 1,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    });
    return vpc;
  }

  private addAddons(versions: ResolvedVersions, nodegroup: eks.Nodegroup): IConstruct[] {
    const addon = (id: string, name: string, addonVersion: string | undefined) => new CfnAddon(this, id, {
      clusterName: this.cluster.clusterName,
      addonName: name,
      addonVersion,
      resolveConflicts: 'OVERWRITE',
    });
    const vpcCni = addon('VpcCni', 'vpc-cni', versions.vpcCniAddon);
    const kubeProxy = addon('KubeProxy', 'kube-proxy', versions.kubeProxyAddon);
    const podIdentityAgent = addon('PodIdentityAgent', 'eks-pod-identity-agent', versions.podIdentityAgentAddon);
    // CoreDNS becomes active only once nodes run it.
    const coredns = addon('CoreDns', 'coredns', versions.corednsAddon);
    coredns.node.addDependency(nodegroup);
    return [vpcCni, kubeProxy, podIdentityAgent, coredns];
  }

  private acknowledgeClusterFindings(publicEndpoint: boolean): void {
    if (publicEndpoint) {
      // cdk-nag checks EKS1 only where aws-eks-v2 still builds aws-eks's CfnCluster (aws-cdk-lib < 2.27x).
      acknowledge(this.cluster, 'AwsSolutions-EKS1',
        'The public endpoint is the documented default so that operators can run kubectl; restrict it with the endpointAccess prop (PRIVATE or PUBLIC_AND_PRIVATE.onlyFrom(cidrs)). Nodes and the kubectl handler use the private endpoint.');
    }
    const managed = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;
    acknowledge(this.cluster.role, managed('AmazonEKSClusterPolicy'),
      'AmazonEKSClusterPolicy is the policy EKS requires on a cluster service role; AWS maintains it with the service.');
    if (this.nodegroup) {
      for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
        acknowledge(this.nodegroup.role, managed(policy),
          `${policy} is one of the three policies EKS documents for managed node group roles; it tracks the node agent's needs.`);
      }
    } else {
      for (const policy of ['AmazonEKSComputePolicy', 'AmazonEKSBlockStoragePolicy', 'AmazonEKSLoadBalancingPolicy', 'AmazonEKSNetworkingPolicy']) {
        acknowledge(this.cluster.role, managed(policy),
          `${policy} is one of the policies EKS requires on the cluster role of an EKS Auto Mode cluster (aws-eks-v2 attaches it); AWS maintains it with the service.`);
      }
      const nodeRole = this.cluster.node.tryFindChild('ClusternodePoolRole');
      if (nodeRole) {
        for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly']) {
          acknowledge(nodeRole, managed(policy),
            `${policy} is one of the two policies EKS documents for the EKS Auto Mode node role (aws-eks-v2 creates the role with them).`);
        }
      }
    }
    const provider = this.cluster.node.tryFindChild('KubectlProvider');
    if (provider) {
      const handler = provider.node.tryFindChild('Handler');
      if (handler) {
        for (const policy of ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly']) {
          acknowledge(handler, managed(policy),
            `aws-eks-v2's kubectl handler is created with ${policy} (logs, VPC ENIs, layer pulls); the construct does not expose its role policies.`);
        }
        acknowledge(handler, 'AwsSolutions-IAM4[Policy::{"Fn::If":["' + ecrPublicConditionId(this) + '",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
          'aws-eks-v2\'s kubectl handler reads public ECR (OCI Helm charts) where that partition has it.');
        acknowledge(handler, 'AwsSolutions-L1',
          'The kubectl handler runtime is chosen by aws-eks-v2 to match its kubectl layer; it is updated with aws-cdk-lib.');
      }
      acknowledge(provider, 'AwsSolutions-IAM5[Resource::<' + handlerLogicalId(this) + '.Arn>:*]',
        'The custom resource framework may invoke any version of the kubectl handler function (and only that function).');
      acknowledge(provider, managed('service-role/AWSLambdaBasicExecutionRole'),
        'The custom resource framework function of aws-eks-v2 writes its logs with the basic execution role.');
      const framework = provider.node.tryFindChild('Provider')?.node.tryFindChild('framework-onEvent');
      if (framework) acknowledge(framework, 'AwsSolutions-L1', FRAMEWORK_RUNTIME_REASON);
      acknowledge(provider, managed('service-role/AWSLambdaVPCAccessExecutionRole'),
        'The custom resource framework function of aws-eks-v2 runs in the cluster VPC to reach a private endpoint.');
    }
  }
}

function ecrPublicConditionId(scope: LatticeEksCluster): string {
  const stack = Stack.of(scope);
  const condition = scope.cluster.node.findAll().find((c) => c.node.id === 'HasEcrPublic');
  return condition ? stack.getLogicalId(condition as any) : 'HasEcrPublic';
}

function handlerLogicalId(scope: LatticeEksCluster): string {
  const handler = scope.cluster.node.tryFindChild('KubectlProvider')?.node.tryFindChild('Handler');
  const resource = handler?.node.defaultChild;
  return resource ? Stack.of(scope).getLogicalId(resource as any) : 'Handler';
}

function validateKubernetesVersion(scope: Construct, version: eks.KubernetesVersion): void {
  const match = /^1\.(\d+)$/.exec(version.version);
  if (!match || Number(match[1]) < MIN_KUBERNETES_MINOR) {
    throw validationError(scope, KIND, `Kubernetes version '${version.version}' is too old: the AWS Gateway API Controller v2 needs 1.${MIN_KUBERNETES_MINOR} or newer`);
  }
  if (Number(match[1]) > NEWEST_KUBERNETES_MINOR) {
    Annotations.of(scope).addWarningV2('cdk-lattice-eks:kubernetesVersionUntested',
      `Kubernetes ${version.version} is newer than 1.${NEWEST_KUBERNETES_MINOR}, the newest version this library supports (see the README's compatibility matrix); ` +
      'give the kubectl layer of that version and check the add-on versions');
  }
}

/** Largest size of one EKS managed node group (a service quota that cannot be raised). */
const MAX_NODES_PER_NODEGROUP = 450;

/** The props without which nothing can be built, the App the constructs belong to, the network's region. */
function validateRequired(scope: Construct, props: LatticeEksClusterProps): void {
  validateClusterInputs(scope, KIND, props, ['clusterName', 'serviceNetwork', 'kubectlLayer'], [['serviceNetwork', props.serviceNetwork], ['domain', props.domain], ['vpc', props.vpc]], props?.serviceNetwork, 'the cluster');
}

/** The node group's sizes, defaults applied and validated (used for both, so they cannot disagree). */
function nodeScaling(scope: Construct, props: LatticeEksClusterProps): { desired: number; min: number; max: number } {
  const tokens = (['nodeCount', 'minNodes', 'maxNodes'] as const).filter((name) => props[name] !== undefined && Token.isUnresolved(props[name]));
  if (tokens.length > 0) {
    throw validationError(scope, KIND, literalRequired(tokens.join(', '), 'number', 'check the node group\'s sizes against each other and the EKS limits'));
  }
  const desired = props.nodeCount ?? 2;
  const min = props.minNodes ?? Math.min(1, desired);
  const max = props.maxNodes ?? Math.max(4, desired);
  for (const [name, value] of [['nodeCount', desired], ['minNodes', min], ['maxNodes', max]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw validationError(scope, KIND, `${name} ${value} must be a non-negative integer`);
    }
    if (value > MAX_NODES_PER_NODEGROUP) {
      throw validationError(scope, KIND, `${name} ${value} is more than an EKS managed node group can have (${MAX_NODES_PER_NODEGROUP}); use a larger nodeInstanceType`);
    }
  }
  if (desired < 1) {
    throw validationError(scope, KIND,
      `nodeCount ${desired} leaves the cluster without nodes, so CoreDNS, the Gateway API Controller and ExternalDNS cannot start and the deployment hangs; use nodeCount >= 1`);
  }
  if (max < 1 || min > desired || desired > max) {
    throw validationError(scope, KIND, `node counts must satisfy minNodes (${min}) <= nodeCount (${desired}) <= maxNodes (${max}), with maxNodes >= 1`);
  }
  return { desired, min, max };
}

function validateVpcCidr(scope: Construct, cidr: string): void {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255)) {
    throw validationError(scope, KIND, `vpcCidr '${cidr}' is not an IPv4 CIDR block`);
  }
  if (prefix < 16 || prefix > 24) {
    throw validationError(scope, KIND, `vpcCidr '${cidr}' must have a prefix between /16 and /24 (VPC limits and room for nodes and pods)`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0) {
    throw validationError(scope, KIND, `vpcCidr '${cidr}' has host bits set; did you mean the network address?`);
  }
  if (octets[0] === 169 && octets[1] === 254) {
    throw validationError(scope, KIND, `vpcCidr '${cidr}' overlaps the link-local range VPC Lattice uses (169.254.0.0/16)`);
  }
}

/** Props that EKS Auto Mode makes meaningless: rejected rather than silently ignored. */
function validateAutoModeProps(scope: Construct, props: LatticeEksClusterProps): void {
  const nodeProps = (['nodeInstanceType', 'nodeAmiType', 'nodeCount', 'minNodes', 'maxNodes'] as const).filter((name) => props[name] !== undefined);
  const addonProps = (['vpcCniAddon', 'corednsAddon', 'kubeProxyAddon', 'podIdentityAgentAddon'] as const)
    .filter((name) => props.versions?.[name] !== undefined).map((name) => `versions.${name}`);
  const given = [...nodeProps, ...addonProps];
  if (given.length > 0) {
    throw validationError(scope, KIND,
      `${given.join(', ')} cannot be used with autoMode: EKS Auto Mode chooses the instances and runs VPC CNI, CoreDNS, kube-proxy and the Pod Identity agent itself; ` +
      'drop them, or set autoMode: false for a managed node group');
  }
}

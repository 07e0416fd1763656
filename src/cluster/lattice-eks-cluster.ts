import { Annotations, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnAddon } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, DependencyGroup, IConstruct } from 'constructs';
import { ArtifactSources, LatticeChart } from '../artifact-sources';
import { DeletionGuardOptions, LatticeDeletionGuard } from './deletion-guard';
import { GatewayApiCrdsSource } from './gateway-api-crds-source';
import { LatticePodIdentity, PodIdentityOptions } from './lattice-pod-identity';
import { ExportServiceOptions, LatticeServiceExport } from './lattice-service-export';
import { PrivateCaDomain } from '../domain/private-ca-domain';
import { allowedRoutesFrom, gatewayListenerNames, latticeGateway, latticeGatewayClass } from '../k8s/gateway-api';
import { GATEWAY_API_CRDS_SERVICE_ACCOUNT, gatewayApiCrdsJob, gatewayApiCrdsJobName } from '../k8s/gateway-api-crds-job';
import {
  EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_SERVICE_ACCOUNT, externalDnsValues, GATEWAY_CONTROLLER_NAMESPACE,
  GATEWAY_CONTROLLER_SERVICE_ACCOUNT, gatewayControllerValues,
} from '../k8s/helm-values';
import { READINESS_GATE_INJECT_LABEL } from '../k8s/multi-cluster';
import { K8sObject, namespaceObject } from '../k8s/object';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import {
  acknowledgeGatewayControllerPolicy, controllerManagedBy, gatewayControllerStatements, takeoverStatement,
} from '../private/controller-policy';
import { validationError } from '../private/errors';
import { recordCluster } from '../private/export-registry';
import { externalDnsRecordNames, externalDnsRecordStatement } from '../private/external-dns-policy';
import { validatePinnedImage } from '../private/images';
import { validateDnsLabel } from '../private/k8s-names';
import { acknowledge, acknowledgeAwsCustomResourceProvider } from '../private/nag';
import { nodegroupAmiType } from '../private/node-ami';
import { podIdentityAssociation, podIdentityAssociationOf, podIdentityRole } from '../private/pod-identity';
import { ExposeServiceOptions, ImportServiceOptions, LatticeServiceRoute } from '../service/lattice-service-route';
import { LatticeWorkload, LatticeWorkloadOptions } from '../service/lattice-workload';
import { PinnedVersions } from '../versions';

const KIND = 'LatticeEksCluster';

/** Namespaces every cluster has: never created or deleted by this library. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Oldest Kubernetes version the AWS Gateway API Controller v2 supports. */
const MIN_KUBERNETES_MINOR = 31;

/**
 * Versions of what a `LatticeEksCluster` installs. Every field defaults to the
 * constant of the same name in `PinnedVersions`.
 */
export interface LatticeEksClusterVersions {
  /**
   * Version of the AWS Gateway API Controller Helm chart (with the leading `v`).
   * @default PinnedVersions.GATEWAY_API_CONTROLLER_CHART
   */
  readonly gatewayApiControllerChart?: string;
  /**
   * Version of the ExternalDNS Helm chart. The records ExternalDNS may change are named the way ExternalDNS 0.21 names its TXT records.
   * @default PinnedVersions.EXTERNAL_DNS_CHART
   */
  readonly externalDnsChart?: string;
  /**
   * Gateway API release of the CRDs. Give `gatewayApiStandardInstallSha256` with it.
   * @default PinnedVersions.GATEWAY_API
   */
  readonly gatewayApi?: string;
  /**
   * SHA-256 of the release's `standard-install.yaml`.
   * @default PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256 (only valid for the default release)
   */
  readonly gatewayApiStandardInstallSha256?: string;
  /**
   * kubectl image that applies the Gateway API CRDs, used as given.
   * @default PinnedVersions.KUBECTL_IMAGE, pulled as `sources` says
   */
  readonly kubectlImage?: string;
  /**
   * Image with `sh`, `wget` and `sha256sum` that downloads and verifies the CRD bundle from GitHub, used as given.
   * @default PinnedVersions.DOWNLOAD_IMAGE, pulled as `sources` says
   */
  readonly downloadImage?: string;
  /**
   * AWS CLI v2 image (with `sh` and `sha256sum`) that reads the CRD bundle from S3 (`GatewayApiCrdsSource.fromFile`), used as given.
   * @default PinnedVersions.AWS_CLI_IMAGE, pulled as `sources` says
   */
  readonly awsCliImage?: string;
  /**
   * Version of the `vpc-cni` EKS add-on.
   * @default PinnedVersions.ADDON_VPC_CNI (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly vpcCniAddon?: string;
  /**
   * Version of the `coredns` EKS add-on.
   * @default PinnedVersions.ADDON_COREDNS (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly corednsAddon?: string;
  /**
   * Version of the `kube-proxy` EKS add-on.
   * @default PinnedVersions.ADDON_KUBE_PROXY (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly kubeProxyAddon?: string;
  /**
   * Version of the `eks-pod-identity-agent` EKS add-on.
   * @default PinnedVersions.ADDON_POD_IDENTITY_AGENT (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly podIdentityAgentAddon?: string;
}

/** Properties of a `LatticeEksCluster`. */
export interface LatticeEksClusterProps {
  /**
   * Name of the EKS cluster. A literal: auth policies in other stacks refer to
   * callers by it (session tag `eks-cluster-name`), and it is ExternalDNS's
   * owner id. 1-100 characters: letters, digits, `-` and `_`, starting with a
   * letter or digit.
   */
  readonly clusterName: string;

  /**
   * kubectl Lambda layer matching `version`, e.g. `new KubectlV35Layer(this, 'Kubectl')`
   * from `@aws-cdk/lambda-layer-kubectl-v35`.
   */
  readonly kubectlLayer: lambda.ILayerVersion;

  /** The service network the cluster's Gateway binds to (by name) and its VPC joins. */
  readonly serviceNetwork: ILatticeServiceNetwork;

  /**
   * Private domain, CA and certificate for custom domain names. With it the
   * Gateway gets an HTTPS listener, ExternalDNS is installed, and the cluster
   * VPC is associated with the domain's private zone.
   *
   * @default - no custom domain: services get Lattice-generated names, HTTP listener only
   */
  readonly domain?: PrivateCaDomain;

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
   * Kubernetes version (>= 1.31, the AWS Gateway API Controller's minimum).
   * @default eks.KubernetesVersion.V1_35
   */
  readonly version?: eks.KubernetesVersion;

  /**
   * Labels of the namespaces whose routes may attach to the Gateway. Without
   * them, the Gateway admits routes only from the namespaces of the routes
   * this library creates on the cluster (`exposeService`).
   * @default - only the namespaces of the library's routes
   */
  readonly routeNamespaceLabels?: Record<string, string>;

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

  /**
   * Install the Gateway API standard CRDs (a Job fetches the pinned release
   * bundle at deploy time, verifies its SHA-256 and applies it). Turn off for
   * clusters that already have Gateway API v1.5 CRDs.
   *
   * @default true
   */
  readonly installGatewayApiCrds?: boolean;

  /**
   * Where the CRD installer gets the release bundle: GitHub at deploy time, or
   * a local file verified at synth time and delivered as an S3 file asset (for
   * clusters without internet access).
   *
   * @default GatewayApiCrdsSource.github()
   */
  readonly gatewayApiCrds?: GatewayApiCrdsSource;

  /**
   * Where images and Helm charts are pulled from: the controller and
   * ExternalDNS charts and their images, the CRD installer's images, and
   * (unless it is given its own) `SigV4SidecarPolicy`'s Kyverno chart and images.
   *
   * @default ArtifactSources.publicRegistries()
   */
  readonly sources?: ArtifactSources;

  /**
   * Namespace of the Gateway (created if it is not `default`).
   * @default 'lattice-gateway'
   */
  readonly gatewayNamespace?: string;

  /**
   * Security groups of the service-network VPC association.
   * @default - none (see `ServiceNetworkVpcAssociationOptions`)
   */
  readonly associationSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * Versions of the charts, images and add-ons installed.
   * @default - the `PinnedVersions` constants
   */
  readonly versions?: LatticeEksClusterVersions;

  /**
   * The deletion guard: when the stack is deleted, it holds the controller and
   * ExternalDNS back until they have removed the Lattice services, target
   * groups, listeners and DNS records they created for this cluster (at most
   * `timeout`), then fails listing what is left, or deletes it when opted in.
   *
   * @default - enabled, 10 minutes, no deletion of leftovers
   */
  readonly deletionGuard?: DeletionGuardOptions;

  /**
   * Routes the AWS Gateway API Controller reconciles in parallel (per route
   * type): with more, terminating pods are deregistered sooner during
   * rollouts (the controller FAQ recommends 10). 1-100.
   * @default 10
   */
  readonly routeMaxConcurrentReconciles?: number;
}

/**
 * An EKS cluster wired into a VPC Lattice service network: the AWS Gateway API
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
export class LatticeEksCluster extends Construct implements ec2.IConnectable {
  /** The EKS cluster. */
  public readonly cluster: eks.Cluster;
  /** Name of the EKS cluster. */
  public readonly clusterName: string;
  /** VPC of the cluster. */
  public readonly vpc: ec2.IVpc;
  /** The managed node group. */
  public readonly nodegroup: eks.Nodegroup;
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
  public readonly latticeIngressRules: ec2.CfnSecurityGroupIngress[] = [];
  /** Network connections of the cluster (its security groups). */
  public readonly connections: ec2.Connections;
  /** The deletion guard (unless disabled). */
  public readonly deletionGuard?: LatticeDeletionGuard;

  /** Everything Kubernetes objects of this cluster must come after (and be deleted before). */
  private readonly k8sPrerequisites: IConstruct[] = [];
  /** What routes and policies wait for: the Gateway and the deletion guard (hence the controller and ExternalDNS). */
  private readonly routePrerequisites: IConstruct[] = [];
  /** Namespace manifests this library created, by name. */
  private readonly namespaces = new Map<string, eks.KubernetesManifest>();
  /** Namespaces of the routes on this cluster: the only ones the Gateway admits routes from. */
  private readonly routeNamespaces = new Set<string>();
  /** Hostnames of the routes on this cluster: the only records its ExternalDNS may change. */
  private readonly routeHostnames = new Set<string>();
  private externalDnsRecordStatement?: iam.PolicyStatement;
  /**
   * Per namespace, whatever creates it (filled as constructs are added). Objects
   * in a namespace depend on its group: the group's members are read at synth
   * time, so the order in which constructs are created does not matter.
   */
  private readonly namespaceCreators = new Map<string, DependencyGroup>();
  /** What namespaces holding objects the controllers clean up must come after: the controller and ExternalDNS. */
  private readonly controllers = new DependencyGroup();
  /** Namespaces Helm creates with a chart of this cluster. */
  private readonly chartNamespaces = new Set<string>();
  /** Namespaces holding objects the controller reconciles. */
  private readonly controllerNamespaces = new Set<string>();
  /** Per namespace with Lattice targets: its readiness-gate label patch and the controller (whose webhook injects the gate). */
  private readonly readinessGates = new Map<string, DependencyGroup>();
  /** Previous owners this cluster's controller may take Lattice services over from. */
  private readonly takeoverFrom = new Set<string>();

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeEksClusterProps) {
    super(scope, id);
    validateRequired(this, props);
    validateClusterName(this, props.clusterName);
    const version = props.version ?? eks.KubernetesVersion.V1_35;
    validateKubernetesVersion(this, version);
    const nodes = nodeScaling(this, props);
    if (props.subnets && !props.vpc) {
      throw validationError(this, KIND, 'subnets needs vpc: the new VPC\'s subnets are chosen by the construct');
    }
    if (props.vpc && props.vpcCidr !== undefined) {
      throw validationError(this, KIND, `give either vpc or vpcCidr ('${props.vpcCidr}'), not both`);
    }
    this.sources = props.sources ?? ArtifactSources.publicRegistries();
    const versions = resolveVersions(this, version, this.sources, props.versions);
    const routeMaxConcurrentReconciles = props.routeMaxConcurrentReconciles ?? 10;
    if (Token.isUnresolved(routeMaxConcurrentReconciles) || !Number.isInteger(routeMaxConcurrentReconciles)
      || routeMaxConcurrentReconciles < 1 || routeMaxConcurrentReconciles > 100) {
      throw validationError(this, KIND, `routeMaxConcurrentReconciles ${routeMaxConcurrentReconciles} must be a literal integer between 1 and 100`);
    }

    this.clusterName = props.clusterName;
    recordCluster(this, props.clusterName);
    this.domain = props.domain;
    this.serviceNetwork = props.serviceNetwork;
    this.gatewayName = props.serviceNetwork.serviceNetworkName;
    this.gatewayNamespace = props.gatewayNamespace ?? 'lattice-gateway';
    validateDnsLabel(this, KIND, 'gatewayNamespace', this.gatewayNamespace);

    this.vpc = props.vpc ?? this.createVpc(props.vpcCidr ?? '10.0.0.0/16');

    const endpointAccess = props.endpointAccess ?? eks.EndpointAccess.PUBLIC_AND_PRIVATE;
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      version,
      vpc: this.vpc,
      vpcSubnets: props.subnets ? [props.subnets] : undefined,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
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
    this.connections = this.cluster.connections;

    const instanceType = props.nodeInstanceType ?? new ec2.InstanceType('t3.large');
    this.nodegroup = this.cluster.addNodegroupCapacity('Nodes', {
      instanceTypes: [instanceType],
      subnets: props.subnets,
      amiType: nodegroupAmiType(this, KIND, instanceType, version, props.nodeAmiType),
      desiredSize: nodes.desired,
      minSize: nodes.min,
      maxSize: nodes.max,
    });
    this.sources._grantPullThrough(this, this.nodegroup.role);
    const addons = this.addAddons(versions);
    this.k8sPrerequisites.push(this.nodegroup, ...addons);

    // Network: Lattice may reach pods; the VPC joins the network and the private zone.
    this.serviceNetworkAssociation = props.serviceNetwork.associateVpc(this.vpc, {
      securityGroups: props.associationSecurityGroups,
    });
    props.domain?.associateVpc(this.vpc);

    // 1. CRDs
    if (props.installGatewayApiCrds === false && props.gatewayApiCrds?.file !== undefined) {
      throw validationError(this, KIND, 'gatewayApiCrds is a file but installGatewayApiCrds is false; drop one of them');
    }
    const crdsReady = props.installGatewayApiCrds === false ? undefined : this.installGatewayApiCrds(versions, props.gatewayApiCrds);
    if (crdsReady && !crdsReady.asset && this.sources.isMirrored) {
      Annotations.of(this).addWarningV2('cdk-lattice-eks:crdsFromGitHub',
        `images and charts of cluster '${props.clusterName}' come from mirrors, but the Gateway API CRD bundle is still downloaded from GitHub at deploy time; ` +
        'give gatewayApiCrds: GatewayApiCrdsSource.fromFile(...) (an S3 asset) or installGatewayApiCrds: false');
    }
    this.gatewayApiCrdsManifest = crdsReady?.manifest;
    this.gatewayApiCrdsAsset = crdsReady?.asset;
    this.gatewayApiCrdsRole = crdsReady?.role;

    // 2. ExternalDNS (ships the DNSEndpoint CRD, which must exist before the controller starts)
    if (props.domain) {
      const dns = this.installExternalDns(props.domain, versions);
      this.externalDnsRole = dns.role;
      this.externalDnsChart = dns.chart;
    }

    // 3. The controller
    const controller = this.installGatewayController(versions, routeMaxConcurrentReconciles);
    this.gatewayControllerRole = controller.role;
    this.gatewayControllerChart = controller.chart;
    if (crdsReady) this.gatewayControllerChart.node.addDependency(crdsReady.ready);
    if (this.externalDnsChart) this.gatewayControllerChart.node.addDependency(this.externalDnsChart);
    this.controllers.add(this.gatewayControllerChart, ...(this.externalDnsChart ? [this.externalDnsChart] : []));
    this.registerChartNamespace(GATEWAY_CONTROLLER_NAMESPACE, this.gatewayControllerChart);
    if (this.externalDnsChart) this.registerChartNamespace(EXTERNAL_DNS_NAMESPACE, this.externalDnsChart);

    // 4. The deletion guard: deleted after the routes and policies the controllers clean up, before the controllers.
    const guardOptions = props.deletionGuard ?? {};
    if (guardOptions.enabled !== false) {
      this.deletionGuard = new LatticeDeletionGuard(this, 'DeletionGuard', {
        clusterName: this.clusterName,
        vpcId: this.vpc.vpcId,
        // The hub's zone is out of this account's reach: its records are checked by the hub's ExternalDNS role only.
        hostedZone: props.domain?.hubRoleArn ? undefined : props.domain?.hostedZone,
        txtOwnerId: this.clusterName,
        timeout: guardOptions.timeout,
        deleteLeftovers: guardOptions.deleteLeftovers,
      });
      // The custom resource only: the guard's function and roles need not wait for the charts.
      this.deletionGuard.resource.node.addDependency(this.controllers);
    }

    // 5. GatewayClass and Gateway
    const certificateArn = props.domain?.certificate.certificateArn;
    const allowedRoutes = Lazy.any({ produce: () => allowedRoutesFrom([...this.routeNamespaces], props.routeNamespaceLabels) });
    const gateway = { name: this.gatewayName, namespace: this.gatewayNamespace, certificateArn, allowedRoutes };
    this.gatewayListeners = gatewayListenerNames(gateway);
    this._ensureNamespace(this.gatewayNamespace);
    this.gatewayManifest = this._addManifest(this, 'Gateway', [latticeGatewayClass(), latticeGateway(gateway)]);
    this.gatewayManifest.node.addDependency(this.gatewayControllerChart);
    // The controller finds a RAM-shared network by name only through the VPC's active association.
    this.gatewayManifest.node.addDependency(this.serviceNetworkAssociation);
    // Routes and policies come after the Gateway and the guard (hence the
    // controller); the Gateway and the guard are independent, so they deploy
    // side by side.
    this.routePrerequisites.push(this.gatewayManifest, this.deletionGuard?.resource ?? this.gatewayControllerChart);

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
   * Gateway's listeners, with a hostname under the domain when there is one.
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
    const props = {
      ...options,
      cluster: this,
      serviceName: options.routeName,
      _serviceImports: options.backends,
    };
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
   * Records a route of this cluster: its namespace is admitted by the Gateway,
   * VPC Lattice may reach pods on its target port (none for routes to
   * imported services), and its hostname becomes one of the records
   * ExternalDNS may change.
   * @internal
   */
  public _registerRoute(namespace: string, targetPort: number | undefined, hostname?: string): void {
    this.routeNamespaces.add(namespace);
    if (targetPort !== undefined) this._registerTargets(namespace, targetPort);
    // With the hub's zone, the hub's role scopes the records (addSpokeAccount hostnames).
    if (!hostname || !this.externalDnsRole || !this.domain || this.domain.hubRoleArn) return;
    this.routeHostnames.add(hostname.toLowerCase());
    if (!this.externalDnsRecordStatement) {
      const recordNames = Lazy.list({ produce: () => externalDnsRecordNames([...this.routeHostnames]) });
      this.externalDnsRecordStatement = externalDnsRecordStatement(this.domain.hostedZone.hostedZoneArn, recordNames);
      this.externalDnsRole.addToPrincipalPolicy(this.externalDnsRecordStatement);
    }
  }

  /**
   * Records Lattice targets (pods) in `namespace` on `targetPort`: the
   * cluster security group admits the Lattice prefix list on the port, and
   * the namespace gets the controller's readiness-gate label, so new pods are
   * Ready only once Lattice has registered them and finds them healthy.
   * @internal
   */
  public _registerTargets(namespace: string, targetPort: number): void {
    this.allowLatticeIngress(targetPort);
    this._readinessGatePrerequisites(namespace);
  }

  /**
   * What pods of `namespace` must be created after so that they get the
   * readiness gate: the label patch (created once) and the controller.
   * @internal
   */
  public _readinessGatePrerequisites(namespace: string): DependencyGroup {
    let group = this.readinessGates.get(namespace);
    if (!group) {
      const patch = new eks.KubernetesPatch(this, `ReadinessGate-${namespace}`, {
        cluster: this.cluster,
        resourceName: `namespace/${namespace}`,
        applyPatch: { metadata: { labels: { [READINESS_GATE_INJECT_LABEL]: 'enabled' } } },
        restorePatch: { metadata: { labels: { [READINESS_GATE_INJECT_LABEL]: null } } },
      });
      patch.node.addDependency(...this.k8sPrerequisites);
      this._placeInNamespace(patch, namespace);
      group = new DependencyGroup(patch, this.gatewayControllerChart);
      this.readinessGates.set(namespace, group);
    }
    return group;
  }

  /**
   * Lets this cluster's controller retag Lattice services (with their
   * listeners, rules and network association) owned by `previousOwner`
   * (validated by the caller) over to this cluster.
   * @internal
   */
  public _allowTakeoverFrom(previousOwner: string): void {
    if (this.takeoverFrom.has(previousOwner)) return;
    const stack = Stack.of(this);
    const own = controllerManagedBy(stack.account, this.clusterName, this.vpc.vpcId);
    if (!Token.isUnresolved(stack.account) && previousOwner === own) {
      throw validationError(this, KIND, `allowTakeoverFrom '${previousOwner}' is this cluster itself; omit it`);
    }
    this.takeoverFrom.add(previousOwner);
    this.gatewayControllerRole.addToPrincipalPolicy(takeoverStatement(stack, `TakeOverFrom${this.takeoverFrom.size}`, previousOwner, own));
  }

  /**
   * Path of the Pod Identity association of `namespace/serviceAccount` on this cluster, if any.
   * @internal
   */
  public _podIdentityOf(namespace: string, serviceAccount: string): string | undefined {
    return podIdentityAssociationOf(this.cluster, namespace, serviceAccount);
  }

  /**
   * Gives a Kubernetes service account an IAM role through EKS Pod Identity
   * (session tags on), optionally creating the namespace and service account.
   */
  public addPodIdentity(id: string, options: PodIdentityOptions): LatticePodIdentity {
    return new LatticePodIdentity(this, id, { ...options, cluster: this });
  }

  /**
   * Adds Kubernetes objects to the cluster, ordered after the node group and
   * add-ons (and deleted before them), and after whatever creates the
   * namespaces of the objects (looked up at synth time). `afterGateway`:
   * objects the controller reconciles (routes, policies), after the Gateway,
   * the deletion guard and the controller.
   *
   * @internal
   */
  public _addManifest(scope: Construct, id: string, objects: K8sObject[], afterGateway = false): eks.KubernetesManifest {
    const manifest = new eks.KubernetesManifest(scope, id, { cluster: this.cluster, manifest: objects as any[] });
    // The Gateway already comes after the nodes and add-ons: routes only list
    // the Gateway, the guard and the controller (keeps each route's DependsOn short).
    manifest.node.addDependency(...(afterGateway ? this.routePrerequisites : this.k8sPrerequisites));
    const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
    for (const namespace of namespaces) this._placeInNamespace(manifest, namespace, afterGateway);
    return manifest;
  }

  /**
   * Orders `construct` (a namespaced object, or a Pod Identity association)
   * after whatever creates `namespace` in this cluster, whenever that is
   * added. `reconciledByController`: the object is one the controller
   * finalizes, so a namespace this library creates for it comes after the
   * controller (and is deleted before it).
   *
   * @internal
   */
  public _placeInNamespace(construct: IConstruct, namespace: string, reconciledByController = false): void {
    validateDnsLabel(this, KIND, 'namespace', namespace);
    construct.node.addDependency(this.namespaceCreatorsOf(namespace));
    if (reconciledByController) this.namespaces.get(namespace)?.node.addDependency(this.controllers);
    if (reconciledByController) this.controllerNamespaces.add(namespace);
  }

  /**
   * Creates `namespace` (once per cluster) and registers it as its creator.
   * System namespaces always exist: for them nothing is created (no error).
   * `forApplications` (the default): the namespace may hold routes, policies
   * and workloads, so it comes after the controller and ExternalDNS and is
   * deleted before them. Infrastructure namespaces (Kyverno's) only come after
   * the nodes, so their charts install beside the controller.
   *
   * @returns the Namespace manifest, or undefined for a system namespace
   * @internal
   */
  public _ensureNamespace(namespace: string, forApplications = true): eks.KubernetesManifest | undefined {
    validateDnsLabel(this, KIND, 'namespace', namespace);
    // System namespaces always exist; the charts' namespaces are created by Helm (their chart is the creator).
    if (SYSTEM_NAMESPACES.includes(namespace) || this.chartNamespaces.has(namespace)) return undefined;
    let ns = this.namespaces.get(namespace);
    if (!ns) {
      ns = new eks.KubernetesManifest(this, `Namespace-${namespace}`, {
        cluster: this.cluster,
        manifest: [namespaceObject(namespace)],
      });
      ns.node.addDependency(...this.k8sPrerequisites);
      this.namespaces.set(namespace, ns);
      this.namespaceCreatorsOf(namespace).add(ns);
    }
    if (forApplications || this.controllerNamespaces.has(namespace)) ns.node.addDependency(this.controllers);
    return ns;
  }

  /** A namespace that a chart creates (`createNamespace`): objects there wait for the chart. */
  private registerChartNamespace(namespace: string, chart: eks.HelmChart): void {
    this.chartNamespaces.add(namespace);
    this.namespaceCreatorsOf(namespace).add(chart);
  }

  /** The (lazily filled) group of what creates `namespace`. */
  private namespaceCreatorsOf(namespace: string): DependencyGroup {
    let group = this.namespaceCreators.get(namespace);
    if (!group) {
      group = new DependencyGroup();
      this.namespaceCreators.set(namespace, group);
    }
    return group;
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

  private addAddons(versions: ResolvedVersions): IConstruct[] {
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
    coredns.node.addDependency(this.nodegroup);
    return [vpcCni, kubeProxy, podIdentityAgent, coredns];
  }

  /**
   * Ingress from the VPC Lattice managed prefix list to the cluster security
   * group (nodes and pods). The prefix list id is looked up at deploy time, so
   * environment-agnostic stacks synthesize offline.
   */
  private allowLatticeIngress(port: number): void {
    if (this.latticeIngressRules.some((rule) => rule.fromPort === port)) return;
    this.latticeIngressRules.push(new ec2.CfnSecurityGroupIngress(this, `LatticeIngress${port}`, {
      groupId: this.cluster.clusterSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      sourcePrefixListId: this.latticePrefixListId(),
      description: `VPC Lattice to pods on port ${port} (targets of Lattice services)`,
    }));
  }

  /** The id of the VPC Lattice managed prefix list of the region, looked up at deploy time (once per cluster). */
  private latticePrefixListId(): string {
    const existing = this.node.tryFindChild('LatticePrefixList') as cr.AwsCustomResource | undefined;
    if (existing) return existing.getResponseField('PrefixLists.0.PrefixListId');
    const stack = Stack.of(this);
    const prefixListName = `com.amazonaws.${stack.region}.vpc-lattice`;
    const lookup = new cr.AwsCustomResource(this, 'LatticePrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [prefixListName] }] },
        physicalResourceId: cr.PhysicalResourceId.of(prefixListName),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledge(lookup, 'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeManagedPrefixLists supports no resource-level permissions; the lookup only reads the VPC Lattice managed prefix list id.');
    acknowledgeAwsCustomResourceProvider(lookup);
    return lookup.getResponseField('PrefixLists.0.PrefixListId');
  }

  private installGatewayApiCrds(versions: ResolvedVersions, source?: GatewayApiCrdsSource): {
    manifest: eks.KubernetesManifest; ready: eks.KubernetesObjectValue; asset?: s3assets.Asset; role?: iam.Role;
  } {
    const namespace = 'kube-system';
    const stack = Stack.of(this);
    let fromS3: { asset: s3assets.Asset; role: iam.Role; association: IConstruct; sha256: string } | undefined;
    if (source?.file !== undefined) {
      const verified = source._verify(this, KIND, versions.gatewayApiStandardInstallSha256);
      const asset = new s3assets.Asset(this, 'GatewayApiCrdsBundle', { path: verified.file });
      const role = podIdentityRole(this, 'GatewayApiCrdsRole', `Gateway API CRD installer of EKS cluster ${this.clusterName}: reads the CRD bundle asset`);
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
      }));
      asset.bucket.encryptionKey?.grantDecrypt(role);
      const association = podIdentityAssociation(this, 'GatewayApiCrdsPodIdentity', this.cluster, namespace, GATEWAY_API_CRDS_SERVICE_ACCOUNT, role);
      fromS3 = { asset, role, association, sha256: verified.sha256 };
    }
    const manifest = this._addManifest(this, 'GatewayApiCrds', gatewayApiCrdsJob({
      version: versions.gatewayApi,
      sha256: fromS3?.sha256 ?? versions.gatewayApiStandardInstallSha256,
      downloadImage: fromS3 ? versions.awsCliImage : versions.downloadImage,
      kubectlImage: versions.kubectlImage,
      namespace,
      s3Url: fromS3?.asset.s3ObjectUrl,
      region: fromS3 ? stack.region : undefined,
    }));
    // The Job reads the object with the role's credentials: both exist before it runs.
    if (fromS3) manifest.node.addDependency(fromS3.association, fromS3.role);
    const ready = new eks.KubernetesObjectValue(this, 'GatewayApiCrdsReady', {
      cluster: this.cluster,
      objectType: 'job',
      objectName: gatewayApiCrdsJobName(versions.gatewayApi, fromS3 !== undefined),
      objectNamespace: namespace,
      jsonPath: '.status.succeeded',
      timeout: Duration.minutes(10),
    });
    ready.node.addDependency(manifest);
    return { manifest, ready, asset: fromS3?.asset, role: fromS3?.role };
  }

  private installExternalDns(domain: PrivateCaDomain, versions: ResolvedVersions): { role: iam.Role; chart: eks.HelmChart } {
    const stack = Stack.of(this);
    const role = podIdentityRole(this, 'ExternalDnsRole', `ExternalDNS of EKS cluster ${this.clusterName}: records in ${domain.domainName} only`);
    const hubRoleArn = domain.hubRoleArn;
    if (hubRoleArn) {
      // The zone is in the hub account: every Route 53 call goes through the hub's role for this account.
      // Pod Identity session tags are transitive, so the chained AssumeRole carries them (sts:TagSession).
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [hubRoleArn] }));
    } else {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
        resources: [domain.hostedZone.hostedZoneArn],
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['route53:ListHostedZones'], resources: ['*'] }));
      acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
        'route53:ListHostedZones supports no resource-level permissions; record changes are limited to the domain\'s zone ARN.');
    }
    const association = podIdentityAssociation(this, 'ExternalDnsPodIdentity', this.cluster, EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_SERVICE_ACCOUNT, role);
    const chart = new eks.HelmChart(this, 'ExternalDns', {
      cluster: this.cluster,
      chart: 'external-dns',
      repository: this.sources._chartRepository(this, KIND, LatticeChart.EXTERNAL_DNS),
      version: versions.externalDnsChart,
      release: 'external-dns',
      namespace: EXTERNAL_DNS_NAMESPACE,
      createNamespace: true,
      values: externalDnsValues({
        domainName: domain.domainName,
        txtOwnerId: this.clusterName,
        region: stack.region,
        assumeRoleArn: hubRoleArn,
        imageRepository: this.mirroredRepository(PinnedVersions.EXTERNAL_DNS_IMAGE_REPOSITORY),
      }),
    });
    // The role's policies too: ExternalDNS must keep its rights until it is gone.
    chart.node.addDependency(...this.k8sPrerequisites, association, role);
    return { role, chart };
  }

  private installGatewayController(versions: ResolvedVersions, routeMaxConcurrentReconciles: number): { role: iam.Role; chart: eks.HelmChart } {
    const stack = Stack.of(this);
    const role = podIdentityRole(this, 'GatewayControllerRole', `AWS Gateway API Controller of EKS cluster ${this.clusterName}`);
    const managedBy = controllerManagedBy(stack.account, this.clusterName, this.vpc.vpcId);
    const spec = { managedBy, serviceNetworkArn: this.serviceNetwork.serviceNetworkArn, vpcId: this.vpc.vpcId };
    for (const statement of gatewayControllerStatements(stack, spec)) role.addToPrincipalPolicy(statement);
    acknowledgeGatewayControllerPolicy(role);
    const association = podIdentityAssociation(
      this, 'GatewayControllerPodIdentity', this.cluster, GATEWAY_CONTROLLER_NAMESPACE, GATEWAY_CONTROLLER_SERVICE_ACCOUNT, role);
    const chart = new eks.HelmChart(this, 'GatewayController', {
      cluster: this.cluster,
      chart: 'aws-gateway-controller-chart',
      repository: this.sources._chartRepository(this, KIND, LatticeChart.GATEWAY_API_CONTROLLER),
      version: versions.gatewayApiControllerChart,
      release: 'aws-gateway-controller',
      namespace: GATEWAY_CONTROLLER_NAMESPACE,
      createNamespace: true,
      values: gatewayControllerValues({
        clusterName: this.clusterName,
        vpcId: this.vpc.vpcId,
        region: stack.region,
        account: stack.account,
        imageRepository: this.mirroredRepository(PinnedVersions.GATEWAY_API_CONTROLLER_IMAGE_REPOSITORY),
        routeMaxConcurrentReconciles,
      }),
    });
    // The role's policies too: the controller cleans up Lattice while its chart is deleted.
    chart.node.addDependency(...this.k8sPrerequisites, association, role);
    return { role, chart };
  }

  /** The mirrored form of an upstream image repository (undefined for the public registries: the chart's default stays). */
  private mirroredRepository(repository: string): string | undefined {
    if (!this.sources.isMirrored) return undefined;
    return this.sources._image(this, KIND, `${repository}:tag`).slice(0, -':tag'.length);
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
    const nodeRole = this.nodegroup.role;
    for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
      acknowledge(nodeRole, managed(policy),
        `${policy} is one of the three policies EKS documents for managed node group roles; it tracks the node agent's needs.`);
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
      acknowledge(provider, managed('service-role/AWSLambdaVPCAccessExecutionRole'),
        'The custom resource framework function of aws-eks-v2 runs in the cluster VPC to reach a private endpoint.');
    }
  }
}

interface ResolvedVersions {
  readonly gatewayApiControllerChart: string;
  readonly externalDnsChart: string;
  readonly gatewayApi: string;
  readonly gatewayApiStandardInstallSha256: string;
  readonly kubectlImage: string;
  readonly downloadImage: string;
  readonly awsCliImage: string;
  readonly vpcCniAddon?: string;
  readonly corednsAddon?: string;
  readonly kubeProxyAddon?: string;
  readonly podIdentityAgentAddon?: string;
}

function resolveVersions(
  scope: Construct, version: eks.KubernetesVersion, sources: ArtifactSources, v: LatticeEksClusterVersions = {},
): ResolvedVersions {
  const gatewayApi = v.gatewayApi ?? PinnedVersions.GATEWAY_API;
  if (gatewayApi !== PinnedVersions.GATEWAY_API && !v.gatewayApiStandardInstallSha256) {
    throw validationError(scope, KIND, `versions.gatewayApi '${gatewayApi}' needs versions.gatewayApiStandardInstallSha256 (the SHA-256 of its standard-install.yaml)`);
  }
  if (!/^v1\.5\.\d+$/.test(gatewayApi)) {
    throw validationError(scope, KIND, `versions.gatewayApi '${gatewayApi}' is not a v1.5.x release; AWS Gateway API Controller v2.1 requires Gateway API v1.5`);
  }
  const sha = v.gatewayApiStandardInstallSha256 ?? PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256;
  if (!/^[0-9a-f]{64}$/.test(sha)) {
    throw validationError(scope, KIND, `versions.gatewayApiStandardInstallSha256 '${sha}' is not a lowercase hex SHA-256`);
  }
  for (const [prop, image] of [['kubectlImage', v.kubectlImage], ['downloadImage', v.downloadImage], ['awsCliImage', v.awsCliImage]] as const) {
    if (image !== undefined) validatePinnedImage(scope, KIND, `versions.${prop}`, image);
  }
  // Add-on versions are pinned for the default Kubernetes version; for another
  // one EKS's default add-on version applies unless given.
  const defaultK8s = version.version === eks.KubernetesVersion.V1_35.version;
  return {
    gatewayApiControllerChart: v.gatewayApiControllerChart ?? PinnedVersions.GATEWAY_API_CONTROLLER_CHART,
    externalDnsChart: v.externalDnsChart ?? PinnedVersions.EXTERNAL_DNS_CHART,
    gatewayApi,
    gatewayApiStandardInstallSha256: sha,
    kubectlImage: v.kubectlImage ?? sources._image(scope, KIND, PinnedVersions.KUBECTL_IMAGE),
    downloadImage: v.downloadImage ?? sources._image(scope, KIND, PinnedVersions.DOWNLOAD_IMAGE),
    awsCliImage: v.awsCliImage ?? sources._image(scope, KIND, PinnedVersions.AWS_CLI_IMAGE),
    vpcCniAddon: v.vpcCniAddon ?? (defaultK8s ? PinnedVersions.ADDON_VPC_CNI : undefined),
    corednsAddon: v.corednsAddon ?? (defaultK8s ? PinnedVersions.ADDON_COREDNS : undefined),
    kubeProxyAddon: v.kubeProxyAddon ?? (defaultK8s ? PinnedVersions.ADDON_KUBE_PROXY : undefined),
    podIdentityAgentAddon: v.podIdentityAgentAddon ?? (defaultK8s ? PinnedVersions.ADDON_POD_IDENTITY_AGENT : undefined),
  };
}

/**
 * The AWS Gateway API Controller's recommended permissions, scoped where the
 * services allow it (region-bound Lattice access, service-linked role creation
 * only for Lattice, no S3 bucket-policy or Firehose rights: access-log policies
 * are CloudFormation's job here).
 */
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

function validateClusterName(scope: Construct, name: string): void {
  if (Token.isUnresolved(name)) {
    throw validationError(scope, KIND, 'clusterName must be a literal string, not a token: auth policies refer to it by name');
  }
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw validationError(scope, KIND, `clusterName '${name}' is not a valid EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)`);
  }
}

function validateKubernetesVersion(scope: Construct, version: eks.KubernetesVersion): void {
  const match = /^1\.(\d+)$/.exec(version.version);
  if (!match || Number(match[1]) < MIN_KUBERNETES_MINOR) {
    throw validationError(scope, KIND, `Kubernetes version '${version.version}' is too old: the AWS Gateway API Controller v2 needs 1.${MIN_KUBERNETES_MINOR} or newer`);
  }
}

/** Largest size of one EKS managed node group (a service quota that cannot be raised). */
const MAX_NODES_PER_NODEGROUP = 450;

/**
 * The props without which nothing can be built, checked first so that callers
 * from JavaScript or Python who leave one out get its name, not `undefined`.
 */
function validateRequired(scope: Construct, props: LatticeEksClusterProps): void {
  for (const name of ['clusterName', 'serviceNetwork', 'kubectlLayer'] as const) {
    if (props?.[name] === undefined || props?.[name] === null) {
      throw validationError(scope, KIND, `${name} is required`);
    }
  }
  for (const [name, construct] of [['serviceNetwork', props.serviceNetwork], ['domain', props.domain], ['vpc', props.vpc]] as const) {
    if (construct && construct.node.root !== scope.node.root) {
      throw validationError(scope, KIND, `${name} '${construct.node.path}' belongs to another App; create it in the same App as the cluster`);
    }
  }
  const networkRegion = props.serviceNetwork.env?.region;
  const clusterRegion = Stack.of(scope).region;
  if (networkRegion && !Token.isUnresolved(networkRegion) && !Token.isUnresolved(clusterRegion) && networkRegion !== clusterRegion) {
    throw validationError(scope, KIND,
      `serviceNetwork '${props.serviceNetwork.serviceNetworkName}' is in region ${networkRegion} but the cluster's stack is in ${clusterRegion}; ` +
      'a VPC can only join a service network of its own region: create the network in the cluster\'s region');
  }
}

/** The node group's sizes, defaults applied and validated (used for both, so they cannot disagree). */
function nodeScaling(scope: Construct, props: LatticeEksClusterProps): { desired: number; min: number; max: number } {
  const tokens = (['nodeCount', 'minNodes', 'maxNodes'] as const).filter((name) => props[name] !== undefined && Token.isUnresolved(props[name]));
  if (tokens.length > 0) {
    throw validationError(scope, KIND, `${tokens.join(', ')} must be literal numbers, not tokens: the node group's sizes are checked at synth time`);
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


import { createHash } from 'crypto';
import { Annotations, CfnResource, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
// From aws-eks, not aws-eks-v2: aws-cdk-lib 2.263.0 (the lowest supported version) has no L1s in aws-eks-v2.
import { CfnAddon } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, DependencyGroup, IConstruct, IDependable } from 'constructs';
import { ArtifactSources, LatticeChart } from '../artifact-sources';
import { LatticeDeletionGuard } from './deletion-guard';
import { MIN_GATEWAY_API_MINOR } from './gateway-api-bundles';
import { GatewayApiCrdsSource } from './gateway-api-crds-source';
import { ClusterWiring, ILatticeCluster, registerClusterWiring, reportingAs } from './lattice-cluster';
import { LatticeInstallOptions } from './lattice-install-options';
import { LatticePodIdentity, PodIdentityOptions } from './lattice-pod-identity';
import { ExportServiceOptions, LatticeServiceExport } from './lattice-service-export';
import { ResolvedVersions, resolveVersions } from './lattice-versions';
import { PreflightChecks } from './preflight';
import { PrivateCaDomain } from '../domain/private-ca-domain';
import { allowedRoutesFrom, gatewayListenerNames, latticeGateway, latticeGatewayClass, TLS_PASSTHROUGH_PORT } from '../k8s/gateway-api';
import { GATEWAY_API_CRDS_SERVICE_ACCOUNT, gatewayApiCrdsJob, gatewayApiCrdsJobName } from '../k8s/gateway-api-crds-job';
import { gatewayApiDowngradeGuard } from '../k8s/gateway-api-downgrade-guard';
import {
  EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_SERVICE_ACCOUNT, externalDnsValues, GATEWAY_CONTROLLER_NAMESPACE,
  GATEWAY_CONTROLLER_SERVICE_ACCOUNT, gatewayControllerValues,
} from '../k8s/helm-values';
import { READINESS_GATE_INJECT_LABEL } from '../k8s/multi-cluster';
import { K8sObject, namespaceObject } from '../k8s/object';
import { PREFLIGHT_NAME } from '../k8s/preflight';
import { DeployerIdentity, tenantGuard } from '../k8s/tenant-guard';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import { validateClusterInputs } from '../private/app-checks';
import { validateClusterName } from '../private/cluster-name';
import {
  acknowledgeGatewayControllerPolicy, controllerManagedBy, gatewayControllerStatements, takeoverStatements,
} from '../private/controller-policy';
import { clusterDomainClashProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import { recordCluster } from '../private/export-registry';
import { assertExternalDnsOwnerId, defaultExternalDnsOwnerId } from '../private/external-dns-owner';
import { externalDnsRecordNames, externalDnsRecordStatement } from '../private/external-dns-policy';
import { spokeRolePath } from '../private/hub-zone';
import { validateDnsLabel } from '../private/k8s-names';
import { acknowledge, acknowledgeAwsCustomResourceProvider } from '../private/nag';
import { podIdentityAssociation, podIdentityAssociationOf, podIdentityRole } from '../private/pod-identity';
import { ExposeServiceOptions, ImportServiceOptions, LatticeServiceRoute } from '../service/lattice-service-route';
import { LatticeWorkload, LatticeWorkloadOptions } from '../service/lattice-workload';
import { PinnedVersions } from '../versions';

const KIND = 'LatticeEksIntegration';

/** Namespaces every cluster has: never created or deleted by this library. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Where the pods of the cluster get EKS Pod Identity credentials from. */
export enum PodIdentityAgent {
  /** EKS Auto Mode nodes run the agent themselves: nothing is installed or checked. */
  BUILT_IN = 'BUILT_IN',
  /**
   * The cluster already runs the agent (the `eks-pod-identity-agent` add-on or
   * its DaemonSet in `kube-system`): nothing is installed; a deploy-time
   * preflight stops the deploy when the DaemonSet is missing.
   */
  EXISTING = 'EXISTING',
  /** Install the `eks-pod-identity-agent` EKS add-on (fails on a cluster that already has it). */
  INSTALL = 'INSTALL',
}

/** Properties of a `LatticeEksIntegration`. */
export interface LatticeEksIntegrationProps extends LatticeInstallOptions {
  /**
   * The cluster: one the app creates with `aws-eks-v2` (Auto Mode, node
   * groups or both), or one imported with `Cluster.fromClusterAttributes`
   * with a `kubectlProvider` (or `kubectlProviderOptions`), `vpc` and
   * `clusterSecurityGroupId` given.
   */
  readonly cluster: eks.ICluster;

  /** The service network the cluster's Gateway binds to (by name) and its VPC joins. */
  readonly serviceNetwork: ILatticeServiceNetwork;

  /**
   * Name of the EKS cluster, as auth policies name callers (session tag
   * `eks-cluster-name`). Must be a literal.
   * @default - `cluster.clusterName` when it is a literal (an imported cluster, or `clusterName` given to `eks.Cluster`)
   */
  readonly clusterName?: string;

  /**
   * Whether the cluster's compute is EKS Auto Mode: the Pod Identity agent is
   * built in, and the Auto Mode node role gets the ECR pull-through rights.
   * @default - read from an `eks.Cluster` of the app (its compute config); false for an imported cluster
   */
  readonly autoMode?: boolean;

  /**
   * Where pods get EKS Pod Identity credentials from.
   * @default - `BUILT_IN` on Auto Mode; `INSTALL` for a cluster of the app whose `eksPodIdentityAgent` was not added; `EXISTING` otherwise
   */
  readonly podIdentityAgent?: PodIdentityAgent;

  /**
   * Check at deploy time, before anything is installed, what the cluster must
   * already have: with `PodIdentityAgent.EXISTING`, an agent with available
   * pods; with `installGatewayApiCrds: false`, Gateway API CRDs v1.5 or newer.
   * A failed check stops the deploy with a message naming what is missing and
   * the fix. Turn off only when the app itself creates those prerequisites.
   * @default true
   */
  readonly preflightChecks?: boolean;

  /**
   * IAM roles of the nodes that pull images: with an ECR pull-through cache
   * in `sources`, they may create and fill its repositories.
   * @default - the Auto Mode node role of an `eks.Cluster` of the app (none for an imported cluster)
   */
  readonly nodeRoles?: iam.IRole[];

  /**
   * Security group of the nodes that run Lattice targets: Lattice's managed
   * prefix list is admitted on each target port. Auto Mode's default NodeClass
   * and managed node groups use the cluster security group.
   * @default - the cluster security group
   */
  readonly targetSecurityGroup?: ec2.ISecurityGroup;

  /**
   * Namespaces that exist on the cluster already: the library never creates
   * or deletes them (so destroy leaves them as they were), and objects placed
   * there need no `createNamespace`.
   * @default - none besides the system namespaces
   */
  readonly existingNamespaces?: string[];

  /**
   * What every Kubernetes object of this integration is created after (and
   * deleted before): e.g. the app's node groups and add-ons, so that the
   * charts have nodes to run on.
   * @default - nothing besides the cluster
   */
  readonly kubernetesPrerequisites?: IDependable[];

  /**
   * Associate the cluster's VPC with the service network. Turn off when the
   * VPC is associated already (Lattice allows one association per VPC).
   * @default true
   */
  readonly associateVpc?: boolean;
}

/**
 * Lattice on an EKS cluster the app already has: a cluster created with plain
 * `aws-eks-v2` (Auto Mode, managed node groups, both) or an imported one. It
 * installs the Gateway API CRDs (unless the cluster has them), the AWS Gateway
 * API Controller and ExternalDNS (Pod Identity), a GatewayClass and a Gateway
 * named like the service network, the deletion guard, the VPC's associations
 * with the network and the private zone, and Lattice ingress rules for the
 * routes' target ports.
 *
 * Destroying it deletes only what it created: never a namespace listed in
 * `existingNamespaces` or a system namespace, never CRDs (the installer Job
 * leaves them; deleting a CRD would delete every object of that kind, other
 * teams' included), never another installation's objects.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as eks from 'aws-cdk-lib/aws-eks-v2';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { LatticeCaller, LatticeEksIntegration, LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const kubectlLayer: lambda.ILayerVersion;
 * declare const serviceNetwork: LatticeServiceNetwork;
 * // An EKS Auto Mode cluster written with plain aws-eks-v2.
 * const cluster = new eks.Cluster(stack, 'Cluster', {
 *   clusterName: 'platform',
 *   version: eks.KubernetesVersion.V1_35,
 *   kubectlProviderOptions: { kubectlLayer },
 * });
 * const lattice = new LatticeEksIntegration(stack, 'Lattice', { cluster, serviceNetwork });
 * lattice.exposeService('Orders', { serviceName: 'orders', namespace: 'shop', port: 80, createNamespace: true })
 *   .allow(LatticeCaller.eksWorkload({ clusterName: 'checkout-cluster', namespaces: ['checkout'] }));
 */
export class LatticeEksIntegration extends Construct implements ILatticeCluster {
  /** The EKS cluster Lattice is installed on. */
  public readonly cluster: eks.ICluster;
  /** Name of the EKS cluster. */
  public readonly clusterName: string;
  /** VPC of the cluster. */
  public readonly vpc: ec2.IVpc;
  /** Whether the cluster runs EKS Auto Mode compute. */
  public readonly autoMode: boolean;
  /** Kubernetes version of the cluster: unknown (undefined) for an existing cluster. */
  public readonly kubernetesVersion?: string;
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
  /** The tenant-isolation admission policies (unless `tenantIsolation` is false). */
  public readonly tenantGuardManifest?: eks.KubernetesManifest;
  /** The service-network VPC association (unless `associateVpc` is false). */
  public readonly serviceNetworkAssociation?: vpclattice.CfnServiceNetworkVpcAssociation;
  /** The `eks-pod-identity-agent` add-on (only with `PodIdentityAgent.INSTALL`). */
  public readonly podIdentityAgentAddon?: CfnAddon;
  /**
   * The probe of the deploy-time checks of what the cluster must already have
   * (only when something is expected to exist: an agent, CRDs): a ConfigMap
   * that a ValidatingAdmissionPolicy rejects, with a message naming what is
   * missing and the fix, when a check fails.
   */
  public readonly preflightProbe?: eks.KubernetesManifest;
  /**
   * Ingress rules from the VPC Lattice managed prefix list to the target
   * security group: one per target port of the routes on this cluster.
   */
  public readonly latticeIngressRules: ec2.CfnSecurityGroupIngress[] = [];
  /** Network connections of the cluster (its security groups). */
  public readonly connections: ec2.Connections;
  /** The deletion guard (unless disabled). */
  public readonly deletionGuard?: LatticeDeletionGuard;

  /**
   * ExternalDNS's owner id (`txtOwnerId`), unique per account, region and
   * cluster unless `externalDnsOwnerId` was given.
   *
   * @default - none, without a domain (no ExternalDNS)
   */
  public readonly externalDnsOwnerId?: string;

  /** Kind and scope that bad input is reported as (the composing LatticeEksCluster, when there is one). */
  private readonly kind: string;
  private readonly errorScope: IConstruct;
  private readonly targetSecurityGroupId: string;
  private readonly existingNamespaces: ReadonlySet<string>;
  /** Everything Kubernetes objects of this cluster must come after (and be deleted before). */
  private readonly k8sPrerequisites: IDependable[] = [];
  /** What routes and policies wait for: the Gateway and the deletion guard (hence the controller and ExternalDNS). */
  private readonly routePrerequisites: IConstruct[] = [];
  /** Namespace manifests this library created, by name. */
  private readonly namespaces = new Map<string, eks.KubernetesManifest>();
  /** Namespaces of the routes on this cluster: the only ones the Gateway admits routes from. */
  private readonly routeNamespaces = new Set<string>();
  /** Hostnames of the routes on this cluster: the only records its ExternalDNS may change. */
  private readonly routeHostnames = new Set<string>();
  private externalDnsRecordStatement?: iam.PolicyStatement;
  /** Per namespace, whatever creates it (read at synth time, so construct order does not matter). */
  private readonly namespaceCreators = new Map<string, DependencyGroup>();
  /** What namespaces holding objects the controllers clean up must come after: the controller and ExternalDNS. */
  private readonly controllers = new DependencyGroup();
  /** Namespaces Helm creates with a chart of this cluster. */
  private readonly chartNamespaces = new Set<string>();
  /** Namespaces holding objects the controller reconciles. */
  private readonly controllerNamespaces = new Set<string>();
  /** Per namespace with Lattice targets: its readiness-gate label patch and the controller (whose webhook injects the gate). */
  private readonly readinessGates = new Map<string, DependencyGroup>();
  /** Takeovers declared on this cluster's routes (`<previous owner> <namespace>/<route>`). */
  private readonly takeoverFrom = new Set<string>();
  /** Paths of the TLS passthrough routes on this cluster: with any, the Gateway gets its `tls` listener. */
  private readonly passthroughRoutes = new Set<string>();
  /** Per `<namespace>/<Service>`, the routes sending to it: their port and whether they set a health check. */
  private readonly servicePorts = new Map<string, Array<{ port: number; routePath: string; healthCheck: boolean }>>();

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeEksIntegrationProps) {
    super(scope, id);
    const reporting = reportingAs(scope, this, KIND);
    this.kind = reporting.kind;
    this.errorScope = reporting.scope;
    validateRequired(this, props);
    this.cluster = props.cluster;
    this.clusterName = props.clusterName ?? literalClusterName(props.cluster);
    validateClusterName(this.errorScope, this.kind, this.clusterName, props.clusterName === undefined);
    const actualName = literalClusterName(props.cluster);
    if (!Token.isUnresolved(actualName) && actualName !== this.clusterName) {
      throw validationError(this.errorScope, this.kind,
        `clusterName '${this.clusterName}' differs from the cluster's name '${actualName}'; omit clusterName or give the cluster's own name`);
    }
    if (props.cluster.kubectlProvider === undefined) {
      throw validationError(this.errorScope, this.kind,
        `cluster '${this.clusterName}' has no kubectl provider, so Kubernetes objects cannot be applied to it; ` +
        'give the eks.Cluster kubectlProviderOptions: { kubectlLayer }, or import it with a kubectlProvider (KubectlProvider.fromKubectlProviderAttributes)');
    }
    this.vpc = importedAttribute(this, () => props.cluster.vpc, 'vpc', 'give vpc to Cluster.fromClusterAttributes');
    this.targetSecurityGroupId = props.targetSecurityGroup?.securityGroupId
      ?? importedAttribute(this, () => props.cluster.clusterSecurityGroupId, 'clusterSecurityGroupId',
        'give clusterSecurityGroupId to Cluster.fromClusterAttributes, or targetSecurityGroup');
    this.connections = props.cluster.connections;
    this.autoMode = props.autoMode ?? detectAutoMode(props.cluster);
    this.existingNamespaces = new Set(props.existingNamespaces ?? []);
    for (const namespace of this.existingNamespaces) validateDnsLabel(this.errorScope, this.kind, 'existingNamespaces', namespace);
    this.k8sPrerequisites.push(...(props.kubernetesPrerequisites ?? []));

    this.sources = props.sources ?? ArtifactSources.publicRegistries();
    const versions = resolveVersions(this.errorScope, this.kind, undefined, this.sources, props.versions);
    const routeMaxConcurrentReconciles = props.routeMaxConcurrentReconciles ?? 10;
    if (Token.isUnresolved(routeMaxConcurrentReconciles)) {
      throw validationError(this.errorScope, this.kind, literalRequired('routeMaxConcurrentReconciles', 'number', 'check it and write the controller\'s Helm values'));
    }
    if (!Number.isInteger(routeMaxConcurrentReconciles)
      || routeMaxConcurrentReconciles < 1 || routeMaxConcurrentReconciles > 100) {
      throw validationError(this.errorScope, this.kind, `routeMaxConcurrentReconciles ${routeMaxConcurrentReconciles} must be a literal integer between 1 and 100`);
    }
    recordCluster(this.errorScope, this.kind, this.clusterName);
    const domainProblem = props.domain ? clusterDomainClashProblem(props.domain.domainName) : undefined;
    if (domainProblem) throw validationError(this.errorScope, this.kind, domainProblem);
    this.domain = props.domain;
    this.serviceNetwork = props.serviceNetwork;
    this.gatewayName = props.serviceNetwork.serviceNetworkName;
    this.gatewayNamespace = props.gatewayNamespace ?? 'lattice-gateway';
    validateDnsLabel(this.errorScope, this.kind, 'gatewayNamespace', this.gatewayNamespace);

    // Nodes: pull-through rights; the Pod Identity agent.
    for (const role of props.nodeRoles ?? defaultNodeRoles(props.cluster, this.autoMode)) this.sources._grantPullThrough(this, role);
    const agent = props.podIdentityAgent ?? defaultPodIdentityAgent(props.cluster, this.autoMode);
    if (agent === PodIdentityAgent.INSTALL) {
      this.podIdentityAgentAddon = new CfnAddon(this, 'PodIdentityAgent', {
        clusterName: this.cluster.clusterName,
        addonName: 'eks-pod-identity-agent',
        addonVersion: versions.podIdentityAgentAddon,
        resolveConflicts: 'OVERWRITE',
      });
      this.k8sPrerequisites.push(this.podIdentityAgentAddon);
    } else if (agent === PodIdentityAgent.BUILT_IN && !this.autoMode) {
      throw validationError(this.errorScope, this.kind,
        `podIdentityAgent BUILT_IN is only for EKS Auto Mode, but cluster '${this.clusterName}' is not in Auto Mode; ` +
        'use PodIdentityAgent.EXISTING (the agent runs already) or PodIdentityAgent.INSTALL, or set autoMode: true');
    }

    // Preflight: what the cluster must already have.
    const expectations = {
      podIdentityAgentDaemonSet: agent === PodIdentityAgent.EXISTING,
      gatewayApiCrds: props.installGatewayApiCrds === false,
    };
    if (props.preflightChecks !== false && (expectations.podIdentityAgentDaemonSet || expectations.gatewayApiCrds)) {
      const checks = new PreflightChecks(this, 'Preflight', {
        cluster: this.cluster,
        clusterName: this.clusterName,
        name: PREFLIGHT_NAME,
        prerequisites: [...this.k8sPrerequisites],
      });
      if (expectations.podIdentityAgentDaemonSet) checks.requirePodIdentityAgent();
      if (expectations.gatewayApiCrds) checks.requireGatewayApiCrds(MIN_GATEWAY_API_MINOR);
      this.preflightProbe = checks.probe;
      this.k8sPrerequisites.push(checks.probe);
    }

    // Network: the VPC joins the network and the private zone.
    if (props.associateVpc !== false) {
      this.serviceNetworkAssociation = props.serviceNetwork.associateVpc(this.vpc, { securityGroups: props.associationSecurityGroups });
    } else if (props.associationSecurityGroups) {
      throw validationError(this.errorScope, this.kind, 'associationSecurityGroups needs associateVpc: the association is not created here; drop one of them');
    }
    props.domain?.associateVpc(this.vpc);

    // 1. CRDs
    if (props.installGatewayApiCrds === false && props.gatewayApiCrds?.file !== undefined) {
      throw validationError(this.errorScope, this.kind, 'gatewayApiCrds is a file but installGatewayApiCrds is false; drop one of them');
    }
    const crdsReady = props.installGatewayApiCrds === false ? undefined : this.installGatewayApiCrds(versions, props.gatewayApiCrds);
    if (crdsReady && !crdsReady.asset && this.sources.isMirrored) {
      Annotations.of(this).addWarningV2('cdk-lattice-eks:crdsFromGitHub',
        `images and charts of cluster '${this.clusterName}' come from mirrors, but the Gateway API CRD bundle is still downloaded from GitHub at deploy time; ` +
        'give gatewayApiCrds: GatewayApiCrdsSource.fromFile(...) (an S3 asset) or installGatewayApiCrds: false');
    }
    this.gatewayApiCrdsManifest = crdsReady?.manifest;
    this.gatewayApiCrdsAsset = crdsReady?.asset;
    this.gatewayApiCrdsRole = crdsReady?.role;

    // 2. ExternalDNS (ships the DNSEndpoint CRD, which must exist before the controller starts)
    if (props.externalDnsOwnerId !== undefined) {
      if (!props.domain) {
        throw validationError(this.errorScope, this.kind,
          `externalDnsOwnerId "${props.externalDnsOwnerId}" needs domain: ExternalDNS is installed only with a domain; drop externalDnsOwnerId or give domain`);
      }
      assertExternalDnsOwnerId(this.errorScope, this.kind, props.externalDnsOwnerId);
    }
    if (props.domain) {
      this.externalDnsOwnerId = props.externalDnsOwnerId
        ?? defaultExternalDnsOwnerId(Stack.of(this).account, Stack.of(this).region, this.clusterName);
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
        // A hub's zone is read (and cleaned) through the hub's role for this account, whose trust names this path.
        hostedZone: props.domain?.hostedZone,
        hubRoleArn: props.domain?.hubRoleArn,
        rolePath: props.domain?.hubRoleArn ? spokeRolePath(props.domain.domainName, 'dns') : undefined,
        txtOwnerId: this.externalDnsOwnerId,
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
    // The TLS passthrough listener only once a route needs it (read at synth time), so Gateways without one stay as they were.
    const gatewayObject = latticeGateway(gateway);
    const gatewaySpec = Lazy.any({ produce: () => latticeGateway({ ...gateway, tlsPassthrough: this.passthroughRoutes.size > 0 }).spec });
    this.gatewayManifest = this._addManifest(this, 'Gateway', [latticeGatewayClass(), { ...gatewayObject, spec: gatewaySpec }]);
    this.gatewayManifest.node.addDependency(this.gatewayControllerChart);
    // The controller finds a RAM-shared network by name only through the VPC's active association.
    if (this.serviceNetworkAssociation) this.gatewayManifest.node.addDependency(this.serviceNetworkAssociation);
    this.routePrerequisites.push(this.gatewayManifest, this.deletionGuard?.resource ?? this.gatewayControllerChart);

    // 6. Tenant isolation: beside the charts; routes and policies come after it and are deleted before it.
    if (props.tenantIsolation !== false) {
      this.tenantGuardManifest = this._addManifest(this, 'TenantGuard', tenantGuard({
        deployer: deployerIdentity(this.cluster),
        controllerUser: `system:serviceaccount:${GATEWAY_CONTROLLER_NAMESPACE}:${GATEWAY_CONTROLLER_SERVICE_ACCOUNT}`,
      }));
      this.routePrerequisites.push(this.tenantGuardManifest);
    }

    registerClusterWiring(this, this.wiring());
  }

  /**
   * Exposes a Kubernetes Service on VPC Lattice: an HTTPRoute attached to the
   * Gateway's listeners (a GRPCRoute on the HTTPS listener for
   * `protocol: LatticeRouteProtocol.GRPC`), with a hostname under the domain
   * when there is one.
   */
  public exposeService(id: string, options: ExposeServiceOptions): LatticeServiceRoute {
    return new LatticeServiceRoute(this, id, { ...options, cluster: this });
  }

  /** Exports a Kubernetes Service to VPC Lattice (a ServiceExport with a health check). */
  public exportService(id: string, options: ExportServiceOptions): LatticeServiceExport {
    return new LatticeServiceExport(this, id, { ...options, cluster: this });
  }

  /** A route on this cluster's Gateway whose backends are the exports of one or more clusters (ServiceImports), weighted. */
  public importService(id: string, options: ImportServiceOptions): LatticeServiceRoute {
    const props = { ...options, cluster: this, serviceName: options.routeName, _serviceImports: options.backends };
    return new LatticeServiceRoute(this, id, props);
  }

  /** Puts a workload on VPC Lattice in one call: Deployment, Service, health check, route, Pod Identity and (optionally) the SigV4 proxy. */
  public addLatticeWorkload(id: string, options: LatticeWorkloadOptions): LatticeWorkload {
    return new LatticeWorkload(this, id, { ...options, cluster: this });
  }

  /** Gives a Kubernetes service account an IAM role through EKS Pod Identity (session tags on). */
  public addPodIdentity(id: string, options: PodIdentityOptions): LatticePodIdentity {
    return new LatticePodIdentity(this, id, { ...options, cluster: this });
  }

  /** @internal */
  public _addManifest(scope: Construct, id: string, objects: K8sObject[], afterGateway = false): eks.KubernetesManifest {
    const manifest = new eks.KubernetesManifest(scope, id, { cluster: this.cluster, manifest: objects as any[] });
    // The Gateway already comes after the prerequisites: routes only list the Gateway, the guard and the controller.
    manifest.node.addDependency(...(afterGateway ? this.routePrerequisites : this.k8sPrerequisites));
    const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
    for (const namespace of namespaces) this._placeInNamespace(manifest, namespace, afterGateway);
    return manifest;
  }

  /** @internal */
  public _placeInNamespace(construct: IConstruct, namespace: string, reconciledByController = false): void {
    validateDnsLabel(this.errorScope, this.kind, 'namespace', namespace);
    construct.node.addDependency(this.namespaceCreatorsOf(namespace));
    if (reconciledByController) this.namespaces.get(namespace)?.node.addDependency(this.controllers);
    if (reconciledByController) this.controllerNamespaces.add(namespace);
  }

  /** @internal */
  public _ensureNamespace(namespace: string, forApplications = true): eks.KubernetesManifest | undefined {
    validateDnsLabel(this.errorScope, this.kind, 'namespace', namespace);
    // System and existing namespaces are never created (nor deleted); the charts' namespaces are created by Helm.
    if (SYSTEM_NAMESPACES.includes(namespace) || this.existingNamespaces.has(namespace) || this.chartNamespaces.has(namespace)) return undefined;
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

  /** @internal */
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
      // The guard may delete (with deleteLeftovers) the same names only.
      this.deletionGuard?._allowRecordDeletion(recordNames);
    }
  }

  /** @internal */
  public _registerPassthroughRoute(path: string): void {
    this.passthroughRoutes.add(path);
  }

  /** @internal */
  public _passthroughPorts(): number[] {
    return this.passthroughRoutes.size > 0 ? [TLS_PASSTHROUGH_PORT] : [];
  }

  /** @internal */
  public _registerServicePort(
    scope: IConstruct, kind: string, namespace: string, serviceName: string, port: number, routePath: string, healthCheck: boolean): void {
    const key = `${namespace}/${serviceName}`;
    let routes = this.servicePorts.get(key);
    if (!routes) this.servicePorts.set(key, routes = []);
    // The controller (v2.1.3) gives each route its own target group (keyed by route, Service and cluster, not by port),
    // but resolves one TargetGroupPolicy per Service: its health check would apply to the target groups of every port.
    for (const other of routes) {
      if (!healthCheck && !other.healthCheck) continue;
      if (other.port === port && healthCheck && other.healthCheck) {
        throw validationError(scope, kind,
          `route '${routePath}' and route '${other.routePath}' both set a healthCheck for Service '${key}', which has one TargetGroupPolicy; ` +
          'give the healthCheck to one of them');
      }
      if (other.port === port) continue;
      throw validationError(scope, kind,
        `route '${routePath}' sends to port ${port} of Service '${key}' and route '${other.routePath}' to its port ${other.port}, ` +
        `and ${healthCheck ? 'this route' : 'the other route'} sets a healthCheck: the AWS Gateway API Controller (${PinnedVersions.GATEWAY_API_CONTROLLER_CHART}) ` +
        'applies one TargetGroupPolicy per Service to the target groups of all its ports, so one port\'s health check would probe the other\'s targets; ' +
        'give each port its own Service (same selector), or drop the healthCheck');
    }
    routes.push({ port, routePath, healthCheck });
  }

  /** @internal */
  public _registerTargets(namespace: string, targetPort: number): void {
    this.allowLatticeIngress(targetPort);
    this._readinessGatePrerequisites(namespace);
  }

  /** @internal */
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

  /** @internal */
  public _allowTakeoverFrom(previousOwner: string, routeName: string, namespace: string): void {
    const key = `${previousOwner} ${namespace}/${routeName}`;
    if (this.takeoverFrom.has(key)) return;
    const stack = Stack.of(this);
    const own = controllerManagedBy(stack.account, this.clusterName, this.vpc.vpcId);
    if (!Token.isUnresolved(stack.account) && previousOwner === own) {
      throw validationError(this.errorScope, this.kind, `allowTakeoverFrom '${previousOwner}' is this cluster itself; omit it`);
    }
    this.takeoverFrom.add(key);
    const spec = { previousOwner, managedBy: own, routeName, routeNamespace: namespace };
    for (const statement of takeoverStatements(stack, `TakeOverFrom${this.takeoverFrom.size}`, spec)) {
      this.gatewayControllerRole.addToPrincipalPolicy(statement);
    }
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    acknowledge(this.gatewayControllerRole, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:vpc-lattice:${region}:${account}:service/*/listener/*]`,
      'Takeover only: the controller retags the listeners and rules of the service it takes over (their ids are generated), and only those tagged for the previous owner named by allow-takeover-from.');
  }

  /** What routes, exports, workloads and Pod Identities on this cluster use. */
  private wiring(): ClusterWiring {
    return {
      cluster: this.cluster,
      clusterName: this.clusterName,
      key: this.node.path,
      prerequisites: new DependencyGroup(...this.k8sPrerequisites),
      addManifest: (scope, id, objects, afterGateway) => this._addManifest(scope as Construct, id, objects, afterGateway),
      ensureNamespace: (namespace, forApplications) => this._ensureNamespace(namespace, forApplications),
      placeInNamespace: (construct, namespace, reconciled) => this._placeInNamespace(construct, namespace, reconciled),
      registerRoute: (namespace, port, hostname) => this._registerRoute(namespace, port, hostname),
      registerTargets: (namespace, port) => this._registerTargets(namespace, port),
      registerPassthroughRoute: (path) => this._registerPassthroughRoute(path),
      passthroughPorts: () => this._passthroughPorts(),
      registerServicePort: (scope, kind, namespace, serviceName, port, routePath, healthCheck) =>
        this._registerServicePort(scope, kind, namespace, serviceName, port, routePath, healthCheck),
      readinessGatePrerequisites: (namespace) => this._readinessGatePrerequisites(namespace),
      allowTakeoverFrom: (owner, routeName, namespace) => this._allowTakeoverFrom(owner, routeName, namespace),
      podIdentityOf: (namespace, serviceAccount) => podIdentityAssociationOf(this.cluster, namespace, serviceAccount),
    };
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

  /**
   * Ingress from the VPC Lattice managed prefix list to the target security
   * group (nodes and pods). The prefix list id is looked up at deploy time, so
   * environment-agnostic stacks synthesize offline.
   */
  private allowLatticeIngress(port: number): void {
    if (this.latticeIngressRules.some((rule) => rule.fromPort === port)) return;
    this.latticeIngressRules.push(new ec2.CfnSecurityGroupIngress(this, `LatticeIngress${port}`, {
      groupId: this.targetSecurityGroupId,
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
      const verified = source._verify(this.errorScope, this.kind, versions.gatewayApiStandardInstallSha256);
      const asset = new s3assets.Asset(this, 'GatewayApiCrdsBundle', { path: verified.file });
      const role = podIdentityRole(this, 'GatewayApiCrdsRole', `Gateway API CRD installer of EKS cluster ${this.clusterName}: reads the CRD bundle asset`,
        { clusterName: this.clusterName, namespace, serviceAccount: GATEWAY_API_CRDS_SERVICE_ACCOUNT });
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
      }));
      asset.bucket.encryptionKey?.grantDecrypt(role);
      const association = podIdentityAssociation(this, 'GatewayApiCrdsPodIdentity', this.cluster, namespace, GATEWAY_API_CRDS_SERVICE_ACCOUNT, role);
      fromS3 = { asset, role, association, sha256: verified.sha256 };
    }
    const jobSpec = {
      version: versions.gatewayApi,
      sha256: fromS3?.sha256 ?? versions.gatewayApiStandardInstallSha256,
      downloadImage: fromS3 ? versions.awsCliImage : versions.downloadImage,
      kubectlImage: versions.kubectlImage,
      namespace,
      s3Url: fromS3?.asset.s3ObjectUrl,
      region: fromS3 ? stack.region : undefined,
    };
    // The digest of the spec as deployed (tokens as their CloudFormation expressions): stable across synths.
    const digest = createHash('sha256').update(JSON.stringify(stack.resolve(jobSpec))).digest('hex');
    const jobName = gatewayApiCrdsJobName(versions.gatewayApi, digest);
    // Never downgrade: the installer may not replace a newer bundle the cluster already has. The guard comes first in the
    // Job's own manifest (no extra step on the deploy path): the API server enforces it within moments, long before the
    // Job's pod has pulled two images and downloaded the bundle.
    const guard = gatewayApiDowngradeGuard(
      `system:serviceaccount:${namespace}:${GATEWAY_API_CRDS_SERVICE_ACCOUNT}`,
      'set versions.gatewayApi to the cluster\'s release or a newer one (v1.5 to v1.7; with versions.gatewayApiStandardInstallSha256 when the library does not know its checksum), ' +
      'or installGatewayApiCrds: false to keep the cluster\'s CRDs');
    const manifest = this._addManifest(this, 'GatewayApiCrds', [...guard, ...gatewayApiCrdsJob({ ...jobSpec, name: jobName })]);
    // The Job reads the object with the role's credentials: both exist before it runs.
    if (fromS3) manifest.node.addDependency(fromS3.association, fromS3.role);
    const ready = new eks.KubernetesObjectValue(this, 'GatewayApiCrdsReady', {
      cluster: this.cluster,
      objectType: 'job',
      objectName: jobName,
      objectNamespace: namespace,
      jsonPath: '.status.succeeded',
      timeout: Duration.minutes(10),
    });
    ready.node.addDependency(manifest);
    return { manifest, ready, asset: fromS3?.asset, role: fromS3?.role };
  }

  private installExternalDns(domain: PrivateCaDomain, versions: ResolvedVersions): { role: iam.Role; chart: eks.HelmChart } {
    const stack = Stack.of(this);
    const hubRoleArn = domain.hubRoleArn;
    // A hub trusts only ExternalDNS roles under this path of the spoke account.
    const rolePath = hubRoleArn ? spokeRolePath(domain.domainName, 'dns') : undefined;
    const role = podIdentityRole(this, 'ExternalDnsRole', `ExternalDNS of EKS cluster ${this.clusterName}: records in ${domain.domainName} only`,
      { clusterName: this.clusterName, namespace: EXTERNAL_DNS_NAMESPACE, serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT }, undefined, rolePath);
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
      repository: this.sources._chartRepository(this.errorScope, this.kind, LatticeChart.EXTERNAL_DNS),
      version: versions.externalDnsChart,
      release: 'external-dns',
      namespace: EXTERNAL_DNS_NAMESPACE,
      createNamespace: true,
      values: externalDnsValues({
        domainName: domain.domainName,
        txtOwnerId: this.externalDnsOwnerId!,
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
    const role = podIdentityRole(this, 'GatewayControllerRole', `AWS Gateway API Controller of EKS cluster ${this.clusterName}`,
      { clusterName: this.clusterName, namespace: GATEWAY_CONTROLLER_NAMESPACE, serviceAccount: GATEWAY_CONTROLLER_SERVICE_ACCOUNT });
    const managedBy = controllerManagedBy(stack.account, this.clusterName, this.vpc.vpcId);
    const spec = { managedBy, serviceNetworkArn: this.serviceNetwork.serviceNetworkArn, vpcId: this.vpc.vpcId };
    for (const statement of gatewayControllerStatements(stack, spec)) role.addToPrincipalPolicy(statement);
    acknowledgeGatewayControllerPolicy(role);
    const association = podIdentityAssociation(
      this, 'GatewayControllerPodIdentity', this.cluster, GATEWAY_CONTROLLER_NAMESPACE, GATEWAY_CONTROLLER_SERVICE_ACCOUNT, role);
    const chart = new eks.HelmChart(this, 'GatewayController', {
      cluster: this.cluster,
      chart: 'aws-gateway-controller-chart',
      repository: this.sources._chartRepository(this.errorScope, this.kind, LatticeChart.GATEWAY_API_CONTROLLER),
      version: versions.gatewayApiControllerChart,
      release: 'aws-gateway-controller',
      namespace: GATEWAY_CONTROLLER_NAMESPACE,
      createNamespace: true,
      // VPC, account and region are always given: Auto Mode nodes (IMDS hop limit 1) do not let the controller discover them.
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
    return this.sources._image(this.errorScope, this.kind, `${repository}:tag`).slice(0, -':tag'.length);
  }
}

/** The name of the cluster as a literal when the app knows it: the `name` given to an `eks.Cluster` of the app, or an imported cluster's name. */
function literalClusterName(cluster: eks.ICluster): string {
  const name = clusterResource(cluster)?.name;
  return typeof name === 'string' ? name : cluster.clusterName;
}

/** The `AWS::EKS::Cluster` resource of an `eks.Cluster` of the app (undefined for an imported cluster). */
function clusterResource(cluster: eks.ICluster): { name?: unknown; computeConfig?: unknown } | undefined {
  const resource = cluster.node.defaultChild;
  return CfnResource.isCfnResource(resource) && resource.cfnResourceType === 'AWS::EKS::Cluster' ? resource as any : undefined;
}

/**
 * The identity the library's Kubernetes objects are applied with: the role of
 * the cluster's kubectl handler, which EKS authenticates as
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>`
 * (the access entry's default user name). Undefined when the provider names no role.
 */
function deployerIdentity(cluster: eks.ICluster): DeployerIdentity | undefined {
  const role = cluster.kubectlProvider?.role;
  if (!role) return undefined;
  const arnPart = (i: number) => Fn.select(i, Fn.split(':', role.roleArn));
  return {
    roleArn: role.roleArn,
    sessionPrefix: Fn.join('', ['arn:', arnPart(1), ':sts::', arnPart(4), ':assumed-role/', role.roleName, '/']),
  };
}

/** Whether an `eks.Cluster` of the app has Auto Mode compute on (false for an imported cluster). */
function detectAutoMode(cluster: eks.ICluster): boolean {
  const resource = clusterResource(cluster);
  if (!resource) return false;
  const compute = Stack.of(cluster).resolve(resource.computeConfig);
  return compute?.enabled === true;
}

/** The Auto Mode node role that `aws-eks-v2` creates for a cluster of the app (none otherwise). */
function defaultNodeRoles(cluster: eks.ICluster, autoMode: boolean): iam.IRole[] {
  if (!autoMode) return [];
  const role = cluster.node.tryFindChild(`${cluster.node.id}nodePoolRole`);
  return role instanceof iam.Role ? [role] : [];
}

function defaultPodIdentityAgent(cluster: eks.ICluster, autoMode: boolean): PodIdentityAgent {
  if (autoMode) return PodIdentityAgent.BUILT_IN;
  const ownCluster = clusterResource(cluster) !== undefined;
  return ownCluster && !cluster.node.tryFindChild('EksPodIdentityAgentAddon') ? PodIdentityAgent.INSTALL : PodIdentityAgent.EXISTING;
}

/** An attribute of the cluster that an imported cluster may lack, with a clear error naming the fix. */
function importedAttribute<T>(scope: Construct, read: () => T, attribute: string, fix: string): T {
  try {
    return read();
  } catch {
    throw validationError(scope, KIND, `the cluster has no ${attribute} (an imported cluster without it); ${fix}`);
  }
}

/** The props without which nothing can be built, the App the constructs belong to, the network's region. */
function validateRequired(scope: Construct, props: LatticeEksIntegrationProps): void {
  validateClusterInputs(scope, KIND, props, ['cluster', 'serviceNetwork'], [['serviceNetwork', props.serviceNetwork], ['domain', props.domain], ['cluster', props.cluster]], props?.serviceNetwork, 'this construct');
}

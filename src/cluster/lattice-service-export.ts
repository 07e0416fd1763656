import { Annotations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ClusterWiring, clusterWiring, ILatticeCluster } from './lattice-cluster';
import { LatticeHealthCheck } from './lattice-health-check';
import { LatticeRouteProtocol } from './lattice-route-protocol';
import { exportRouteTypeOf, protocolHealthCheck, resolveRouteProtocol } from './route-protocol';
import { serviceExport, targetGroupPolicy } from '../k8s/multi-cluster';
import { validationError } from '../private/errors';
import { recordExport } from '../private/export-registry';
import { validateDnsLabel, validateK8sName, validateServiceName } from '../private/k8s-names';
import { requireTcpPort } from '../private/ports';
import { PinnedVersions } from '../versions';

const KIND = 'LatticeServiceExport';

/** Exports per cluster, keyed `<namespace>/<export name>`, with their construct paths. */
const exportsByCluster = new WeakMap<ClusterWiring, Map<string, string>>();

/** Options of `LatticeEksCluster.exportService()`. */
export interface ExportServiceOptions {
  /** Name of the Kubernetes Service to export. */
  readonly serviceName: string;
  /** Port of the Service to export. */
  readonly port: number;
  /**
   * What the Service serves: the ServiceExport's `routeType`, from which the
   * controller builds the target group (GRPC: HTTP/2 to the pods;
   * TLS_PASSTHROUGH: `routeType: TLS`, a TCP target group whose health checks
   * Lattice turns off unless `healthCheck` gives a plain-HTTP `port`). Routes
   * importing it must use the same protocol.
   * @default LatticeRouteProtocol.HTTP
   */
  readonly protocol?: LatticeRouteProtocol;
  /**
   * Port the Service's pods listen on (its `targetPort`, as a number): the
   * cluster security group admits VPC Lattice on it.
   * @default - `port`
   */
  readonly targetPort?: number;
  /**
   * Namespace of the Service and the export.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Name of the ServiceExport: what importers name. Independent of the
   * Service's name, so that clusters can export differently named Services
   * under one name, or one Service under several.
   * @default serviceName
   */
  readonly exportName?: string;
  /**
   * Health check of the export's target group (in every cluster that imports it).
   * @default - HTTP: the `LatticeHealthCheck` defaults (GET / every 10 s, 200-399 healthy);
   *   GRPC and TLS_PASSTHROUGH: none (VPC Lattice cannot health-check gRPC or TLS, so the
   *   controller leaves checks off and every registered pod takes calls)
   */
  readonly healthCheck?: LatticeHealthCheck;
  /**
   * Create the namespace (once per cluster; never the system namespaces).
   * @default false
   */
  readonly createNamespace?: boolean;
}

/** Properties of a `LatticeServiceExport`. */
export interface LatticeServiceExportProps extends ExportServiceOptions {
  /** The cluster that serves the Service. */
  readonly cluster: ILatticeCluster;
}

/** One weighted backend of a multi-cluster route: the export of one cluster. */
export interface ServiceImportBackend {
  /** Name of the ServiceExport. */
  readonly exportName: string;
  /** EKS cluster that exports it. */
  readonly clusterName: string;
  /**
   * Share of the requests (relative to the other backends; 0 drains the cluster).
   * @default 1
   */
  readonly weight?: number;
}

/**
 * A Kubernetes Service exported to VPC Lattice (a ServiceExport): a target
 * group of its pods that routes in any cluster of the account can send to
 * through a ServiceImport (`LatticeEksCluster.importService()`), with a
 * TargetGroupPolicy health check. Namespaces holding exports get the
 * controller's pod readiness gate.
 *
 * @example
 * import { LatticeCaller, LatticeEksCluster } from 'cdk-lattice-eks';
 *
 * declare const cluster1: LatticeEksCluster;
 * declare const cluster2: LatticeEksCluster;
 * const blue = cluster1.exportService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80, targetPort: 8080 });
 * const green = cluster2.exportService('Inventory', { serviceName: 'inventory', namespace: 'shop', port: 80, targetPort: 8080 });
 * const route = cluster1.importService('InventoryRoute', {
 *   routeName: 'inventory',
 *   namespace: 'shop',
 *   port: 80,
 *   backends: [blue.backend(50), green.backend(50)],
 * });
 * route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
 */
export class LatticeServiceExport extends Construct {
  /** Name of the ServiceExport. */
  public readonly exportName: string;
  /** Name of the exporting cluster. */
  public readonly clusterName: string;
  /** Namespace of the export. */
  public readonly namespace: string;
  /** Exported Service port. */
  public readonly port: number;
  /** What the Service serves and the routes importing the export carry (the ServiceExport's `routeType`). */
  public readonly protocol: LatticeRouteProtocol;
  /** The ServiceExport and TargetGroupPolicy manifest. */
  public readonly manifest: eks.KubernetesManifest;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeServiceExportProps) {
    super(scope, id);
    this.namespace = props.namespace ?? 'default';
    this.exportName = props.exportName ?? props.serviceName;
    this.clusterName = props.cluster.clusterName;
    validateServiceName(this, KIND, 'serviceName', props.serviceName);
    validateDnsLabel(this, KIND, 'namespace', this.namespace);
    validateK8sName(this, KIND, 'exportName', this.exportName, 'rfc1035-label', 'ServiceExport (and its ServiceImport)');
    this.port = requireTcpPort(this, KIND, 'port', props.port);
    const targetPort = requireTcpPort(this, KIND, 'targetPort', props.targetPort ?? this.port);
    this.protocol = resolveRouteProtocol(this, KIND, props.protocol);
    // HTTP exports get the health check defaults; gRPC and passthrough ones none unless given.
    const healthCheck = protocolHealthCheck(this, KIND, this.protocol, props.healthCheck, true, 'of a TLS_PASSTHROUGH export');
    const wiring = clusterWiring(this, KIND, props.cluster);
    let claimed = exportsByCluster.get(wiring);
    if (!claimed) exportsByCluster.set(wiring, claimed = new Map());
    const key = `${this.namespace}/${this.exportName}`;
    const other = claimed.get(key);
    if (other) {
      throw validationError(this, KIND, `exportName '${key}' is already exported by '${other}' on cluster '${this.clusterName}'; give this export another exportName`);
    }
    claimed.set(key, this.node.path);
    recordExport(this, this.clusterName, this.namespace, this.exportName, this.port, this.protocol);
    if (this.exportName !== props.serviceName) {
      // The controller's pod webhook looks the export up by the Service's name.
      Annotations.of(this).addWarningV2('cdk-lattice-eks:exportWithoutReadinessGates',
        `exportName '${this.exportName}' differs from serviceName '${props.serviceName}': the AWS Gateway API Controller ` +
        `(${PinnedVersions.GATEWAY_API_CONTROLLER_CHART}) injects Lattice readiness gates only into pods of Services exported under their own name, ` +
        'so rollouts of these pods are not held until Lattice registers them; export the Service under its own name to keep them');
    }

    if (props.createNamespace) clusterWiring(this, KIND, props.cluster).ensureNamespace(this.namespace);
    clusterWiring(this, KIND, props.cluster).registerTargets(this.namespace, targetPort);
    // Health checks on another port must get through the cluster security group too.
    if (healthCheck?.port !== undefined) clusterWiring(this, KIND, props.cluster).registerTargets(this.namespace, healthCheck.port);
    this.manifest = clusterWiring(this, KIND, props.cluster).addManifest(this, 'Export', [
      serviceExport({
        name: this.exportName,
        namespace: this.namespace,
        serviceName: props.serviceName,
        port: this.port,
        routeType: exportRouteTypeOf(this.protocol),
      }),
      ...(healthCheck
        ? [targetGroupPolicy({ name: this.exportName, namespace: this.namespace, targetKind: 'ServiceExport', targetName: this.exportName, healthCheck })]
        : []),
    ], true);
  }

  /** This export as a backend of `importService()`, with a relative `weight` (default 1). */
  public backend(weight?: number): ServiceImportBackend {
    return { exportName: this.exportName, clusterName: this.clusterName, weight };
  }
}

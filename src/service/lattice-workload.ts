import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { LatticeServiceRoute } from './lattice-service-route';
import { CrossClusterAuthPolicy } from '../auth/cross-cluster-auth-policy';
import { LatticeCaller } from '../auth/lattice-auth-policy';
import { clusterWiring, ILatticeCluster, isSameLatticeCluster } from '../cluster/lattice-cluster';
import { HEALTH_CHECK_DEFAULTS, LatticeHealthCheck } from '../cluster/lattice-health-check';
import { LatticePodIdentity } from '../cluster/lattice-pod-identity';
import { LatticeRouteProtocol } from '../cluster/lattice-route-protocol';
import { LatticeServiceExport } from '../cluster/lattice-service-export';
import { resolveRouteProtocol } from '../cluster/route-protocol';
import { workloadObjects } from '../k8s/workload';
import { literalRequired, validationError } from '../private/errors';
import { validateDnsLabel, validateDnsSubdomain, validateServiceName } from '../private/k8s-names';
import { requireLiteralNumber } from '../private/numbers';
import { requireTcpPort } from '../private/ports';
import { resolveRolloutTimings } from '../private/rollout';
import type { SigV4SidecarPolicy } from '../sidecar/sigv4-sidecar-policy';

const KIND = 'LatticeWorkload';

/** Options of `LatticeEksCluster.addLatticeWorkload()`. */
export interface LatticeWorkloadOptions {
  /** Name of the Deployment, the Service and (by default) the route and the service account. */
  readonly name: string;
  /** Container image (pin a tag or digest). */
  readonly image: string;
  /** Port the container listens on (HTTP, gRPC or TLS, as `protocol` says). */
  readonly containerPort: number;
  /**
   * What the workload serves, and so its route or export
   * (`LatticeRouteProtocol`) and its readiness probe: an HTTP GET of the
   * health check's path for HTTP, the standard gRPC health service
   * (`grpc.health.v1.Health`, a Kubernetes gRPC probe) for GRPC, a TCP
   * connection for TLS_PASSTHROUGH (the pods terminate TLS themselves).
   * gRPC and passthrough workloads get no Lattice health check unless
   * `healthCheck` is given (Lattice cannot check gRPC or TLS; a gRPC check is
   * an HTTP/2 request to the gRPC port, and a passthrough port answers no
   * plain HTTP, so `healthCheck` is refused there).
   * @default LatticeRouteProtocol.HTTP
   */
  readonly protocol?: LatticeRouteProtocol;
  /**
   * Port of the Service.
   * @default 80
   */
  readonly port?: number;
  /**
   * Namespace of everything the call creates.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Create the namespace (once per cluster; never the system namespaces).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Number of pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Environment variables of the container.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Service account the pods run as.
   * @default - `podIdentity.serviceAccountName` when given, else `name`
   */
  readonly serviceAccountName?: string;
  /**
   * The Pod Identity of the pods' service account, created elsewhere (e.g.
   * with `addPodIdentity` or `SigV4SidecarPolicy.addClient`). Its namespace
   * and service account must be the workload's.
   * @default - a new one (role, association and service account), made with `sidecar.addClient` when `sidecar` is given
   */
  readonly podIdentity?: LatticePodIdentity;
  /**
   * Inject the SigV4 proxy: the pods get the opt-in annotation, the
   * namespace is added to the policy, and the Deployment waits for injection.
   * @default - no proxy (the workload only serves, it calls no Lattice service)
   */
  readonly sidecar?: SigV4SidecarPolicy;
  /**
   * Health check of the Service's Lattice target group; for HTTP its path is also the readiness probe's.
   * @default - HTTP: the `LatticeHealthCheck` defaults (GET / every 10 s, 200-399 healthy); GRPC and TLS_PASSTHROUGH: none
   */
  readonly healthCheck?: LatticeHealthCheck;
  /**
   * Time a terminating pod keeps serving before it gets SIGTERM (a `sleep` preStop hook), while the controller deregisters it.
   * @default Duration.seconds(60) (the controller FAQ's value)
   */
  readonly preStopDelay?: Duration;
  /**
   * Time Lattice drains a deregistered target; the grace period must cover it after the preStop sleep.
   * @default Duration.seconds(60)
   */
  readonly deregistrationDelay?: Duration;
  /**
   * Termination grace period of the pods; must exceed `preStopDelay` + `deregistrationDelay`.
   * @default - `preStopDelay` + `deregistrationDelay` + 30 s (150 s with the defaults)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Export the workload (a ServiceExport of this name, with the health check)
   * instead of routing to it here: routes of any cluster then serve it with
   * `importService` (one service served by several clusters).
   * @default - no export: the workload gets its own route (`route`)
   */
  readonly exportName?: string;
  /**
   * Name of the HTTPRoute.
   * @default name
   */
  readonly routeName?: string;
  /**
   * Host name of the service under the cluster's domain.
   * @default `<routeName>.<domain>` with a domain
   */
  readonly hostname?: string;
}

/** Properties of a `LatticeWorkload`. */
export interface LatticeWorkloadProps extends LatticeWorkloadOptions {
  /** The cluster. */
  readonly cluster: ILatticeCluster;
}

/**
 * A workload on VPC Lattice in one call: Deployment (preStop sleep and a
 * termination grace period longer than Lattice's drain), Service, health
 * check, route (HTTPRoute, GRPCRoute or TLSRoute by `protocol`) or ServiceExport, Pod Identity and, optionally, the SigV4 proxy. Checked at
 * synth time: the service account has a Pod Identity association on this
 * cluster, the ports line up, the namespace gets the proxy and the readiness gate.
 *
 * @example
 * import { LatticeCaller, LatticeEksCluster, SigV4SidecarPolicy } from 'cdk-lattice-eks';
 *
 * declare const cluster: LatticeEksCluster;
 * declare const sidecar: SigV4SidecarPolicy;
 * const orders = cluster.addLatticeWorkload('Orders', {
 *   name: 'orders',
 *   namespace: 'shop',
 *   image: 'public.ecr.aws/docker/library/nginx:1.29-alpine',
 *   containerPort: 8080,
 *   sidecar,
 * });
 * orders.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
 */
export class LatticeWorkload extends Construct {
  /** The route (what auth policies target); undefined when the workload is exported. */
  public readonly route?: LatticeServiceRoute;
  /** The export, with `exportName`. */
  public readonly serviceExport?: LatticeServiceExport;
  /** The pods' Pod Identity. */
  public readonly podIdentity: LatticePodIdentity;
  /** The Deployment, Service and TargetGroupPolicy manifest. */
  public readonly manifest: eks.KubernetesManifest;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** preStop sleep of the pods, in seconds. */
  public readonly preStopSeconds: number;
  /** What the workload serves (its route's or export's protocol). */
  public readonly protocol: LatticeRouteProtocol;
  /** Termination grace period of the pods, in seconds. */
  public readonly terminationGracePeriodSeconds: number;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeWorkloadProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.namespace = props.namespace ?? 'default';
    validateServiceName(this, KIND, 'name', props.name);
    validateDnsLabel(this, KIND, 'namespace', this.namespace);
    if (Token.isUnresolved(props.image)) throw validationError(this, KIND, literalRequired('image', 'string', 'check the image reference'));
    if (typeof props.image !== 'string' || !/^[^\s]+$/.test(props.image)) {
      throw validationError(this, KIND, `image '${props.image}' must be a non-empty image reference without spaces, such as registry.example.com/orders:1.4.2`);
    }
    const containerPort = requireTcpPort(this, KIND, 'containerPort', props.containerPort);
    const port = requireTcpPort(this, KIND, 'port', props.port ?? 80);
    if (props.healthCheck?.port !== undefined && props.healthCheck.port !== containerPort) {
      throw validationError(this, KIND,
        `healthCheck.port ${props.healthCheck.port} is not the containerPort ${containerPort}: the pods serve nothing else; omit healthCheck.port`);
    }
    this.protocol = resolveRouteProtocol(this, KIND, props.protocol);
    if (this.protocol === LatticeRouteProtocol.TLS_PASSTHROUGH && props.healthCheck !== undefined) {
      throw validationError(this, KIND,
        'healthCheck of a TLS_PASSTHROUGH workload: Lattice health checks are plain HTTP, which its only port (TLS) does not answer; ' +
        'drop healthCheck (the pods\' readiness is a TCP probe), or expose a plain-HTTP health port with exposeService and your own manifest');
    }
    const replicas = props.replicas === undefined ? 2 : requireLiteralNumber(this, KIND, 'replicas', props.replicas);
    if (!Number.isInteger(replicas) || replicas < 0) throw validationError(this, KIND, `replicas ${replicas} must be a non-negative integer`);
    const timings = resolveRolloutTimings(this, KIND, props);
    this.preStopSeconds = timings.preStopSeconds;
    this.terminationGracePeriodSeconds = timings.terminationGracePeriodSeconds;

    const createNamespace = props.createNamespace ?? true;
    if (createNamespace) clusterWiring(this, KIND, cluster).ensureNamespace(this.namespace);
    if (props.sidecar) {
      if (!isSameLatticeCluster(props.sidecar.cluster, cluster)) {
        throw validationError(this, KIND, `sidecar '${props.sidecar.node.path}' belongs to cluster '${props.sidecar.cluster.clusterName}', not '${cluster.clusterName}'`);
      }
      const reserved = new Map([[props.sidecar.proxyPort, 'proxyPort'], [props.sidecar.healthPort, 'healthPort']]);
      if (reserved.has(containerPort)) {
        throw validationError(this, KIND,
          `containerPort ${containerPort} is the SigV4 proxy's ${reserved.get(containerPort)} ('${props.sidecar.node.path}'); both listen in the pod's network namespace, ` +
          'so the pod could not start (and the admission guard refuses it at deploy): use another containerPort, or give the sidecar other ports');
      }
      props.sidecar.addNamespace(this.namespace);
    }

    // The service account: the pods' identity, cross-checked against the one given.
    const serviceAccountName = props.serviceAccountName ?? props.podIdentity?.serviceAccountName ?? props.name;
    validateDnsSubdomain(this, KIND, 'serviceAccountName', serviceAccountName, 'ServiceAccount');
    if (props.podIdentity) {
      const identity = props.podIdentity;
      if (identity.clusterName !== cluster.clusterName) {
        throw validationError(this, KIND, `podIdentity '${identity.node.path}' is on cluster '${identity.clusterName}', not on '${cluster.clusterName}'`);
      }
      if (identity.namespace !== this.namespace || identity.serviceAccountName !== serviceAccountName) {
        throw validationError(this, KIND,
          `serviceAccountName '${this.namespace}/${serviceAccountName}' has no Pod Identity: podIdentity '${identity.node.path}' is for ` +
          `'${identity.namespace}/${identity.serviceAccountName}'; run the pods as that service account (omit serviceAccountName) or give its identity`);
      }
      if (!identity.serviceAccountManifest) {
        Annotations.of(this).addWarningV2('cdk-lattice-eks:serviceAccountNotCreated',
          `service account '${this.namespace}/${serviceAccountName}' is not created by this app (podIdentity without createServiceAccount): ` +
          'pods fail to start until it exists; create it before this stack, or pass createServiceAccount: true to its Pod Identity');
      }
      this.podIdentity = identity;
    } else {
      const existing = clusterWiring(this, KIND, cluster).podIdentityOf(this.namespace, serviceAccountName);
      if (existing) {
        throw validationError(this, KIND,
          `service account '${this.namespace}/${serviceAccountName}' already has a Pod Identity ('${existing}'); pass it as podIdentity ` +
          '(EKS allows one association per service account)');
      }
      const options = { namespace: this.namespace, serviceAccountName, createServiceAccount: true };
      this.podIdentity = props.sidecar ? props.sidecar.addClient(`${id}Identity`, options) : new LatticePodIdentity(cluster, `${id}Identity`, { ...options, cluster });
    }

    const readiness = this.protocol === LatticeRouteProtocol.GRPC ? 'grpc' as const
      : this.protocol === LatticeRouteProtocol.TLS_PASSTHROUGH ? 'tcp' as const
        : { httpPath: props.healthCheck?.path ?? HEALTH_CHECK_DEFAULTS.path };
    this.manifest = clusterWiring(this, KIND, cluster).addManifest(this, 'Workload', workloadObjects({
      name: props.name,
      namespace: this.namespace,
      image: props.image,
      containerPort,
      servicePort: port,
      replicas,
      serviceAccountName,
      preStopSeconds: timings.preStopSeconds,
      terminationGracePeriodSeconds: timings.terminationGracePeriodSeconds,
      readiness,
      podAnnotations: props.sidecar ? { [props.sidecar.annotationKey]: 'true' } : {},
      env: props.env ?? {},
    }));
    // Pods start once their identity exists, the readiness gate webhook runs and, with the proxy, injection works.
    this.manifest.node.addDependency(this.podIdentity.association, clusterWiring(this, KIND, cluster).readinessGatePrerequisites(this.namespace));
    if (this.podIdentity.serviceAccountManifest) this.manifest.node.addDependency(this.podIdentity.serviceAccountManifest);
    props.sidecar?.addWorkload(this.manifest);

    if (props.exportName !== undefined) {
      for (const prop of ['routeName', 'hostname'] as const) {
        if (props[prop] !== undefined) throw validationError(this, KIND, `${prop} is for a routed workload; an exported one (exportName) is routed by importService()`);
      }
      this.serviceExport = new LatticeServiceExport(this, 'Export', {
        cluster,
        serviceName: props.name,
        exportName: props.exportName,
        namespace: this.namespace,
        port,
        targetPort: containerPort,
        protocol: this.protocol,
        healthCheck: props.healthCheck,
      });
      // Beside the workload, not after it: the controller watches Services and EndpointSlices and
      // registers the targets whenever they appear (one Lambda round trip less on deploy and destroy).
      return;
    }
    this.route = new LatticeServiceRoute(this, 'Route', {
      cluster,
      serviceName: props.name,
      namespace: this.namespace,
      port,
      targetPort: containerPort,
      routeName: props.routeName,
      hostname: props.hostname,
      protocol: this.protocol,
      // HTTP routes always get a health check (the defaults); gRPC and passthrough ones only when given.
      healthCheck: props.healthCheck ?? (this.protocol === LatticeRouteProtocol.HTTP ? {} : undefined),
    });
    // Beside the workload too (see the export above).
  }

  /** Lets `callers` invoke the workload's route (see `LatticeServiceRoute.allow`). */
  public allow(...callers: LatticeCaller[]): CrossClusterAuthPolicy {
    if (!this.route) {
      throw validationError(this, KIND, `workload is exported ('${this.serviceExport?.exportName}'): call allow() on the route importService() returns`);
    }
    return this.route.allow(...callers);
  }
}

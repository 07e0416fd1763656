import { Annotations, Aspects, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { CrossClusterAuthPolicy } from '../auth/cross-cluster-auth-policy';
import { LatticeAuthPolicyDocument, LatticeCaller } from '../auth/lattice-auth-policy';
import { networkRefusesPassthroughProblem, passthroughAuthError } from '../auth/passthrough-auth';
import { clusterWiring, ILatticeCluster } from '../cluster/lattice-cluster';
import type { LatticeHealthCheck } from '../cluster/lattice-health-check';
import { LatticeRouteProtocol } from '../cluster/lattice-route-protocol';
import { ILatticeRoute } from '../cluster/lattice-route-ref';
import type { ServiceImportBackend } from '../cluster/lattice-service-export';
import { protocolHealthCheck, resolveRouteProtocol, routeKindOf, routeSectionNames } from '../cluster/route-protocol';
import { grpcRoute, httpRoute, RouteCommonSpec, tlsRoute } from '../k8s/gateway-api';
import { ALLOW_TAKEOVER_FROM_ANNOTATION, serviceImport, targetGroupPolicy } from '../k8s/multi-cluster';
import { K8sObject } from '../k8s/object';
import { isAuthPolicyClaimed, routeAuthPolicyTarget } from '../private/auth-policy-owners';
import { dnsNameProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import { exportsOf, isClusterOfApp } from '../private/export-registry';
import { validateDnsLabel, validateK8sName, validateServiceName } from '../private/k8s-names';
import { latticeNameProblem, SERVICE_NAME_RULES } from '../private/lattice-names';
import { requireTcpPort } from '../private/ports';
import { validateManagedBy } from '../private/rollout';
import { environmentOf, mayCollide } from '../private/unique-names';

const KIND = 'LatticeServiceRoute';
/** Construct id of the auth policy created by `allow()`. */
const AUTH_POLICY_ID = 'AuthPolicy';
const DEFAULT_DENY_ID = 'DefaultDenyAuthPolicy';
/** Construct id of the route's manifest, by protocol (an HTTP route keeps the id it always had). */
const ROUTE_MANIFEST_IDS: Record<LatticeRouteProtocol, string> = {
  [LatticeRouteProtocol.HTTP]: 'HttpRoute',
  [LatticeRouteProtocol.GRPC]: 'GrpcRoute',
  [LatticeRouteProtocol.TLS_PASSTHROUGH]: 'TlsRoute',
};

/** Options of `LatticeEksCluster.exposeService()`. */
export interface ExposeServiceOptions {
  /** Name of the Kubernetes Service to expose. */
  readonly serviceName: string;
  /** Port of the Kubernetes Service. */
  readonly port: number;
  /**
   * What the route carries: HTTP requests (an HTTPRoute), gRPC calls (a
   * GRPCRoute, on the Gateway's HTTPS listener only, so the cluster needs a
   * domain) or TLS connections passed through to the pods, which terminate
   * TLS themselves (a TLSRoute on the Gateway's `tls` listener, port 443;
   * needs a cluster with a domain). Lattice cannot authenticate callers of a
   * passthrough route: it takes no `allow()` (see the README's "TLS passthrough").
   * @default LatticeRouteProtocol.HTTP
   */
  readonly protocol?: LatticeRouteProtocol;
  /**
   * Port the Service's pods listen on (the Service's `targetPort`, as a
   * number). VPC Lattice sends requests and health checks to the pods on it,
   * and the cluster security group admits the Lattice prefix list on this
   * port only.
   * @default - `port` (Kubernetes' own default for `targetPort`)
   */
  readonly targetPort?: number;
  /**
   * Namespace of the Service (and of the route).
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Name of the HTTPRoute. Lattice names the service `<route[:20]>-<namespace[:18]>`,
   * which must be unique in the account: two clusters exposing the same route
   * name in the same namespace collide (detected at synth time).
   * @default serviceName
   */
  readonly routeName?: string;
  /**
   * Fully qualified host name of the service, under the cluster's domain.
   * @default `<routeName>.<domain>` with a domain; the Lattice-generated name without one
   */
  readonly hostname?: string;
  /**
   * Create the namespace (once per cluster). Nothing is created for the
   * system namespaces (`default`, `kube-system`, `kube-public`,
   * `kube-node-lease`), which always exist. Without it the route still comes
   * after whichever construct of this cluster creates the namespace.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Health check of the Service's Lattice target group (a TargetGroupPolicy).
   * @default - none: the controller's defaults (HTTP: GET / every 30 s, 200 healthy;
   *   GRPC: no health checks, which VPC Lattice cannot run over gRPC)
   */
  readonly healthCheck?: LatticeHealthCheck;
  /**
   * Take over the Lattice service from the cluster that owns it now (blue/green
   * cluster migration): the value of its `ManagedBy` tag,
   * `<account>/<cluster name>/<vpc id>`. This cluster's controller may then
   * retag resources owned by exactly that owner, and no other.
   * @default - no takeover: a service owned by another cluster is a conflict
   */
  readonly allowTakeoverFrom?: string;
}

/** Options of `LatticeEksCluster.importService()`: a route whose backends are the exports of one or more clusters. */
export interface ImportServiceOptions {
  /** Name of the HTTPRoute (and of the ServiceImports' prefix). */
  readonly routeName: string;
  /** Exported port (the same in every exporting cluster). */
  readonly port: number;
  /**
   * What the exports serve (see `ExposeServiceOptions.protocol`). Must match
   * the protocol of every export of this app it names.
   * @default LatticeRouteProtocol.HTTP
   */
  readonly protocol?: LatticeRouteProtocol;
  /** The exports served, with their weights (e.g. `export.backend(50)`). */
  readonly backends: ServiceImportBackend[];
  /**
   * Namespace of the route and the ServiceImports.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Fully qualified host name of the service, under the cluster's domain.
   * @default `<routeName>.<domain>` with a domain; the Lattice-generated name without one
   */
  readonly hostname?: string;
  /**
   * Create the namespace (once per cluster; never the system namespaces).
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Take over the Lattice service from its current owner (see `ExposeServiceOptions.allowTakeoverFrom`).
   * @default - no takeover
   */
  readonly allowTakeoverFrom?: string;
}

/** What `importService` passes to the route besides the public props. */
interface ImportedBackendsProps {
  readonly _serviceImports?: ServiceImportBackend[];
}

/** Largest backendRef weight Gateway API accepts. */
const MAX_WEIGHT = 1_000_000;

/** Properties of a `LatticeServiceRoute`. */
export interface LatticeServiceRouteProps extends ExposeServiceOptions {
  /** The cluster whose Gateway the route attaches to. */
  readonly cluster: ILatticeCluster;
}

/** Lattice service names already used per account, app-wide. */
const latticeServiceNames = new WeakMap<IConstruct, Map<string, Array<[string, string]>>>();

/** Route hostnames already used, app-wide (custom domain names of Lattice services and DNS records). */
const hostnames = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A Kubernetes Service exposed on VPC Lattice through an HTTPRoute on the
 * cluster's Gateway (a GRPCRoute on its HTTPS listener with
 * `protocol: LatticeRouteProtocol.GRPC`, a TLSRoute on its Passthrough
 * listener with `protocol: LatticeRouteProtocol.TLS_PASSTHROUGH`). Auth
 * policies target it.
 *
 * Deny by default: a route whose callers are not named by synth time (with
 * `allow()` or a `CrossClusterAuthPolicy`) gets an explicit deny-all auth
 * policy and a synth warning, never auth type NONE.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { LatticeCaller, LatticeEksCluster, LatticeServiceRoute } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const cluster: LatticeEksCluster;
 * const route = new LatticeServiceRoute(stack, 'Orders', {
 *   cluster,
 *   serviceName: 'orders',
 *   namespace: 'shop',
 *   port: 80,
 * });
 * route.allow(LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }));
 */
export class LatticeServiceRoute extends Construct implements ILatticeRoute {
  /** The cluster. */
  public readonly cluster: ILatticeCluster;
  /** Name of the route (HTTPRoute or GRPCRoute). */
  public readonly routeName: string;
  /** Namespace of the route and the Service. */
  public readonly namespace: string;
  /** What the route carries: HTTP (an HTTPRoute) or gRPC (a GRPCRoute). */
  public readonly protocol: LatticeRouteProtocol;
  /** Name of the exposed Kubernetes Service. */
  public readonly serviceName: string;
  /** Custom domain name of the service (undefined without a domain). */
  public readonly hostname?: string;
  /** Name the controller gives the Lattice service: `<route[:20]>-<namespace[:18]>`. */
  public readonly latticeServiceName: string;
  /** The route manifest (HTTPRoute, GRPCRoute or TLSRoute). */
  public readonly manifest: eks.KubernetesManifest;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeServiceRouteProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.serviceName = props.serviceName;
    this.namespace = props.namespace ?? 'default';
    this.routeName = props.routeName ?? props.serviceName;
    this.protocol = resolveRouteProtocol(this, KIND, props.protocol);
    const passthrough = this.protocol === LatticeRouteProtocol.TLS_PASSTHROUGH;
    const routeKind = routeKindOf(this.protocol);
    const sectionNames = routeSectionNames(this, KIND, this.protocol, props.cluster);
    // importService: serviceName is the routeName, and no Service has that name (the backends are ServiceImports).
    const importsGiven = (props as LatticeServiceRouteProps & ImportedBackendsProps)._serviceImports !== undefined;
    if (!importsGiven) validateServiceName(this, KIND, 'serviceName', this.serviceName);
    validateDnsLabel(this, KIND, 'namespace', this.namespace);
    validateDnsLabel(this, KIND, 'routeName', this.routeName, routeKind);
    requireTcpPort(this, KIND, 'port', props.port);
    const targetPort = requireTcpPort(this, KIND, 'targetPort', props.targetPort ?? props.port, 'give the number the Service\'s targetPort resolves to');
    this.hostname = this.resolveHostname(props);
    if (passthrough && !this.hostname) {
      throw validationError(this, KIND,
        'protocol TLS_PASSTHROUGH needs a hostname: Lattice routes passed-through TLS by its SNI, which must be the service\'s custom domain name; ' +
        'give the cluster a domain (LatticeEksClusterProps.domain), or use protocol HTTP');
    }
    this.latticeServiceName = `${this.routeName.slice(0, 20)}-${this.namespace.slice(0, 18)}`;
    const nameProblem = latticeNameProblem(this.latticeServiceName, SERVICE_NAME_RULES);
    if (nameProblem) {
      throw validationError(this, KIND,
        `routeName '${this.routeName}' in namespace '${this.namespace}' gives the Lattice service name '${this.latticeServiceName}' ` +
        `(the controller uses <routeName[:20]>-<namespace[:18]>), which Lattice rejects: ${nameProblem}; choose another routeName`);
    }
    this.claimHostname(props);
    this.claimLatticeServiceName();
    const imports = (props as LatticeServiceRouteProps & ImportedBackendsProps)._serviceImports;
    const importObjects = imports ? this.serviceImports(imports, props.port) : undefined;
    if (props.allowTakeoverFrom !== undefined) {
      validateManagedBy(this, KIND, 'allowTakeoverFrom', props.allowTakeoverFrom);
      clusterWiring(this, KIND, props.cluster).allowTakeoverFrom(props.allowTakeoverFrom, this.routeName, this.namespace);
    }
    // An imported route's targets are in the exporting clusters (which admit Lattice themselves).
    clusterWiring(this, KIND, props.cluster).registerRoute(this.namespace, importObjects ? undefined : targetPort, this.hostname);
    if (passthrough) {
      clusterWiring(this, KIND, props.cluster).registerPassthroughRoute(this.node.path);
      Annotations.of(this).addWarningV2('cdk-lattice-eks:passthroughWithoutAuthPolicy',
        `route '${this.namespace}/${this.routeName}' passes TLS through: Lattice cannot authenticate its callers (auth policies see anonymous principals only on TLS listeners) ` +
        'and the AWS Gateway API Controller attaches no IAMAuthPolicy to a TLSRoute, so every connection the service network admits reaches the pods. ' +
        'Authenticate callers in the workload (mutual TLS with client certificates from the private CA) and admit the connections in the service network\'s auth policy by source VPC.');
      // Read once the app is built: statements may be added to the network's policy after the route.
      Aspects.of(this).add({
        visit: (node) => {
          if (node !== this) return;
          const problem = networkRefusesPassthroughProblem(props.cluster.serviceNetwork);
          if (problem) Annotations.of(this).addWarningV2('cdk-lattice-eks:passthroughRefusedByNetwork', `route '${this.namespace}/${this.routeName}': ${problem}`);
        },
      });
    } else {
      // Deny by default: a route that nobody gave callers by synth time gets a deny-all policy.
      Aspects.of(this).add({ visit: (node) => { if (node === this) this.denyUnlessAllowed(); } });
    }

    const extra: K8sObject[] = [...(importObjects?.objects ?? [])];
    if (props.healthCheck && importObjects) throw validationError(this, KIND, 'healthCheck applies to the exports of an imported route: give it to exportService()');
    const healthCheck = protocolHealthCheck(this, KIND, this.protocol, props.healthCheck, false, 'on a TLS_PASSTHROUGH route');
    if (healthCheck) {
      // Health checks on another port must get through the cluster security group too.
      if (healthCheck.port !== undefined) clusterWiring(this, KIND, props.cluster).registerTargets(this.namespace, healthCheck.port);
      extra.push(targetGroupPolicy({
        name: this.serviceName, namespace: this.namespace, targetKind: 'Service', targetName: this.serviceName, healthCheck,
      }));
    }
    if (!importObjects) {
      clusterWiring(this, KIND, props.cluster).registerServicePort(this, KIND, this.namespace, this.serviceName, props.port, this.node.path,
        props.healthCheck !== undefined);
    }
    if (props.createNamespace) clusterWiring(this, KIND, props.cluster).ensureNamespace(this.namespace);
    const common: RouteCommonSpec = {
      name: this.routeName,
      namespace: this.namespace,
      gateway: { name: props.cluster.gatewayName, namespace: props.cluster.gatewayNamespace },
      backendServiceName: this.serviceName,
      backendPort: props.port,
      serviceImports: importObjects?.refs,
      annotations: props.allowTakeoverFrom ? { [ALLOW_TAKEOVER_FROM_ANNOTATION]: props.allowTakeoverFrom } : undefined,
    };
    const route = passthrough
      ? tlsRoute({ ...common, hostname: this.hostname! })
      : (this.protocol === LatticeRouteProtocol.GRPC ? grpcRoute : httpRoute)({ ...common, hostname: this.hostname, sectionNames });
    // Manifest ids by kind (HttpRoute, GrpcRoute, TlsRoute): an HTTP route keeps the id it always had.
    this.manifest = clusterWiring(this, KIND, props.cluster).addManifest(this, ROUTE_MANIFEST_IDS[this.protocol], [route, ...extra], true);
  }

  /** Problems with backends naming exports of clusters of this app: missing in the route's namespace, or on another port. */
  private checkImportedExports(backends: ServiceImportBackend[], port: number): string[] {
    const problems: string[] = [];
    backends.forEach((b, i) => {
      if (!isClusterOfApp(this, b.clusterName)) return; // a cluster of another app or account: not checkable here
      const exports = exportsOf(this, b.clusterName);
      const exported = exports.get(`${this.namespace}/${b.exportName}`);
      if (exported === undefined) {
        const known = [...exports.keys()].join(', ') || 'none';
        problems.push(`${KIND} (${this.node.path}): backends[${i}] names export '${b.exportName}' of cluster '${b.clusterName}', which has no such export ` +
          `in namespace '${this.namespace}' (a ServiceImport finds exports in its route's namespace; exports of that cluster: ${known})`);
        return;
      }
      if (exported.port !== port) {
        problems.push(`${KIND} (${this.node.path}): backends[${i}] export '${b.exportName}' of cluster '${b.clusterName}' exports port ${exported.port}, ` +
          `but the route imports port ${port}; give importService the exported port`);
      }
      if (exported.protocol !== this.protocol) {
        problems.push(`${KIND} (${this.node.path}): backends[${i}] export '${b.exportName}' of cluster '${b.clusterName}' is exported with protocol ${exported.protocol}, ` +
          `but the route's protocol is ${this.protocol} (the controller builds the export's target group for its route type); ` +
          'give importService and exportService the same protocol');
      }
    });
    return problems;
  }

  /** One ServiceImport per backend (`<route>-<n>`), and the weighted backendRefs to them. */
  private serviceImports(backends: ServiceImportBackend[], port: number) {
    if (!Array.isArray(backends) || backends.length === 0) {
      throw validationError(this, KIND, 'backends is empty; give at least one export, e.g. backends: [cluster1Export.backend()]');
    }
    const seen = new Set<string>();
    const refs = backends.map((b, i) => {
      validateK8sName(this, KIND, `backends[${i}].exportName`, b.exportName, 'rfc1035-label', 'ServiceImport (the exported Service\'s)');
      const key = `${b.clusterName}/${b.exportName}`;
      if (seen.has(key)) throw validationError(this, KIND, `backends[${i}] repeats export '${b.exportName}' of cluster '${b.clusterName}'; give each export once`);
      seen.add(key);
      const weight = b.weight ?? 1;
      if (Token.isUnresolved(weight)) {
        throw validationError(this, KIND, literalRequired(`backends[${i}].weight`, 'number', 'check it and write the route\'s backend weights'));
      }
      if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
        throw validationError(this, KIND, `backends[${i}].weight ${weight} must be an integer between 0 and ${MAX_WEIGHT}`);
      }
      const name = `${this.routeName.slice(0, 56)}-${i + 1}`;
      return { name, weight, backend: b };
    });
    if (refs.every((r) => r.weight === 0)) {
      throw validationError(this, KIND, 'every backend has weight 0, so the route would send nowhere; give at least one a positive weight');
    }
    // Checked once the app is built (exports may be added after the route): a
    // ServiceImport resolves by export name in the route's own namespace.
    this.node.addValidation({ validate: () => this.checkImportedExports(backends, port) });
    const objects = refs.map((r) => serviceImport({
      name: r.name, namespace: this.namespace, exportName: r.backend.exportName, clusterName: r.backend.clusterName, port,
    }));
    return { objects, refs: refs.map(({ name, weight }) => ({ name, weight })) };
  }

  /**
   * Lets `callers` (any of them) invoke this route's Lattice service: an
   * IAMAuthPolicy on the route. A route has one auth policy, so call this
   * once with every caller.
   */
  public allow(...callers: LatticeCaller[]): CrossClusterAuthPolicy {
    if (this.protocol === LatticeRouteProtocol.TLS_PASSTHROUGH) throw passthroughAuthError(this, KIND, this, callers);
    const existing = this.node.tryFindChild(AUTH_POLICY_ID);
    if (existing) {
      throw validationError(this, KIND,
        `route '${this.namespace}/${this.routeName}' already has an auth policy ('${existing.node.path}'); call allow() once with every caller`);
    }
    return new CrossClusterAuthPolicy(this, AUTH_POLICY_ID, { route: this, policy: LatticeAuthPolicyDocument.allow(...callers) });
  }

  /**
   * Without an auth policy the Lattice service would have auth type NONE and
   * admit every caller the network admits: attach an explicit deny-all policy
   * instead, and warn.
   */
  private denyUnlessAllowed(): void {
    if (this.node.tryFindChild(DEFAULT_DENY_ID)) return;
    if (isAuthPolicyClaimed(this, routeAuthPolicyTarget(clusterWiring(this, KIND, this.cluster).key, this.namespace, this.routeName))) return;
    new CrossClusterAuthPolicy(this, DEFAULT_DENY_ID, { route: this, policy: LatticeAuthPolicyDocument.denyAll() });
    Annotations.of(this).addWarningV2('cdk-lattice-eks:routeWithoutCallers',
      `route '${this.namespace}/${this.routeName}' has no callers, so it denies every request (deny by default). ` +
      'Name its callers with allow(LatticeCaller.eksWorkload(...)), or open it to a whole account on purpose with allow(LatticeCaller.account(...)).');
  }

  private resolveHostname(props: LatticeServiceRouteProps): string | undefined {
    // The certificate's name: the domain, or the spoke's subdomain of it.
    const domain = props.cluster.domain?.certificateDomainName;
    if (props.hostname === undefined) return domain ? `${this.routeName}.${domain}` : undefined;
    if (!domain) {
      throw validationError(this, KIND, `hostname '${props.hostname}' needs a cluster with a domain (LatticeEksClusterProps.domain)`);
    }
    if (Token.isUnresolved(props.hostname)) {
      throw validationError(this, KIND, literalRequired('hostname', 'string', 'check it against the domain\'s certificate and the other routes'));
    }
    const problem = dnsNameProblem(props.hostname);
    if (problem) throw validationError(this, KIND, `hostname '${props.hostname}' is not a valid DNS name: ${problem}`);
    if (!props.hostname.endsWith(`.${domain}`)) {
      throw validationError(this, KIND, `hostname '${props.hostname}' is outside the cluster's domain '${domain}'`);
    }
    const label = props.hostname.slice(0, -domain.length - 1);
    if (label.includes('.') || label.includes('*')) {
      throw validationError(this, KIND,
        `hostname '${props.hostname}' is not covered by the domain's certificate ('${domain}', '*.${domain}' cover one label only); ` +
        `use a name like '${label.split('.')[0].replace(/\*/g, 'x') || 'app'}.${domain}'`);
    }
    return props.hostname;
  }

  /** Fails when another cluster of this app already exposes the same Lattice service name in the same account. */
  /** A hostname is one Lattice custom domain and one DNS record: one route per hostname, app-wide. */
  private claimHostname(props: LatticeServiceRouteProps): void {
    if (!this.hostname) return;
    let claims = hostnames.get(this.node.root);
    if (!claims) {
      claims = new Map();
      hostnames.set(this.node.root, claims);
    }
    const key = this.hostname.toLowerCase();
    const other = claims.get(key);
    if (other) {
      throw validationError(this, KIND,
        `hostname '${this.hostname}' is already used by route '${other}'; a custom domain name serves one Lattice service: ` +
        `give this route another hostname${props.hostname === undefined ? ' (or another routeName, from which the default hostname comes)' : ''}`);
    }
    claims.set(key, this.node.path);
  }

  private claimLatticeServiceName(): void {
    const root = this.node.root;
    let names = latticeServiceNames.get(root);
    if (!names) {
      names = new Map();
      latticeServiceNames.set(root, names);
    }
    // Lattice service names are unique per account and region.
    const env = environmentOf(this);
    let places = names.get(this.latticeServiceName);
    if (!places) names.set(this.latticeServiceName, places = []);
    const other = places.find(([otherEnv]) => mayCollide(env, otherEnv, 'account-and-region'));
    if (other) {
      throw validationError(this, KIND, `route '${this.namespace}/${this.routeName}' becomes Lattice service '${this.latticeServiceName}', which ${other[1]} ` +
        'already uses in this account and region (or an environment-agnostic stack); give one of them another routeName');
    }
    places.push([env, this.node.path]);
  }
}

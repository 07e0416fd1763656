import { Annotations, Aspects, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { CrossClusterAuthPolicy } from './cross-cluster-auth-policy';
import { httpRoute } from './k8s/gateway-api';
import { LatticeAuthPolicyDocument, LatticeCaller } from './lattice-auth-policy';
import type { LatticeEksCluster } from './lattice-eks-cluster';
import { isAuthPolicyClaimed, routeAuthPolicyTarget } from './private/auth-policy-owners';
import { dnsNameProblem } from './private/dns';
import { validationError } from './private/errors';
import { validateDnsLabel } from './private/k8s-names';
import { latticeNameProblem, SERVICE_NAME_RULES } from './private/lattice-names';
import { requireLiteralNumber } from './private/numbers';

const KIND = 'LatticeServiceRoute';
/** Construct id of the auth policy created by `allow()`. */
const AUTH_POLICY_ID = 'AuthPolicy';
const DEFAULT_DENY_ID = 'DefaultDenyAuthPolicy';

/** Options of `LatticeEksCluster.exposeService()`. */
export interface ExposeServiceOptions {
  /** Name of the Kubernetes Service to expose. */
  readonly serviceName: string;
  /** Port of the Kubernetes Service. */
  readonly port: number;
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
}

/** Properties of a `LatticeServiceRoute`. */
export interface LatticeServiceRouteProps extends ExposeServiceOptions {
  /** The cluster whose Gateway the route attaches to. */
  readonly cluster: LatticeEksCluster;
}

/** Lattice service names already used per account, app-wide. */
const latticeServiceNames = new WeakMap<IConstruct, Map<string, string>>();

/** Route hostnames already used, app-wide (custom domain names of Lattice services and DNS records). */
const hostnames = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A Kubernetes Service exposed on VPC Lattice through an HTTPRoute on the
 * cluster's Gateway. Auth policies target it.
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
export class LatticeServiceRoute extends Construct {
  /** The cluster. */
  public readonly cluster: LatticeEksCluster;
  /** Name of the HTTPRoute. */
  public readonly routeName: string;
  /** Namespace of the HTTPRoute and the Service. */
  public readonly namespace: string;
  /** Name of the exposed Kubernetes Service. */
  public readonly serviceName: string;
  /** Custom domain name of the service (undefined without a domain). */
  public readonly hostname?: string;
  /** Name the controller gives the Lattice service: `<route[:20]>-<namespace[:18]>`. */
  public readonly latticeServiceName: string;
  /** The HTTPRoute manifest. */
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
    validateDnsLabel(this, KIND, 'serviceName', this.serviceName);
    validateDnsLabel(this, KIND, 'namespace', this.namespace);
    validateDnsLabel(this, KIND, 'routeName', this.routeName);
    requireLiteralNumber(this, KIND, 'port', props.port);
    if (props.targetPort !== undefined) requireLiteralNumber(this, KIND, 'targetPort', props.targetPort);
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
      throw validationError(this, KIND, `port ${props.port} is not a TCP port (1-65535)`);
    }
    const targetPort = props.targetPort ?? props.port;
    if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) {
      throw validationError(this, KIND, `targetPort ${targetPort} is not a TCP port (1-65535); give the number the Service's targetPort resolves to`);
    }
    this.hostname = this.resolveHostname(props);
    this.latticeServiceName = `${this.routeName.slice(0, 20)}-${this.namespace.slice(0, 18)}`;
    const nameProblem = latticeNameProblem(this.latticeServiceName, SERVICE_NAME_RULES);
    if (nameProblem) {
      throw validationError(this, KIND,
        `routeName '${this.routeName}' in namespace '${this.namespace}' gives the Lattice service name '${this.latticeServiceName}' ` +
        `(the controller uses <routeName[:20]>-<namespace[:18]>), which Lattice rejects: ${nameProblem}; choose another routeName`);
    }
    this.claimHostname(props);
    this.claimLatticeServiceName();
    props.cluster._registerRoute(this.namespace, targetPort, this.hostname);
    // Deny by default: a route that nobody gave callers by synth time gets a deny-all policy.
    Aspects.of(this).add({ visit: (node) => { if (node === this) this.denyUnlessAllowed(); } });

    if (props.createNamespace) props.cluster._ensureNamespace(this.namespace);
    this.manifest = props.cluster._addManifest(this, 'HttpRoute', [httpRoute({
      name: this.routeName,
      namespace: this.namespace,
      hostname: this.hostname,
      gateway: { name: props.cluster.gatewayName, namespace: props.cluster.gatewayNamespace },
      sectionNames: props.cluster.gatewayListeners,
      backendServiceName: this.serviceName,
      backendPort: props.port,
    })], true);
  }

  /**
   * Lets `callers` (any of them) invoke this route's Lattice service: an
   * IAMAuthPolicy on the route. A route has one auth policy, so call this
   * once with every caller.
   */
  public allow(...callers: LatticeCaller[]): CrossClusterAuthPolicy {
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
    if (isAuthPolicyClaimed(this, routeAuthPolicyTarget(this.cluster.node.path, this.namespace, this.routeName))) return;
    new CrossClusterAuthPolicy(this, DEFAULT_DENY_ID, { route: this, policy: LatticeAuthPolicyDocument.denyAll() });
    Annotations.of(this).addWarningV2('cdk-lattice-eks:routeWithoutCallers',
      `route '${this.namespace}/${this.routeName}' has no callers, so it denies every request (deny by default). ` +
      'Name its callers with allow(LatticeCaller.eksWorkload(...)), or open it to a whole account on purpose with allow(LatticeCaller.account(...)).');
  }

  private resolveHostname(props: LatticeServiceRouteProps): string | undefined {
    const domain = props.cluster.domain?.domainName;
    if (props.hostname === undefined) return domain ? `${this.routeName}.${domain}` : undefined;
    if (!domain) {
      throw validationError(this, KIND, `hostname '${props.hostname}' needs a cluster with a domain (LatticeEksClusterProps.domain)`);
    }
    const problem = Token.isUnresolved(props.hostname) ? 'it is a token' : dnsNameProblem(props.hostname);
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
    const account = Stack.of(this).account;
    const key = `${Token.isUnresolved(account) ? 'this-account' : account}/${this.latticeServiceName}`;
    const other = names.get(key);
    if (other) {
      throw validationError(this, KIND, `route '${this.namespace}/${this.routeName}' becomes Lattice service '${this.latticeServiceName}', which ${other} already uses in this account; give one of them another routeName`);
    }
    names.set(key, this.node.path);
  }
}

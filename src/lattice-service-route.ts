import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { CrossClusterAuthPolicy } from './cross-cluster-auth-policy';
import { httpRoute } from './k8s/gateway-api';
import { LatticeAuthPolicyDocument, LatticeCaller } from './lattice-auth-policy';
import type { LatticeEksCluster } from './lattice-eks-cluster';
import { dnsNameProblem } from './private/dns';
import { validationError } from './private/errors';
import { validateDnsLabel } from './private/k8s-names';

const KIND = 'LatticeServiceRoute';
/** Construct id of the auth policy created by `allow()`. */
const AUTH_POLICY_ID = 'AuthPolicy';

/** Options of `LatticeEksCluster.exposeService()`. */
export interface ExposeServiceOptions {
  /** Name of the Kubernetes Service to expose. */
  readonly serviceName: string;
  /** Port of the Kubernetes Service. */
  readonly port: number;
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

/**
 * A Kubernetes Service exposed on VPC Lattice through an HTTPRoute on the
 * cluster's Gateway. Auth policies target it.
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

  constructor(scope: Construct, id: string, props: LatticeServiceRouteProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.serviceName = props.serviceName;
    this.namespace = props.namespace ?? 'default';
    this.routeName = props.routeName ?? props.serviceName;
    validateDnsLabel(this, KIND, 'serviceName', this.serviceName);
    validateDnsLabel(this, KIND, 'namespace', this.namespace);
    validateDnsLabel(this, KIND, 'routeName', this.routeName);
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
      throw validationError(this, KIND, `port ${props.port} is not a TCP port (1-65535)`);
    }
    this.hostname = this.resolveHostname(props);
    this.latticeServiceName = `${this.routeName.slice(0, 20)}-${this.namespace.slice(0, 18)}`;
    this.claimLatticeServiceName();

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
    return props.hostname;
  }

  /** Fails when another cluster of this app already exposes the same Lattice service name in the same account. */
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

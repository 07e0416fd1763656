import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DependencyGroup, IConstruct, IDependable } from 'constructs';
import { ArtifactSources } from '../artifact-sources';
import { PrivateCaDomain } from '../domain/private-ca-domain';
import { K8sObject } from '../k8s/object';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import { validationError } from '../private/errors';

/**
 * An EKS cluster with Lattice installed: what routes, exports, workloads,
 * Pod Identities and the SigV4 sidecar need to know of it. Implemented by
 * `LatticeEksIntegration` (Lattice on a cluster the app already has) and
 * `LatticeEksCluster` (a new cluster with Lattice).
 */
export interface ILatticeCluster extends IConstruct, ec2.IConnectable {
  /** Name of the EKS cluster (a literal: auth policies refer to callers by it). */
  readonly clusterName: string;
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /** The service network the cluster's Gateway binds to. */
  readonly serviceNetwork: ILatticeServiceNetwork;
  /** The custom domain, if any. */
  readonly domain?: PrivateCaDomain;
  /** Name of the Gateway (the service network's name). */
  readonly gatewayName: string;
  /** Namespace of the Gateway. */
  readonly gatewayNamespace: string;
  /** Names of the Gateway's listeners (`http`, and `https` with a domain). */
  readonly gatewayListeners: string[];
  /** Where images and charts of this cluster are pulled from. */
  readonly sources: ArtifactSources;
  /** IAM role of the AWS Gateway API Controller (EKS Pod Identity). */
  readonly gatewayControllerRole: iam.IRole;
  /** Whether the cluster runs EKS Auto Mode compute (Bottlerocket nodes, Pod Identity agent built in). */
  readonly autoMode: boolean;
  /**
   * Kubernetes version of the cluster (`1.36`) when this app sets it; undefined
   * for an existing cluster, whose version is not known at synth time.
   */
  readonly kubernetesVersion?: string;
}

/**
 * The part of the cluster layer that the constructs placed on a cluster
 * (routes, exports, workloads, Pod Identities, the sidecar policy) use to add
 * Kubernetes objects in the right order. Not public API.
 */
export interface ClusterWiring {
  /** The EKS cluster (created by the app or imported). */
  readonly cluster: eks.ICluster;
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /** A key unique per cluster of the app (the path of the construct that installed Lattice). */
  readonly key: string;
  /** What every Kubernetes object is created after: the nodes, add-ons and preflight checks. */
  readonly prerequisites: IDependable;
  /**
   * Adds Kubernetes objects, ordered after the cluster's prerequisites and
   * after whatever creates their namespaces; `afterGateway`: objects the
   * controller reconciles (routes, policies).
   */
  addManifest(scope: IConstruct, id: string, objects: K8sObject[], afterGateway?: boolean): eks.KubernetesManifest;
  /**
   * Creates `namespace` once per cluster (nothing for system namespaces and
   * namespaces declared as existing). Returns the Namespace manifest, if one.
   */
  ensureNamespace(namespace: string, forApplications?: boolean): eks.KubernetesManifest | undefined;
  /** Orders `construct` after whatever creates `namespace`. */
  placeInNamespace(construct: IConstruct, namespace: string, reconciledByController?: boolean): void;
  /** Records a route: the Gateway admits its namespace, Lattice reaches its pods, ExternalDNS may write its record. */
  registerRoute(namespace: string, targetPort: number | undefined, hostname?: string): void;
  /** Records Lattice targets in `namespace` on `targetPort`. */
  registerTargets(namespace: string, targetPort: number): void;
  /** Records a TLS passthrough route: the Gateway gets its `tls` listener. */
  registerPassthroughRoute(path: string): void;
  /** Ports of the cluster's TLS passthrough listeners (empty without passthrough routes). */
  passthroughPorts(): number[];
  /**
   * Records that the route at `routePath` sends to `port` of Service
   * `namespace/serviceName`, with or without a TargetGroupPolicy (health
   * check). Throws a validation error when the controller cannot serve that
   * next to the routes already recorded.
   */
  registerServicePort(
    scope: IConstruct, kind: string, namespace: string, serviceName: string, port: number, routePath: string, healthCheck: boolean): void;
  /** What pods of `namespace` must be created after to get the controller's readiness gate. */
  readinessGatePrerequisites(namespace: string): DependencyGroup;
  /** Lets the controller take over the Lattice service of the route `namespace/routeName` from `previousOwner`. */
  allowTakeoverFrom(previousOwner: string, routeName: string, namespace: string): void;
  /** Path of the Pod Identity association of `namespace/serviceAccount`, if the app made one. */
  podIdentityOf(namespace: string, serviceAccount: string): string | undefined;
}

const wirings = new WeakMap<IConstruct, ClusterWiring>();

/** Registers the wiring of a construct that installs (or composes) Lattice on a cluster. */
export function registerClusterWiring(cluster: IConstruct, wiring: ClusterWiring): void {
  wirings.set(cluster, wiring);
}

/**
 * The wiring of `cluster`. Throws a validation error naming `kind` when
 * `cluster` is not one of the library's clusters (e.g. a hand-written
 * implementation of `ILatticeCluster`).
 */
export function clusterWiring(scope: IConstruct, kind: string, cluster: ILatticeCluster): ClusterWiring {
  const wiring = wirings.get(cluster);
  if (!wiring) {
    throw validationError(scope, kind,
      `cluster '${cluster.node.path}' has no Lattice installation; pass a LatticeEksIntegration or a LatticeEksCluster`);
  }
  return wiring;
}

/** Whether two clusters are the same Lattice installation (a LatticeEksCluster and the integration it composes are). */
export function isSameLatticeCluster(a: ILatticeCluster, b: ILatticeCluster): boolean {
  return a === b || (wirings.get(a) !== undefined && wirings.get(a) === wirings.get(b));
}

/** Constructs that compose a Lattice installation (e.g. LatticeEksCluster), with the kind their errors are reported as. */
const composites = new WeakMap<IConstruct, string>();

/**
 * Marks `owner` as composing the Lattice installation created as its child:
 * that installation reports bad input as `<kind> (<owner path>)`, the
 * construct and props the user wrote.
 */
export function registerComposite(owner: IConstruct, kind: string): void {
  composites.set(owner, kind);
}

/** The kind and scope bad input of an installation created in `scope` is reported with. */
export function reportingAs(scope: IConstruct, self: IConstruct, ownKind: string): { kind: string; scope: IConstruct } {
  const kind = composites.get(scope);
  return kind ? { kind, scope } : { kind: ownKind, scope: self };
}

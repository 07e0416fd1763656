// L1s from aws-eks: aws-eks-v2 re-exports them only since aws-cdk-lib 2.27x.
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { serviceAccountObject } from './k8s/object';
import type { LatticeEksCluster } from './lattice-eks-cluster';
import { validateDnsLabel, validateDnsSubdomain } from './private/k8s-names';
import { podIdentityAssociation, podIdentityRole } from './private/pod-identity';

const KIND = 'LatticePodIdentity';

/** Options of `LatticeEksCluster.addPodIdentity()`. */
export interface PodIdentityOptions {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccountName: string;
  /**
   * Role the pods get. It must trust `pods.eks.amazonaws.com` with
   * `sts:AssumeRole` and `sts:TagSession`.
   * @default - a new role with that trust policy
   */
  readonly role?: iam.IRole;
  /**
   * Create the namespace (once per cluster). Nothing is created for the
   * system namespaces (`default`, `kube-system`, `kube-public`,
   * `kube-node-lease`), which always exist.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Create the service account.
   * @default false
   */
  readonly createServiceAccount?: boolean;
}

/** Properties of a `LatticePodIdentity`. */
export interface LatticePodIdentityProps extends PodIdentityOptions {
  /** The cluster. */
  readonly cluster: LatticeEksCluster;
}

/**
 * An IAM role for the pods of one Kubernetes service account, through EKS Pod
 * Identity. Session tags stay on: they carry the cluster, namespace and service
 * account that Lattice auth policies match.
 *
 * @example
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 * import { LatticeEksCluster } from 'cdk-lattice-eks';
 *
 * declare const cluster: LatticeEksCluster;
 * declare const bucket: s3.IBucket;
 * const identity = cluster.addPodIdentity('Reports', { namespace: 'shop', serviceAccountName: 'reports', createServiceAccount: true });
 * bucket.grantRead(identity);
 */
export class LatticePodIdentity extends Construct implements iam.IGrantable {
  /** The role the pods assume. */
  public readonly role: iam.IRole;
  /** The Pod Identity association. */
  public readonly association: CfnPodIdentityAssociation;
  /** Namespace of the service account. */
  public readonly namespace: string;
  /** Name of the service account. */
  public readonly serviceAccountName: string;
  /** The service account manifest, when created. */
  public readonly serviceAccountManifest?: eks.KubernetesManifest;
  /** The principal to grant permissions to (the role). */
  public readonly grantPrincipal: iam.IPrincipal;
  /** Name of the EKS cluster of the association. */
  public readonly clusterName: string;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticePodIdentityProps) {
    super(scope, id);
    validateDnsLabel(this, KIND, 'namespace', props.namespace);
    validateDnsSubdomain(this, KIND, 'serviceAccountName', props.serviceAccountName);
    this.namespace = props.namespace;
    this.serviceAccountName = props.serviceAccountName;
    this.clusterName = props.cluster.clusterName;
    this.role = props.role ?? podIdentityRole(this, 'Role',
      `Pods of ${props.namespace}/${props.serviceAccountName} in EKS cluster ${props.cluster.clusterName}`);
    this.grantPrincipal = this.role.grantPrincipal;
    this.association = podIdentityAssociation(this, 'Association', props.cluster.cluster,
      props.namespace, props.serviceAccountName, this.role);
    if (props.createNamespace) props.cluster._ensureNamespace(props.namespace);
    // After whatever creates the namespace (this construct or another one).
    props.cluster._placeInNamespace(this.association, props.namespace);
    if (props.createServiceAccount) {
      this.serviceAccountManifest = props.cluster._addManifest(this, 'ServiceAccount',
        [serviceAccountObject(props.serviceAccountName, props.namespace)]);
    }
  }
}

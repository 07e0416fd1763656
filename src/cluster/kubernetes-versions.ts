/** Oldest Kubernetes minor (1.x) the AWS Gateway API Controller v2 supports. */
export const MIN_KUBERNETES_MINOR = 31;

/**
 * Kubernetes minor a `LatticeEksCluster` gets by default. It stays 1.35 while 1.36 is supported:
 * the control-plane engine test runs every manifest on a 1.35 API server, and the EKS add-on
 * versions are pinned (and checked) for 1.35 only.
 */
export const DEFAULT_KUBERNETES_MINOR = 35;

/**
 * Newest Kubernetes minor the library supports: EKS offers it, aws-cdk-lib has
 * `KubernetesVersion.V1_36`, and npm has its kubectl layer (`@aws-cdk/lambda-layer-kubectl-v36`).
 * Newer minors synthesize with a warning.
 */
export const NEWEST_KUBERNETES_MINOR = 36;

// L1s from aws-eks: aws-eks-v2 re-exports them only since aws-cdk-lib 2.27x.
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { validationError } from './errors';

/** Pod Identity associations per cluster, keyed `namespace/serviceAccount`, with the path of their construct. */
const associations = new WeakMap<eks.ICluster, Map<string, string>>();

/** Service principal of EKS Pod Identity. */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/**
 * A role that EKS Pod Identity can assume for a pod, with session tags
 * (`sts:TagSession`): auth policies key on them.
 */
export function podIdentityRole(scope: Construct, id: string, description: string, roleName?: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).withSessionTags(),
    description,
    roleName,
  });
}

/** Path of the Pod Identity association of `namespace/serviceAccount` on `cluster`, if this app made one. */
export function podIdentityAssociationOf(cluster: eks.ICluster, namespace: string, serviceAccount: string): string | undefined {
  return associations.get(cluster)?.get(`${namespace}/${serviceAccount}`);
}

/**
 * The Pod Identity association of `namespace/serviceAccount` with `role`.
 * Session tags are never disabled.
 */
export function podIdentityAssociation(
  scope: Construct, id: string, cluster: eks.ICluster, namespace: string, serviceAccount: string, role: iam.IRole, targetRoleArn?: string,
): CfnPodIdentityAssociation {
  let claimed = associations.get(cluster);
  if (!claimed) {
    claimed = new Map();
    associations.set(cluster, claimed);
  }
  const key = `${namespace}/${serviceAccount}`;
  const existing = claimed.get(key);
  if (existing !== undefined) {
    throw validationError(scope, 'LatticePodIdentity',
      `service account '${key}' already has a Pod Identity association ('${existing}'); EKS allows one per service account: ` +
      'reuse that identity (grant its role more), or use another service account');
  }
  claimed.set(key, `${scope.node.path}/${id}`);
  return new CfnPodIdentityAssociation(scope, id, {
    clusterName: cluster.clusterName,
    namespace,
    serviceAccount,
    roleArn: role.roleArn,
    targetRoleArn,
  });
}

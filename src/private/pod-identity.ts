// L1s from aws-eks: aws-eks-v2 exports them only since aws-cdk-lib 2.27x, above the peer floor (2.263.0) that
// the Java package compiles against.
import { Stack, Token } from 'aws-cdk-lib';
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { validationError } from './errors';
import { environmentOf } from './unique-names';

/**
 * Pod Identity associations per cluster, keyed `namespace/serviceAccount`, with
 * the path of their construct. A cluster with a literal name is keyed by its
 * app, account, region and name, so two imports of one cluster share one map.
 */
const associations = new WeakMap<object, Map<string, Map<string, string>>>();

function associationsOf(cluster: eks.ICluster): Map<string, string> {
  const literal = !Token.isUnresolved(cluster.clusterName);
  const owner: object = literal ? cluster.node.root : cluster;
  const key = literal ? `${environmentOf(cluster)}/${cluster.clusterName}` : '';
  let byCluster = associations.get(owner);
  if (!byCluster) associations.set(owner, byCluster = new Map());
  let claimed = byCluster.get(key);
  if (!claimed) byCluster.set(key, claimed = new Map());
  return claimed;
}

/** Service principal of EKS Pod Identity. */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/** The one service account of one cluster a Pod Identity role is for. */
export interface PodIdentityBinding {
  /** Name of the EKS cluster (session tag `eks-cluster-name`). */
  readonly clusterName: string;
  /** Namespace of the service account (session tag `kubernetes-namespace`). */
  readonly namespace: string;
  /** Name of the service account (session tag `kubernetes-service-account`). */
  readonly serviceAccount: string;
}

/**
 * A role that EKS Pod Identity can assume for the pods of one service account
 * of one cluster, with session tags (`sts:TagSession`; auth policies key on
 * them). The trust is pinned with the condition keys the EKS user guide
 * documents for Pod Identity trust policies: the session tags
 * `kubernetes-namespace`, `kubernetes-service-account` and `eks-cluster-name`
 * that Pod Identity sets, and `aws:SourceAccount`; so an association made for
 * another service account or cluster (by anyone with
 * `eks:CreatePodIdentityAssociation` and `iam:PassRole`) gets no credentials.
 */
export function podIdentityRole(
  scope: Construct, id: string, description: string, binding: PodIdentityBinding, roleName?: string, path?: string,
): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal(POD_IDENTITY_PRINCIPAL).withSessionTags().withConditions({
      StringEquals: {
        'aws:SourceAccount': Stack.of(scope).account,
        'aws:RequestTag/eks-cluster-name': binding.clusterName,
        'aws:RequestTag/kubernetes-namespace': binding.namespace,
        'aws:RequestTag/kubernetes-service-account': binding.serviceAccount,
      },
    }),
    description,
    roleName,
    path,
  });
}

/** Path of the Pod Identity association of `namespace/serviceAccount` on `cluster`, if this app made one. */
export function podIdentityAssociationOf(cluster: eks.ICluster, namespace: string, serviceAccount: string): string | undefined {
  return associationsOf(cluster).get(`${namespace}/${serviceAccount}`);
}

/**
 * The Pod Identity association of `namespace/serviceAccount` with `role`.
 * Session tags are never disabled.
 */
export function podIdentityAssociation(
  scope: Construct, id: string, cluster: eks.ICluster, namespace: string, serviceAccount: string, role: iam.IRole, targetRoleArn?: string,
): CfnPodIdentityAssociation {
  const claimed = associationsOf(cluster);
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

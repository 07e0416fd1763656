import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * Checks a cluster name: a literal EKS cluster name. `fromCluster`: the name
 * came from the cluster (so the message says to give `clusterName`).
 */
export function validateClusterName(scope: IConstruct, kind: string, name: string, fromCluster = false): void {
  if (Token.isUnresolved(name)) {
    throw validationError(scope, kind, fromCluster
      ? 'the cluster\'s name is a token (eks.Cluster without clusterName); give the cluster a literal clusterName, or give clusterName here: auth policies refer to it by name'
      : 'clusterName must be a literal string, not a token: auth policies refer to it by name');
  }
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw validationError(scope, kind, `clusterName '${name}' is not a valid EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)`);
  }
}

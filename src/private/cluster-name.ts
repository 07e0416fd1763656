import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { literalRequired, validationError } from './errors';

/**
 * Checks a cluster name: a literal EKS cluster name. `fromCluster`: the name
 * came from the cluster (so the message says to give `clusterName`).
 */
export function validateClusterName(scope: IConstruct, kind: string, name: string, fromCluster = false): void {
  if (Token.isUnresolved(name)) {
    throw validationError(scope, kind, fromCluster
      ? `${literalRequired('the cluster\'s name', 'string', 'name the cluster in auth policies, ownership tags and DNS owner ids')}; ` +
        'an eks.Cluster without clusterName has a token: give the cluster a literal clusterName, or give clusterName here'
      : literalRequired('clusterName', 'string', 'name the cluster in auth policies, ownership tags and DNS owner ids'));
  }
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw validationError(scope, kind, `clusterName '${name}' is not a valid EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)`);
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/** The removal policies every resource type supports; `SNAPSHOT` only applies to databases, volumes and caches. */
const SUPPORTED: RemovalPolicy[] = [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE];

/**
 * Throws a ValidationError of construct `kind` unless `policy` (of `prop`) is a
 * removal policy that every resource it applies to (`resources`, e.g.
 * `the log group (AWS::Logs::LogGroup)`) supports. `SNAPSHOT` is rejected:
 * CloudFormation snapshots only databases, volumes and caches, and for other
 * types the CDK ignores it with a warning (the resource is deleted, not kept).
 * Returns the policy, or `fallback` when it is undefined.
 */
export function validateRemovalPolicy(
  scope: IConstruct, kind: string, prop: string, policy: unknown, resources: string, fallback: RemovalPolicy,
): RemovalPolicy {
  if (policy === undefined) return fallback;
  if (SUPPORTED.includes(policy as RemovalPolicy)) return policy as RemovalPolicy;
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw validationError(scope, kind,
      `${prop} RemovalPolicy.SNAPSHOT ('${policy}') is not supported by ${resources}: CloudFormation snapshots only databases, volumes and caches, ` +
      'so the resource would be deleted, not kept; use RemovalPolicy.RETAIN to keep it, or RemovalPolicy.DESTROY');
  }
  throw validationError(scope, kind,
    `${prop} ${JSON.stringify(policy)} is not a removal policy; use RemovalPolicy.DESTROY, RemovalPolicy.RETAIN or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`);
}

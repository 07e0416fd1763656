import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/**
 * The logical id a resource at `parent/<path...>` would get: for a resource
 * created elsewhere in the tree that must keep the identity it was deployed
 * with there (a changed logical id replaces the resource). The path is built
 * for the measurement and removed again.
 */
export function logicalIdAt(parent: IConstruct, path: string[]): string {
  if (path.length === 0 || parent.node.tryFindChild(path[0])) {
    throw new Error(`logicalIdAt: '${parent.node.path}/${path[0]}' is taken or empty`);
  }
  let scope = parent as Construct;
  for (const id of path.slice(0, -1)) scope = new Construct(scope, id);
  const probe = new CfnResource(scope, path[path.length - 1], { type: 'AWS::CloudFormation::WaitConditionHandle' });
  try {
    return Stack.of(parent).getLogicalId(probe);
  } finally {
    parent.node.tryRemoveChild(path[0]);
  }
}

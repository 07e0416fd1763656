import { IResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * The checks every construct that puts a cluster on a service network makes
 * first: the required props are given (JavaScript and Python callers may leave
 * them out), the constructs passed in belong to the same App, and the service
 * network is in the cluster stack's region. `appOwner` names what the
 * constructs must share an App with, in the message.
 */
export function validateClusterInputs(scope: IConstruct, kind: string, props: any, required: string[],
  constructs: [string, IConstruct | undefined][], serviceNetwork: IResource & { serviceNetworkName: string }, appOwner: string): void {
  for (const name of required) {
    if (props?.[name] === undefined || props?.[name] === null) {
      throw validationError(scope, kind, `${name} is required`);
    }
  }
  for (const [name, construct] of constructs) {
    if (construct && construct.node.root !== scope.node.root) {
      throw validationError(scope, kind, `${name} '${construct.node.path}' belongs to another App; create it in the same App as ${appOwner}`);
    }
  }
  const networkRegion = serviceNetwork.env?.region;
  const clusterRegion = Stack.of(scope).region;
  if (networkRegion && !Token.isUnresolved(networkRegion) && !Token.isUnresolved(clusterRegion) && networkRegion !== clusterRegion) {
    throw validationError(scope, kind,
      `serviceNetwork '${serviceNetwork.serviceNetworkName}' is in region ${networkRegion} but the cluster's stack is in ${clusterRegion}; ` +
      'a VPC can only join a service network of its own region: create the network in the cluster\'s region');
  }
}

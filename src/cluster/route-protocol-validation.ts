import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LatticeRouteProtocol } from './lattice-route-protocol';
import { literalRequired, validationError } from '../private/errors';

/** The route protocol given to `kind`'s `protocol` prop (HTTP when omitted), checked to be a literal member of the enum. */
export function resolveRouteProtocol(scope: IConstruct, kind: string, protocol: LatticeRouteProtocol | undefined): LatticeRouteProtocol {
  if (protocol === undefined) return LatticeRouteProtocol.HTTP;
  if (Token.isUnresolved(protocol)) {
    throw validationError(scope, kind, literalRequired('protocol', 'LatticeRouteProtocol', 'choose the route kind, listener and target group protocol'));
  }
  if (!(Object.values(LatticeRouteProtocol) as string[]).includes(protocol)) {
    throw validationError(scope, kind, `protocol '${protocol}' is not a LatticeRouteProtocol; use one of ${Object.values(LatticeRouteProtocol).join(', ')}`);
  }
  return protocol;
}

import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LatticeCaller } from './lattice-auth-policy';
import { LatticeRouteProtocol } from '../cluster/lattice-route-protocol';
import { ILatticeRoute } from '../cluster/lattice-route-ref';
import { routeProtocolOf } from '../cluster/route-protocol';
import { LatticeAuthType, LatticeServiceNetwork } from '../network/service-network';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import { validationError } from '../private/errors';

/** Whether `route` is a TLS passthrough route. */
export function isPassthroughRoute(route: ILatticeRoute): boolean {
  return routeProtocolOf(route) === LatticeRouteProtocol.TLS_PASSTHROUGH;
}

/** Condition keys Lattice reads from an HTTP request: none exists on a TLS passthrough listener. */
const REQUEST_KEY_PREFIXES = [
  'vpc-lattice-svcs:RequestMethod',
  'vpc-lattice-svcs:RequestPath',
  'vpc-lattice-svcs:RequestHeader/',
  'vpc-lattice-svcs:RequestQueryString/',
];

/**
 * The error for an auth policy given to a TLS passthrough route. Lattice sees
 * only an encrypted stream there: no SigV4 signature (auth policies on TLS
 * listeners see anonymous principals only) and no request, and the AWS
 * Gateway API Controller (v2.1.3) attaches IAMAuthPolicies to Gateways,
 * HTTPRoutes and GRPCRoutes only. A caller with request conditions is named
 * first, with its own fix.
 */
export function passthroughAuthError(scope: IConstruct, kind: string, route: ILatticeRoute, callers: LatticeCaller[] | undefined): Error {
  const where = `route '${route.namespace}/${route.routeName}' is a TLS_PASSTHROUGH route`;
  for (const caller of callers ?? []) {
    const keys = caller._spec.conditions.map((c) => c.key).filter((key) => REQUEST_KEY_PREFIXES.some((prefix) => key.startsWith(prefix)));
    if (keys.length > 0) {
      return validationError(scope, kind,
        `${caller._spec.description} uses request-level condition keys (${[...new Set(keys)].join(', ')}), but ${where}: Lattice passes the TLS stream through ` +
        'unread, so it can evaluate no request method, path, header or query string; drop withRequest() and check requests in the workload');
    }
  }
  const named = (callers ?? []).map((c) => c._spec.description);
  return validationError(scope, kind,
    `${where}, so ${named.length > 0 ? named.join(', ') : 'an auth policy'} cannot be enforced on it: Lattice authenticates no caller on a TLS listener ` +
    '(its auth policies see anonymous principals only) and the AWS Gateway API Controller attaches no IAMAuthPolicy to a TLSRoute. ' +
    'Drop the auth policy, authenticate callers in the workload (mutual TLS with client certificates from the domain\'s private CA), ' +
    'and admit the connections by source VPC in the service network\'s auth policy');
}

/** Condition keys that only an authenticated (signed) request has: a statement using one never admits an anonymous connection. */
const PRINCIPAL_KEY = /^aws:(Principal|userid|username)/i;

/**
 * Why the auth policy of `network` (a service network of this app with IAM
 * auth) refuses every TLS passthrough connection, or undefined when it may
 * admit some (or is not known here). Lattice sees those connections as
 * anonymous: only an Allow statement for any principal (`*`) without
 * conditions on the principal can admit them.
 */
export function networkRefusesPassthroughProblem(network: ILatticeServiceNetwork): string | undefined {
  if (!(network instanceof LatticeServiceNetwork) || network.authType !== LatticeAuthType.AWS_IAM || !network.authPolicyDocument) return undefined;
  const document = Stack.of(network).resolve(network.authPolicyDocument.toJSON());
  const statements: any[] = Array.isArray(document?.Statement) ? document.Statement : [];
  const anyPrincipal = (p: unknown) => p === '*' || (typeof p === 'object' && p !== null && [(p as any).AWS].flat().includes('*'));
  const admits = statements.some((st) => st.Effect === 'Allow' && anyPrincipal(st.Principal)
    && !Object.values<Record<string, unknown>>(st.Condition ?? {}).some((block) => Object.keys(block).some((key) => PRINCIPAL_KEY.test(key))));
  if (admits) return undefined;
  return `the auth policy of service network '${network.serviceNetworkName}' admits signed requests only, and Lattice sees TLS passthrough connections as anonymous, ` +
    'so it refuses every connection to this route: give the network an authPolicy with an Allow statement for Principal \'*\' on ' +
    'vpc-lattice-svcs:Invoke and vpc-lattice-svcs:Connect, conditioned on vpc-lattice-svcs:SourceVpc or SourceVpcOwnerAccount (see the README\'s "TLS passthrough")';
}

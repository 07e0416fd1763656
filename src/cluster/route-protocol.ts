import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ILatticeCluster } from './lattice-cluster';
import { LatticeHealthCheck, LatticeHealthCheckProtocolVersion, resolveHealthCheck } from './lattice-health-check';
import { LatticeRouteProtocol } from './lattice-route-protocol';
import { ILatticeRoute } from './lattice-route-ref';
import { HTTPS_LISTENER } from '../k8s/gateway-api';
import type { HealthCheckSpec } from '../k8s/multi-cluster';
import { literalRequired, validationError } from '../private/errors';

/** What each route protocol becomes: route kind, ServiceExport `routeType`, default health check HTTP version. */
const PROTOCOLS: Record<string, { routeKind: string; routeType: 'HTTP' | 'GRPC' | 'TLS'; healthCheckVersion: LatticeHealthCheckProtocolVersion }> = {
  [LatticeRouteProtocol.HTTP]: { routeKind: 'HTTPRoute', routeType: 'HTTP', healthCheckVersion: LatticeHealthCheckProtocolVersion.HTTP1 },
  [LatticeRouteProtocol.GRPC]: { routeKind: 'GRPCRoute', routeType: 'GRPC', healthCheckVersion: LatticeHealthCheckProtocolVersion.HTTP2 },
  // A passthrough port speaks TLS: its health check needs a plain-HTTP port of its own (checked by the route and the export).
  [LatticeRouteProtocol.TLS_PASSTHROUGH]: { routeKind: 'TLSRoute', routeType: 'TLS', healthCheckVersion: LatticeHealthCheckProtocolVersion.HTTP1 },
};

/** `value` (default HTTP), checked to be a `LatticeRouteProtocol` (jsii languages may pass any string). */
export function resolveRouteProtocol(scope: IConstruct, kind: string, value: LatticeRouteProtocol | undefined): LatticeRouteProtocol {
  if (value === undefined) return LatticeRouteProtocol.HTTP;
  if (Token.isUnresolved(value)) throw validationError(scope, kind, literalRequired('protocol', 'string', 'choose the route kind'));
  if (!Object.keys(PROTOCOLS).includes(value)) {
    throw validationError(scope, kind, `protocol '${value}' is not supported; use one of ${Object.keys(PROTOCOLS).map((p) => `LatticeRouteProtocol.${p}`).join(', ')}`);
  }
  return value;
}

/** The protocol of `route`: a `LatticeServiceRoute` carries its own; other `ILatticeRoute` implementations carry HTTP. */
export function routeProtocolOf(route: ILatticeRoute): LatticeRouteProtocol {
  return (route as ILatticeRoute & { protocol?: LatticeRouteProtocol }).protocol ?? LatticeRouteProtocol.HTTP;
}

/** The Gateway API route kind of a protocol (`HTTPRoute`, `GRPCRoute`, `TLSRoute`). */
export function routeKindOf(protocol: LatticeRouteProtocol): string {
  return PROTOCOLS[protocol].routeKind;
}

/** The ServiceExport `routeType` of a protocol. */
export function exportRouteTypeOf(protocol: LatticeRouteProtocol): 'HTTP' | 'GRPC' | 'TLS' {
  return PROTOCOLS[protocol].routeType;
}

/** The health check HTTP version that reaches a target port of a protocol. */
export function healthCheckVersionOf(protocol: LatticeRouteProtocol): LatticeHealthCheckProtocolVersion {
  return PROTOCOLS[protocol].healthCheckVersion;
}

/**
 * The Gateway listeners a route of `protocol` attaches to. The AWS Gateway
 * API Controller (v2.1.3) admits a GRPCRoute on HTTPS listeners only (by
 * default kinds and in `listenerRouteGroupKindSupported`): a cluster without
 * a domain has none, which is a synth-time error.
 */
export function routeSectionNames(scope: IConstruct, kind: string, protocol: LatticeRouteProtocol, cluster: ILatticeCluster): string[] {
  if (protocol !== LatticeRouteProtocol.GRPC) return cluster.gatewayListeners;
  if (!cluster.gatewayListeners.includes(HTTPS_LISTENER)) {
    throw validationError(scope, kind,
      `protocol GRPC needs an HTTPS listener on the Gateway of cluster '${cluster.clusterName}', which has only ${cluster.gatewayListeners.join(', ')}: ` +
      'the AWS Gateway API Controller attaches GRPCRoutes to HTTPS listeners only. Give the cluster a domain (LatticeEksClusterProps.domain), ' +
      'whose certificate the HTTPS listener serves, or expose the service over HTTP');
  }
  return [HTTPS_LISTENER];
}

/**
 * The health check of a route's or export's target group for `protocol`:
 * `given` resolved with the protocol's HTTP version; without one, the
 * defaults for HTTP when `httpDefault` and none otherwise (Lattice cannot
 * check gRPC or TLS, so the controller leaves those checks off). A
 * passthrough check must name its own plain-HTTP port (`subject` says
 * which, e.g. 'of a TLS_PASSTHROUGH export').
 */
export function protocolHealthCheck(
  scope: IConstruct, kind: string, protocol: LatticeRouteProtocol, given: LatticeHealthCheck | undefined, httpDefault: boolean, subject: string,
): HealthCheckSpec | undefined {
  if (given === undefined && (protocol !== LatticeRouteProtocol.HTTP || !httpDefault)) return undefined;
  const healthCheck = resolveHealthCheck(scope, kind, 'healthCheck', given, healthCheckVersionOf(protocol));
  if (protocol === LatticeRouteProtocol.TLS_PASSTHROUGH && healthCheck.port === undefined) {
    throw validationError(scope, kind,
      `healthCheck ${subject} needs a port: the check is plain HTTP, which the pods' TLS port does not answer ` +
      '(Lattice turns health checks of TCP target groups off by default); give healthCheck.port a plain-HTTP port of the pods, or drop healthCheck');
  }
  return healthCheck;
}

import { K8sObject, ObjectMeta, objectMeta } from './object';

/** API group and version of the Gateway API objects used here. */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
/** Name of the GatewayClass served by the AWS Gateway API Controller. */
export const LATTICE_GATEWAY_CLASS = 'amazon-vpc-lattice';
/** `controllerName` of the AWS Gateway API Controller. */
export const LATTICE_CONTROLLER_NAME = 'application-networking.k8s.aws/gateway-api-controller';
/** Listener TLS option that carries an ACM certificate ARN. */
export const CERTIFICATE_ARN_OPTION = 'application-networking.k8s.aws/certificate-arn';
/** Name of the plain HTTP listener. */
export const HTTP_LISTENER = 'http';
/** Name of the HTTPS listener (present only with a custom domain certificate). */
export const HTTPS_LISTENER = 'https';
/** Name of the TLS passthrough listener (present only when a TLSRoute uses it). */
export const TLS_PASSTHROUGH_LISTENER = 'tls';
/**
 * Port of the TLS passthrough listener. The same as the `https` listener's:
 * the controller (v2.1.3) builds one Lattice service per route with only the
 * listeners its `sectionName` names, so an HTTPRoute's service never gets the
 * `tls` listener nor a TLSRoute's the `https` one; clients call `https://<host>`
 * on the standard port either way.
 */
export const TLS_PASSTHROUGH_PORT = 443;

/** The GatewayClass `amazon-vpc-lattice`. */
export function latticeGatewayClass(): K8sObject {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'GatewayClass',
    metadata: objectMeta(LATTICE_GATEWAY_CLASS),
    spec: { controllerName: LATTICE_CONTROLLER_NAME },
  };
}

/** Where a Gateway lives. */
export interface GatewayRef {
  readonly name: string;
  readonly namespace: string;
}

/** Label every namespace carries with its own name (set by the API server). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Input of `latticeGateway`. */
export interface LatticeGatewaySpec extends GatewayRef {
  /** ACM certificate for the HTTPS listener; no HTTPS listener without it. */
  readonly certificateArn?: string;
  /**
   * `allowedRoutes` of every listener (may be a token resolved at synth time).
   * @default - routes of the Gateway's own namespace only
   */
  readonly allowedRoutes?: unknown;
  /**
   * Add the TLS passthrough listener (`tls`).
   * @default false
   */
  readonly tlsPassthrough?: boolean;
}

/**
 * `allowedRoutes` admitting routes of the given namespaces only (by their
 * name label), or of namespaces matching `labels`; the Gateway's own
 * namespace only when there are none.
 */
export function allowedRoutesFrom(namespaces: string[], labels?: Record<string, string>): Record<string, unknown> {
  if (labels && Object.keys(labels).length > 0) return { namespaces: { from: 'Selector', selector: { matchLabels: labels } } };
  if (namespaces.length === 0) return { namespaces: { from: 'Same' } };
  return {
    namespaces: {
      from: 'Selector',
      selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...new Set(namespaces)].sort() }] },
    },
  };
}

/** Names of the listeners a Gateway built by `latticeGateway` has. */
export function gatewayListenerNames(spec: LatticeGatewaySpec): string[] {
  return spec.certificateArn ? [HTTP_LISTENER, HTTPS_LISTENER] : [HTTP_LISTENER];
}

/**
 * A Gateway bound to the Lattice service network of the same name: an HTTP
 * listener on 80 and, with a certificate, an HTTPS listener on 443 that
 * terminates TLS with it. Only routes of the namespaces `allowedRoutes` admits
 * may attach.
 */
export function latticeGateway(spec: LatticeGatewaySpec): K8sObject {
  const allowedRoutes = spec.allowedRoutes ?? allowedRoutesFrom([]);
  const listeners: Record<string, unknown>[] = [
    { name: HTTP_LISTENER, protocol: 'HTTP', port: 80, allowedRoutes },
  ];
  if (spec.certificateArn) {
    listeners.push({
      name: HTTPS_LISTENER,
      protocol: 'HTTPS',
      port: 443,
      allowedRoutes,
      tls: { mode: 'Terminate', options: { [CERTIFICATE_ARN_OPTION]: spec.certificateArn } },
    });
  }
  if (spec.tlsPassthrough) listeners.push(tlsPassthroughListener(allowedRoutes));
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'Gateway',
    metadata: objectMeta(spec.name, spec.namespace),
    spec: { gatewayClassName: LATTICE_GATEWAY_CLASS, listeners },
  };
}

/** A weighted ServiceImport backend of a route. */
export interface ServiceImportBackendRef {
  readonly name: string;
  readonly weight: number;
}

/** What every route builder here takes besides its listeners and host names. */
export interface RouteCommonSpec {
  readonly name: string;
  readonly namespace: string;
  readonly gateway: GatewayRef;
  /** Kubernetes Service (same namespace) receiving the traffic. */
  readonly backendServiceName: string;
  readonly backendPort: number;
  /** ServiceImports (same namespace) receiving the traffic instead of the Service, with their weights. */
  readonly serviceImports?: ServiceImportBackendRef[];
  /** Annotations of the route. */
  readonly annotations?: Record<string, string>;
}

/** Input of `httpRoute` (and `grpcRoute`). */
export interface HttpRouteSpec extends RouteCommonSpec {
  /** Custom domain name of the Lattice service; none uses the Lattice-generated name. */
  readonly hostname?: string;
  /** Listeners of the Gateway to attach to. */
  readonly sectionNames: string[];
}

/** A route's metadata: name, namespace and the annotations, when there are any. */
function routeMetadata(spec: RouteCommonSpec): ObjectMeta {
  return {
    ...objectMeta(spec.name, spec.namespace),
    ...(spec.annotations && Object.keys(spec.annotations).length > 0 ? { annotations: spec.annotations } : {}),
  };
}

/** A route's backendRefs: the weighted ServiceImports, or else the Service on its port. */
function routeBackendRefs(spec: RouteCommonSpec): Record<string, unknown>[] {
  return spec.serviceImports && spec.serviceImports.length > 0
    // The controller ignores a ServiceImport backend's port (the export's port applies).
    ? spec.serviceImports.map((i) => ({ group: 'application-networking.k8s.aws', kind: 'ServiceImport', name: i.name, weight: i.weight }))
    : [{ name: spec.backendServiceName, port: spec.backendPort }];
}

/**
 * An HTTPRoute that exposes one Service through the Gateway's listeners. Gateway
 * API defaults are left implicit (parent kind Gateway, backend kind Service,
 * match on every path) to keep the template small.
 */
export function httpRoute(spec: HttpRouteSpec): K8sObject {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'HTTPRoute',
    metadata: routeMetadata(spec),
    spec: {
      parentRefs: spec.sectionNames.map((sectionName) => ({ name: spec.gateway.name, namespace: spec.gateway.namespace, sectionName })),
      ...(spec.hostname ? { hostnames: [spec.hostname] } : {}),
      rules: [{ backendRefs: routeBackendRefs(spec) }],
    },
  };
}

/**
 * A GRPCRoute that exposes one Service (or weighted ServiceImports) through
 * the Gateway's listeners, for every gRPC service and method (one rule
 * without matches: the controller makes it a POST rule on every path). The
 * AWS Gateway API Controller (v2.1.3) accepts a GRPCRoute on HTTPS listeners
 * only: `sectionNames` must name those.
 */
export function grpcRoute(spec: HttpRouteSpec): K8sObject {
  const route = httpRoute(spec);
  return { ...route, kind: 'GRPCRoute' };
}

/**
 * The Gateway listener TLSRoutes attach to: `protocol: TLS` with
 * `tls.mode: Passthrough` stated explicitly (the controller requires it), no
 * certificate (the workloads terminate TLS).
 */
export function tlsPassthroughListener(allowedRoutes: unknown): Record<string, unknown> {
  return {
    name: TLS_PASSTHROUGH_LISTENER,
    protocol: 'TLS',
    port: TLS_PASSTHROUGH_PORT,
    allowedRoutes,
    tls: { mode: 'Passthrough' },
  };
}

/** Input of `tlsRoute`. */
export interface TlsRouteSpec extends RouteCommonSpec {
  /** The one host name (the SNI clients send) the controller requires. */
  readonly hostname: string;
}

/**
 * A TLSRoute (Gateway API v1, bundle v1.5+) that passes TLS connections for
 * one host name through the Gateway's `tls` listener to one Service (or to
 * ServiceImports): exactly one rule without matches, as the controller
 * requires.
 */
export function tlsRoute(spec: TlsRouteSpec): K8sObject {
  return {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'TLSRoute',
    metadata: routeMetadata(spec),
    spec: {
      parentRefs: [{ name: spec.gateway.name, namespace: spec.gateway.namespace, sectionName: TLS_PASSTHROUGH_LISTENER }],
      hostnames: [spec.hostname],
      rules: [{ backendRefs: routeBackendRefs(spec) }],
    },
  };
}

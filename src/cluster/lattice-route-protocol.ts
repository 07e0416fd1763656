/**
 * What a route carries through VPC Lattice: which Gateway API route kind the
 * library writes, which Gateway listener it attaches to, which `routeType` an
 * export gets and which target group protocol version the AWS Gateway API
 * Controller gives its backends.
 */
export enum LatticeRouteProtocol {
  /**
   * HTTP requests: an HTTPRoute on the Gateway's `http` listener (port 80)
   * and, with a domain, its `https` listener (port 443, TLS terminated by
   * Lattice with the domain's certificate). Lattice authenticates each
   * request (SigV4) and can authorize it by method, path, header and query;
   * it sends HTTP/1.1 to the targets. A ServiceExport of this protocol has
   * `routeType: HTTP`.
   */
  HTTP = 'HTTP',
  /**
   * gRPC calls: a GRPCRoute. The AWS Gateway API Controller attaches
   * GRPCRoutes to HTTPS listeners only, so the cluster needs a domain; Lattice
   * sends HTTP/2 to the targets (target group protocol version GRPC), and a
   * ServiceExport of this protocol has `routeType: GRPC`.
   */
  GRPC = 'GRPC',
  /**
   * TLS passthrough: a TLSRoute on the Gateway's `tls` listener (port 443,
   * `tls.mode: Passthrough`), added to the Gateway only when the cluster has
   * such a route. Lattice forwards the encrypted TCP stream by its SNI (the
   * route's hostname, so the cluster needs a domain) to the pods, which
   * terminate TLS with their own certificate. Lattice sees no request: its
   * auth policy can only use connection facts (source VPC, source VPC owner),
   * and callers are anonymous to it. A ServiceExport of this protocol has
   * `routeType: TLS`.
   */
  TLS_PASSTHROUGH = 'TLS_PASSTHROUGH',
}

/**
 * What a `LatticeServiceRoute` carries, and so which Gateway API route kind
 * it becomes and which target group protocol version the AWS Gateway API
 * Controller gives its backends.
 */
export enum LatticeRouteProtocol {
  /**
   * HTTP requests (an HTTPRoute on the Gateway's HTTP and, with a domain,
   * HTTPS listeners). Lattice sends HTTP/1.1 to the targets, and a
   * ServiceExport of this protocol has `routeType: HTTP`.
   */
  HTTP = 'HTTP',
  /**
   * gRPC calls (a GRPCRoute). The AWS Gateway API Controller attaches
   * GRPCRoutes to HTTPS listeners only, so the cluster needs a domain; Lattice
   * sends HTTP/2 to the targets (target group protocol version GRPC), and a
   * ServiceExport of this protocol has `routeType: GRPC`.
   */
  GRPC = 'GRPC',
}

/**
 * gRPC method names as auth policy conditions. A gRPC call is an HTTP/2 POST
 * to `/<package>.<Service>/<Method>`, and VPC Lattice evaluates auth policies
 * on that request (`vpc-lattice-svcs:RequestMethod`,
 * `vpc-lattice-svcs:RequestPath`).
 */

/** A protobuf identifier: a letter or `_`, then letters, digits or `_`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The problem with a method entry, or `undefined`: the service must be
 * qualified by its package, names are protobuf identifiers, a method needs
 * its service, and `*` stands only for a whole method name.
 */
export function grpcMethodProblem(entry: string): string | undefined {
  const example = 'e.g. \'helloworld.Greeter/SayHello\' or \'helloworld.Greeter/*\'';
  if (typeof entry !== 'string' || entry.length === 0) return `gRPC method '${entry}' is empty; write '<package>.<Service>/<Method>', ${example}`;
  if (entry.startsWith('/')) return `gRPC method '${entry}' must not start with '/': write '${entry.replace(/^\/+/, '')}' (the library adds the path's '/')`;
  const parts = entry.split('/');
  if (parts.length !== 2) return `gRPC method '${entry}' must be '<package>.<Service>/<Method>' with exactly one '/', ${example}`;
  const [service, method] = parts;
  if (service.length === 0) return `gRPC method '${entry}' names no service; a method without its service is not supported, ${example}`;
  if (service.includes('*') || service.includes('?')) {
    return `gRPC method '${entry}': wildcards are allowed only as a whole method ('${service.replace(/[*?]/g, '') || 'package.Service'}/*'), not in the service name`;
  }
  const segments = service.split('.');
  if (segments.length < 2) return `gRPC service '${service}' in '${entry}' must be qualified by its package ('<package>.${service}')`;
  const bad = segments.find((s) => !IDENTIFIER.test(s));
  if (bad !== undefined) return `gRPC service '${service}' in '${entry}' has the invalid part '${bad}' (letters, digits and '_', not starting with a digit)`;
  if (method === '*') return undefined;
  if (method.length === 0) return `gRPC method '${entry}' names no method; write '${service}/*' for every method of the service`;
  if (method.includes('*') || method.includes('?')) return `gRPC method '${entry}': a wildcard must be the whole method name ('${service}/*')`;
  if (!IDENTIFIER.test(method)) return `gRPC method name '${method}' in '${entry}' must be letters, digits and '_', not starting with a digit`;
  return undefined;
}

/** The request path of a valid entry: `/<service>/<method>`, or `/<service>/*` for every method. */
export function grpcRequestPath(entry: string): string {
  return `/${entry}`;
}

/** Whether a valid entry stands for every method of its service. */
export function isGrpcWildcard(entry: string): boolean {
  return entry.endsWith('/*');
}

/**
 * Typed subset of the Envoy v3 bootstrap API used by the SigV4 proxy, and the
 * builder of its configuration. Field names are Envoy's (snake_case); the
 * result is serialized to JSON (`envoyConfigJson`) into a ConfigMap.
 */

/** `@type` URLs of the extensions the proxy uses. */
export const ENVOY_TYPES = {
  httpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  originalDstListenerFilter: 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  awsRequestSigning: 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning',
  awsRequestSigningPerRoute: 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigningPerRoute',
  routeFilterConfig: 'type.googleapis.com/envoy.config.route.v3.FilterConfig',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  upstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  stdoutAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
} as const;

/** The AWS service name Lattice verifies SigV4 signatures for. */
export const LATTICE_SIGNING_SERVICE = 'vpc-lattice-svcs';

/** Name of the signing HTTP filter (the key of its per-route configuration). */
export const SIGNING_FILTER = 'envoy.filters.http.aws_request_signing';

/** Headers left out of the signature: Envoy, proxies and X-Ray may add or change them after signing. */
export const SIGNING_EXCLUDED_HEADERS: StringMatcher[] = [
  { prefix: 'x-envoy' },
  { prefix: 'x-forwarded' },
  { exact: 'x-amzn-trace-id' },
];

/** CA bundle of the Envoy distroless image (Debian's ca-certificates). */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Names of the upstream clusters. */
export const PRIVATE_CA_CLUSTER = 'lattice_private_ca';
export const PUBLIC_CA_CLUSTER = 'lattice_public_ca';
export const PLAINTEXT_CLUSTER = 'lattice_plaintext';

/** Name of the virtual host that refuses every other host. */
export const DENY_VIRTUAL_HOST = 'deny';

/** Status of the local answer to a host outside the allowed names. */
export const DENIED_STATUS = 403;

/** Path the health listener answers on. */
export const HEALTH_PATH = '/ready';

/** Upstream port with TLS (`upstreamTls: true`) and without. */
export const TLS_PORT = 443;
export const PLAINTEXT_PORT = 80;

/**
 * HTTP/2 limits of the signing listener (the application's h2c connections)
 * and of the HTTP/2 connections to Lattice: at most 100 concurrent streams per
 * connection, 64 KiB flow-control window per stream and 1 MiB per connection
 * (Envoy's defaults are 2^31-1 streams and 256 MiB / 1 GiB windows), so one
 * connection cannot make Envoy buffer more than about 1 MiB of it.
 */
export const HTTP2_LIMITS = {
  max_concurrent_streams: 100,
  initial_stream_window_size: 65536,
  initial_connection_window_size: 1048576,
} as const;

/**
 * HTTP/2 PING on connections to Lattice every 30 s (plus Envoy's 15 % jitter):
 * a connection whose PING is not answered within 10 s is closed and its
 * streams reset, so a long-lived gRPC stream over a dead connection fails
 * within about 45 s instead of hanging.
 */
export const UPSTREAM_HTTP2_KEEPALIVE = { interval: '30s', timeout: '10s' } as const;

/**
 * Idle timeout of a stream on the signing listener (no data in either
 * direction): one hour instead of Envoy's 5 minutes, so quiet gRPC streams and
 * long polls survive, while a stream nobody reads or writes is still reclaimed.
 * Request timeouts are the application's (route timeout 0s).
 */
export const STREAM_IDLE_TIMEOUT = '3600s';

/**
 * Status of the local answer to a gRPC request when the upstream is plain HTTP
 * (`upstreamTls: false`): Lattice speaks HTTP/2 (and so gRPC) only on HTTPS
 * listeners. Envoy turns it into gRPC status UNKNOWN with the body as message.
 */
export const GRPC_NEEDS_TLS_STATUS = 501;

/**
 * Domain of the names VPC Lattice generates for services in `region`
 * (`<service>-<id>.<id>.vpc-lattice-svcs.<region>.on.aws`). `region` may be a token.
 */
export function latticeGeneratedDomain(region: string): string {
  return `${LATTICE_SIGNING_SERVICE}.${region}.on.aws`;
}

/** envoy.type.matcher.v3.StringMatcher (one of). */
export interface StringMatcher {
  readonly exact?: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

/** envoy.config.core.v3.SocketAddress. */
export interface SocketAddress {
  readonly address: string;
  readonly port_value: number;
}

/** envoy.config.core.v3.CidrRange. */
export interface CidrRange {
  readonly address_prefix: string;
  readonly prefix_len: number;
}

/** A typed config packed in an Any: `{ '@type', ... }`. */
export interface TypedConfig {
  readonly '@type': string;
  readonly [field: string]: unknown;
}

/** A typed extension config: `{ name, typed_config: { '@type', ... } }`. */
export interface TypedExtension {
  readonly name: string;
  readonly typed_config: TypedConfig;
}

/** envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter. */
export interface HttpFilter extends TypedExtension {
  /** Disabled unless a route's (or virtual host's) `typed_per_filter_config` enables it. */
  readonly disabled?: boolean;
}

/** envoy.config.route.v3.Route (prefix/path match, cluster or direct response). */
export interface EnvoyRoute {
  /** `grpc: {}` matches only gRPC requests (content-type `application/grpc*`). */
  readonly match: { readonly prefix?: string; readonly path?: string; readonly grpc?: Record<string, never> };
  readonly route?: { readonly cluster: string; readonly timeout?: string };
  readonly direct_response?: { readonly status: number; readonly body?: { readonly inline_string: string } };
  /** Per-filter configuration of this route, keyed by HTTP filter name (overrides the virtual host's). */
  readonly typed_per_filter_config?: Record<string, TypedConfig>;
}

/** envoy.config.route.v3.VirtualHost. */
export interface VirtualHost {
  readonly name: string;
  readonly domains: string[];
  readonly routes: EnvoyRoute[];
  /** Per-filter configuration, keyed by HTTP filter name. */
  readonly typed_per_filter_config?: Record<string, TypedConfig>;
}

/** envoy.config.listener.v3.FilterChain. */
export interface FilterChain {
  /** Connections whose (original) destination is outside these ranges match no chain and are closed. */
  readonly filter_chain_match?: { readonly prefix_ranges: CidrRange[] };
  readonly filters: TypedExtension[];
}

/** envoy.config.listener.v3.Listener. */
export interface EnvoyListener {
  readonly name: string;
  readonly address: { readonly socket_address: SocketAddress };
  readonly listener_filters?: TypedExtension[];
  readonly filter_chains: FilterChain[];
}

/** envoy.config.cluster.v3.Cluster (ORIGINAL_DST flavour). */
export interface EnvoyCluster {
  readonly name: string;
  readonly type: 'ORIGINAL_DST';
  readonly connect_timeout: string;
  readonly lb_policy: 'CLUSTER_PROVIDED';
  readonly original_dst_lb_config: { readonly upstream_port_override: number };
  readonly typed_extension_protocol_options: Record<string, TypedConfig>;
  readonly transport_socket?: TypedExtension;
}

/** envoy.config.bootstrap.v3.Bootstrap (static resources only, no admin interface). */
export interface EnvoyBootstrap {
  readonly node: { readonly id: string; readonly cluster: string };
  readonly static_resources: { readonly listeners: EnvoyListener[]; readonly clusters: EnvoyCluster[] };
}

/** Input of `sigv4ProxyEnvoyConfig`. */
export interface SigV4ProxyEnvoySpec {
  /** Port of the signing listener (127.0.0.1 only). */
  readonly proxyPort: number;
  /** Port of the health listener (0.0.0.0, static answer only). */
  readonly healthPort: number;
  /** AWS region requests are signed for, and whose Lattice-generated names are allowed (may be a token). */
  readonly region: string;
  /**
   * VPC Lattice's IPv4 range (CIDR), where iptables redirects from: only
   * connections whose original destination lies in it are proxied.
   */
  readonly latticeIpv4Range: string;
  /** Originate TLS to port 443 (true) or plain HTTP to port 80 (false). */
  readonly upstreamTls: boolean;
  /** Custom domain whose names (itself and its subdomains) are allowed, e.g. `example.com`. */
  readonly privateDomain?: string;
  /**
   * File holding the private CA's root certificate (PEM), which alone verifies
   * hosts under `privateDomain`. Required with `privateDomain` and `upstreamTls`.
   */
  readonly privateCaFile?: string;
}

const ROUTER_FILTER: HttpFilter = {
  name: 'envoy.filters.http.router',
  typed_config: { '@type': ENVOY_TYPES.router, 'suppress_envoy_headers': true },
};

/** Access log without headers, query strings or bodies: nothing that could carry credentials. */
const ACCESS_LOG = [{
  name: 'envoy.access_loggers.stdout',
  typed_config: {
    '@type': ENVOY_TYPES.stdoutAccessLog,
    'log_format': {
      json_format: {
        start_time: '%START_TIME%',
        method: '%REQ(:METHOD)%',
        authority: '%REQ(:AUTHORITY)%',
        response_code: '%RESPONSE_CODE%',
        response_flags: '%RESPONSE_FLAGS%',
        duration_ms: '%DURATION%',
        upstream_host: '%UPSTREAM_HOST%',
      },
    },
  },
}];

function httpConnectionManager(
  statPrefix: string, virtualHosts: VirtualHost[], httpFilters: HttpFilter[], extra: Record<string, unknown> = {},
): TypedExtension {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': ENVOY_TYPES.httpConnectionManager,
      'stat_prefix': statPrefix,
      'route_config': { name: statPrefix, virtual_hosts: virtualHosts },
      'http_filters': httpFilters,
      ...extra,
    },
  };
}

/**
 * A cluster whose only upstream is the original destination of the downstream
 * connection (the Lattice address the application connected to before
 * iptables redirected it), on `port`. No header or metadata can override it.
 */
function originalDestinationCluster(name: string, port: number, caFile: string | undefined): EnvoyCluster {
  return {
    name,
    type: 'ORIGINAL_DST',
    connect_timeout: '5s',
    lb_policy: 'CLUSTER_PROVIDED',
    original_dst_lb_config: { upstream_port_override: port },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': ENVOY_TYPES.httpProtocolOptions,
        ...(caFile ? {
          // The caller's protocol: HTTP/2 (gRPC) upstream for HTTP/2 callers, HTTP/1.1 for HTTP/1.1 callers. With no
          // alpn_protocols in the TLS context, Envoy offers the pool's protocol in ALPN (`h2` or `http/1.1`), which
          // Lattice's HTTPS listeners negotiate.
          use_downstream_protocol_config: {
            http_protocol_options: {},
            http2_protocol_options: { ...HTTP2_LIMITS, connection_keepalive: UPSTREAM_HTTP2_KEEPALIVE },
          },
        } : {
          // Lattice speaks HTTP/2 only on HTTPS listeners (ALPN): plain HTTP upstream stays HTTP/1.1.
          explicit_http_config: { http_protocol_options: {} },
        }),
        // SNI and certificate SAN checks against the Host of each request.
        ...(caFile ? { upstream_http_protocol_options: { auto_sni: true, auto_san_validation: true } } : {}),
      },
    },
    ...(caFile ? {
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: {
          '@type': ENVOY_TYPES.upstreamTlsContext,
          'common_tls_context': {
            tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
            validation_context: { trusted_ca: { filename: caFile } },
          },
        },
      },
    } : {}),
  };
}

function cidrRange(cidr: string): CidrRange {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!match || Number(match[2]) > 32) throw new Error(`latticeIpv4Range '${cidr}' is not an IPv4 CIDR`);
  return { address_prefix: match[1], prefix_len: Number(match[2]) };
}

/**
 * The Envoy configuration of the SigV4 proxy.
 *
 * - Listener `sigv4` on 127.0.0.1:`proxyPort` receives what iptables redirects
 *   (the application's plain `http://<fqdn>` calls to VPC Lattice). Its
 *   `original_dst` listener filter recovers the address the application
 *   connected to; connections whose original destination is not in
 *   `latticeIpv4Range` (e.g. straight to 127.0.0.1) match no filter chain and
 *   are closed.
 * - Only allowed hosts are signed and forwarded: names under `privateDomain`
 *   (the domain itself and its subdomains) and the Lattice-generated names of
 *   the region (`*.vpc-lattice-svcs.<region>.on.aws`). Any other Host gets a
 *   local 403 from the catch-all virtual host `deny`. The signing filter is
 *   disabled in the HTTP connection manager and enabled only by the allowed
 *   virtual hosts (`typed_per_filter_config` with a `FilterConfig`), so it
 *   never runs for a refused host.
 * - The upstream is the original destination, i.e. the Lattice address the
 *   application itself resolved, on port 443 (TLS: SNI and certificate SAN
 *   checked against the Host) or 80 (`upstreamTls: false`). Envoy resolves no
 *   name; no header chooses the upstream.
 * - With TLS and a private domain, hosts under it are verified against the
 *   private CA only; Lattice-generated names against the system roots.
 * - HTTP/2 and gRPC: the signing listener accepts HTTP/1.1 and h2c (HTTP/2
 *   with prior knowledge, `HTTP2_LIMITS`) on the same port. With TLS each
 *   request goes upstream in the caller's protocol: HTTP/2 negotiated with
 *   ALPN `h2` for HTTP/2 callers (gRPC, trailers, streams), HTTP/1.1 for
 *   HTTP/1.1 callers. Plain HTTP upstream is HTTP/1.1 only (Lattice speaks
 *   HTTP/2 on HTTPS listeners alone), so gRPC requests then get a local
 *   `GRPC_NEEDS_TLS_STATUS`, unsigned. Signing never buffers the body
 *   (`use_unsigned_payload`: the signature covers the headers only, which is
 *   what Lattice accepts), so streamed bodies and trailers pass as they come;
 *   streams idle longer than `STREAM_IDLE_TIMEOUT` are reset.
 * - Listener `health` on 0.0.0.0:`healthPort` only answers `GET /ready` with a
 *   static 200, for kubelet probes; it proxies nothing.
 * - No admin interface.
 */
export function sigv4ProxyEnvoyConfig(spec: SigV4ProxyEnvoySpec): EnvoyBootstrap {
  if (spec.upstreamTls && spec.privateDomain && !spec.privateCaFile) {
    throw new Error('privateCaFile is required with privateDomain and upstreamTls');
  }
  const signingFields = {
    service_name: LATTICE_SIGNING_SERVICE,
    region: spec.region,
    use_unsigned_payload: true,
    match_excluded_headers: SIGNING_EXCLUDED_HEADERS,
  };
  const signing: TypedConfig = { '@type': ENVOY_TYPES.awsRequestSigning, ...signingFields };
  // Plain HTTP to Lattice is HTTP/1.1, which cannot carry gRPC (trailers, streams): refuse gRPC locally, unsigned,
  // with a status the gRPC client reports, instead of a broken call.
  const grpcNeedsTls: EnvoyRoute[] = spec.upstreamTls ? [] : [{
    match: { prefix: '/', grpc: {} },
    direct_response: {
      status: GRPC_NEEDS_TLS_STATUS,
      body: { inline_string: 'gRPC needs the HTTPS listener of the service: the SigV4 proxy sends plain HTTP/1.1 (upstreamTls: false)' },
    },
    typed_per_filter_config: { [SIGNING_FILTER]: { '@type': ENVOY_TYPES.routeFilterConfig, 'disabled': true } },
  }];
  const allowed = (name: string, domains: string[], cluster: string): VirtualHost => ({
    name,
    domains,
    // The application owns request timeouts (streams and long polls pass through).
    routes: [...grpcNeedsTls, { match: { prefix: '/' }, route: { cluster, timeout: '0s' } }],
    // Enables the (disabled by default) signing filter for this virtual host.
    typed_per_filter_config: {
      [SIGNING_FILTER]: {
        '@type': ENVOY_TYPES.routeFilterConfig,
        'config': { '@type': ENVOY_TYPES.awsRequestSigningPerRoute, 'aws_request_signing': signingFields, 'stat_prefix': `${name}.` },
      },
    },
  });

  const virtualHosts: VirtualHost[] = [];
  const clusters: EnvoyCluster[] = [];
  const latticeDomains = [`*.${latticeGeneratedDomain(spec.region)}`];
  const privateDomains = spec.privateDomain ? [spec.privateDomain, `*.${spec.privateDomain}`] : undefined;
  if (!spec.upstreamTls) {
    if (privateDomains) virtualHosts.push(allowed('private_domain', privateDomains, PLAINTEXT_CLUSTER));
    virtualHosts.push(allowed('lattice', latticeDomains, PLAINTEXT_CLUSTER));
    clusters.push(originalDestinationCluster(PLAINTEXT_CLUSTER, PLAINTEXT_PORT, undefined));
  } else {
    if (privateDomains) {
      virtualHosts.push(allowed('private_domain', privateDomains, PRIVATE_CA_CLUSTER));
      clusters.push(originalDestinationCluster(PRIVATE_CA_CLUSTER, TLS_PORT, spec.privateCaFile));
    }
    virtualHosts.push(allowed('lattice', latticeDomains, PUBLIC_CA_CLUSTER));
    clusters.push(originalDestinationCluster(PUBLIC_CA_CLUSTER, TLS_PORT, SYSTEM_CA_BUNDLE));
  }
  virtualHosts.push({
    name: DENY_VIRTUAL_HOST,
    domains: ['*'],
    routes: [{
      match: { prefix: '/' },
      direct_response: { status: DENIED_STATUS, body: { inline_string: 'host not allowed by the SigV4 proxy\n' } },
    }],
    // Already disabled by default; stated again so that no later default can sign here.
    typed_per_filter_config: { [SIGNING_FILTER]: { '@type': ENVOY_TYPES.routeFilterConfig, 'disabled': true } },
  });

  const proxyListener: EnvoyListener = {
    name: 'sigv4',
    address: { socket_address: { address: '127.0.0.1', port_value: spec.proxyPort } },
    listener_filters: [{
      name: 'envoy.filters.listener.original_dst',
      typed_config: { '@type': ENVOY_TYPES.originalDstListenerFilter },
    }],
    filter_chains: [{
      filter_chain_match: { prefix_ranges: [cidrRange(spec.latticeIpv4Range)] },
      filters: [httpConnectionManager('sigv4', virtualHosts, [
        { name: SIGNING_FILTER, typed_config: signing, disabled: true },
        ROUTER_FILTER,
      ], {
        // HTTP/1.1 or HTTP/2 with prior knowledge (h2c: a gRPC client dialing `<name>:80` in plaintext), per connection.
        codec_type: 'AUTO',
        http2_protocol_options: HTTP2_LIMITS,
        stream_idle_timeout: STREAM_IDLE_TIMEOUT,
        strip_any_host_port: true,
        strip_trailing_host_dot: true,
        access_log: ACCESS_LOG,
      })],
    }],
  };
  const healthListener: EnvoyListener = {
    name: 'health',
    address: { socket_address: { address: '0.0.0.0', port_value: spec.healthPort } },
    filter_chains: [{
      filters: [httpConnectionManager('health', [{
        name: 'health',
        domains: ['*'],
        routes: [{ match: { path: HEALTH_PATH }, direct_response: { status: 200, body: { inline_string: 'ok\n' } } }],
      }], [ROUTER_FILTER])],
    }],
  };
  return {
    node: { id: 'lattice-sigv4-proxy', cluster: 'lattice-sigv4-proxy' },
    static_resources: { listeners: [proxyListener, healthListener], clusters },
  };
}

/** The configuration as the JSON document Envoy reads (`--config-path <file>.json`). */
export function envoyConfigJson(config: EnvoyBootstrap): string {
  return JSON.stringify(config);
}

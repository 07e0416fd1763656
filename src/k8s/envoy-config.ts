/**
 * Typed subset of the Envoy v3 bootstrap API used by the SigV4 proxy, and the
 * builder of its configuration. Field names are Envoy's (snake_case); the
 * result is serialized to JSON (`envoyConfigJson`) into a ConfigMap.
 */

/** `@type` URLs of the extensions the proxy uses. */
export const ENVOY_TYPES = {
  httpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  dynamicForwardProxyFilter: 'type.googleapis.com/envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig',
  dynamicForwardProxyCluster: 'type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig',
  awsRequestSigning: 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  upstreamTlsContext: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  stdoutAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
} as const;

/** The AWS service name Lattice verifies SigV4 signatures for. */
export const LATTICE_SIGNING_SERVICE = 'vpc-lattice-svcs';

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

/** Path the health listener answers on. */
export const HEALTH_PATH = '/ready';

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

/** A typed extension config: `{ name, typed_config: { '@type', ... } }`. */
export interface TypedExtension {
  readonly name: string;
  readonly typed_config: { readonly '@type': string; readonly [field: string]: unknown };
}

/** envoy.config.route.v3.Route (prefix/path match, cluster or direct response). */
export interface EnvoyRoute {
  readonly match: { readonly prefix?: string; readonly path?: string };
  readonly route?: { readonly cluster: string; readonly timeout?: string };
  readonly direct_response?: { readonly status: number; readonly body?: { readonly inline_string: string } };
}

/** envoy.config.route.v3.VirtualHost. */
export interface VirtualHost {
  readonly name: string;
  readonly domains: string[];
  readonly routes: EnvoyRoute[];
}

/** envoy.config.listener.v3.Listener with one filter chain. */
export interface EnvoyListener {
  readonly name: string;
  readonly address: { readonly socket_address: SocketAddress };
  readonly filter_chains: Array<{ readonly filters: TypedExtension[] }>;
}

/** envoy.config.cluster.v3.Cluster (dynamic forward proxy flavour). */
export interface EnvoyCluster {
  readonly name: string;
  readonly connect_timeout: string;
  readonly lb_policy: 'CLUSTER_PROVIDED';
  readonly cluster_type: TypedExtension;
  readonly typed_extension_protocol_options: Record<string, { readonly '@type': string; readonly [field: string]: unknown }>;
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
  /** AWS region requests are signed for (may be a token). */
  readonly region: string;
  /** Originate TLS to port 443 (true) or plain HTTP to port 80 (false). */
  readonly upstreamTls: boolean;
  /** Custom domain served with certificates of a private CA, e.g. `example.com`. */
  readonly privateDomain?: string;
  /** File holding the private CA's root certificate (PEM). Required with `privateDomain`. */
  readonly privateCaFile?: string;
}

const DNS_CACHE = {
  name: 'lattice_dns_cache',
  // Lattice answers with link-local IPv4 addresses; IPv6 is the fallback.
  dns_lookup_family: 'V4_PREFERRED',
};

const ROUTER_FILTER: TypedExtension = {
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
  statPrefix: string, virtualHosts: VirtualHost[], httpFilters: TypedExtension[], extra: Record<string, unknown> = {},
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

function forwardProxyCluster(name: string, caFile: string | undefined): EnvoyCluster {
  return {
    name,
    connect_timeout: '5s',
    lb_policy: 'CLUSTER_PROVIDED',
    cluster_type: {
      name: 'envoy.clusters.dynamic_forward_proxy',
      typed_config: { '@type': ENVOY_TYPES.dynamicForwardProxyCluster, 'dns_cache_config': DNS_CACHE },
    },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': ENVOY_TYPES.httpProtocolOptions,
        'explicit_http_config': { http_protocol_options: {} },
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

/**
 * The Envoy configuration of the SigV4 proxy.
 *
 * - Listener `sigv4` on 127.0.0.1:`proxyPort` receives what iptables redirects
 *   (the application's plain `http://<fqdn>` calls to VPC Lattice). Filters:
 *   dynamic forward proxy (resolves the Host), AWS request signing
 *   (`vpc-lattice-svcs`, unsigned payload), router.
 * - The Host's port is stripped, so the dynamic forward proxy connects to the
 *   default port of the chosen cluster: 443 for the TLS clusters (SNI and SAN
 *   validated against the Host), 80 for the plaintext one.
 * - With a private domain, hosts under it are verified against the private CA
 *   only; every other host (Lattice-generated `*.on.aws` names) against the
 *   system roots.
 * - Listener `health` on 0.0.0.0:`healthPort` only answers `GET /ready` with a
 *   static 200, for kubelet probes; it proxies nothing.
 * - No admin interface.
 */
export function sigv4ProxyEnvoyConfig(spec: SigV4ProxyEnvoySpec): EnvoyBootstrap {
  if (spec.privateDomain && !spec.privateCaFile) throw new Error('privateCaFile is required with privateDomain');
  const route = (cluster: string): EnvoyRoute[] => [{
    match: { prefix: '/' },
    // The application owns request timeouts (streams and long polls pass through).
    route: { cluster, timeout: '0s' },
  }];
  const virtualHosts: VirtualHost[] = [];
  const clusters: EnvoyCluster[] = [];
  if (!spec.upstreamTls) {
    virtualHosts.push({ name: 'lattice', domains: ['*'], routes: route(PLAINTEXT_CLUSTER) });
    clusters.push(forwardProxyCluster(PLAINTEXT_CLUSTER, undefined));
  } else {
    if (spec.privateDomain) {
      virtualHosts.push({
        name: 'private_domain',
        domains: [spec.privateDomain, `*.${spec.privateDomain}`],
        routes: route(PRIVATE_CA_CLUSTER),
      });
      clusters.push(forwardProxyCluster(PRIVATE_CA_CLUSTER, spec.privateCaFile));
    }
    virtualHosts.push({ name: 'lattice', domains: ['*'], routes: route(PUBLIC_CA_CLUSTER) });
    clusters.push(forwardProxyCluster(PUBLIC_CA_CLUSTER, SYSTEM_CA_BUNDLE));
  }

  const signing: TypedExtension = {
    name: 'envoy.filters.http.aws_request_signing',
    typed_config: {
      '@type': ENVOY_TYPES.awsRequestSigning,
      'service_name': LATTICE_SIGNING_SERVICE,
      'region': spec.region,
      'use_unsigned_payload': true,
      'match_excluded_headers': SIGNING_EXCLUDED_HEADERS,
    },
  };
  const forwardProxy: TypedExtension = {
    name: 'envoy.filters.http.dynamic_forward_proxy',
    typed_config: { '@type': ENVOY_TYPES.dynamicForwardProxyFilter, 'dns_cache_config': DNS_CACHE },
  };

  const proxyListener: EnvoyListener = {
    name: 'sigv4',
    address: { socket_address: { address: '127.0.0.1', port_value: spec.proxyPort } },
    filter_chains: [{
      filters: [httpConnectionManager('sigv4', virtualHosts, [forwardProxy, signing, ROUTER_FILTER], {
        strip_any_host_port: true,
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

import {
  EnvoyBootstrap, EnvoyCluster, sigv4ProxyEnvoyConfig, SigV4ProxyEnvoySpec, VirtualHost,
} from '../src/k8s/envoy-config';

const SIGNING = 'envoy.filters.http.aws_request_signing';
const PER_ROUTE = 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigningPerRoute';
const BASE: SigV4ProxyEnvoySpec = { proxyPort: 15180, healthPort: 15181, region: 'eu-west-1', latticeIpv4Range: '169.254.171.0/24', upstreamTls: true };

const hcmOf = (config: EnvoyBootstrap): any => config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

/**
 * The virtual host Envoy picks for a Host (VirtualHost.domains): exact names
 * first, then suffix wildcards (`*.foo.com`), then prefix wildcards (`foo.*`),
 * then `*`; the longest wildcard wins; `*` never matches the empty string; case
 * is ignored. The HCM strips any port and a trailing dot first.
 */
function virtualHostFor(config: EnvoyBootstrap, rawHost: string): VirtualHost {
  const hcm = hcmOf(config);
  let host = rawHost.toLowerCase();
  if (hcm.strip_any_host_port) host = host.replace(/:\d+$/, '');
  if (hcm.strip_trailing_host_dot) host = host.replace(/\.$/, '');
  const hosts: VirtualHost[] = hcm.route_config.virtual_hosts;
  const candidates: Array<[number, number, VirtualHost]> = [];
  for (const v of hosts) {
    for (const raw of v.domains) {
      const d = raw.toLowerCase();
      if (d === host) candidates.push([0, 0, v]);
      else if (d === '*') candidates.push([3, 0, v]);
      else if (d.startsWith('*') && host.length > d.length - 1 && host.endsWith(d.slice(1))) candidates.push([1, -d.length, v]);
      else if (d.endsWith('*') && host.length > d.length - 1 && host.startsWith(d.slice(0, -1))) candidates.push([2, -d.length, v]);
    }
  }
  candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (candidates.length === 0) throw new Error(`no virtual host for ${rawHost}`);
  return candidates[0][2];
}

interface Outcome {
  readonly signed: boolean;
  readonly cluster?: string;
  readonly status?: number;
}

/**
 * What the proxy does with a request for `host` (a gRPC request when `grpc`: content-type `application/grpc`):
 * whether the signing filter runs, and where the request goes. Routes are tried in order (all match prefix `/`;
 * `grpc: {}` only gRPC requests).
 */
function outcome(config: EnvoyBootstrap, host: string, grpc = false): Outcome {
  const hcm = hcmOf(config);
  const filter = hcm.http_filters.find((h: any) => h.name === SIGNING);
  const vhost = virtualHostFor(config, host);
  const route = vhost.routes.find((r) => r.match.prefix === '/' && (r.match.grpc === undefined || grpc));
  if (!route) throw new Error(`no route for ${host}`);
  // Envoy: the most specific per-filter config wins (route, then virtual host); a filter disabled in the HCM runs
  // only where such a config enables it (FilterConfig.disabled false).
  const perFilter: any = route.typed_per_filter_config?.[SIGNING] ?? vhost.typed_per_filter_config?.[SIGNING];
  const signed = perFilter === undefined ? !filter.disabled : perFilter.disabled !== true;
  return { signed, cluster: route.route?.cluster, status: route.direct_response?.status };
}

const clusterNamed = (config: EnvoyBootstrap, name: string): any => config.static_resources.clusters.find((c) => c.name === name);

describe('SigV4 proxy Envoy configuration: which hosts are signed', () => {
  const withDomain = sigv4ProxyEnvoyConfig({ ...BASE, privateDomain: 'example.com', privateCaFile: '/etc/lattice-sigv4/private-ca.pem' });
  const refused: Outcome = { signed: false, cluster: undefined, status: 403 };

  test.each([
    ['example.com', 'lattice_private_ca'],
    ['svc.example.com', 'lattice_private_ca'],
    ['a.b.example.com', 'lattice_private_ca'],
    ['SVC.Example.COM:8080', 'lattice_private_ca'],
    ['svc.example.com.', 'lattice_private_ca'],
    ['billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.eu-west-1.on.aws', 'lattice_public_ca'],
  ])('%s is signed and sent to %s', (host, cluster) => {
    expect(outcome(withDomain, host)).toEqual({ signed: true, cluster, status: undefined });
  });

  test.each([
    'attacker.example.net',
    'example.com.attacker.net',
    'notexample.com',
    'example.co',
    'billing-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-east-1.on.aws',
    'vpc-lattice-svcs.eu-west-1.on.aws',
    'vpc-lattice-svcs.eu-west-1.on.aws.attacker.net',
    'sts.amazonaws.com',
    '169.254.171.7',
    '169.254.169.254',
    'localhost',
  ])('%s gets a local 403 and is never signed', (host) => {
    expect(outcome(withDomain, host)).toEqual(refused);
  });

  test('the signing filter is off by default; the refusing host disables it explicitly; allowed hosts enable it with the full signing config', () => {
    const hcm = hcmOf(withDomain);
    expect(hcm.http_filters.map((h: any) => [h.name, h.disabled ?? false])).toEqual([[SIGNING, true], ['envoy.filters.http.router', false]]);
    const [privateHost, lattice, deny] = hcm.route_config.virtual_hosts;
    expect(deny).toMatchObject({ name: 'deny', domains: ['*'] });
    expect(deny.typed_per_filter_config[SIGNING]).toEqual({ '@type': 'type.googleapis.com/envoy.config.route.v3.FilterConfig', 'disabled': true });
    const { '@type': _type, ...signing } = hcm.http_filters[0].typed_config;
    for (const v of [privateHost, lattice]) {
      const perHost = v.typed_per_filter_config[SIGNING];
      expect(perHost['@type']).toBe('type.googleapis.com/envoy.config.route.v3.FilterConfig');
      expect(perHost.disabled).toBeUndefined();
      expect(perHost.config).toEqual({ '@type': PER_ROUTE, 'aws_request_signing': signing, 'stat_prefix': `${v.name}.` });
    }
    expect(signing).toEqual({
      service_name: 'vpc-lattice-svcs',
      region: 'eu-west-1',
      use_unsigned_payload: true,
      match_excluded_headers: [{ prefix: 'x-envoy' }, { prefix: 'x-forwarded' }, { exact: 'x-amzn-trace-id' }],
    });
  });

  test('the upstream is the original destination (the Lattice address the app connected to), never a name or a header', () => {
    const [listener] = withDomain.static_resources.listeners;
    expect(listener.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 15180 });
    expect(listener.listener_filters).toEqual([{
      name: 'envoy.filters.listener.original_dst',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst' },
    }]);
    // Only connections redirected from Lattice's range have a filter chain; others (e.g. straight to 127.0.0.1) are closed.
    expect(listener.filter_chains.map((c) => c.filter_chain_match)).toEqual([{ prefix_ranges: [{ address_prefix: '169.254.171.0', prefix_len: 24 }] }]);
    for (const cluster of withDomain.static_resources.clusters) {
      expect(cluster).toMatchObject({ type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', original_dst_lb_config: { upstream_port_override: 443 } });
      // No use_http_header / metadata_key: nothing in the request can choose another upstream.
      expect(Object.keys(cluster.original_dst_lb_config)).toEqual(['upstream_port_override']);
      expect(JSON.stringify(cluster)).not.toMatch(/dns|dynamic_forward_proxy|use_http_header|metadata_key/);
    }
    expect(JSON.stringify(withDomain)).not.toMatch(/dynamic_forward_proxy|dns_cache/);
  });

  test('TLS: SNI and SAN from the Host; the private CA only for the domain, system roots for Lattice names', () => {
    const tls = (name: string) => clusterNamed(withDomain, name);
    expect(tls('lattice_private_ca').transport_socket.typed_config.common_tls_context.validation_context.trusted_ca)
      .toEqual({ filename: '/etc/lattice-sigv4/private-ca.pem' });
    expect(tls('lattice_public_ca').transport_socket.typed_config.common_tls_context.validation_context.trusted_ca)
      .toEqual({ filename: '/etc/ssl/certs/ca-certificates.crt' });
    for (const name of ['lattice_private_ca', 'lattice_public_ca']) {
      expect(tls(name).typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].upstream_http_protocol_options)
        .toEqual({ auto_sni: true, auto_san_validation: true });
    }
  });

  test('without a private domain only the region\'s Lattice names are signed', () => {
    const config = sigv4ProxyEnvoyConfig(BASE);
    expect(outcome(config, 'svc-0123.7d67968.vpc-lattice-svcs.eu-west-1.on.aws')).toEqual({ signed: true, cluster: 'lattice_public_ca', status: undefined });
    expect(outcome(config, 'svc.example.com')).toEqual(refused);
    expect(config.static_resources.clusters.map((c) => c.name)).toEqual(['lattice_public_ca']);
  });

  test('plain HTTP: the same names, signed, to port 80 of the original destination, without TLS', () => {
    const config = sigv4ProxyEnvoyConfig({ ...BASE, upstreamTls: false, privateDomain: 'example.com' });
    expect(outcome(config, 'svc.example.com')).toEqual({ signed: true, cluster: 'lattice_plaintext', status: undefined });
    expect(outcome(config, 'svc-0123.7d67968.vpc-lattice-svcs.eu-west-1.on.aws')).toEqual({ signed: true, cluster: 'lattice_plaintext', status: undefined });
    expect(outcome(config, 'attacker.example.net')).toEqual(refused);
    expect(config.static_resources.clusters).toEqual([expect.objectContaining({
      name: 'lattice_plaintext', type: 'ORIGINAL_DST', original_dst_lb_config: { upstream_port_override: 80 },
    })]);
    expect(config.static_resources.clusters[0].transport_socket).toBeUndefined();
  });

  test('a region token stays in the allowed domain (resolved by CloudFormation in the ConfigMap)', () => {
    const config = sigv4ProxyEnvoyConfig({ ...BASE, region: '${Token[AWS.Region.9]}' });
    expect(hcmOf(config).route_config.virtual_hosts[0].domains).toEqual(['*.vpc-lattice-svcs.${Token[AWS.Region.9]}.on.aws']);
  });

  test('bad input', () => {
    expect(() => sigv4ProxyEnvoyConfig({ ...BASE, privateDomain: 'example.com' })).toThrow(/privateCaFile is required with privateDomain and upstreamTls/);
    expect(() => sigv4ProxyEnvoyConfig({ ...BASE, latticeIpv4Range: '169.254.171.0' })).toThrow(/latticeIpv4Range '169.254.171.0' is not an IPv4 CIDR/);
    expect(() => sigv4ProxyEnvoyConfig({ ...BASE, latticeIpv4Range: '169.254.171.0/33' })).toThrow(/not an IPv4 CIDR/);
  });
});

type Protocol = 'HTTP/1.1' | 'HTTP/2';

/**
 * The protocol Envoy uses upstream for a request that came in `downstream`, and
 * the ALPN list it offers in the TLS handshake (HttpProtocolOptions):
 * `explicit_http_config` always uses its one protocol; `use_downstream_protocol_config`
 * uses the caller's protocol when configured (HTTP/1.1 otherwise); the conn pool
 * of that protocol offers its own ALPN name (`h2` / `http/1.1`) unless the TLS
 * context sets `alpn_protocols`, which then replace it.
 */
function upstreamOf(cluster: EnvoyCluster, downstream: Protocol): { protocol: Protocol; alpn?: string[] } {
  const options: any = cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  const choices = ['explicit_http_config', 'use_downstream_protocol_config', 'auto_config'].filter((k) => options[k] !== undefined);
  if (choices.length !== 1) throw new Error(`${cluster.name}: ${choices.length} upstream protocol choices`);
  let protocol: Protocol;
  if (options.explicit_http_config) {
    protocol = options.explicit_http_config.http2_protocol_options ? 'HTTP/2' : 'HTTP/1.1';
  } else if (options.use_downstream_protocol_config) {
    protocol = downstream === 'HTTP/2' && options.use_downstream_protocol_config.http2_protocol_options ? 'HTTP/2' : 'HTTP/1.1';
  } else {
    throw new Error(`${cluster.name}: auto_config depends on the server`);
  }
  const tls: any = cluster.transport_socket?.typed_config;
  if (!tls) return { protocol };
  const configured: string[] | undefined = tls.common_tls_context.alpn_protocols;
  return { protocol, alpn: configured?.length ? configured : [protocol === 'HTTP/2' ? 'h2' : 'http/1.1'] };
}

/** Every object in `value` (at any depth) that has key `key`. */
function objectsWith(value: unknown, key: string): any[] {
  if (Array.isArray(value)) return value.flatMap((v) => objectsWith(v, key));
  if (value === null || typeof value !== 'object') return [];
  const own = key in (value as object) ? [value] : [];
  return [...own, ...Object.values(value as object).flatMap((v) => objectsWith(v, key))];
}

describe('SigV4 proxy Envoy configuration: HTTP/2 and gRPC', () => {
  const tls = sigv4ProxyEnvoyConfig({ ...BASE, privateDomain: 'example.com', privateCaFile: '/etc/lattice-sigv4/private-ca.pem' });
  const plain = sigv4ProxyEnvoyConfig({ ...BASE, upstreamTls: false, privateDomain: 'example.com' });
  const LIMITS = { max_concurrent_streams: 100, initial_stream_window_size: 65536, initial_connection_window_size: 1048576 };

  test.each([['TLS', tls], ['plain HTTP', plain]])('%s: the signing listener takes HTTP/1.1 and h2c on one port, with HTTP/2 limits and a 1 h stream idle timeout', (_name, config) => {
    const hcm = hcmOf(config);
    expect(hcm.codec_type).toBe('AUTO');
    expect(hcm.http2_protocol_options).toEqual(LIMITS);
    expect(hcm.stream_idle_timeout).toBe('3600s');
    // The application owns request timeouts: forwarded routes never time out on their own.
    const forwarded = hcm.route_config.virtual_hosts.flatMap((v: VirtualHost) => v.routes).filter((r: any) => r.route);
    expect(forwarded.length).toBeGreaterThan(0);
    for (const r of forwarded) expect(r.route.timeout).toBe('0s');
  });

  test('TLS: each request goes upstream in the caller\'s protocol, HTTP/2 with ALPN h2 and HTTP/1.1 with ALPN http/1.1', () => {
    expect(tls.static_resources.clusters.map((c) => c.name)).toEqual(['lattice_private_ca', 'lattice_public_ca']);
    for (const cluster of tls.static_resources.clusters) {
      expect(upstreamOf(cluster, 'HTTP/1.1')).toEqual({ protocol: 'HTTP/1.1', alpn: ['http/1.1'] });
      expect(upstreamOf(cluster, 'HTTP/2')).toEqual({ protocol: 'HTTP/2', alpn: ['h2'] });
      const options: any = cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
      expect(options.use_downstream_protocol_config).toEqual({
        http_protocol_options: {},
        http2_protocol_options: { ...LIMITS, connection_keepalive: { interval: '30s', timeout: '10s' } },
      });
      // SNI and SAN still come from each request's Host, whatever the protocol.
      expect(options.upstream_http_protocol_options).toEqual({ auto_sni: true, auto_san_validation: true });
      expect(cluster.transport_socket!.typed_config.common_tls_context).not.toHaveProperty('alpn_protocols');
    }
  });

  test('TLS: gRPC requests to allowed hosts are signed and forwarded like any other', () => {
    expect(outcome(tls, 'greeter.example.com', true)).toEqual({ signed: true, cluster: 'lattice_private_ca', status: undefined });
    expect(outcome(tls, 'svc-0123.7d67968.vpc-lattice-svcs.eu-west-1.on.aws', true)).toEqual({ signed: true, cluster: 'lattice_public_ca', status: undefined });
    // A refused host answers 403 (gRPC status PERMISSION_DENIED), unsigned.
    expect(outcome(tls, 'attacker.example.net', true)).toEqual({ signed: false, cluster: undefined, status: 403 });
  });

  test('plain HTTP: HTTP/1.1 upstream whatever the caller speaks; gRPC gets a local 501, unsigned, and other HTTP/2 requests pass', () => {
    const [cluster] = plain.static_resources.clusters;
    expect(upstreamOf(cluster, 'HTTP/1.1')).toEqual({ protocol: 'HTTP/1.1' });
    expect(upstreamOf(cluster, 'HTTP/2')).toEqual({ protocol: 'HTTP/1.1' });
    for (const host of ['greeter.example.com', 'svc-0123.7d67968.vpc-lattice-svcs.eu-west-1.on.aws']) {
      expect(outcome(plain, host, true)).toEqual({ signed: false, cluster: undefined, status: 501 });
      expect(outcome(plain, host, false)).toEqual({ signed: true, cluster: 'lattice_plaintext', status: undefined });
    }
    expect(outcome(plain, 'attacker.example.net', true)).toEqual({ signed: false, cluster: undefined, status: 403 });
    const grpcRoute: any = hcmOf(plain).route_config.virtual_hosts[0].routes[0];
    expect(grpcRoute.match).toEqual({ prefix: '/', grpc: {} });
    expect(grpcRoute.direct_response.body.inline_string).toMatch(/gRPC needs the HTTPS listener.*upstreamTls: false/);
    // With TLS there is no such route.
    expect(JSON.stringify(tls)).not.toContain('"grpc"');
  });

  test('every signing configuration signs headers only (UNSIGNED-PAYLOAD): the body is never buffered', () => {
    for (const config of [tls, plain, sigv4ProxyEnvoyConfig(BASE)]) {
      const signing = objectsWith(config, 'service_name');
      // The HCM's filter and each allowed virtual host's per-route copy.
      expect(signing.length).toBeGreaterThanOrEqual(2);
      for (const s of signing) expect(s).toMatchObject({ service_name: 'vpc-lattice-svcs', use_unsigned_payload: true });
    }
  });

  test('the protocol model of these tests', () => {
    const cluster = (options: object, alpn?: string[]): EnvoyCluster => ({
      name: 'c',
      type: 'ORIGINAL_DST',
      connect_timeout: '1s',
      lb_policy: 'CLUSTER_PROVIDED',
      original_dst_lb_config: { upstream_port_override: 443 },
      typed_extension_protocol_options: { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'x', ...options } },
      transport_socket: { name: 'tls', typed_config: { '@type': 'y', 'common_tls_context': alpn ? { alpn_protocols: alpn } : {} } },
    });
    // HTTP/1.1 only: an HTTP/2 caller still goes upstream in HTTP/1.1.
    expect(upstreamOf(cluster({ explicit_http_config: { http_protocol_options: {} } }), 'HTTP/2')).toEqual({ protocol: 'HTTP/1.1', alpn: ['http/1.1'] });
    expect(upstreamOf(cluster({ explicit_http_config: { http2_protocol_options: {} } }), 'HTTP/1.1')).toEqual({ protocol: 'HTTP/2', alpn: ['h2'] });
    // A fixed ALPN list replaces the pool's.
    expect(upstreamOf(cluster({ use_downstream_protocol_config: { http2_protocol_options: {} } }, ['http/1.1']), 'HTTP/2')).toEqual({ protocol: 'HTTP/2', alpn: ['http/1.1'] });
    expect(() => upstreamOf(cluster({}), 'HTTP/2')).toThrow(/0 upstream protocol choices/);
  });
});

describe('the host matcher of these tests follows Envoy\'s precedence', () => {
  const config = {
    static_resources: {
      clusters: [],
      listeners: [{
        filter_chains: [{
          filters: [{
            typed_config: {
              http_filters: [],
              route_config: {
                virtual_hosts: [
                  { name: 'any', domains: ['*'], routes: [] },
                  { name: 'prefix', domains: ['api.*'], routes: [] },
                  { name: 'short', domains: ['*.com'], routes: [] },
                  { name: 'long', domains: ['*.foo.com'], routes: [] },
                  { name: 'exact', domains: ['api.foo.com'], routes: [] },
                ],
              },
            },
          }],
        }],
      }],
    },
  } as unknown as EnvoyBootstrap;
  test.each([
    ['api.foo.com', 'exact'], ['x.foo.com', 'long'], ['foo.com', 'short'], ['x.bar.com', 'short'], ['api.bar.net', 'prefix'],
    ['.foo.com', 'short'], ['other', 'any'], ['API.FOO.COM', 'exact'],
  ])('%s -> %s', (host, name) => {
    expect(virtualHostFor(config, host).name).toBe(name);
  });
});

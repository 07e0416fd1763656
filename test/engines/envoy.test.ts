/**
 * The Envoy configuration the library synthesizes, checked with Envoy's own protos
 * (github.com/envoyproxy/go-control-plane/envoy at the pinned Envoy minor): strict
 * parsing, every extension type resolved, protoc-gen-validate rules on the bootstrap
 * and inside every Any, no deprecated field. The checker is test/engines/envoy,
 * built once per machine by scripts/engines/envoy-check.sh.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { addCrossClusterExample } from '../../examples/cross-cluster/app';
import { SigV4SidecarPolicy, SigV4SidecarPolicyProps } from '../../src/sidecar/sigv4-sidecar-policy';
import { PinnedVersions } from '../../src/versions';
import { clusterFixture } from '../util/fixtures';

const REPO = path.resolve(__dirname, '..', '..');
const CHECKER_DIR = path.join(REPO, 'test', 'engines', 'envoy');
/** Region put in place of `{ Ref: AWS::Region }`. */
const REGION = 'eu-west-1';
/** Put in place of any other CloudFormation token; must not appear in envoy.json. */
const OTHER_TOKEN = 'UNRESOLVED-CFN-TOKEN';

/** Minor version of the go-control-plane/envoy module required by the checker's go.mod. */
function goControlPlaneMinor(goMod: string): number {
  const m = /^\s*(?:require\s+)?github\.com\/envoyproxy\/go-control-plane\/envoy\s+v1\.(\d+)\.\d+/m.exec(goMod);
  if (!m) throw new Error('go.mod does not require github.com/envoyproxy/go-control-plane/envoy v1.x.y');
  return Number(m[1]);
}

/** Minor version of an Envoy image reference (`...envoy:distroless-v1.39.1`, `...:v1.39.1`). */
function envoyImageMinor(image: string): number {
  const m = /:(?:[a-z-]+-)?v1\.(\d+)\.\d+$/.exec(image);
  if (!m) throw new Error(`not a versioned Envoy image: ${image}`);
  return Number(m[1]);
}

/** A manifest property with `AWS::Region` replaced by REGION and every other token by OTHER_TOKEN. */
function renderManifest(manifest: any): string {
  if (typeof manifest === 'string') return manifest;
  const join = manifest?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '') throw new Error(`unexpected manifest shape: ${JSON.stringify(manifest).slice(0, 200)}`);
  return join[1].map((part: any) => (typeof part === 'string' ? part : part?.Ref === 'AWS::Region' ? REGION : OTHER_TOKEN)).join('');
}

/** envoy.json as it lands in the synthesized ConfigMap of a stack, after CloudFormation would have resolved the region. */
function envoyJsonInStack(stack: Stack): string {
  const resources: Record<string, any> = (stack.node.root as App).synth().getStackByName(stack.stackName).template.Resources;
  const found: string[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'Custom::AWSCDK-EKS-KubernetesResource') continue;
    const objects: any[] = JSON.parse(renderManifest(resource.Properties.Manifest));
    for (const o of objects) {
      if (o.kind === 'ConfigMap' && o.metadata?.name === 'lattice-sigv4-proxy') found.push(o.data['envoy.json']);
    }
  }
  expect(found).toHaveLength(1);
  expect(found[0]).not.toContain(OTHER_TOKEN);
  return found[0];
}

/** envoy.json of a `SigV4SidecarPolicy` with `props` on the test cluster (with or without a private domain). */
function envoyJsonOf(props: Partial<SigV4SidecarPolicyProps>, withDomain: boolean): string {
  const { stack, cluster } = clusterFixture({}, withDomain);
  const sidecar = new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], ...props });
  sidecar.addWorkload(new eks.KubernetesManifest(stack, 'Demo', {
    cluster: cluster.cluster,
    manifest: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'apps' } }],
  }));
  return envoyJsonInStack(stack);
}

interface CheckResult {
  readonly status: number | null;
  readonly output: string;
}

let checker: string;
let work: string;

function check(name: string, config: string | object): CheckResult {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  const r = spawnSync(checker, [file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.split(file).join(name) };
}

beforeAll(() => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'engines', 'envoy-check.sh')], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60 * 1000,
  });
  checker = out.trim().split('\n').pop()!;
  expect(fs.existsSync(checker)).toBe(true);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-check-'));
}, 15 * 60 * 1000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the Envoy checker speaks the deployed Envoy\'s protos', () => {
  test('go-control-plane/envoy in go.mod has the minor of PinnedVersions.ENVOY_IMAGE', () => {
    const goMod = fs.readFileSync(path.join(CHECKER_DIR, 'go.mod'), 'utf8');
    expect(`go-control-plane/envoy v1.${goControlPlaneMinor(goMod)}`).toBe(`go-control-plane/envoy v1.${envoyImageMinor(PinnedVersions.ENVOY_IMAGE)}`);
    // go.sum pins the module's content.
    expect(fs.readFileSync(path.join(CHECKER_DIR, 'go.sum'), 'utf8')).toMatch(/^github\.com\/envoyproxy\/go-control-plane\/envoy v1\.\d+\.\d+ h1:/m);
  });

  test('the version comparison itself catches a mismatch', () => {
    expect(goControlPlaneMinor('require (\n\tgithub.com/envoyproxy/go-control-plane/envoy v1.38.0\n)')).toBe(38);
    expect(goControlPlaneMinor('require github.com/envoyproxy/go-control-plane/envoy v1.40.0\n')).toBe(40);
    expect(envoyImageMinor('docker.io/envoyproxy/envoy:distroless-v1.39.1')).toBe(39);
    expect(envoyImageMinor('public.ecr.aws/envoyproxy/envoy:v1.38.2')).toBe(38);
    expect(() => goControlPlaneMinor('require github.com/envoyproxy/go-control-plane v0.14.0')).toThrow(/does not require/);
    expect(() => envoyImageMinor('envoyproxy/envoy:latest')).toThrow(/not a versioned Envoy image/);
  });
});

describe('synthesized SigV4 proxy configurations pass', () => {
  test.each<[string, Partial<SigV4SidecarPolicyProps>, boolean]>([
    ['private-domain', {}, true],
    ['no-domain', { upstreamTls: false }, false],
    ['plain-http', { upstreamTls: false }, true],
    ['plain-http-no-domain', { upstreamTls: false, proxyPort: 20000, healthPort: 20001 }, false],
  ])('%s', (name, props, withDomain) => {
    const json = envoyJsonOf(props, withDomain);
    expect(json).toContain(`"region":"${REGION}"`);
    expect(json).toContain(`"*.vpc-lattice-svcs.${REGION}.on.aws"`);
    const r = check(name, json);
    expect(r.output).toBe(`${name}: ok\n`);
    expect(r.status).toBe(0);
  });

  test('what is checked carries the HTTP/2 settings: h2c listener, HTTP/2 upstream with TLS, HTTP/1.1 and the gRPC refusal without', () => {
    const tls = JSON.parse(envoyJsonOf({}, true));
    const plain = JSON.parse(envoyJsonOf({ upstreamTls: false }, true));
    for (const c of [tls, plain]) {
      expect(c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config).toMatchObject({
        codec_type: 'AUTO', http2_protocol_options: { max_concurrent_streams: 100 }, stream_idle_timeout: '3600s',
      });
    }
    const protocols = (c: any) => c.static_resources.clusters.map((cl: any) => Object.keys(
      cl.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']).filter((k) => k !== '@type' && k !== 'upstream_http_protocol_options'));
    expect(protocols(tls)).toEqual([['use_downstream_protocol_config'], ['use_downstream_protocol_config']]);
    expect(protocols(plain)).toEqual([['explicit_http_config']]);
    expect(JSON.stringify(plain)).toContain('"grpc":{}');
    expect(check('http2-tls', tls).output).toBe('http2-tls: ok\n');
    expect(check('http2-plain', plain).output).toBe('http2-plain: ok\n');
  });

  test('the cross-cluster example\'s clusters', () => {
    const { clusters } = addCrossClusterExample(new App());
    expect(clusters).toHaveLength(2);
    for (const stack of clusters) {
      const r = check(`example-${stack.stackName}`, envoyJsonInStack(stack));
      expect(r.output).toBe(`example-${stack.stackName}: ok\n`);
      expect(r.status).toBe(0);
    }
  });
});

describe('the checker rejects broken configurations', () => {
  let valid: any;
  beforeAll(() => {
    valid = JSON.parse(envoyJsonOf({}, true));
    expect(check('valid', valid).status).toBe(0);
  });
  const broken = (mutate: (c: any) => void): any => {
    const c = JSON.parse(JSON.stringify(valid));
    mutate(c);
    return c;
  };
  const hcm = (c: any) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

  test.each<[string, (c: any) => void, RegExp]>([
    ['unknown field', (c) => { c.static_resources.listeners[0].bogus = true; }, /parse: .*unknown field "bogus"/],
    ['unknown field inside an Any', (c) => { hcm(c).strip_any_host_ports = true; }, /parse: .*unknown field "strip_any_host_ports"/],
    ['bad enum', (c) => { c.static_resources.clusters[0].type = 'ORIGINAL_DESTINATION'; }, /parse: .*invalid value for enum.*ORIGINAL_DESTINATION/],
    ['bad enum inside an Any', (c) => {
      c.static_resources.clusters[0].transport_socket.typed_config.common_tls_context.tls_params.tls_minimum_protocol_version = 'TLSv1_4';
    }, /parse: .*invalid value for enum.*TLSv1_4/],
    ['wrong value type', (c) => { c.static_resources.listeners[0].address.socket_address.port_value = 'http'; }, /parse: .*invalid value for uint32/],
    ['invalid port', (c) => { c.static_resources.listeners[0].address.socket_address.port_value = 70000; },
      /validate \(root\) \[envoy\.config\.bootstrap\.v3\.Bootstrap\]: .*PortValue: value must be less than or equal to 65535/],
    ['an Any of an unknown type', (c) => {
      c.static_resources.listeners[0].listener_filters[0].typed_config['@type'] = 'type.googleapis.com/envoy.extensions.filters.listener.nope.v3.Nope';
    }, /parse: .*unable to resolve "type\.googleapis\.com\/envoy\.extensions\.filters\.listener\.nope\.v3\.Nope".*not blank-imported/],
    ['an extension Envoy has but the library does not use (not registered)', (c) => {
      hcm(c).http_filters[0].typed_config = { '@type': 'type.googleapis.com/envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig' };
    }, /parse: .*unable to resolve .*dynamic_forward_proxy/],
    ['a PGV rule violated inside an Any', (c) => { hcm(c).stat_prefix = ''; },
      /validate static_resources\.listeners\[0\]\.filter_chains\[0\]\.filters\[0\]\.typed_config<envoy\.extensions\.filters\.network\.http_connection_manager\.v3\.HttpConnectionManager> .*StatPrefix: value length must be at least 1/],
    ['a PGV rule violated in an Any nested three deep', (c) => {
      delete hcm(c).route_config.virtual_hosts[0].typed_per_filter_config['envoy.filters.http.aws_request_signing'].config.stat_prefix;
    }, /typed_per_filter_config\["envoy\.filters\.http\.aws_request_signing"\]<envoy\.config\.route\.v3\.FilterConfig>\.config<envoy\.extensions\.filters\.http\.aws_request_signing\.v3\.AwsRequestSigningPerRoute> .*StatPrefix: value length must be at least 1/],
    ['a PGV rule on a repeated field inside an Any', (c) => { hcm(c).route_config.virtual_hosts[1].domains = []; },
      /VirtualHost.*Domains: value must contain at least 1 item/s],
    ['an HTTP/2 stream window below Envoy\'s minimum (65535)', (c) => { hcm(c).http2_protocol_options.initial_stream_window_size = 1024; },
      /HttpConnectionManager> .*InitialStreamWindowSize: value must be inside range \[65535, 2147483647\]/],
    ['two upstream protocol choices (a oneof)', (c) => {
      c.static_resources.clusters[0].typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']
        .explicit_http_config = { http_protocol_options: {} };
    }, /parse: .*(oneof|explicit_http_config|use_downstream_protocol_config)/],
    ['an unknown codec', (c) => { hcm(c).codec_type = 'H2C'; }, /parse: .*invalid value for enum.*H2C/],
    ['a deprecated field', (c) => { c.static_resources.clusters[0].upstream_http_protocol_options = { auto_sni: true }; },
      /deprecated field static_resources\.clusters\[0\]\.upstream_http_protocol_options/],
  ])('%s', (name, mutate, expected) => {
    const r = check(name.replace(/\W+/g, '-'), broken(mutate));
    expect(r.output).toMatch(expected);
    expect(r.status).toBe(1);
  });

  test('every problem is reported, not only the first', () => {
    const r = check('two-problems', broken((c) => {
      c.static_resources.listeners[1].address.socket_address.port_value = 70000;
      hcm(c).stat_prefix = '';
    }));
    expect(r.status).toBe(1);
    expect(r.output.trim().split('\n')).toEqual([
      expect.stringMatching(/^two-problems: validate \(root\) .*PortValue: value must be less than or equal to 65535/),
      expect.stringMatching(/^two-problems: validate static_resources\.listeners\[0\].*StatPrefix: value length must be at least 1/),
    ]);
  });

  test('not JSON, and a missing file', () => {
    expect(check('not-json', '{"static_resources": ').status).toBe(1);
    const missing = spawnSync(checker, [path.join(work, 'missing.json')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });
});

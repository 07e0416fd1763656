import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { LatticeServiceNetwork } from '../src/network/service-network';
import { IptablesBackend, SigV4SidecarPolicy, SigV4SidecarPolicyProps } from '../src/sidecar/sigv4-sidecar-policy';
import { PinnedVersions } from '../src/versions';
import { cfnLintTemplate } from './util/cfn-lint';
import { clusterFixture } from './util/fixtures';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { awsSolutionsFindings } from './util/nag';
import { celLiteral, injectionPatchExpression } from '../src/k8s/kyverno';

const ANNOTATION = 'vpc-lattices-svcs.amazonaws.com/agent-inject';

interface Fixture {
  app: App;
  shared: Stack;
  stack: Stack;
  cluster: LatticeEksCluster;
  sidecar: SigV4SidecarPolicy;
  workload: eks.KubernetesManifest;
  template: Template;
  json: any;
}

/** A demo Deployment that opts in. */
function demoDeployment(namespace: string): Record<string, unknown> {
  const labels = { app: 'demo' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'demo', namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [ANNOTATION]: 'true' } },
        spec: { serviceAccountName: 'client', containers: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:1.37' }] },
      },
    },
  };
}

function fixture(props: Partial<SigV4SidecarPolicyProps> = {}, withDomain = true): Fixture {
  const { app, shared, stack, cluster } = clusterFixture({}, withDomain);
  const sidecar = new SigV4SidecarPolicy(stack, 'SigV4', { cluster, ...props });
  sidecar.addClient('Client', { namespace: 'apps', serviceAccountName: 'client', createServiceAccount: true });
  const workload = new eks.KubernetesManifest(stack, 'Demo', { cluster: cluster.cluster, manifest: [demoDeployment('apps')] });
  sidecar.addWorkload(workload);
  const template = Template.fromStack(stack);
  return { app, shared, stack, cluster, sidecar, workload, template, json: template.toJSON() };
}

function objects(json: any): any[] {
  return k8sObjectsInTemplate(json).map((o) => o.object);
}
const find = (json: any, kind: string) => objects(json).find((o) => o.kind === kind);
const mutation = (json: any) => find(json, 'MutatingPolicy');
const patchExpression = (json: any): string => mutation(json).spec.mutations[0].jsonPatch.expression;
const configMap = (json: any) => objects(json).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'lattice-sigv4-proxy');
const envoy = (json: any) => JSON.parse(configMap(json).data['envoy.json']);
const logicalId = (stack: Stack, c: any) => stack.getLogicalId((c.node.defaultChild ?? c) as any);

describe('SigV4SidecarPolicy', () => {
  let f: Fixture;
  beforeAll(() => {
    f = fixture();
  });

  test('installs the pinned Kyverno chart once, in its own namespace, waiting for it', () => {
    f.template.resourcePropertiesCountIs('Custom::AWSCDK-EKS-HelmChart', { Chart: 'kyverno' }, 1);
    f.template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', {
      Chart: 'kyverno',
      Repository: 'https://kyverno.github.io/kyverno/',
      Version: '3.9.1',
      Release: 'kyverno',
      Namespace: 'kyverno',
      Wait: true,
    });
    expect(objects(f.json)).toContainEqual(expect.objectContaining({ kind: 'Namespace', metadata: expect.objectContaining({ name: 'kyverno' }) }));
  });

  test('mutates Pods on CREATE with a policies.kyverno.io/v1 MutatingPolicy, autogen off', () => {
    const policy = mutation(f.json);
    expect(policy.apiVersion).toBe('policies.kyverno.io/v1');
    expect(policy.metadata.name).toBe('lattice-sigv4-proxy');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }]);
    expect(policy.spec.autogen.podControllers.controllers).toEqual([]);
    expect(policy.spec.evaluation.background.enabled).toBe(false);
    expect(policy.spec.mutations).toHaveLength(1);
    expect(policy.spec.mutations[0].patchType).toBe('JSONPatch');
    expect(objects(f.json).some((o) => o.apiVersion === 'kyverno.io/v1')).toBe(false);
  });

  test('injects only opted-in pods of the configured namespaces, never system namespaces, never twice, never hostNetwork', () => {
    const spec = mutation(f.json).spec;
    expect(spec.matchConstraints.namespaceSelector.matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['apps'] },
      {
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno', 'aws-application-networking-system', 'external-dns'],
      },
    ]);
    const conditions = Object.fromEntries(spec.matchConditions.map((c: any) => [c.name, c.expression]));
    expect(conditions['opted-in']).toBe(
      `has(object.metadata.annotations) && "${ANNOTATION}" in object.metadata.annotations && object.metadata.annotations["${ANNOTATION}"] == "true"`);
    expect(conditions['not-injected-yet']).toContain('!object.spec.containers.exists(c, c.name in ["lattice-sigv4-iptables", "lattice-sigv4-proxy"])');
    expect(conditions['not-injected-yet']).toContain('object.spec.initContainers.exists(c, c.name in ["lattice-sigv4-iptables", "lattice-sigv4-proxy"])');
    expect(conditions['not-host-network']).toBe('!(has(object.spec.hostNetwork) && object.spec.hostNetwork)');
  });

  test('puts the iptables step and then the proxy first among the init containers, with or without existing ones', () => {
    const expr = patchExpression(f.json);
    // Existing init containers: insert at 0, proxy first so that iptables ends up before it.
    const prepend = expr.slice(0, expr.indexOf('] : ['));
    expect(prepend.indexOf('path: "/spec/initContainers/0", value: Object.spec.initContainers{name: "lattice-sigv4-proxy"'))
      .toBeLessThan(prepend.indexOf('path: "/spec/initContainers/0", value: Object.spec.initContainers{name: "lattice-sigv4-iptables"'));
    // No init containers: create an empty list, then append iptables, then the proxy.
    const create = expr.slice(expr.indexOf('] : ['), expr.indexOf('+ (has(object.spec.volumes)'));
    expect(create).toMatch(/path: "\/spec\/initContainers", value: \[\]\},\s*JSONPatch\{op: "add", path: "\/spec\/initContainers\/-", value: Object\.spec\.initContainers\{name: "lattice-sigv4-iptables"/);
    expect(create.indexOf('value: Object.spec.initContainers{name: "lattice-sigv4-iptables"'))
      .toBeLessThan(create.indexOf('value: Object.spec.initContainers{name: "lattice-sigv4-proxy"'));
    expect(expr).toMatch(/has\(object\.spec\.volumes\) \? \[\s*JSONPatch\{op: "add", path: "\/spec\/volumes\/-"/);
    expect(expr).toContain('path: "/spec/volumes", value: []}');
    // Kyverno 1.19.0-1.19.1 panic on a patch value that is a list of typed object literals.
    expect(expr).not.toMatch(/value: \[Object\./);
  });

  test('the init step redirects TCP to 169.254.171.0/24 port 80 only to the proxy port, exempting the proxy uid, with NET_ADMIN only', () => {
    expect(f.sidecar.interceptedPorts).toEqual([80]);
    expect(configMap(f.json).data['iptables.rules']).toBe([
      '*nat',
      ':LATTICE_SIGV4 - [0:0]',
      '-A OUTPUT -p tcp -d 169.254.171.0/24 --dport 80 -j LATTICE_SIGV4',
      '-A LATTICE_SIGV4 -m owner --uid-owner 15180 -j RETURN',
      '-A LATTICE_SIGV4 -p tcp -j REDIRECT --to-ports 15180',
      'COMMIT',
      '',
    ].join('\n'));
    expect(configMap(f.json).data['iptables.rules']).not.toMatch(/gid-owner/);
    const expr = patchExpression(f.json);
    expect(expr).toContain(`Object.spec.initContainers{name: "lattice-sigv4-iptables", image: "${PinnedVersions.IPTABLES_IMAGE}", `
      + 'command: ["iptables-nft-restore", "--noflush", "/etc/lattice-sigv4/iptables.rules"]');
    expect(expr).toContain('capabilities: Object.spec.initContainers.securityContext.capabilities{drop: ["ALL"], add: ["NET_ADMIN"]}');
    expect(expr).toContain('runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false');
    expect(expr).not.toContain('NET_RAW');
  });

  test('the proxy is a native sidecar: pinned Envoy as PID 1, info logs, non-root proxy uid, HTTP probes on the health port', () => {
    const expr = patchExpression(f.json);
    const proxy = expr.slice(expr.indexOf('Object.spec.initContainers{name: "lattice-sigv4-proxy"'));
    expect(proxy).toContain(`image: "${PinnedVersions.ENVOY_IMAGE}", restartPolicy: "Always", command: ["/usr/local/bin/envoy"]`);
    expect(proxy).toContain('args: ["--config-path", "/etc/lattice-sigv4/envoy.json", "--log-level", "info", "--disable-hot-restart", "--concurrency", "2"]');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(proxy).toMatch(new RegExp(`${probe}: Object\\.spec\\.initContainers\\.${probe}\\{httpGet: Object\\.spec\\.initContainers\\.${probe}\\.httpGet\\{path: "/ready", port: 15181\\}`));
    }
    expect(proxy).toContain('runAsNonRoot: true, runAsUser: 15180, runAsGroup: 15180, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, '
      + 'capabilities: Object.spec.initContainers.securityContext.capabilities{drop: ["ALL"]}');
    expect(PinnedVersions.ENVOY_IMAGE).toMatch(/^docker\.io\/envoyproxy\/envoy:distroless-v1\.(3\d|[4-9]\d)\.\d+$/);
  });

  test('Envoy listens on loopback only for signing; the health listener serves a static answer only', () => {
    const config = envoy(f.json);
    const [sigv4, health] = config.static_resources.listeners;
    expect(sigv4.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 15180 });
    expect(health.address.socket_address).toEqual({ address: '0.0.0.0', port_value: 15181 });
    const healthHcm = health.filter_chains[0].filters[0].typed_config;
    expect(healthHcm.route_config.virtual_hosts[0].routes).toEqual([
      { match: { path: '/ready' }, direct_response: { status: 200, body: { inline_string: 'ok\n' } } },
    ]);
    expect(healthHcm.http_filters.map((h: any) => h.name)).toEqual(['envoy.filters.http.router']);
    expect(config.admin).toBeUndefined();
  });

  test('Envoy signs for vpc-lattice-svcs in the stack region with an unsigned payload, excluding proxy headers', () => {
    const hcm = envoy(f.json).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    expect(hcm.strip_any_host_port).toBe(true);
    expect(hcm.http_filters.map((h: any) => [h.name, h.disabled])).toEqual([
      ['envoy.filters.http.aws_request_signing', true], ['envoy.filters.http.router', undefined],
    ]);
    expect(hcm.http_filters[0].typed_config).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning',
      'service_name': 'vpc-lattice-svcs',
      'region': 'cfn-token',
      'use_unsigned_payload': true,
      'match_excluded_headers': [{ prefix: 'x-envoy' }, { prefix: 'x-forwarded' }, { exact: 'x-amzn-trace-id' }],
    });
    // The region is the stack's (deploy-time) region.
    const resource = Object.values<any>(f.json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource'
      && JSON.stringify(r.Properties.Manifest).includes('--uid-owner'));
    const parts: any[] = resource.Properties.Manifest['Fn::Join'][1];
    const region = parts.findIndex((p) => p?.Ref === 'AWS::Region');
    expect(parts[region - 1]).toMatch(/region\\+":\\+"$/);
    const log = JSON.stringify(hcm.access_log);
    expect(log).not.toMatch(/AUTHORIZATION|SECURITY-TOKEN|%REQ\(:PATH\)%/i);
  });

  test('Envoy signs only for the domain and the region\'s Lattice names; any other host gets an unsigned 403', () => {
    const hcm = envoy(f.json).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const signingOf = (v: any) => v.typed_per_filter_config['envoy.filters.http.aws_request_signing'];
    expect(hcm.route_config.virtual_hosts.map((v: any) => [
      v.domains, v.routes[0].route?.cluster ?? v.routes[0].direct_response.status, signingOf(v).disabled ?? signingOf(v).config['@type'],
    ])).toEqual([
      [['example.com', '*.example.com'], 'lattice_private_ca', 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigningPerRoute'],
      [['*.vpc-lattice-svcs.cfn-token.on.aws'], 'lattice_public_ca', 'type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigningPerRoute'],
      [['*'], 403, true],
    ]);
    // The per-host signing configuration is the HCM's, for the stack's region.
    const { '@type': _type, ...signing } = hcm.http_filters[0].typed_config;
    expect(signingOf(hcm.route_config.virtual_hosts[1]).config.aws_request_signing).toEqual(signing);
  });

  test('Envoy re-encrypts to port 443 of the original destination with SNI and SAN checks: the private CA for the domain, system roots otherwise', () => {
    const config = envoy(f.json);
    const [sigv4] = config.static_resources.listeners;
    expect(sigv4.listener_filters.map((l: any) => l.name)).toEqual(['envoy.filters.listener.original_dst']);
    expect(sigv4.filter_chains.map((c: any) => c.filter_chain_match)).toEqual([{ prefix_ranges: [{ address_prefix: '169.254.171.0', prefix_len: 24 }] }]);
    const clusters = Object.fromEntries(config.static_resources.clusters.map((c: any) => [c.name, c]));
    const ca = (name: string) => clusters[name].transport_socket.typed_config.common_tls_context.validation_context.trusted_ca.filename;
    expect(ca('lattice_private_ca')).toBe('/etc/lattice-sigv4/private-ca.pem');
    expect(ca('lattice_public_ca')).toBe('/etc/ssl/certs/ca-certificates.crt');
    for (const cluster of Object.values<any>(clusters)) {
      expect(cluster.type).toBe('ORIGINAL_DST');
      expect(cluster.lb_policy).toBe('CLUSTER_PROVIDED');
      expect(cluster.original_dst_lb_config).toEqual({ upstream_port_override: 443 });
      expect(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].upstream_http_protocol_options)
        .toEqual({ auto_sni: true, auto_san_validation: true });
      expect(cluster.transport_socket.typed_config['@type']).toBe('type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
    }
  });

  test('the private CA root reaches the pods through a per-namespace ConfigMap, without an AWS call at start-up', () => {
    const cm = configMap(f.json);
    expect(cm.metadata.namespace).toBe('apps');
    expect(Object.keys(cm.binaryData)).toEqual(['private-ca.pem']);
    const resource = Object.values<any>(f.json.Resources).find((r) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource'
      && JSON.stringify(r.Properties.Manifest).includes('private-ca.pem'));
    expect(JSON.stringify(resource.Properties.Manifest)).toMatch(/"Fn::Base64":\{"Fn::ImportValue":"Shared:ExportsOutputFnGetAttDomainRootCaCertificate/);
    expect(patchExpression(f.json)).toContain('Object.spec.volumes{name: "lattice-sigv4-proxy", configMap: Object.spec.volumes.configMap{name: "lattice-sigv4-proxy"}}');
  });

  test('a ValidatingAdmissionPolicy rejects opted-in pods that would run unprotected', () => {
    const vap = objects(f.json).find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'lattice-sigv4-proxy-guard');
    expect(vap).toBeDefined();
    expect(vap.spec.failurePolicy).toBe('Fail');
    expect(vap.spec.matchConditions[0].expression).toContain(`"${ANNOTATION}" in object.metadata.annotations`);
    const [injected, hostNetwork, uid, ports] = vap.spec.validations;
    // hostNetwork pods are exempt from the injection check: they fail the hostNetwork check, whose message names the cause.
    expect(injected.expression).toBe('!(!(has(object.spec.hostNetwork) && object.spec.hostNetwork)) || '
      + '(has(object.spec.initContainers) && object.spec.initContainers.exists(c, c.name == "lattice-sigv4-proxy"))');
    expect(hostNetwork.message).toMatch(/must not use hostNetwork/);
    expect(uid.expression).toContain('== 15180');
    expect(uid.message).toMatch(/must not run as its uid 15180/);
    expect(ports.expression).toContain('p.containerPort in [15180, 15181]');
    expect(objects(f.json).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'lattice-sigv4-proxy-guard').spec).toEqual({ policyName: 'lattice-sigv4-proxy-guard', validationActions: ['Deny'] });
    expect(mutation(f.json).spec.failurePolicy).toBe('Ignore');
  });

  test('Kyverno, the policy (once its webhook is configured) and the ConfigMap come before the workloads', () => {
    const g = new DependencyGraph(f.json);
    const id = (c: any) => logicalId(f.stack, c);
    const workload = id(f.workload);
    const chart = id(f.sidecar.kyvernoChart!);
    const policy = id(f.sidecar.policyManifest);
    const ready = Object.entries<any>(f.template.findResources('Custom::AWSCDK-EKS-KubernetesObjectValue'))
      .find(([, r]) => r.Properties.ObjectName === 'lattice-sigv4-proxy')!;
    expect(ready[1].Properties).toMatchObject({
      ObjectType: 'mutatingpolicies.policies.kyverno.io',
      JsonPath: '.status.conditionStatus.conditions[?(@.message=="Webhook configured.")].status',
    });
    const config = Object.entries<any>(f.json.Resources).find(([, r]) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource'
      && JSON.stringify(r.Properties.Manifest).includes('iptables.rules'))![0];
    const nodes = id(f.cluster.nodegroup);
    for (const [from, to] of [
      [workload, chart], [workload, policy], [workload, ready[0]], [workload, config],
      [policy, chart], [ready[0], policy], [chart, nodes], [policy, nodes], [config, nodes],
    ]) {
      expect([from, to, g.dependsOn(from, to)]).toEqual([from, to, true]);
    }
    expect(g.dependsOn(chart, workload)).toBe(false);
  });

  test('addClient gives the service account Pod Identity and Invoke on the account\'s Lattice services in the region', () => {
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'apps', ServiceAccount: 'client' });
    f.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'vpc-lattice-svcs:Invoke',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':vpc-lattice:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':service/*']],
          },
        }],
      },
    });
    expect(objects(f.json)).toContainEqual(expect.objectContaining({ kind: 'ServiceAccount', metadata: expect.objectContaining({ name: 'client', namespace: 'apps' }) }));
  });

  test('every synthesized Kubernetes object validates against the schemas', () => {
    expectValidK8sObjects(f.json);
  });

  test('passes AwsSolutions checks and cfn-lint', () => {
    expect(awsSolutionsFindings(f.stack)).toEqual([]);
    expect(cfnLintTemplate(f.json, 'sigv4')).toEqual([]);
  });
});

describe('SigV4SidecarPolicy variants', () => {
  test('without a domain, plain HTTP only; legacy iptables adds NET_RAW and a lock volume; images and chart overridable', () => {
    const { json, template } = fixture({
      upstreamTls: false,
      iptablesBackend: IptablesBackend.LEGACY,
      proxyImage: 'public.ecr.aws/example/envoy:v1.38.0',
      iptablesImage: '111111111111.dkr.ecr.us-east-1.amazonaws.com/iptables:1.8.11',
      kyvernoChartVersion: '3.9.0',
    }, false);
    const config = envoy(json);
    expect(config.static_resources.clusters.map((c: any) => c.name)).toEqual(['lattice_plaintext']);
    expect(config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts
      .map((v: any) => v.domains)).toEqual([['*.vpc-lattice-svcs.cfn-token.on.aws'], ['*']]);
    expect(configMap(json).binaryData).toBeUndefined();
    const expr = patchExpression(json);
    expect(expr).toContain('add: ["NET_ADMIN", "NET_RAW"]');
    expect(expr).toContain('command: ["iptables-legacy-restore", "--noflush", "/etc/lattice-sigv4/iptables.rules"]');
    expect(expr).toContain('Object.spec.volumes{name: "lattice-sigv4-xtables-lock", emptyDir: Object.spec.volumes.emptyDir{}}');
    expect(expr).toContain('image: "public.ecr.aws/example/envoy:v1.38.0"');
    expect(expr).toContain('image: "111111111111.dkr.ecr.us-east-1.amazonaws.com/iptables:1.8.11"');
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'kyverno', Version: '3.9.0' });
    expectValidK8sObjects(json);
  });

  test('custom ports, uid, annotation key and plain HTTP upstream', () => {
    const { json } = fixture({
      proxyPort: 20000, healthPort: 20001, proxyUid: 4242, annotationKey: 'example.com/sigv4', upstreamTls: false, namespaces: ['web'],
    });
    expect(configMap(json).data['iptables.rules']).toContain('--uid-owner 4242 -j RETURN');
    expect(configMap(json).data['iptables.rules']).toContain('--to-ports 20000');
    expect(configMap(json).data['iptables.rules']).toContain('-A OUTPUT -p tcp -d 169.254.171.0/24 --dport 80 -j LATTICE_SIGV4');
    const config = envoy(json);
    expect(config.static_resources.listeners[0].address.socket_address.port_value).toBe(20000);
    expect(config.static_resources.clusters.map((c: any) => [c.name, c.type, c.original_dst_lb_config, c.transport_socket]))
      .toEqual([['lattice_plaintext', 'ORIGINAL_DST', { upstream_port_override: 80 }, undefined]]);
    // Still only the allowed names, signed; no CA without TLS; gRPC (HTTP/2 only, not on Lattice's plain HTTP listeners) refused locally.
    const hosts = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts;
    expect(hosts.map((v: any) => [v.domains, v.routes.map((r: any) => r.route?.cluster ?? r.direct_response.status)])).toEqual([
      [['example.com', '*.example.com'], [501, 'lattice_plaintext']], [['*.vpc-lattice-svcs.cfn-token.on.aws'], [501, 'lattice_plaintext']], [['*'], [403]],
    ]);
    expect(hosts[0].routes[0].match).toEqual({ prefix: '/', grpc: {} });
    expect(configMap(json).binaryData).toBeUndefined();
    expect(mutation(json).spec.matchConditions[0].expression).toContain('"example.com/sigv4" in object.metadata.annotations');
    expect(mutation(json).spec.matchConstraints.namespaceSelector.matchExpressions[0].values).toEqual(['web', 'apps']);
    expect(objects(json).filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.namespace)).toEqual(expect.arrayContaining(['web', 'apps']));
  });

  test('several intercepted ports become one multiport match; 443 intercepted is warned about', () => {
    const { json, sidecar } = fixture({ interceptedPorts: [80, 8080, 9000] });
    expect(sidecar.interceptedPorts).toEqual([80, 8080, 9000]);
    const rules: string = configMap(json).data['iptables.rules'];
    expect(rules.split('\n').filter((l) => l.startsWith('-A OUTPUT'))).toEqual([
      '-A OUTPUT -p tcp -d 169.254.171.0/24 -m multiport --dports 80,8080,9000 -j LATTICE_SIGV4',
    ]);
    Annotations.fromStack(Stack.of(sidecar)).hasNoWarning('*', Match.stringLikeRegexp('interceptedPorts'));

    const fifteen = Array.from({ length: 15 }, (_, i) => 8000 + i);
    const tls = fixture({ interceptedPorts: [...fifteen.slice(0, 14), 443] });
    expect(configMap(tls.json).data['iptables.rules']).toContain(`--dports ${[...fifteen.slice(0, 14), 443].join(',')} -j`);
    Annotations.fromStack(tls.stack).hasWarning('/Cluster1/SigV4',
      Match.stringLikeRegexp('interceptedPorts includes 443: the proxy accepts plain HTTP only'));
  });

  test('CEL literals: typed objects, map fields, escaping', () => {
    expect(celLiteral({ name: 'a"b', ports: [{ containerPort: 1 }], resources: { requests: { cpu: '1' } } }, 'Object.spec.initContainers'))
      .toBe('Object.spec.initContainers{name: "a\\"b", ports: [Object.spec.initContainers.ports{containerPort: 1}], '
        + 'resources: Object.spec.initContainers.resources{requests: {"cpu": "1"}}}');
    expect(() => celLiteral({ namespace: 'x' }, 'Object.spec')).toThrow(/namespace/);
    expect(() => celLiteral(1.5)).toThrow(/not an integer/);
    expect(injectionPatchExpression([{ name: 'a' }], [{ name: 'v' }])).toBe([
      '(has(object.spec.initContainers) ? [',
      '  JSONPatch{op: "add", path: "/spec/initContainers/0", value: Object.spec.initContainers{name: "a"}}',
      '] : [',
      '  JSONPatch{op: "add", path: "/spec/initContainers", value: []},',
      '  JSONPatch{op: "add", path: "/spec/initContainers/-", value: Object.spec.initContainers{name: "a"}}',
      '])',
      '+ (has(object.spec.volumes) ? [',
      '  JSONPatch{op: "add", path: "/spec/volumes/-", value: Object.spec.volumes{name: "v"}}',
      '] : [',
      '  JSONPatch{op: "add", path: "/spec/volumes", value: []},',
      '  JSONPatch{op: "add", path: "/spec/volumes/-", value: Object.spec.volumes{name: "v"}}',
      '])',
    ].join('\n'));
  });
});

describe('SigV4SidecarPolicy bad input', () => {
  const layer = (stack: Stack) => lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', 'arn:aws:lambda:us-east-1:111111111111:layer:kubectl:1');
  function cluster(): LatticeEksCluster {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
    return new LatticeEksCluster(stack, 'Lattice', { clusterName: 'bad', kubectlLayer: layer(stack), serviceNetwork });
  }
  const make = (props: Partial<SigV4SidecarPolicyProps>) => {
    const c = cluster();
    return new SigV4SidecarPolicy(Stack.of(c), 'SigV4', { cluster: c, namespaces: ['apps'], upstreamTls: false, ...props });
  };

  test.each<[string, Partial<SigV4SidecarPolicyProps>, RegExp]>([
    ['uid 0', { proxyUid: 0 }, /proxyUid 0 \(root\) is not allowed/],
    ['uid of distroless nonroot', { proxyUid: 65532 }, /proxyUid 65532 is a uid common images run as \(nonroot of distroless/],
    ['negative uid', { proxyUid: -1 }, /proxyUid -1 is not a uid/],
    ['fractional uid', { proxyUid: 1.5 }, /proxyUid 1.5 is not a uid/],
    ['proxy port on an application port', { proxyPort: 80 }, /proxyPort 80 must be an integer between 1024 and 65535/],
    ['proxy port out of range', { proxyPort: 70000 }, /proxyPort 70000/],
    ['proxy port equal to the health port', { proxyPort: 15181 }, /proxyPort and healthPort are both 15181/],
    ['health port privileged', { healthPort: 443 }, /healthPort 443/],
    ['annotation key with spaces', { annotationKey: 'inject me' }, /annotationKey 'inject me' is not a valid Kubernetes annotation key/],
    ['annotation key with two slashes', { annotationKey: 'a/b/c' }, /annotationKey 'a\/b\/c'.*more than one "\/"/],
    ['annotation key with an uppercase prefix', { annotationKey: 'Example.com/inject' }, /prefix 'Example.com' is not a lowercase DNS subdomain/],
    ['empty proxy image', { proxyImage: '' }, /proxyImage '' is empty/],
    ['empty iptables image', { iptablesImage: ' ' }, /iptablesImage ' ' is empty/],
    ['unpinned image', { proxyImage: 'envoyproxy/envoy' }, /proxyImage 'envoyproxy\/envoy' is not a pinned image reference/],
    ['latest image', { iptablesImage: 'registry.k8s.io/build-image/distroless-iptables:latest' }, /not latest/],
    ['Kyverno too old for MutatingPolicy', { kyvernoChartVersion: '3.6.2' }, /'3.6.2' installs a Kyverno older than 1.17/],
    ['Kyverno chart not 3.x', { kyvernoChartVersion: 'latest' }, /kyvernoChartVersion 'latest' is not a Kyverno 3.x chart version/],
    ['system namespace', { namespaces: ['kube-system'] }, /namespace 'kube-system' is excluded from injection/],
    ['invalid namespace', { namespaces: ['Apps'] }, /namespace 'Apps' is not a valid Kubernetes namespace/],
    ['invalid excluded namespace', { excludedNamespaces: ['bad_ns'] }, /excludedNamespaces 'bad_ns'/],
    ['no intercepted port', { interceptedPorts: [] }, /SigV4SidecarPolicy \(Bad\/SigV4\): interceptedPorts \[\] is empty; give at least one port .*default \[80\]/],
    ['intercepted port 0', { interceptedPorts: [80, 0] }, /interceptedPorts \[80, 0\]: 0 is not a TCP port; give an integer between 1 and 65535/],
    ['intercepted port above 65535', { interceptedPorts: [65536] }, /interceptedPorts \[65536\]: 65536 is not a TCP port/],
    ['fractional intercepted port', { interceptedPorts: [80.5] }, /interceptedPorts \[80.5\]: 80.5 is not a TCP port/],
    ['intercepted port as a string (JavaScript)', { interceptedPorts: ['80' as any] }, /interceptedPorts \["80"\]: "80" is not a TCP port/],
    ['intercepted ports not a list (JavaScript)', { interceptedPorts: 80 as any }, /interceptedPorts 80 is not a list; give a list of port numbers such as \[80\]/],
    ['duplicate intercepted port', { interceptedPorts: [80, 8080, 80] }, /interceptedPorts \[80, 8080, 80\]: 80 is listed twice; list each port once/],
    ['intercepted proxy port', { interceptedPorts: [80, 15180] }, /interceptedPorts \[80, 15180\]: 15180 is the proxyPort; remove it from the list or change the proxyPort/],
    ['intercepted health port', { healthPort: 20001, interceptedPorts: [20001] }, /interceptedPorts \[20001\]: 20001 is the healthPort/],
    ['16 intercepted ports', { interceptedPorts: Array.from({ length: 16 }, (_, i) => 8000 + i) }, /interceptedPorts \[8000, .*, 8015\] has 16 ports; at most 15 are allowed/],
    ['intercepted port token', { interceptedPorts: [80, Token.asNumber({ Ref: 'Port' })] },
      /interceptedPorts \[80, a token\]: element 1 must be a literal port number, not a token \(needed at synth/],
    ['intercepted ports list token', { interceptedPorts: Token.asList({ Ref: 'Ports' }) as any }, /interceptedPorts must be a literal list of port numbers, not a token/],
    ['unknown iptables backend (JavaScript)', { iptablesBackend: 'foo' as IptablesBackend },
      /iptablesBackend "foo" is not a backend .*use IptablesBackend.NFT \('nft', the default\) or IptablesBackend.LEGACY \('legacy'\)/],
    ['iptables backend in upper case', { iptablesBackend: 'NFT' as IptablesBackend }, /iptablesBackend "NFT" is not a backend/],
    ['iptables backend token', { iptablesBackend: Token.asString({ Ref: 'Mode' }) as IptablesBackend }, /iptablesBackend must be a literal string, not a token \(needed at synth to pick the iptables-<backend>-restore binary/],
  ])('%s', (_name, props, error) => {
    expect(() => make(props)).toThrow(error);
  });

  test('a second policy on the same cluster', () => {
    const c = cluster();
    new SigV4SidecarPolicy(Stack.of(c), 'A', { cluster: c, namespaces: ['apps'], upstreamTls: false });
    expect(() => new SigV4SidecarPolicy(Stack.of(c), 'B', { cluster: c, namespaces: ['web'], upstreamTls: false }))
      .toThrow(/cluster 'bad' already has a SigV4SidecarPolicy \(Bad\/A\)/);
  });

  test('no namespace at synth time', () => {
    const c = cluster();
    new SigV4SidecarPolicy(Stack.of(c), 'SigV4', { cluster: c, upstreamTls: false });
    expect(() => Template.fromStack(Stack.of(c))).toThrow(/no namespace to inject/);
  });

  test('excluded namespace added later, empty serviceArns, bad client names', () => {
    const sidecar = make({ excludedNamespaces: ['legacy'] });
    expect(() => sidecar.addNamespace('legacy')).toThrow(/namespace 'legacy' is excluded/);
    expect(() => sidecar.addClient('C', { namespace: 'apps', serviceAccountName: 'sa', serviceArns: [] })).toThrow(/serviceArns is empty/);
    expect(() => sidecar.addClient('D', { namespace: 'apps', serviceAccountName: 'Bad_SA' })).toThrow(/serviceAccountName 'Bad_SA'/);
  });

  test('addClient with explicit service ARNs needs no wildcard acknowledgement', () => {
    const sidecar = make({});
    sidecar.addClient('C', { namespace: 'apps', serviceAccountName: 'sa', serviceArns: ['arn:aws:vpc-lattice:us-east-1:111111111111:service/svc-0123456789abcdef0'] });
    Template.fromStack(Stack.of(sidecar)).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: 'arn:aws:vpc-lattice:us-east-1:111111111111:service/svc-0123456789abcdef0' })] },
    });
  });
});

describe('workloads start after the identities they sign with', () => {
  test.each(['client first', 'workload first'])('%s: the workload comes after every client\'s service account and Pod Identity association', (order) => {
    const { stack, cluster } = clusterFixture({}, true);
    const sidecar = new SigV4SidecarPolicy(stack, 'SigV4', { cluster });
    const addClient = () => sidecar.addClient('Client', { namespace: 'apps', serviceAccountName: 'client', createServiceAccount: true });
    let client = order === 'client first' ? addClient() : undefined;
    const workload = new eks.KubernetesManifest(stack, 'Demo', { cluster: cluster.cluster, manifest: [demoDeployment('apps')] });
    sidecar.addWorkload(workload);
    client = client ?? addClient();
    const graph = new DependencyGraph(Template.fromStack(stack).toJSON());
    const id = (c: any) => stack.getLogicalId((c.node.defaultChild ?? c) as any);
    expect(graph.dependsOn(id(workload), id(client.association))).toBe(true);
    expect(graph.dependsOn(id(workload), id(client.serviceAccountManifest!))).toBe(true);
  });
});

/**
 * The synthesized injection policy run by the Kyverno CLI at the Kyverno
 * version the library deploys (PinnedVersions.KYVERNO, the appVersion of
 * PinnedVersions.KYVERNO_CHART), on a matrix of pod shapes; then the guard
 * ValidatingAdmissionPolicy on the pods before and after mutation.
 *
 * The CLI is built once per machine from the Go module proxy into a cache
 * outside the repository (scripts/engines/kyverno.sh, about 15-20 minutes cold
 * on 2 cores), or taken from PATH when its version matches. Without Go the
 * suite is skipped with one line, or fails when CI is set.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { parseAllDocuments, stringify } from 'yaml';
import { injectedContainers, injectedVolumes } from '../../src/k8s/sidecar';
import { IptablesBackend, SigV4SidecarPolicy } from '../../src/sidecar/sigv4-sidecar-policy';
import { PinnedVersions } from '../../src/versions';
import { clusterFixture } from '../util/fixtures';
import { k8sObjectsInTemplate } from '../util/k8s-schema';
import { kyvernoCli, runKyverno } from '../util/kyverno-cli';
import { ANNOTATION, SHAPES } from '../util/pod-shapes';

const cli = kyvernoCli();
if (cli.missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`Kyverno engine test skipped: missing ${cli.missing}`);
}
const describeWithCli = cli.bin || process.env.CI === 'true' ? describe : describe.skip;

const runCli = runKyverno;

// Both backends on a node-group cluster, and the default backend on an EKS Auto Mode cluster (Bottlerocket nodes).
describeWithCli.each<[IptablesBackend, string]>([
  [IptablesBackend.NFT, 'node group'], [IptablesBackend.LEGACY, 'node group'], [IptablesBackend.NFT, 'Auto Mode'],
])('Kyverno %s on the synthesized policies (%s)', (backend, capacity) => {
  let dir: string;
  let mutated: Map<string, any>;
  let objects: any[];

  beforeAll(() => {
    if (!cli.bin) throw new Error(`Kyverno engine test needs ${cli.missing} (required with CI=true)`);
    const { stack, cluster } = clusterFixture({ autoMode: capacity === 'Auto Mode' });
    new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], iptablesBackend: backend });
    objects = k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-'));
    fs.writeFileSync(path.join(dir, 'mutating.yaml'), stringify(objects.find((o) => o.kind === 'MutatingPolicy')));
    fs.writeFileSync(path.join(dir, 'guard.yaml'), objects.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy') && o.metadata.name.startsWith('lattice-sigv4-proxy')).map((o) => stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(dir, 'pods.yaml'), SHAPES.map(([, p]) => stringify(p)).join('---\n'));
    const run = runCli(cli.bin, ['apply', path.join(dir, 'mutating.yaml'), '--resource', path.join(dir, 'pods.yaml'), '-o', path.join(dir, 'mutated.yaml')]);
    expect(run.stdout).toMatch(new RegExp(`Applying 1 policy rule\\(s\\) to ${SHAPES.length} resource\\(s\\)`));
    mutated = new Map(parseAllDocuments(fs.readFileSync(path.join(dir, 'mutated.yaml'), 'utf8'))
      .map((d) => d.toJS()).filter(Boolean).map((p: any) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  });

  afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  test('the CLI is the pinned Kyverno version', () => {
    const version = runCli(cli.bin!, ['version']).stdout;
    expect(version).toMatch(new RegExp(`Version: v?${PinnedVersions.KYVERNO.replace(/^v/, '').replace(/\./g, '\\.')}\\b`));
  });

  const expectedInit = () => injectedContainers({
    proxyImage: PinnedVersions.ENVOY_IMAGE,
    iptablesImage: PinnedVersions.IPTABLES_IMAGE,
    proxyPort: SigV4SidecarPolicy.DEFAULT_PROXY_PORT,
    healthPort: SigV4SidecarPolicy.DEFAULT_HEALTH_PORT,
    proxyUid: SigV4SidecarPolicy.DEFAULT_PROXY_UID,
    iptablesMode: backend,
  });

  test.each(SHAPES.filter(([, , injected]) => injected))('injects %s: iptables, then the proxy, first; volumes appended; the rest untouched', (_name, input) => {
    const out = mutated.get(`${input.metadata.namespace}/${input.metadata.name}`);
    expect(out).toBeDefined();
    const init = out.spec.initContainers;
    expect(init.slice(0, 2)).toEqual(expectedInit());
    expect(init.slice(2)).toEqual(input.spec.initContainers ?? []);
    expect(out.spec.volumes).toEqual([...(input.spec.volumes ?? []), ...injectedVolumes(backend)]);
    const { initContainers: _i, volumes: _v, ...rest } = out.spec;
    const { initContainers: _ii, volumes: _vv, ...restIn } = input.spec;
    expect(rest).toEqual(restIn);
    expect(out.metadata).toEqual(input.metadata);
  });

  test.each(SHAPES.filter(([, , injected]) => !injected))('leaves alone %s', (_name, input) => {
    expect(mutated.get(`${input.metadata.namespace}/${input.metadata.name}`)).toEqual(input);
  });

  test('the guard admits every mutated pod and rejects the opted-in pods that were not injected', () => {
    const guard = path.join(dir, 'guard.yaml');
    const after = runCli(cli.bin!, ['apply', guard, '--resource', path.join(dir, 'mutated.yaml')]).stdout;
    const before = runCli(cli.bin!, ['apply', guard, '--resource', path.join(dir, 'pods.yaml')]).stdout;
    const rejected = (output: string) => [...output.matchAll(/-> resource ([\w-]+)\/Pod\/([\w-]+) failed/g)].map((m) => `${m[1]}/${m[2]}`).sort();
    // After mutation: only the opted-in pods the policy leaves alone on purpose (hostNetwork,
    // namespaces it does not cover) are refused; a system namespace is outside the guard's binding
    // in a cluster, but the CLI ignores bindings, so it shows here too.
    // A pod that brought its own container named like the proxy ('again', not the pinned image) and app
    // containers that could rewrite the NAT rules are refused too.
    expect(rejected(after)).toEqual(['apps/again', 'apps/host', 'apps/netadmin', 'apps/privileged', 'kube-system/sys', 'other/elsewhere']);
    const block = (output: string, podName: string) => output.split(/policy \S+ -> resource /).find((b) => b.startsWith(`apps/Pod/${podName} `));
    expect(block(after, 'again')).toMatch(/must be the injected ones/);
    expect(block(after, 'netadmin')).toMatch(/must not be privileged or add NET_ADMIN/);
    // Before mutation: every opted-in pod that lacks the proxy.
    const optedIn = SHAPES.map(([, p]) => p).filter((p) => p.metadata.annotations?.[ANNOTATION] === 'true');
    expect(rejected(before)).toEqual(optedIn.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    expect(before).toMatch(/the pod opts in to the SigV4 proxy .* but was not injected/);
    // A hostNetwork pod is refused for that reason, not told to add its (listed) namespace.
    const hostBlock = block(before, 'host');
    expect(hostBlock).toMatch(/must not use hostNetwork/);
    expect(hostBlock).not.toMatch(/was not injected/);
  });
});

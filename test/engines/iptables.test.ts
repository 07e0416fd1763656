/**
 * The SigV4 sidecar's NAT rules applied by real iptables (Debian's, both
 * backends) inside a private network namespace, with the init container's
 * command line, capabilities and /run as synthesized, then real TCP
 * connections as the app, the proxy and root show where each one lands.
 *
 * Needs root, `unshare`, `setpriv`, `ip`, `python3` and Debian's `iptables`.
 * Without them the suite is skipped (one line says what is missing), or fails
 * when CI is set. Never touches the host's tables: the helper script re-runs
 * itself under `unshare --net --mount` and refuses to run in a namespace that
 * has any interface besides loopback.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { IptablesBackend, SigV4SidecarPolicy, SigV4SidecarPolicyProps } from '../../src/sidecar/sigv4-sidecar-policy';
import { clusterFixture } from '../util/fixtures';
import { k8sObjectsInTemplate } from '../util/k8s-schema';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'engines', 'iptables-netns.sh');

/** Commands the test runs, with the Debian package that provides each. */
const TOOLS: Record<string, string> = {
  'unshare': 'util-linux',
  'setpriv': 'util-linux',
  'mount': 'mount',
  'timeout': 'coreutils',
  'ip': 'iproute2',
  'python3': 'python3',
  'iptables-nft-restore': 'iptables',
  'iptables-nft-save': 'iptables',
  'iptables-legacy-restore': 'iptables',
  'iptables-legacy-save': 'iptables',
};

function missingPrerequisites(): string[] {
  if (process.platform !== 'linux') return [`Linux (this is ${process.platform})`];
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (uid 0)');
  for (const [tool, pkg] of Object.entries(TOOLS)) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(`${tool} (Debian package ${pkg})`);
  }
  if (missing.length === 0) {
    const probe = spawnSync('unshare', ['--net', '--mount', '--', 'true'], { encoding: 'utf8' });
    if (probe.status !== 0) missing.push(`a working 'unshare --net --mount' (${(probe.stderr || probe.error?.message || '').trim()})`);
  }
  return missing;
}

/** What the pods of one SigV4SidecarPolicy get, read from the synthesized template. */
interface Synthesized {
  /** ConfigMap data (the files of the mounted volume). */
  readonly files: Record<string, string>;
  /** Where the ConfigMap is mounted in the init container. */
  readonly mountPath: string;
  /** The init container's command. */
  readonly command: string[];
  /** Capabilities it adds (after dropping ALL), lowercase. */
  readonly capabilities: string[];
  /** Whether something is mounted on /run (the legacy lock volume). */
  readonly runWritable: boolean;
  /** Where Envoy's signing listener is bound. */
  readonly proxyAddress: string;
  readonly proxyPort: number;
  /** runAsUser of the proxy container. */
  readonly proxyUid: number;
}

/** The CEL object literal `Object.spec.initContainers{name: "<name>", ...}` in a patch expression. */
function containerLiteral(expression: string, name: string): string {
  const start = expression.indexOf(`Object.spec.initContainers{name: "${name}"`);
  if (start < 0) throw new Error(`no ${name} container in the patch expression`);
  let depth = 0;
  let inString = false;
  for (let i = expression.indexOf('{', start); i < expression.length; i++) {
    const c = expression[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return expression.slice(start, i + 1);
    }
  }
  throw new Error(`unterminated ${name} container literal`);
}

function field(literal: string, re: RegExp, what: string): string {
  const match = re.exec(literal);
  if (!match) throw new Error(`no ${what} in ${literal.slice(0, 200)}...`);
  return match[1];
}

function synthesize(props: Partial<SigV4SidecarPolicyProps>): Synthesized {
  const { stack, cluster } = clusterFixture();
  new SigV4SidecarPolicy(stack, 'SigV4', { cluster, namespaces: ['apps'], ...props });
  const objects = k8sObjectsInTemplate(Template.fromStack(stack).toJSON()).map((o) => o.object);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'lattice-sigv4-proxy');
  const expression: string = objects.find((o) => o.kind === 'MutatingPolicy').spec.mutations[0].jsonPatch.expression;
  const iptables = containerLiteral(expression, 'lattice-sigv4-iptables');
  const proxy = containerLiteral(expression, 'lattice-sigv4-proxy');
  const listener = JSON.parse(configMap.data['envoy.json']).static_resources.listeners
    .map((l: any) => l.address.socket_address)
    .find((a: any) => a.address === '127.0.0.1');
  return {
    files: configMap.data,
    mountPath: field(iptables, /volumeMounts\{name: "lattice-sigv4-proxy", mountPath: "([^"]+)"/, 'ConfigMap mount'),
    command: JSON.parse(field(iptables, /command: (\[[^\]]*\])/, 'command')),
    capabilities: (JSON.parse(field(iptables, /capabilities\{drop: \["ALL"\], add: (\[[^\]]*\])\}/, 'capabilities')) as string[])
      .map((c) => c.toLowerCase()),
    runWritable: /mountPath: "\/run"/.test(iptables),
    proxyAddress: listener.address,
    proxyPort: listener.port_value,
    proxyUid: Number(field(proxy, /runAsUser: (\d+)/, 'proxy runAsUser')),
  };
}

/** Lattice service listeners, on an address of the Lattice range (the whole /24 is local, as if routed out of the pod). */
const LATTICE = '169.254.171.10';
const LATTICE_PORTS = [80, 443, 5432, 8080];
/** Just outside 169.254.171.0/24, and a documentation address: neither may be touched. */
const OUTSIDE = '169.254.172.10';
const OTHER = '198.51.100.10';
const APP = '1000:1000';
/** Listeners other than the proxy: destination -> name. */
const DIRECT_LISTENERS: Record<string, string> = {
  ...Object.fromEntries(LATTICE_PORTS.map((p) => [`${LATTICE}:${p}`, `lattice-${p}`])),
  [`${OUTSIDE}:80`]: 'outside',
  [`${OTHER}:80`]: 'other',
};

interface NamespaceRun {
  /** "apply I rc=RC ..." lines, one per run of the init container. */
  readonly applies: string[];
  /** probe "UID:GID@IP:PORT" -> the listener's answer ("NAME via ORIGINAL-DESTINATION") or "error". */
  readonly answers: Record<string, string>;
  /** The nat table afterwards (iptables-save lines). */
  readonly nat: string[];
}

let workDir: string;

/** Runs the init container's command `apply` times in a fresh namespace, then the probes. */
function runInNamespace(s: Synthesized, apply: number, probes: string[]): NamespaceRun {
  const volume = fs.mkdtempSync(path.join(workDir, 'volume-'));
  fs.chmodSync(volume, 0o755);
  for (const [key, value] of Object.entries(s.files)) fs.writeFileSync(path.join(volume, key), value);
  // The ConfigMap volume's files, at a temporary path instead of the mount path.
  const command = s.command.map((arg) => (arg.startsWith(`${s.mountPath}/`) ? path.join(volume, arg.slice(s.mountPath.length + 1)) : arg));
  expect(command).not.toEqual(s.command);
  const save = command[0].replace(/-restore$/, '-save');
  const listeners = [
    `proxy@${s.proxyAddress}:${s.proxyPort}`,
    ...Object.entries(DIRECT_LISTENERS).map(([destination, name]) => `${name}@${destination}`),
  ];
  const args = [
    '--caps', s.capabilities.join(','),
    '--run-writable', s.runWritable ? '1' : '0',
    '--apply', String(apply),
    '--address', `${LATTICE}/24`, '--address', `${OUTSIDE}/32`, '--address', `${OTHER}/32`,
    ...listeners.flatMap((l) => ['--listen', l]),
    ...probes.flatMap((p) => ['--probe', p]),
    '--save', save,
    '--', ...command,
  ];
  const result = spawnSync(SCRIPT, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${SCRIPT} failed (${result.status ?? result.signal}): ${result.stderr}${result.error?.message ?? ''}`);
  }
  const lines = result.stdout.split('\n');
  const answers: Record<string, string> = {};
  for (const line of lines) {
    const match = /^probe (\S+) -> (.*)$/.exec(line);
    if (match) answers[match[1]] = match[2];
  }
  return {
    applies: lines.filter((l) => l.startsWith('apply ')),
    answers,
    nat: lines.filter((l) => l.startsWith('nat -A ')).map((l) => l.slice(4)),
  };
}

/** Probes and the listener that must answer each: "proxy" (redirected) or the listener at the address asked for. */
type Expectation = [ids: string, destination: string, answeredBy: 'proxy' | 'direct'];

function expectRouting(run: NamespaceRun, expectations: Expectation[]): void {
  const expected: Record<string, string> = {};
  for (const [ids, destination, answeredBy] of expectations) {
    // Nothing listens on the other Lattice addresses: a connection that is not redirected is refused.
    const direct = DIRECT_LISTENERS[destination];
    expected[`${ids}@${destination}`] = answeredBy === 'proxy' ? `proxy via ${destination}` : direct ? `${direct} via ${destination}` : 'error';
  }
  expect(run.answers).toEqual(expected);
}

const probesOf = (expectations: Expectation[]) => expectations.map(([ids, destination]) => `${ids}@${destination}`);

const missing = missingPrerequisites();
const ci = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
if (missing.length > 0 && !ci) {
  process.stderr.write(`iptables engine test skipped: missing ${missing.join(', ')}\n`);
}

if (missing.length > 0 && ci) {
  describe('iptables engine', () => {
    test('has what it needs', () => {
      throw new Error(`the iptables engine test needs ${missing.join(', ')}: run as root with apt-get install -y iptables iproute2`);
    });
  });
}

(missing.length > 0 ? describe.skip : describe)('iptables engine: the synthesized NAT rules in a private network namespace', () => {
  let defaults: Synthesized;
  let multiport: Synthesized;
  let legacyMultiport: Synthesized;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-iptables-'));
    fs.chmodSync(workDir, 0o755);
    defaults = synthesize({});
    const several: Partial<SigV4SidecarPolicyProps> = { interceptedPorts: [80, 8080, 9000], proxyPort: 20000, healthPort: 20001, proxyUid: 4242 };
    multiport = synthesize(several);
    legacyMultiport = synthesize({ ...several, iptablesBackend: IptablesBackend.LEGACY });
  });

  afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('the synthesized init container is what the runs below reproduce', () => {
    expect(defaults.command).toEqual(['iptables-nft-restore', '--noflush', `${defaults.mountPath}/iptables.rules`]);
    expect(defaults.capabilities).toEqual(['net_admin']);
    expect(defaults.runWritable).toBe(false);
    expect([defaults.proxyAddress, defaults.proxyPort, defaults.proxyUid]).toEqual(['127.0.0.1', 15180, 15180]);
    expect(legacyMultiport.command[0]).toBe('iptables-legacy-restore');
    expect(legacyMultiport.capabilities).toEqual(['net_admin', 'net_raw']);
    expect(legacyMultiport.runWritable).toBe(true);
    expect([multiport.proxyPort, multiport.proxyUid]).toEqual([20000, 4242]);
  });

  /** Default props: port 80 of any Lattice address goes to the proxy, for every uid but the proxy's. */
  const defaultExpectations = (proxy: string): Expectation[] => [
    [APP, `${LATTICE}:80`, 'proxy'],
    [APP, '169.254.171.200:80', 'proxy'],
    ['0:0', `${LATTICE}:80`, 'proxy'],
    ['1000:0', `${LATTICE}:80`, 'proxy'],
    [proxy, `${LATTICE}:80`, 'direct'],
    [APP, `${LATTICE}:443`, 'direct'],
    [APP, `${LATTICE}:5432`, 'direct'],
    [APP, `${LATTICE}:8080`, 'direct'],
    [APP, `${OUTSIDE}:80`, 'direct'],
    [APP, `${OTHER}:80`, 'direct'],
  ];

  test('without the rules every probe reaches the listener it asked for (the probes tell the cases apart)', () => {
    const all = defaultExpectations('15180:15180').map(([ids, destination]): Expectation => [ids, destination, 'direct']);
    const run = runInNamespace(defaults, 0, probesOf(all));
    expect(run.applies).toEqual([]);
    expectRouting(run, all);
  });

  test.each([IptablesBackend.NFT, IptablesBackend.LEGACY])('default props, %s backend: app and root to Lattice port 80 -> proxy; proxy uid -> direct; other ports and addresses untouched', (backend) => {
    const s = backend === IptablesBackend.NFT ? defaults : synthesize({ iptablesBackend: backend });
    expect(s.command[0]).toBe(`iptables-${backend}-restore`);
    const expectations = defaultExpectations(`${s.proxyUid}:${s.proxyUid}`);
    const run = runInNamespace(s, 1, probesOf(expectations));
    expect(run.applies).toEqual(['apply 1 rc=0']);
    expectRouting(run, expectations);
  });

  test.each([
    ['nft', () => multiport],
    ['legacy', () => legacyMultiport],
  ])('several ports, custom proxy port and uid, %s backend: each listed port -> proxy; others untouched', (_backend, get) => {
    const s = get();
    const expectations: Expectation[] = [
      [APP, `${LATTICE}:80`, 'proxy'],
      [APP, `${LATTICE}:8080`, 'proxy'],
      ['0:0', `${LATTICE}:8080`, 'proxy'],
      ['15180:15180', `${LATTICE}:80`, 'proxy'],
      ['4242:4242', `${LATTICE}:8080`, 'direct'],
      ['4242:4242', `${LATTICE}:80`, 'direct'],
      [APP, `${LATTICE}:443`, 'direct'],
      [APP, `${LATTICE}:5432`, 'direct'],
      [APP, `${OUTSIDE}:80`, 'direct'],
      [APP, `${OTHER}:80`, 'direct'],
    ];
    const run = runInNamespace(s, 1, probesOf(expectations));
    expect(run.applies).toEqual(['apply 1 rc=0']);
    expectRouting(run, expectations);
    expect(run.nat).toContain('-A OUTPUT -d 169.254.171.0/24 -p tcp -m multiport --dports 80,8080,9000 -j LATTICE_SIGV4');
  });

  // Kubernetes runs init containers again when the pod sandbox is recreated (a fresh network
  // namespace, so fresh tables) and also, rarely, in the same sandbox (e.g. after the runtime
  // lost the exited container). In that case the chain is re-declared (emptied, then refilled)
  // and the OUTPUT jump is appended once more: a duplicate jump that changes nothing.
  test.each([IptablesBackend.NFT, IptablesBackend.LEGACY])('%s backend, run twice in the same namespace: succeeds, same routing', (backend) => {
    const s = backend === IptablesBackend.NFT ? defaults : synthesize({ iptablesBackend: backend });
    const expectations = defaultExpectations(`${s.proxyUid}:${s.proxyUid}`);
    const run = runInNamespace(s, 2, probesOf(expectations));
    expect(run.applies).toEqual(['apply 1 rc=0', 'apply 2 rc=0']);
    expectRouting(run, expectations);
    expect(run.nat.filter((r) => r.startsWith('-A LATTICE_SIGV4 '))).toHaveLength(2);
    expect(run.nat.filter((r) => r.startsWith('-A OUTPUT ') && r.endsWith('-j LATTICE_SIGV4'))).toHaveLength(2);
  });
});

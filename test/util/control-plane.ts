/**
 * A throwaway Kubernetes control plane on loopback for tests: etcd, kube-apiserver and
 * kube-controller-manager built by scripts/engines/control-plane.sh (Kubernetes at the
 * library's default minor), a PKI made with openssl in a temporary folder, and a small REST
 * client (client-certificate https from Node, no kubectl).
 *
 * There is no scheduler and no kubelet: pods stay Pending, but admission (ServiceAccount,
 * ValidatingAdmissionPolicy, webhooks) runs on them, and the controller manager runs the
 * Deployment, ReplicaSet, Job, namespace and garbage-collector controllers (not the DaemonSet
 * controller: without nodes it would only zero the status a test sets).
 *
 * `stop()` kills the processes and deletes the folder (etcd's data included); a Node exit
 * handler kills them too if a test run dies first.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** GOMEMLIMIT of the API server (a soft limit; see `run`). */
const API_SERVER_SOFT_MEMORY_LIMIT = '448MiB';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'engines', 'control-plane.sh');

/** Where the binaries are, or why they are not. */
export interface ControlPlaneBinaries {
  /** Folder with etcd, kube-apiserver and kube-controller-manager. */
  readonly dir?: string;
  /** What is missing, in a few words, when `dir` is undefined. */
  readonly missing?: string;
}

/**
 * The control plane binaries, built (the first time on a machine: 5-15 minutes) or reused
 * from the tools cache. Never throws: a missing Go or a failed build is reported in `missing`.
 * `kubernetesVersion` (e.g. `v1.36.3`): another release than the library's default, cached apart.
 */
export function controlPlaneBinaries(kubernetesVersion?: string): ControlPlaneBinaries {
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!has('openssl')) return { missing: 'openssl (for the control plane\'s certificates)' };
  const go = has('go');
  // Without Go the script still finds binaries built before.
  const run = spawnSync('bash', [SCRIPT, ...(kubernetesVersion ? [kubernetesVersion] : [])], { encoding: 'utf8', timeout: (go ? 60 : 1) * 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return { dir: run.stdout.trim().split('\n').pop() };
  if (!go) return { missing: 'Go (>= 1.25) to build the Kubernetes control plane (scripts/engines/control-plane.sh)' };
  const why = `${run.stderr ?? ''}${run.error ?? ''}`.trim().split('\n').slice(-3).join(' | ');
  return { missing: `the Kubernetes control plane binaries (build failed: ${why})` };
}

/** An API server response. */
export interface ApiResponse {
  readonly status: number;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  readonly body: any;
}

/** Options of one request. */
export interface RequestOptions {
  /** Request body: serialized as JSON unless a string. */
  readonly body?: unknown;
  /** Content type (default `application/json` with a body). */
  readonly contentType?: string;
  /** Impersonate this user (e.g. `system:serviceaccount:kube-system:installer`). */
  readonly as?: string;
  /** Impersonated groups (with `as`). */
  readonly asGroups?: string[];
}

/** The message of a failed request, as kubectl would print it. */
export function apiError(res: ApiResponse): string {
  if (res.body && typeof res.body === 'object' && typeof res.body.message === 'string') return `${res.status} ${res.body.reason ?? ''}: ${res.body.message}`;
  return `${res.status}: ${typeof res.body === 'string' ? res.body.slice(0, 500) : JSON.stringify(res.body)}`;
}

/** A resource of the API, as discovery serves it. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name (the URL segment). */
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
}

/** URL path of a collection (`name` undefined) or of one object. */
export function objectPath(resource: ApiResource, namespace: string | undefined, name?: string): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  const ns = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${base}${ns}/${resource.name}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Peak resident memory of each process, in MiB (VmHWM, read before it stops). */
export type PeakMemory = Record<'etcd' | 'kube-apiserver' | 'kube-controller-manager', number>;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A certificate signed by the throwaway CA (EC P-256 keys: fast to make). */
function issue(dir: string, name: string, subject: string, extensions: string[]): void {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

/** The PKI of one control plane: a CA, the API server's serving certificate, two client certificates, the service-account key pair. */
function makePki(dir: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=throwaway-control-plane-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  issue(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
  ]);
  const client = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
  issue(dir, 'admin', '/O=system:masters/CN=admin', client);
  issue(dir, 'controller-manager', '/CN=system:kube-controller-manager', client);
  openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key']);
  openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function kubeconfig(server: string, dir: string, user: string): string {
  const b64 = (file: string) => fs.readFileSync(path.join(dir, file)).toString('base64');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { 'server': server, 'certificate-authority-data': b64('ca.crt') } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(`${user}.crt`), 'client-key-data': b64(`${user}.key`) } }],
    contexts: [{ name: user, context: { cluster: 'local', user, namespace: 'default' } }],
    ['current-context']: user,
  }, null, 2);
}

/** Options of {@link ControlPlane.start}. */
export interface ControlPlaneOptions {
  /** Give up waiting for readiness after this long (default 120 s: slow shared cores). */
  readonly readyTimeoutMs?: number;
}

/** A running control plane. */
export class ControlPlane {
  /**
   * Starts etcd, kube-apiserver and kube-controller-manager from `binDir` on free loopback
   * ports, waits until the API server is ready and the controller manager works (the
   * `default` ServiceAccount exists), and returns the running control plane.
   */
  public static async start(binDir: string, options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-'));
    const cp = new ControlPlane(dir);
    try {
      await cp.boot(binDir, options.readyTimeoutMs ?? 120_000);
      return cp;
    } catch (e) {
      await cp.stop();
      throw e;
    }
  }

  /** `https://127.0.0.1:<port>` */
  public server = '';
  /** Path of an admin kubeconfig (system:masters, client certificate). */
  public readonly kubeconfigPath: string;
  private readonly processes = new Map<keyof PeakMemory, ChildProcess>();
  private readonly peak: Partial<PeakMemory> = {};
  private agent?: https.Agent;
  private discovery = new Map<string, ApiResource[]>();
  private stopped = false;

  private constructor(public readonly dir: string) {
    this.kubeconfigPath = path.join(dir, 'admin.kubeconfig');
  }

  private async boot(binDir: string, timeoutMs: number): Promise<void> {
    const dir = this.dir;
    makePki(dir);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    this.server = `https://127.0.0.1:${apiPort}`;
    fs.writeFileSync(this.kubeconfigPath, kubeconfig(this.server, dir, 'admin'), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'controller-manager.kubeconfig'), kubeconfig(this.server, dir, 'controller-manager'), { mode: 0o600 });
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ca: fs.readFileSync(path.join(dir, 'ca.crt')),
      cert: fs.readFileSync(path.join(dir, 'admin.crt')),
      key: fs.readFileSync(path.join(dir, 'admin.key')),
    });

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    this.run('etcd', path.join(binDir, 'etcd'), [
      '--name=throwaway', `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=throwaway=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync', '--log-level=warn',
    ]);
    this.run('kube-apiserver', path.join(binDir, 'kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${path.join(dir, 'apiserver.crt')}`, `--tls-private-key-file=${path.join(dir, 'apiserver.key')}`,
      `--client-ca-file=${path.join(dir, 'ca.crt')}`,
      '--authorization-mode=RBAC',
      '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,LimitRanger,ResourceQuota,PodSecurity,'
        + 'MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=0',
    ]);
    await this.waitFor('the API server to be ready (/readyz)', timeoutMs, async () => (await this.request('GET', '/readyz')).status === 200);
    this.run('kube-controller-manager', path.join(binDir, 'kube-controller-manager'), [
      `--kubeconfig=${path.join(dir, 'controller-manager.kubeconfig')}`,
      `--service-account-private-key-file=${path.join(dir, 'sa.key')}`,
      `--root-ca-file=${path.join(dir, 'ca.crt')}`,
      // Each controller acts as its own service account; without it namespaces never finish terminating.
      '--use-service-account-credentials=true',
      '--leader-elect=false',
      // No nodes and no kubelets: a DaemonSet's status is what a test sets (e.g. an agent with
      // available pods on an existing cluster), not the controller's zero.
      '--controllers=*,-daemonset-controller',
      '--secure-port=0',
      '--profiling=false',
      '--v=0',
    ]);
    // The service-account controller creates `default` in every namespace: the controller manager is up.
    await this.waitFor('the controller manager to create the default ServiceAccount', timeoutMs,
      async () => (await this.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
  }

  private run(name: keyof PeakMemory, bin: string, args: string[]): void {
    const log = fs.openSync(path.join(this.dir, `${name}.log`), 'a');
    // A soft heap limit for the API server (Go's GOMEMLIMIT: the collector runs harder near it, nothing fails at it),
    // as a memory-limited control plane has: its peak otherwise follows the collector's pacing, not the objects held.
    const env = name === 'kube-apiserver' ? { ...process.env, GOMEMLIMIT: API_SERVER_SOFT_MEMORY_LIMIT } : process.env;
    const child = spawn(bin, args, { cwd: this.dir, stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    killOnExit();
    live.add(child);
    child.on('exit', () => live.delete(child));
    this.processes.set(name, child);
  }

  /** The last lines of a process's log (for failure messages). */
  public logTail(name: keyof PeakMemory, lines = 15): string {
    try {
      return fs.readFileSync(path.join(this.dir, `${name}.log`), 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const [name, child] of this.processes) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}:\n${this.logTail(name)}`);
        }
      }
      if (await done().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}:\n${[...this.processes.keys()].map((n) => `--- ${n}\n${this.logTail(n)}`).join('\n')}`);
      }
      await sleep(200);
    }
  }

  /** One request to the API server as the admin (or impersonating someone). Never throws on an HTTP status. */
  public request(method: string, urlPath: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    if (options.as) {
      headers['Impersonate-User'] = options.as;
      if (options.asGroups) headers['Impersonate-Group'] = options.asGroups;
    }
    return new Promise((resolve, reject) => {
      const req = https.request(`${this.server}${urlPath}`, { method, headers, agent: this.agent, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (e.g. /readyz)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in 60 s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** The resources of one API group version (discovery; cached until a lookup misses). */
  private async resources(apiVersion: string, refresh: boolean): Promise<ApiResource[]> {
    const cached = this.discovery.get(apiVersion);
    if (cached && !refresh) return cached;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const res = await this.request('GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
    const list: ApiResource[] = res.status === 200
      ? (res.body.resources ?? []).filter((r: any) => !r.name.includes('/')).map((r: any) => ({
        group, version, kind: r.kind, name: r.name, singularName: r.singularName || r.kind.toLowerCase(), namespaced: r.namespaced,
      }))
      : [];
    this.discovery.set(apiVersion, list);
    return list;
  }

  /** The resource serving a kind, like kubectl's REST mapping; undefined when the API server has no such kind ("no matches for kind"). */
  public async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const find = async (refresh: boolean) => (await this.resources(apiVersion, refresh)).find((r) => r.kind === kind);
    return (await find(false)) ?? find(true);
  }

  /** The resource named like kubectl's `TYPE` argument (`namespace`, `deployments.apps`, `job`). */
  public async resourceNamed(type: string): Promise<ApiResource | undefined> {
    const [name, ...groupParts] = type.toLowerCase().split('.');
    const group = groupParts.join('.');
    const groups = await this.request('GET', '/apis');
    const versions: string[] = [
      'v1',
      ...(groups.body.groups ?? []).filter((g: any) => !group || g.name === group).map((g: any) => g.preferredVersion.groupVersion),
    ];
    for (const apiVersion of group ? versions.slice(1) : versions) {
      const found = (await this.resources(apiVersion, true)).find((r) => r.name === name || r.singularName === name);
      if (found) return found;
    }
    return undefined;
  }

  /** Peak memory of each process so far (MiB). Read from /proc; kept after the processes stop. */
  public peakMemory(): Partial<PeakMemory> {
    for (const [name, child] of this.processes) {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (kb) this.peak[name] = Math.round(kb / 1024);
      } catch {
        // already gone
      }
    }
    return { ...this.peak };
  }

  /** Stops the processes (TERM, then KILL after 10 s) and deletes the folder with etcd's data. Idempotent. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.peakMemory();
    this.agent?.destroy();
    // The controller manager first (it would log errors about the API server going away), etcd last.
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd'] as const) {
      const child = this.processes.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Several control planes that run jobs side by side (a job has one control plane to itself
 * until it is done). Replays spend most of their time waiting (a namespace takes 5 s to
 * terminate, by design of the namespace controller), so a few control planes shorten a run
 * much more than they cost in CPU.
 */
export class ControlPlanePool {
  /** Starts `size` control planes in parallel. */
  public static async start(binDir: string, size: number, options: ControlPlaneOptions = {}): Promise<ControlPlanePool> {
    const started = await Promise.allSettled(Array.from({ length: size }, () => ControlPlane.start(binDir, options)));
    const planes = started.filter((s): s is PromiseFulfilledResult<ControlPlane> => s.status === 'fulfilled').map((s) => s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(planes.map((p) => p.stop()));
      throw failed.reason;
    }
    return new ControlPlanePool(planes);
  }

  private readonly idle: ControlPlane[];
  private readonly waiting: Array<(cp: ControlPlane) => void> = [];

  private constructor(public readonly planes: ControlPlane[]) {
    this.idle = [...planes];
  }

  /** Runs `job` on the next free control plane. */
  public async run<T>(job: (cp: ControlPlane) => Promise<T>): Promise<T> {
    const cp = this.idle.pop() ?? await new Promise<ControlPlane>((resolve) => this.waiting.push(resolve));
    try {
      return await job(cp);
    } finally {
      const next = this.waiting.shift();
      if (next) next(cp);
      else this.idle.push(cp);
    }
  }

  /** Peak memory of every process of every control plane (MiB), summed per process kind and in total. */
  public peakMemory(): Partial<PeakMemory> & { total: number } {
    const sum: Partial<PeakMemory> & { total: number } = { total: 0 };
    for (const cp of this.planes) {
      for (const [name, mib] of Object.entries(cp.peakMemory()) as Array<[keyof PeakMemory, number]>) {
        sum[name] = (sum[name] ?? 0) + mib;
        sum.total += mib;
      }
    }
    return sum;
  }

  /** Stops every control plane. */
  public async stop(): Promise<void> {
    await Promise.all(this.planes.map((p) => p.stop()));
  }
}

/**
 * Kyverno's admission controller (the pinned release, built by scripts/engines/kyverno-webhook.sh)
 * run out of cluster as the real admission webhook of a {@link ControlPlane}: it registers URL
 * webhooks (`https://127.0.0.1:<port>/...`) with a certificate it issues for that address, as
 * Kyverno does with `--serverIP`.
 *
 * What the Helm chart would install besides the Deployment is made here: Kyverno's CRDs (from
 * the same module, those the cluster does not have yet) and its two ConfigMaps, with the
 * chart's defaults that matter for admission (resource filters, kube-system and Kyverno's own
 * namespace excluded from the webhooks). `stop()` is the chart's uninstall: the process stops
 * and the webhook configurations it registered are deleted (the chart's cleanup hook does that).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as tls from 'tls';
import { parseAllDocuments } from 'yaml';
import { apiError, ControlPlane } from './control-plane';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'engines', 'kyverno-webhook.sh');

/** Where Kyverno's admission controller and CRDs are, or why they are not. */
export interface KyvernoWebhookBinaries {
  /** Folder with `kyverno` and `crds/`. */
  readonly dir?: string;
  /** What is missing, in a few words, when `dir` is undefined. */
  readonly missing?: string;
}

/** The admission controller, built (the first time on a machine: 5-30 minutes) or reused. Never throws. */
export function kyvernoWebhookBinaries(): KyvernoWebhookBinaries {
  const go = spawnSync('sh', ['-c', 'command -v go']).status === 0;
  const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: (go ? 60 : 1) * 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return { dir: run.stdout.trim().split('\n').pop() };
  if (!go) return { missing: 'Go (>= 1.25) to build Kyverno\'s admission controller (scripts/engines/kyverno-webhook.sh)' };
  const why = `${run.stderr ?? ''}${run.error ?? ''}`.trim().split('\n').slice(-3).join(' | ');
  return { missing: `Kyverno's admission controller (build failed: ${why})` };
}

/** Resource filters of the chart's defaults that matter here: events, system namespaces, nodes, reviews, ReplicaSets. */
const RESOURCE_FILTERS = [
  '[Event,*,*]', '[*/*,kube-system,*]', '[*/*,kube-public,*]', '[*/*,kube-node-lease,*]', '[Node,*,*]', '[Node/?*,*,*]',
  '[APIService,*,*]', '[APIService/?*,*,*]', '[TokenReview,*,*]', '[SubjectAccessReview,*,*]', '[SelfSubjectAccessReview,*,*]',
  '[Binding,*,*]', '[Pod/binding,*,*]', '[ReplicaSet,*,*]', '[ReplicaSet/?*,*,*]', '[EphemeralReport,*,*]', '[ClusterEphemeralReport,*,*]',
].join('');

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

/** Whether a TLS handshake with 127.0.0.1:`port` completes (Kyverno serves once its certificate Secret exists). */
function servesTls(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 5_000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => { socket.destroy(); resolve(false); });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A running Kyverno admission controller. */
export class KyvernoWebhook {
  /**
   * Installs what the chart would in `namespace` (which must exist) and starts the admission
   * controller against `cp`; resolves once its resource webhooks are registered.
   */
  public static async start(cp: ControlPlane, dir: string, namespace: string, timeoutMs = 180_000): Promise<KyvernoWebhook> {
    const kw = new KyvernoWebhook(cp, namespace);
    try {
      await kw.boot(dir, timeoutMs);
      return kw;
    } catch (e) {
      await kw.stop();
      throw e;
    }
  }

  /** Peak resident memory (MiB), read while it runs and kept after it stops. */
  public peakMiB = 0;
  private child?: ChildProcess;
  private readonly logPath: string;
  private stopped = false;

  private constructor(private readonly cp: ControlPlane, public readonly namespace: string) {
    this.logPath = path.join(cp.dir, `kyverno-${Date.now()}.log`);
  }

  private async boot(dir: string, timeoutMs: number): Promise<void> {
    const { cp, namespace } = this;
    // The CRDs of the release, those the cluster does not have (Helm never replaces CRDs).
    const crdDir = path.join(dir, 'crds');
    const crds = fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort()
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(crdDir, f), 'utf8')).map((d) => d.toJS({ maxAliasCount: -1 })))
      .filter((d) => d?.kind === 'CustomResourceDefinition');
    const created: string[] = [];
    for (const crd of crds) {
      const res = await cp.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
      if (res.status === 201) created.push(crd.metadata.name);
      else if (res.status !== 409) throw new Error(`Kyverno: create CustomResourceDefinition ${crd.metadata.name}: ${apiError(res)}`);
    }
    for (const name of created) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await cp.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        if ((res.body?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`Kyverno: CustomResourceDefinition ${name} not established after 60 s`);
        await sleep(100);
      }
    }
    const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
    const webhooks = { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', namespace] }] } };
    for (const cm of [
      configMap('kyverno', { resourceFilters: RESOURCE_FILTERS, webhooks: JSON.stringify(webhooks), generateSuccessEvents: 'false', enableDefaultRegistryMutation: 'true' }),
      configMap('kyverno-metrics', { namespaces: JSON.stringify({ include: [], exclude: [] }) }),
    ]) {
      const res = await cp.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: cm });
      if (res.status !== 201 && res.status !== 409) throw new Error(`Kyverno: create ConfigMap ${namespace}/${cm.metadata.name}: ${apiError(res)}`);
    }

    const port = await freePort();
    const log = fs.openSync(this.logPath, 'a');
    this.child = spawn(path.join(dir, 'kyverno'), [
      `--kubeconfig=${cp.kubeconfigPath}`,
      // Out of cluster: URL webhooks to this address, and a serving certificate for it.
      `--serverIP=127.0.0.1:${port}`,
      '--webhookServerHost=127.0.0.1', `--webhookServerPort=${port}`,
      // The Secrets its certificate manager creates in its namespace (the chart's names).
      '--caSecretName=kyverno-svc.kyverno.svc.kyverno-tls-ca', '--tlsSecretName=kyverno-svc.kyverno.svc.kyverno-tls-pair',
      '--disableMetrics', '--otelConfig=prometheus', `--metricsPort=${await freePort()}`, '--controllerRuntimeMetricsAddress=0',
      '--admissionReports=false', '--enableReporting=', '--enablePolicyException=false', '--enableTuf=false',
      '--protectManagedResources=false', '--autoMemLimitEnabled=false', '--leaderElectionRetryPeriod=1s',
      '--loggingFormat=text', '--disableLogColor', '--v=2',
    ], {
      cwd: cp.dir,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        KYVERNO_NAMESPACE: namespace,
        KYVERNO_SERVICEACCOUNT_NAME: 'kyverno-admission-controller',
        KYVERNO_DEPLOYMENT: 'kyverno-admission-controller',
        KYVERNO_POD_NAME: 'kyverno-admission-controller-local',
        KYVERNO_SVC: 'kyverno-svc',
        INIT_CONFIG: 'kyverno',
        METRICS_CONFIG: 'kyverno-metrics',
      },
    });
    fs.closeSync(log);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });
    }
    live.add(this.child);
    this.child.on('exit', () => live.delete(this.child!));

    // Ready: its webhooks are registered at its address and it serves TLS with the certificate it issued.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`Kyverno exited (${this.child.exitCode ?? this.child.signalCode}) while starting:\n${this.logTail()}`);
      }
      this.readPeak();
      const hooks = await cp.request('GET', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations');
      const registered = (hooks.body?.items ?? []).some((h: any) => h.metadata.name.startsWith('kyverno-')
        && (h.webhooks ?? []).some((w: any) => String(w.clientConfig?.url ?? '').startsWith(`https://127.0.0.1:${port}/`)));
      if (registered && await servesTls(port)) return;
      if (Date.now() > deadline) throw new Error(`Kyverno was not ready (webhooks registered and TLS served) in ${timeoutMs / 1000} s:\n${this.logTail()}`);
      await sleep(500);
    }
  }

  private readPeak(): void {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${this.child?.pid}/status`, 'utf8'))?.[1] ?? 0);
      if (kb) this.peakMiB = Math.max(this.peakMiB, Math.round(kb / 1024));
    } catch {
      // gone
    }
  }

  /** The last lines of Kyverno's log. */
  public logTail(lines = 25): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Stops Kyverno and deletes the webhook configurations it registered (the chart's uninstall). Idempotent. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.readPeak();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    for (const kind of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      const list = await this.cp.request('GET', `/apis/admissionregistration.k8s.io/v1/${kind}`).catch(() => undefined);
      for (const h of list?.body?.items ?? []) {
        if (h.metadata.labels?.['webhook.kyverno.io/managed-by'] === 'kyverno' || h.metadata.name.startsWith('kyverno-')) {
          await this.cp.request('DELETE', `/apis/admissionregistration.k8s.io/v1/${kind}/${h.metadata.name}`).catch(() => undefined);
        }
      }
    }
  }
}

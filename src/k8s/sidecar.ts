import { HEALTH_PATH } from './envoy-config';
import { K8sObject, objectMeta, restrictedSecurityContext } from './object';

/** Name of the init container that installs the NAT rules. */
export const IPTABLES_CONTAINER = 'lattice-sigv4-iptables';
/** Name of the proxy (a native sidecar: an init container with `restartPolicy: Always`). */
export const PROXY_CONTAINER = 'lattice-sigv4-proxy';
/** Name of the ConfigMap (one per namespace) and of the pod volume that mounts it. */
export const PROXY_CONFIG_MAP = 'lattice-sigv4-proxy';
/** Name of the emptyDir for the iptables-legacy lock file. */
export const XTABLES_LOCK_VOLUME = 'lattice-sigv4-xtables-lock';
/** Where the ConfigMap is mounted in both containers. */
export const CONFIG_DIR = '/etc/lattice-sigv4';
/** ConfigMap keys. */
export const ENVOY_CONFIG_KEY = 'envoy.json';
export const IPTABLES_RULES_KEY = 'iptables.rules';
export const CA_KEY = 'private-ca.pem';
/** VPC Lattice's IPv4 link-local range: where service names resolve to. */
export const LATTICE_IPV4_RANGE = '169.254.171.0/24';
/** The NAT chain the rules live in. */
export const NAT_CHAIN = 'LATTICE_SIGV4';

/** iptables backends the init container can use. */
export type IptablesMode = 'nft' | 'legacy';

/** Input of `iptablesRules`. */
export interface IptablesRulesSpec {
  /** Port the proxy listens on (127.0.0.1). */
  readonly proxyPort: number;
  /** uid of the proxy: its own connections to Lattice are not redirected. */
  readonly proxyUid: number;
  /** Destination ports on VPC Lattice whose connections go to the proxy (1 to `MAX_MULTIPORT_PORTS`). */
  readonly interceptedPorts: number[];
}

/** Most ports one iptables `multiport` match takes. */
export const MAX_MULTIPORT_PORTS = 15;

/**
 * NAT rules in `iptables-restore` format: TCP connections opened from the pod
 * to VPC Lattice (169.254.171.0/24) on the intercepted (HTTP) ports go to the
 * proxy on 127.0.0.1, except the proxy's own (matched by its dedicated uid,
 * never gid 0, so root processes of the application do not bypass it). Other
 * ports (TCP or TLS passthrough services) are left alone. Applied with
 * `--noflush`: other NAT rules of the pod stay.
 */
export function iptablesRules(spec: IptablesRulesSpec): string {
  const ports = spec.interceptedPorts;
  if (ports.length === 0 || ports.length > MAX_MULTIPORT_PORTS) {
    throw new Error(`iptablesRules: 1 to ${MAX_MULTIPORT_PORTS} intercepted ports, got ${ports.length}`);
  }
  const portMatch = ports.length === 1 ? `--dport ${ports[0]}` : `-m multiport --dports ${ports.join(',')}`;
  return [
    '*nat',
    `:${NAT_CHAIN} - [0:0]`,
    `-A OUTPUT -p tcp -d ${LATTICE_IPV4_RANGE} ${portMatch} -j ${NAT_CHAIN}`,
    `-A ${NAT_CHAIN} -m owner --uid-owner ${spec.proxyUid} -j RETURN`,
    `-A ${NAT_CHAIN} -p tcp -j REDIRECT --to-ports ${spec.proxyPort}`,
    'COMMIT',
    '',
  ].join('\n');
}

/** Input of `proxyConfigMap`. */
export interface ProxyConfigMapSpec {
  readonly namespace: string;
  /** Envoy configuration (JSON). */
  readonly envoyConfig: string;
  /** NAT rules (`iptables-restore` format). */
  readonly iptablesRules: string;
  /** Base64 of the private CA's root certificate PEM (a deploy-time token). */
  readonly caPemBase64?: string;
}

/**
 * The ConfigMap every injected pod of `namespace` mounts. The CA certificate
 * goes into `binaryData` as base64 (CloudFormation's `Fn::Base64`), so the
 * PEM's line breaks survive the JSON manifest.
 */
export function proxyConfigMap(spec: ProxyConfigMapSpec): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(PROXY_CONFIG_MAP, spec.namespace, { 'app.kubernetes.io/name': PROXY_CONTAINER }),
    data: { [ENVOY_CONFIG_KEY]: spec.envoyConfig, [IPTABLES_RULES_KEY]: spec.iptablesRules },
    ...(spec.caPemBase64 ? { binaryData: { [CA_KEY]: spec.caPemBase64 } } : {}),
  };
}

/** Input of `injectedContainers`. */
export interface InjectedContainersSpec {
  readonly proxyImage: string;
  readonly iptablesImage: string;
  readonly proxyPort: number;
  readonly healthPort: number;
  readonly proxyUid: number;
  readonly iptablesMode: IptablesMode;
}

const CONFIG_MOUNT = { name: PROXY_CONFIG_MAP, mountPath: CONFIG_DIR, readOnly: true };

/**
 * The two init containers injected, in order:
 *
 * 1. `lattice-sigv4-iptables` applies the NAT rules with `iptables-restore`
 *    (no shell, no script). It runs as root with only NET_ADMIN (plus NET_RAW
 *    for the legacy backend, whose kernel interface is a raw socket), because
 *    capabilities of a non-root process are dropped when it starts.
 * 2. `lattice-sigv4-proxy`, Envoy as a native sidecar (`restartPolicy: Always`):
 *    started before the application and, thanks to its startup probe, ready
 *    before it; stopped after it. Envoy is PID 1 (exec form entrypoint, no
 *    shell), so SIGTERM reaches it. It runs as the dedicated uid, non-root,
 *    read-only, without capabilities, logging at info level.
 *
 * Probes are HTTP GETs on the health listener (bound to 0.0.0.0, because the
 * kubelet probes from the node to the pod IP): it only returns a static 200,
 * proving Envoy loaded its configuration and bound its listeners.
 */
export function injectedContainers(spec: InjectedContainersSpec): Record<string, unknown>[] {
  const legacy = spec.iptablesMode === 'legacy';
  const iptables = {
    name: IPTABLES_CONTAINER,
    image: spec.iptablesImage,
    command: [`iptables-${spec.iptablesMode}-restore`, '--noflush', `${CONFIG_DIR}/${IPTABLES_RULES_KEY}`],
    securityContext: {
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'], add: legacy ? ['NET_ADMIN', 'NET_RAW'] : ['NET_ADMIN'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
    volumeMounts: legacy ? [CONFIG_MOUNT, { name: XTABLES_LOCK_VOLUME, mountPath: '/run' }] : [CONFIG_MOUNT],
  };
  const probe = (periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path: HEALTH_PATH, port: spec.healthPort },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 1,
  });
  const proxy = {
    name: PROXY_CONTAINER,
    image: spec.proxyImage,
    restartPolicy: 'Always',
    command: ['/usr/local/bin/envoy'],
    args: [
      '--config-path', `${CONFIG_DIR}/${ENVOY_CONFIG_KEY}`,
      '--log-level', 'info',
      '--disable-hot-restart',
      '--concurrency', '2',
    ],
    ports: [{ name: 'sigv4-health', containerPort: spec.healthPort, protocol: 'TCP' }],
    startupProbe: probe(1, 60),
    readinessProbe: probe(5, 3),
    livenessProbe: probe(10, 3),
    securityContext: restrictedSecurityContext(spec.proxyUid),
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [CONFIG_MOUNT],
  };
  return [iptables, proxy];
}

/** The pod volumes the injected containers mount. */
export function injectedVolumes(mode: IptablesMode): Record<string, unknown>[] {
  const volumes: Record<string, unknown>[] = [{ name: PROXY_CONFIG_MAP, configMap: { name: PROXY_CONFIG_MAP } }];
  if (mode === 'legacy') volumes.push({ name: XTABLES_LOCK_VOLUME, emptyDir: {} });
  return volumes;
}

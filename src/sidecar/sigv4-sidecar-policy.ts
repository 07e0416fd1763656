import { Annotations, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, DependencyGroup, IConstruct, IDependable } from 'constructs';
import { ArtifactSources, LatticeChart } from '../artifact-sources';
import { ClusterWiring, clusterWiring, ILatticeCluster } from '../cluster/lattice-cluster';
import { LatticePodIdentity, PodIdentityOptions } from '../cluster/lattice-pod-identity';
import { PreflightChecks } from '../cluster/preflight';
import { PrivateCaDomain } from '../domain/private-ca-domain';
import { envoyConfigJson, sigv4ProxyEnvoyConfig } from '../k8s/envoy-config';
import { EXTERNAL_DNS_NAMESPACE, GATEWAY_CONTROLLER_NAMESPACE } from '../k8s/helm-values';
import { injectionGuard } from '../k8s/injection-guard';
import {
  injectionMutatingPolicy, KYVERNO_NAMESPACE, KYVERNO_RELEASE, kyvernoValues, POLICY_WEBHOOK_READY_JSONPATH,
} from '../k8s/kyverno';
import { injectionMutatingAdmissionPolicy } from '../k8s/native-injection';
import { K8sObject } from '../k8s/object';
import { PREFLIGHT_NAME } from '../k8s/preflight';
import {
  CA_KEY, CONFIG_DIR, injectedContainers, injectedVolumes, IPTABLES_CONTAINER, iptablesRules, LATTICE_IPV4_RANGE, MAX_MULTIPORT_PORTS,
  PROXY_CONTAINER,
  proxyConfigMap,
} from '../k8s/sidecar';
import { LATTICE_INVOKE_ACTION } from '../private/auth-policy-vocabulary';
import { clusterDomainClashProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import { validatePinnedImage } from '../private/images';
import { validateDnsLabel } from '../private/k8s-names';
import { acknowledgeOnce } from '../private/nag';
import { requireLiteralNumber } from '../private/numbers';
import { describeValue, portListProblem } from '../private/ports';
import { requireLiteralVersion } from '../private/version-strings';
import { PinnedVersions } from '../versions';
import { SidecarInjection, validateInjection } from './sidecar-injection';

export { SidecarInjection } from './sidecar-injection';

const KIND = 'SigV4SidecarPolicy';

/** Oldest Kyverno chart minor (3.x) whose Kyverno (1.17) serves `policies.kyverno.io/v1` MutatingPolicy. */
const MIN_KYVERNO_CHART_MINOR = 7;

/**
 * uids that common images run as, with the images: connections of the proxy
 * uid are not redirected, so an application running as the same uid would
 * call Lattice unsigned (and be refused), and the admission guard only sees
 * a uid set in the pod spec, not an image's default user.
 */
const COMMON_IMAGE_UIDS: ReadonlyMap<number, string> = new Map([
  [33, 'www-data of Debian and Ubuntu based images (php, httpd workers)'],
  [70, 'postgres of the Alpine based postgres images'],
  [82, 'www-data of Alpine based images (php-fpm)'],
  [101, 'nginx of the official nginx and nginx-unprivileged images, and envoy of the official Envoy images'],
  [472, 'grafana of the grafana/grafana image'],
  [999, 'postgres, redis, mysql and mongodb of their Debian based official images'],
  [1000, 'node of the official node images, and the first user of most distributions'],
  [1001, 'the default user of Bitnami and OpenShift S2I images'],
  [65532, 'nonroot of distroless and Chainguard images'],
  [65534, 'nobody (Prometheus, busybox and many others)'],
]);

/** uids that only some clusters use: a warning, not an error. */
const SOMETIMES_USED_UIDS: ReadonlyMap<number, string> = new Map([
  [1337, 'the Istio sidecar proxy: in an Istio mesh its own connections to Lattice would skip the SigV4 proxy'],
]);

/** One policy per cluster: its names (policy, containers, ConfigMaps) are cluster-wide. */
const policiesByCluster = new WeakMap<ClusterWiring, SigV4SidecarPolicy>();

/** iptables backend of the init container that installs the NAT rules. */
export enum IptablesBackend {
  /**
   * `iptables-nft`: talks to nf_tables over netlink and needs only NET_ADMIN.
   * Every current EKS AMI (AL2023, Bottlerocket) supports it.
   */
  NFT = 'nft',
  /**
   * `iptables-legacy`: the x_tables kernel interface, reached through a raw
   * socket, so it needs NET_RAW in addition to NET_ADMIN (and a writable /run
   * for its lock file, given as an emptyDir).
   */
  LEGACY = 'legacy',
}

/** Properties of a `SigV4SidecarPolicy`. */
export interface SigV4SidecarPolicyProps {
  /** The cluster to install Kyverno and the policy on (one policy per cluster). */
  readonly cluster: ILatticeCluster;

  /**
   * The private domain: the proxy signs for hosts under it (besides the
   * Lattice-generated names of the region) and, with `upstreamTls`, trusts only
   * its CA for them.
   * @default - the cluster's domain; without one, only Lattice-generated names are allowed, verified with the system roots
   */
  readonly domain?: PrivateCaDomain;

  /**
   * Namespaces whose opted-in pods are injected. Each gets the proxy's
   * ConfigMap. Add more with `addNamespace()` or `addClient()`.
   * @default - none yet; at least one is required by synth time
   */
  readonly namespaces?: string[];

  /**
   * Create the namespaces (once per cluster, shared with the cluster's other
   * constructs). Turn off for namespaces created elsewhere before this stack.
   * @default true
   */
  readonly createNamespaces?: boolean;

  /**
   * Pod annotation that opts a workload in (its value must be `"true"`). Put it
   * on the pod template of a Deployment, StatefulSet, DaemonSet or Job.
   * @default SigV4SidecarPolicy.DEFAULT_ANNOTATION_KEY (`vpc-lattices-svcs.amazonaws.com/agent-inject`, the pattern's key)
   */
  readonly annotationKey?: string;

  /**
   * Namespaces never injected, in addition to `SigV4SidecarPolicy.SYSTEM_NAMESPACES`.
   * @default - only the system namespaces
   */
  readonly excludedNamespaces?: string[];

  /**
   * Port the proxy listens on, on 127.0.0.1 only (1024-65535). The
   * application's containers must not use it.
   * @default SigV4SidecarPolicy.DEFAULT_PROXY_PORT (15180)
   */
  readonly proxyPort?: number;

  /**
   * Port of the proxy's health listener, probed by the kubelet (1024-65535).
   * @default SigV4SidecarPolicy.DEFAULT_HEALTH_PORT (15181)
   */
  readonly healthPort?: number;

  /**
   * Dedicated uid (and gid) of the proxy. Connections opened by this uid are
   * not redirected, so it must be used by no application container, and it
   * cannot be 0 (every root process would bypass the proxy).
   * @default SigV4SidecarPolicy.DEFAULT_PROXY_UID (15180)
   */
  readonly proxyUid?: number;

  /**
   * Originate TLS to port 443 of the called service (SNI and certificate
   * checked against its name). Turn off only for services that have a plain
   * HTTP listener alone: requests are then signed and sent over HTTP on port 80.
   * Either way, only hosts under the domain and Lattice-generated names of the
   * region are signed, and only to the Lattice address the application resolved.
   *
   * The application may call in HTTP/1.1 or in HTTP/2 without TLS (h2c, e.g. a
   * gRPC client dialing `<name>:80` in plaintext). With TLS each request goes
   * to Lattice in the caller's protocol (HTTP/2 negotiated with ALPN `h2`, so
   * gRPC works end to end). Without TLS it goes in HTTP/1.1, because Lattice
   * speaks HTTP/2 on HTTPS listeners only: gRPC calls then fail at once with
   * gRPC status UNKNOWN (a local 501, unsigned).
   * @default true
   */
  readonly upstreamTls?: boolean;

  /**
   * Destination ports of VPC Lattice services (169.254.171.0/24) whose
   * connections are sent to the proxy: those of the services' plain HTTP
   * listeners that the application calls (`http://<name>` without a port is
   * 80). Connections to Lattice on any other port (TCP services, TLS
   * passthrough) are not touched, and so not signed. 1 to 15 distinct ports
   * (one iptables `multiport` match), other than `proxyPort` and `healthPort`.
   * Whichever of these ports was called, the proxy connects to the service as
   * `upstreamTls` says (TLS to 443, or plain HTTP to 80).
   * @default [80]
   */
  readonly interceptedPorts?: number[];

  /**
   * iptables backend of the init container.
   * @default IptablesBackend.NFT
   */
  readonly iptablesBackend?: IptablesBackend;

  /**
   * Envoy image of the proxy (>= 1.30 for Pod Identity credentials). Envoy
   * must be at `/usr/local/bin/envoy`.
   * @default PinnedVersions.ENVOY_IMAGE, pulled as `sources` says
   */
  readonly proxyImage?: string;

  /**
   * Image with `iptables-nft-restore` / `iptables-legacy-restore` on its PATH.
   * @default PinnedVersions.IPTABLES_IMAGE, pulled as `sources` says
   */
  readonly iptablesImage?: string;

  /**
   * Where the Kyverno chart, Kyverno's images and the default proxy and
   * iptables images are pulled from.
   * @default - the cluster's `sources`
   */
  readonly sources?: ArtifactSources;

  /**
   * What injects the proxy. `SidecarInjection.NATIVE` (Kubernetes 1.36+) lets
   * the API server do it with a MutatingAdmissionPolicy: no Kyverno chart,
   * webhook or images, a shorter deploy; the pods are the same as with Kyverno
   * (proved field for field on a 1.36 API server). It is not the default
   * because the library's default Kubernetes is 1.35, where the API is beta and
   * off, and because switching engines on an existing cluster removes Kyverno;
   * choose it on 1.36 clusters. A synth-time error names a cluster older than
   * 1.36; on an existing cluster (version unknown at synth time) the deploy fails
   * when the API server does not serve the policy's kind.
   * @default SidecarInjection.KYVERNO
   */
  readonly injection?: SidecarInjection;

  /**
   * Kyverno Helm chart version (3.7 or newer: Kyverno 1.17+). Only with
   * `SidecarInjection.KYVERNO`.
   * @default PinnedVersions.KYVERNO_CHART
   */
  readonly kyvernoChartVersion?: string;

  /**
   * Install Kyverno (release `kyverno` in namespace `kyverno`). Turn off on a
   * cluster that runs its own Kyverno 1.17 or newer: the policy then uses it,
   * and a deploy-time preflight stops the deploy, naming the fix, when that
   * Kyverno does not serve `policies.kyverno.io/v1` MutatingPolicy. Destroy
   * then leaves that Kyverno (and its CRDs) as they were. Only with
   * `SidecarInjection.KYVERNO`.
   * @default true
   */
  readonly installKyverno?: boolean;
}

/** Options of `SigV4SidecarPolicy.addClient()`. */
export interface SigV4ClientOptions extends PodIdentityOptions {
  /**
   * Lattice services the pods may invoke (ARNs; wildcards allowed). Auth
   * policies of the services still decide.
   * @default - every Lattice service of the stack's account and region
   */
  readonly serviceArns?: string[];
}

/**
 * Injects a SigV4-signing proxy into the pods of opted-in workloads, so that
 * they call VPC Lattice services with plain `http://<name>` and their requests
 * reach Lattice signed with the pod's EKS Pod Identity credentials.
 *
 * It installs Kyverno (pinned chart) and a `policies.kyverno.io/v1`
 * MutatingPolicy that, when a pod is created in one of `namespaces` with the
 * opt-in annotation, adds two init containers: one that redirects the pod's
 * HTTP connections to VPC Lattice (169.254.171.0/24, `interceptedPorts`) to
 * the proxy with NAT rules,
 * and Envoy as a native sidecar (listening on 127.0.0.1, signing for
 * `vpc-lattice-svcs`, re-encrypting with TLS to port 443 of the Lattice address
 * the application connected to). Only hosts under the private domain and the
 * region's Lattice-generated names (`*.vpc-lattice-svcs.<region>.on.aws`) are
 * signed; any other host gets a 403 from the proxy, unsigned. A Kubernetes
 * ValidatingAdmissionPolicy rejects opted-in pods that would run unprotected.
 * With `injection: SidecarInjection.NATIVE` (Kubernetes 1.36+) the API server
 * injects the same containers with a MutatingAdmissionPolicy instead, and no
 * Kyverno is installed.
 *
 * Kyverno and the policy must exist before the workloads: register them with
 * `addWorkload()`. Give their service accounts Pod Identity and Invoke
 * permission with `addClient()`.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as eks from 'aws-cdk-lib/aws-eks-v2';
 * import { LatticeEksCluster, SigV4SidecarPolicy } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const cluster: LatticeEksCluster;
 * declare const checkoutApp: eks.KubernetesManifest; // its pod template has the opt-in annotation
 * const sidecar = new SigV4SidecarPolicy(stack, 'SigV4', { cluster });
 * sidecar.addClient('Checkout', { namespace: 'checkout', serviceAccountName: 'checkout', createServiceAccount: true });
 * sidecar.addWorkload(checkoutApp);
 */
export class SigV4SidecarPolicy extends Construct {
  /** The pattern's opt-in annotation (with its "lattices" spelling, kept for compatibility). */
  public static readonly DEFAULT_ANNOTATION_KEY = 'vpc-lattices-svcs.amazonaws.com/agent-inject';
  /** Default port of the proxy (127.0.0.1). */
  public static readonly DEFAULT_PROXY_PORT = 15180;
  /** Default port of the proxy's health listener. */
  public static readonly DEFAULT_HEALTH_PORT = 15181;
  /** Default uid and gid of the proxy. */
  public static readonly DEFAULT_PROXY_UID = 15180;
  /** Default destination ports sent to the proxy: plain HTTP, what `http://<name>` uses. */
  public static readonly DEFAULT_INTERCEPTED_PORTS: number[] = [80];
  /** Namespaces never injected: Kubernetes', Kyverno's, and those of the cluster's controllers. */
  public static readonly SYSTEM_NAMESPACES: string[] = [
    'kube-system', 'kube-public', 'kube-node-lease', KYVERNO_NAMESPACE, GATEWAY_CONTROLLER_NAMESPACE, EXTERNAL_DNS_NAMESPACE,
  ];

  /** The cluster. */
  public readonly cluster: ILatticeCluster;
  /** Name of the MutatingPolicy or MutatingAdmissionPolicy (and of the ValidatingAdmissionPolicy guarding it). */
  public readonly policyName: string;
  /** What injects the proxy. */
  public readonly injection: SidecarInjection;
  /** The opt-in annotation. */
  public readonly annotationKey: string;
  /** Port of the proxy on 127.0.0.1. */
  public readonly proxyPort: number;
  /** Port of the proxy's health listener. */
  public readonly healthPort: number;
  /** uid and gid of the proxy. */
  public readonly proxyUid: number;
  /** Destination ports on VPC Lattice whose connections go through the proxy. */
  public readonly interceptedPorts: number[];
  /** Namespaces never injected. */
  public readonly excludedNamespaces: string[];
  /** The Kyverno Helm release (none with `installKyverno: false` or native injection). */
  public readonly kyvernoChart?: eks.HelmChart;
  /** The deploy-time check of the cluster's own Kyverno (only with `installKyverno: false`). */
  public readonly kyvernoPreflightProbe?: eks.KubernetesManifest;
  /** The mutation (Kyverno MutatingPolicy, or MutatingAdmissionPolicy and its binding) and its guard. */
  public readonly policyManifest: eks.KubernetesManifest;
  /** Everything a workload must be created after: Kyverno, the policy (once served by its webhook) and the ConfigMaps; the policies and ConfigMaps with native injection. */
  public readonly admissionReady: IDependable;

  private readonly namespaceSet = new Set<string>();
  private readonly configManifests = new Map<string, eks.KubernetesManifest>();
  private readonly readiness: DependencyGroup;
  /** The service accounts and Pod Identity associations of `addClient()` (filled as clients are added). */
  private readonly clients = new DependencyGroup();
  private readonly createNamespaces: boolean;
  private readonly configMapFor: (namespace: string) => K8sObject;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: SigV4SidecarPolicyProps) {
    super(scope, id);
    const existing = policiesByCluster.get(clusterWiring(this, KIND, props.cluster));
    if (existing) {
      throw validationError(this, KIND, `cluster '${clusterWiring(this, KIND, props.cluster).clusterName}' already has a SigV4SidecarPolicy (${existing.node.path}); use its addNamespace()/addClient()`);
    }
    this.cluster = props.cluster;
    this.policyName = 'lattice-sigv4-proxy';
    this.annotationKey = props.annotationKey ?? SigV4SidecarPolicy.DEFAULT_ANNOTATION_KEY;
    validateAnnotationKey(this, this.annotationKey);
    this.proxyPort = validatePort(this, 'proxyPort', props.proxyPort ?? SigV4SidecarPolicy.DEFAULT_PROXY_PORT);
    this.healthPort = validatePort(this, 'healthPort', props.healthPort ?? SigV4SidecarPolicy.DEFAULT_HEALTH_PORT);
    if (this.proxyPort === this.healthPort) {
      throw validationError(this, KIND, `proxyPort and healthPort are both ${this.proxyPort}; they must differ`);
    }
    this.proxyUid = validateUid(this, props.proxyUid ?? SigV4SidecarPolicy.DEFAULT_PROXY_UID);
    this.interceptedPorts = validateInterceptedPorts(this,
      props.interceptedPorts ?? SigV4SidecarPolicy.DEFAULT_INTERCEPTED_PORTS, this.proxyPort, this.healthPort);
    const sources = props.sources ?? props.cluster.sources;
    const proxyImage = validatePinnedImage(this, KIND, 'proxyImage', props.proxyImage ?? sources._image(this, KIND, PinnedVersions.ENVOY_IMAGE));
    const iptablesImage = validatePinnedImage(this, KIND, 'iptablesImage', props.iptablesImage ?? sources._image(this, KIND, PinnedVersions.IPTABLES_IMAGE));
    this.injection = validateInjection(this, KIND, props, props.cluster.kubernetesVersion);
    const native = this.injection === SidecarInjection.NATIVE;
    const chartVersion = native ? undefined : validateKyvernoChart(this, props.kyvernoChartVersion ?? PinnedVersions.KYVERNO_CHART);
    for (const ns of props.excludedNamespaces ?? []) validateNamespace(this, 'excludedNamespaces', ns);
    this.excludedNamespaces = [...new Set([...SigV4SidecarPolicy.SYSTEM_NAMESPACES, ...(props.excludedNamespaces ?? [])])];
    this.createNamespaces = props.createNamespaces ?? true;
    const upstreamTls = props.upstreamTls ?? true;
    const mode = validateIptablesBackend(this, props.iptablesBackend ?? IptablesBackend.NFT);
    const domain = props.domain ?? props.cluster.domain;
    validateSidecarDomain(this, props.domain, props.cluster.domain);
    const caDomain = upstreamTls ? domain : undefined;
    policiesByCluster.set(clusterWiring(this, KIND, props.cluster), this);

    // What every injected pod mounts: Envoy's configuration, the NAT rules and the private CA.
    const envoyConfig = envoyConfigJson(sigv4ProxyEnvoyConfig({
      proxyPort: this.proxyPort,
      healthPort: this.healthPort,
      region: Stack.of(this).region,
      latticeIpv4Range: LATTICE_IPV4_RANGE,
      upstreamTls,
      privateDomain: domain?.domainName,
      privateCaFile: caDomain ? `${CONFIG_DIR}/${CA_KEY}` : undefined,
    }));
    const rules = iptablesRules({ proxyPort: this.proxyPort, proxyUid: this.proxyUid, interceptedPorts: this.interceptedPorts });
    const caPemBase64 = caDomain ? Fn.base64(caDomain.caCertificatePem) : undefined;
    this.configMapFor = (namespace) => proxyConfigMap({ namespace, envoyConfig, iptablesRules: rules, caPemBase64 });

    // 1. Kyverno, after the nodes and add-ons (through its namespace), beside the
    // Gateway API controller and ExternalDNS (infrastructure namespace); or the
    // check that the cluster's own Kyverno serves the policy's kind.
    const wiring = clusterWiring(this, KIND, props.cluster);
    let kyverno: IDependable | undefined;
    if (native) {
      // The API server applies the policy: nothing to install.
      kyverno = undefined;
    } else if (props.installKyverno === false) {
      if (props.kyvernoChartVersion !== undefined) {
        throw validationError(this, KIND, `kyvernoChartVersion '${props.kyvernoChartVersion}' is given but installKyverno is false; drop one of them`);
      }
      const checks = new PreflightChecks(this, 'KyvernoPreflight', {
        cluster: wiring.cluster,
        clusterName: wiring.clusterName,
        name: `${PREFLIGHT_NAME}-kyverno`,
        prerequisites: [wiring.prerequisites],
      });
      checks.requireKyvernoMutatingPolicy();
      this.kyvernoPreflightProbe = checks.probe;
      kyverno = checks.probe;
    } else {
      wiring.ensureNamespace(KYVERNO_NAMESPACE, false);
      this.kyvernoChart = new eks.HelmChart(this, 'Kyverno', {
        cluster: wiring.cluster,
        chart: 'kyverno',
        repository: sources._chartRepository(this, KIND, LatticeChart.KYVERNO),
        version: chartVersion,
        release: KYVERNO_RELEASE,
        namespace: KYVERNO_NAMESPACE,
        createNamespace: false,
        wait: true,
        timeout: Duration.minutes(10),
        values: kyvernoValues(sources._registry(this, KIND, PinnedVersions.KYVERNO_IMAGE_REGISTRY)),
      });
      wiring.placeInNamespace(this.kyvernoChart, KYVERNO_NAMESPACE);
      kyverno = this.kyvernoChart;
    }

    // 2. The mutation and its guard.
    const containerNames = [IPTABLES_CONTAINER, PROXY_CONTAINER];
    const mutationSpec = {
      name: this.policyName,
      annotationKey: this.annotationKey,
      namespaces: Lazy.list({ produce: () => [...this.namespaceSet] }),
      excludedNamespaces: this.excludedNamespaces,
      containerNames,
      initContainers: injectedContainers({
        proxyImage, iptablesImage, proxyPort: this.proxyPort, healthPort: this.healthPort, proxyUid: this.proxyUid, iptablesMode: mode,
      }),
      volumes: injectedVolumes(mode),
      // Kyverno being down must not block other pods; the guard rejects opted-in pods it missed.
      failurePolicy: 'Ignore' as const,
    };
    const mutation = native ? injectionMutatingAdmissionPolicy(mutationSpec) : [injectionMutatingPolicy(mutationSpec)];
    const guard = injectionGuard({
      name: `${this.policyName}-guard`,
      annotationKey: this.annotationKey,
      excludedNamespaces: this.excludedNamespaces,
      proxyContainer: PROXY_CONTAINER,
      proxyImage,
      iptablesContainer: IPTABLES_CONTAINER,
      iptablesImage,
      injectedContainers: containerNames,
      proxyUid: this.proxyUid,
      reservedPorts: [this.proxyPort, this.healthPort],
      kyverno: !native,
    });
    this.policyManifest = clusterWiring(this, KIND, props.cluster).addManifest(this, 'Policy', [...mutation, ...guard]);
    this.readiness = new DependencyGroup(this.policyManifest);
    if (kyverno) {
      this.policyManifest.node.addDependency(kyverno);
      // 3. Kyverno configures its webhook for a new policy asynchronously: wait for it.
      const policyReady = new eks.KubernetesObjectValue(this, 'PolicyReady', {
        cluster: clusterWiring(this, KIND, props.cluster).cluster,
        objectType: 'mutatingpolicies.policies.kyverno.io',
        objectName: this.policyName,
        jsonPath: POLICY_WEBHOOK_READY_JSONPATH,
        timeout: Duration.minutes(5),
      });
      policyReady.node.addDependency(this.policyManifest);
      this.readiness.add(kyverno, policyReady);
    }
    this.admissionReady = this.readiness;
    for (const ns of props.namespaces ?? []) this.addNamespace(ns);
    if (upstreamTls && !domain) {
      throw validationError(this, KIND,
        `upstreamTls is true but neither the cluster '${clusterWiring(this, KIND, props.cluster).clusterName}' nor the domain prop has a private domain: ` +
        'without one, Lattice services have no HTTPS listener for the proxy to call; give the cluster a domain (LatticeEksClusterProps.domain or LatticeEksIntegrationProps.domain), or set upstreamTls: false');
    }
    this.node.addValidation({
      validate: () => this.namespaceSet.size > 0 ? [] : [
        `${KIND} (${this.node.path}): no namespace to inject; give namespaces, or call addNamespace() or addClient()`,
      ],
    });
    // Checked once the app is built: passthrough routes may be added after the policy.
    const passthroughWiring = clusterWiring(this, KIND, props.cluster);
    this.node.addValidation({
      validate: () => this.interceptedPorts.filter((port) => passthroughWiring.passthroughPorts().includes(port)).map((port) =>
        `${KIND} (${this.node.path}): interceptedPorts includes ${port}, the port of the TLS passthrough listener of cluster '${passthroughWiring.clusterName}': ` +
        'the proxy would take the pods\' TLS connections to passthrough routes and break them; remove it from interceptedPorts'),
    });
  }

  /** Namespaces whose opted-in pods are injected. */
  public get namespaces(): string[] {
    return [...this.namespaceSet];
  }

  /**
   * Injects opted-in pods of `namespace` too: creates the proxy's ConfigMap
   * there (and the namespace, with `createNamespaces`). Idempotent.
   *
   * @returns the ConfigMap manifest
   */
  public addNamespace(namespace: string): eks.KubernetesManifest {
    validateNamespace(this, 'namespace', namespace);
    if (this.excludedNamespaces.includes(namespace)) {
      throw validationError(this, KIND, `namespace '${namespace}' is excluded from injection (${this.excludedNamespaces.join(', ')})`);
    }
    let manifest = this.configManifests.get(namespace);
    if (!manifest) {
      if (this.createNamespaces) clusterWiring(this, KIND, this.cluster).ensureNamespace(namespace);
      manifest = clusterWiring(this, KIND, this.cluster).addManifest(this, `ProxyConfig-${namespace}`, [this.configMapFor(namespace)]);
      this.configManifests.set(namespace, manifest);
      this.namespaceSet.add(namespace);
      this.readiness.add(manifest);
    }
    return manifest;
  }

  /**
   * Gives the pods of a service account what the proxy signs with: an EKS Pod
   * Identity role allowed to `vpc-lattice-svcs:Invoke` the account's Lattice
   * services in this region. Also injects the service account's namespace.
   */
  public addClient(id: string, options: SigV4ClientOptions): LatticePodIdentity {
    this.addNamespace(options.namespace);
    const identity = new LatticePodIdentity(this, id, {
      ...options,
      createNamespace: options.createNamespace ?? this.createNamespaces,
      cluster: this.cluster,
    });
    const stack = Stack.of(this);
    const resources = options.serviceArns ?? [stack.formatArn({ service: 'vpc-lattice', resource: 'service', resourceName: '*' })];
    if (resources.length === 0) {
      throw validationError(this, KIND, `addClient('${id}'): serviceArns is empty; omit it to allow every Lattice service of the account and region`);
    }
    for (const arn of options.serviceArns ?? []) {
      if (Token.isUnresolved(arn)) continue;
      if (!/^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:service\/(svc-[0-9a-z]{17}|\*)$/.test(arn)) {
        throw validationError(this, KIND,
          `addClient('${id}'): serviceArns entry '${arn}' is not a Lattice service ARN (arn:aws:vpc-lattice:<region>:<account>:service/svc-... ` +
          'or .../service/* for all services of that account and region); omit serviceArns to allow every service of this account and region');
      }
    }
    identity.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [LATTICE_INVOKE_ACTION], resources }));
    for (const resource of resources) {
      if (resource.includes('*')) {
        acknowledgeOnce(identity.role, `AwsSolutions-IAM5[Resource::${nagResource(stack, resource)}]`,
          'Lattice service ids are generated by the service when routes are created; the pods may invoke services of this account and region only, and each service\'s auth policy decides who may call it.');
      }
    }
    this.clients.add(identity.association, ...(identity.serviceAccountManifest ? [identity.serviceAccountManifest] : []));
    return identity;
  }

  /**
   * Orders workloads (manifests, Helm charts) after Kyverno, the policy, the
   * ConfigMaps and the identities of `addClient()` (service accounts and Pod
   * Identity associations, whenever they are added): their pods are created
   * once injection works and their credentials exist (a pod started before its
   * Pod Identity association gets no credentials until it is recreated), and
   * they are deleted before either goes.
   */
  public addWorkload(...workloads: IConstruct[]): void {
    for (const workload of workloads) workload.node.addDependency(this.readiness, this.clients);
  }
}

/** How cdk-nag writes a resource in a finding id (pseudo parameters as `<AWS::Region>`). */
function nagResource(stack: Stack, resource: string): string {
  const resolved = stack.resolve(resource);
  if (typeof resolved === 'string') return resolved;
  const parts: unknown[] = resolved?.['Fn::Join']?.[1] ?? [];
  return parts.map((p: any) => (typeof p === 'string' ? p : p?.Ref ? `<${p.Ref}>` : JSON.stringify(p))).join('');
}

function validateAnnotationKey(scope: Construct, key: string): void {
  if (Token.isUnresolved(key)) throw validationError(scope, KIND, literalRequired('annotationKey', 'string', 'write the injection policy\'s opt-in match'));
  const problem = annotationKeyProblem(key);
  if (problem) {
    throw validationError(scope, KIND, `annotationKey '${key}' is not a valid Kubernetes annotation key: ${problem}`);
  }
}

function annotationKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'it has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix))) {
    return `prefix '${prefix}' is not a lowercase DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return `name '${name}' must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

function validatePort(scope: Construct, prop: string, port: number): number {
  requireLiteralNumber(scope, KIND, prop, port);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw validationError(scope, KIND, `${prop} ${port} must be an integer between 1024 and 65535 (an unprivileged port no application is likely to use)`);
  }
  return port;
}

function validateUid(scope: Construct, uid: number): number {
  requireLiteralNumber(scope, KIND, 'proxyUid', uid);
  if (!Number.isInteger(uid) || uid < 0 || uid > 2147483647) {
    throw validationError(scope, KIND, `proxyUid ${uid} is not a uid (an integer between 1 and 2147483647)`);
  }
  if (uid === 0) {
    throw validationError(scope, KIND, 'proxyUid 0 (root) is not allowed: connections of the proxy uid are not redirected, so every root process of the pod would bypass the proxy');
  }
  const image = COMMON_IMAGE_UIDS.get(uid);
  if (image !== undefined) {
    throw validationError(scope, KIND,
      `proxyUid ${uid} is a uid common images run as (${image}); connections of the proxy uid are not redirected, so such an application ` +
      `would call Lattice unsigned: choose a dedicated uid such as the default ${SigV4SidecarPolicy.DEFAULT_PROXY_UID}`);
  }
  const sometimes = SOMETIMES_USED_UIDS.get(uid);
  if (sometimes !== undefined) {
    Annotations.of(scope).addWarningV2(`${KIND}:proxyUid`,
      `proxyUid ${uid} is the uid of ${sometimes}; choose another uid unless the cluster never runs it`);
  }
  return uid;
}

function validateInterceptedPorts(scope: Construct, ports: number[], proxyPort: number, healthPort: number): number[] {
  const problem = portListProblem(ports, MAX_MULTIPORT_PORTS, new Map([[proxyPort, 'proxyPort'], [healthPort, 'healthPort']]));
  if (problem) {
    throw validationError(scope, KIND, `interceptedPorts ${problem} (the destination ports of the Lattice services' HTTP listeners your pods call; default [80])`);
  }
  if (ports.includes(443)) {
    Annotations.of(scope).addWarningV2(`${KIND}:interceptedTls`,
      'interceptedPorts includes 443: the proxy accepts plain HTTP only, so https:// calls to Lattice on port 443 will fail; call http://<name> instead, or remove 443');
  }
  return [...ports];
}

function validateIptablesBackend(scope: Construct, backend: IptablesBackend): IptablesBackend {
  const valid: string[] = Object.values(IptablesBackend);
  if (Token.isUnresolved(backend)) {
    throw validationError(scope, KIND, literalRequired('iptablesBackend', 'string', 'pick the iptables-<backend>-restore binary and its capabilities'));
  }
  if (typeof backend !== 'string' || !valid.includes(backend)) {
    throw validationError(scope, KIND, `iptablesBackend ${describeValue(backend)} is not a backend (it names the iptables-<backend>-restore binary at synth time); `
      + 'use IptablesBackend.NFT (\'nft\', the default) or IptablesBackend.LEGACY (\'legacy\')');
  }
  return backend;
}


function validateKyvernoChart(scope: Construct, version: string): string {
  requireLiteralVersion(scope, KIND, 'kyvernoChartVersion', version, PinnedVersions.KYVERNO_CHART);
  const match = /^v?3\.(\d+)\.(\d+)$/.exec(version);
  if (!match) {
    throw validationError(scope, KIND, `kyvernoChartVersion '${version}' is not a Kyverno 3.x chart version such as '${PinnedVersions.KYVERNO_CHART}'`);
  }
  if (Number(match[1]) < MIN_KYVERNO_CHART_MINOR) {
    throw validationError(scope, KIND, `kyvernoChartVersion '${version}' installs a Kyverno older than 1.17, which does not serve policies.kyverno.io/v1 MutatingPolicy; use 3.${MIN_KYVERNO_CHART_MINOR}.0 or newer`);
  }
  return version;
}

function validateSidecarDomain(scope: Construct, given: PrivateCaDomain | undefined, clusters: PrivateCaDomain | undefined): void {
  const problem = given ? clusterDomainClashProblem(given.domainName) : undefined;
  if (problem) throw validationError(scope, KIND, problem);
  const literal = given && clusters && !Token.isUnresolved(given.domainName) && !Token.isUnresolved(clusters.domainName);
  if (literal && given.domainName !== clusters.domainName) {
    Annotations.of(scope).addWarningV2(`${KIND}:domain`,
      `domain '${given.domainName}' is not the cluster's domain '${clusters.domainName}': the proxy signs only for hosts under '${given.domainName}' ` +
      `(and Lattice-generated names), so calls to services under '${clusters.domainName}' get a 403 from the proxy; leave domain out to use the cluster's`);
  }
}

function validateNamespace(scope: Construct, prop: string, namespace: string): void {
  validateDnsLabel(scope, KIND, prop, namespace);
}

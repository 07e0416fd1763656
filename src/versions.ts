/**
 * Versions of every external artifact this library deploys, pinned.
 *
 * Each one is the default of an override prop (see `LatticeEksClusterVersions`);
 * bump them together with the tests that assert them.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { ILatticeServiceNetwork, LatticeEksCluster, PinnedVersions } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const kubectlLayer: lambda.ILayerVersion;
 * declare const serviceNetwork: ILatticeServiceNetwork;
 * // The pinned kubectl image, pulled from an internal registry.
 * const kubectlTag = PinnedVersions.KUBECTL_IMAGE.split(':').pop();
 * new LatticeEksCluster(stack, 'Lattice', {
 *   clusterName: 'eks-cluster1',
 *   kubectlLayer,
 *   serviceNetwork,
 *   versions: { kubectlImage: `registry.example.com/kubectl:${kubectlTag}` },
 * });
 */
export class PinnedVersions {
  /** AWS Gateway API Controller Helm chart (OCI), `aws-gateway-controller-chart`. Needs Kubernetes >= 1.31 and Gateway API v1.5 CRDs. */
  public static readonly GATEWAY_API_CONTROLLER_CHART = 'v2.1.3';
  /** OCI repository of the AWS Gateway API Controller chart. */
  public static readonly GATEWAY_API_CONTROLLER_CHART_REPOSITORY = 'oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart';
  /** Image repository the controller chart runs (its tag is the chart's version). */
  public static readonly GATEWAY_API_CONTROLLER_IMAGE_REPOSITORY = 'public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller';
  /**
   * ExternalDNS Helm chart (app v0.22.0). Ships the DNSEndpoint CRD in `crds/`; `policy` is required since chart 1.22 (the
   * library sets `sync`). ExternalDNS 0.22 renamed the TXT records of A ALIAS records only; the CNAME records the controller's
   * DNSEndpoints ask for keep `cname-<first label>.<rest>`, the name ExternalDNS's IAM policy allows.
   */
  public static readonly EXTERNAL_DNS_CHART = '1.22.0';
  /** Helm repository of ExternalDNS. */
  public static readonly EXTERNAL_DNS_CHART_REPOSITORY = 'https://kubernetes-sigs.github.io/external-dns/';
  /** Image repository the ExternalDNS chart runs (its tag is the chart's appVersion). */
  public static readonly EXTERNAL_DNS_IMAGE_REPOSITORY = 'registry.k8s.io/external-dns/external-dns';
  /** Gateway API release whose standard CRDs are installed (the controller requires v1.5). */
  public static readonly GATEWAY_API = 'v1.5.1';
  /** SHA-256 of that release's `standard-install.yaml`; the install fails on any other content. */
  public static readonly GATEWAY_API_STANDARD_INSTALL_SHA256 = '751002b3b91a87f7ae3bd2517c79a47a8d7ed6702901808a1cf9bd97d284f9b8';
  /** Official Kubernetes kubectl image (multi-arch, no shell) that applies the CRDs. */
  public static readonly KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.35.0';
  /** Official Alpine image (multi-arch) that downloads and verifies the CRD bundle. */
  public static readonly DOWNLOAD_IMAGE = 'public.ecr.aws/docker/library/alpine:3.22';
  /** Official AWS CLI image (multi-arch) that reads the CRD bundle from S3 when it is a file asset. */
  public static readonly AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.36.7';
  /** EKS add-on `vpc-cni` for Kubernetes 1.35. */
  public static readonly ADDON_VPC_CNI = 'v1.21.1-eksbuild.7';
  /** EKS add-on `coredns` for Kubernetes 1.35. */
  public static readonly ADDON_COREDNS = 'v1.13.2-eksbuild.4';
  /** EKS add-on `kube-proxy` for Kubernetes 1.35. */
  public static readonly ADDON_KUBE_PROXY = 'v1.35.3-eksbuild.2';
  /** EKS add-on `eks-pod-identity-agent` for Kubernetes 1.35. */
  public static readonly ADDON_POD_IDENTITY_AGENT = 'v1.3.10-eksbuild.2';

  /**
   * Kyverno Helm chart (Kyverno 1.19.1). `policies.kyverno.io/v1` MutatingPolicy, which the
   * SigV4 sidecar injection uses, is GA since Kyverno 1.17 (chart 3.7).
   */
  public static readonly KYVERNO_CHART = '3.9.1';
  /**
   * Kyverno release of `KYVERNO_CHART` (the chart's appVersion). The test suite runs the
   * Kyverno CLI of exactly this version on the synthesized injection policy.
   */
  public static readonly KYVERNO = 'v1.19.1';
  /** Helm repository of Kyverno. */
  public static readonly KYVERNO_CHART_REPOSITORY = 'https://kyverno.github.io/kyverno/';
  /**
   * Registry of Kyverno's images (`kyverno/kyverno`, `kyverno/kyvernopre`, `kyverno/background-controller`,
   * `kyverno/cleanup-controller`, `kyverno/reports-controller`, `kyverno/kyverno-cli`, `kyverno/readiness-checker`) when they
   * are mirrored. The chart pulls most of them from `reg.kyverno.io` by default, which serves the same images.
   */
  public static readonly KYVERNO_IMAGE_REGISTRY = 'ghcr.io';
  /**
   * Official Envoy image (multi-arch, distroless: Envoy is the entrypoint, no shell) of the SigV4 proxy. Envoy >= 1.30 reads
   * EKS Pod Identity credentials. The test suite checks the proxy's configuration with the protos of this Envoy minor
   * (`github.com/envoyproxy/go-control-plane/envoy` in `test/engines/envoy/go.mod`, which must move with it).
   */
  public static readonly ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.40.0';
  /** Official Kubernetes image with iptables (multi-arch, distroless, the base of kube-proxy) that installs the SigV4 proxy's NAT rules. */
  public static readonly IPTABLES_IMAGE = 'registry.k8s.io/build-image/distroless-iptables:v0.8.7';

  private constructor() {}
}

import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ArtifactSources } from '../artifact-sources';
import { resolveGatewayApiBundle } from './gateway-api-bundles';
import { validatePinnedImage } from '../private/images';
import { requireLiteralVersion, validateAddonVersion, validateChartVersion } from '../private/version-strings';
import { PinnedVersions } from '../versions';

/**
 * Versions of what a `LatticeEksCluster` or a `LatticeEksIntegration` installs. Every field defaults to the
 * constant of the same name in `PinnedVersions`.
 */
export interface LatticeEksClusterVersions {
  /**
   * Version of the AWS Gateway API Controller Helm chart (with the leading `v`).
   * @default PinnedVersions.GATEWAY_API_CONTROLLER_CHART
   */
  readonly gatewayApiControllerChart?: string;
  /**
   * Version of the ExternalDNS Helm chart. The records ExternalDNS may change are named the way ExternalDNS 0.21 to 0.23 name the TXT records of CNAME records.
   * @default PinnedVersions.EXTERNAL_DNS_CHART
   */
  readonly externalDnsChart?: string;
  /**
   * Gateway API release of the CRDs: a v1.5.x, v1.6.x or v1.7.x release (the AWS Gateway API Controller v2.1 needs v1.5 or
   * newer). The installer never downgrades a cluster's CRDs: it stops when the cluster has a newer bundle.
   * @default PinnedVersions.GATEWAY_API
   */
  readonly gatewayApi?: string;
  /**
   * SHA-256 of the release's `standard-install.yaml` (`scripts/gateway-api-bundle-sha256.sh <release>` computes it).
   * @default - the library's checksum of that release (v1.5.0 to v1.7.0); required for other releases
   */
  readonly gatewayApiStandardInstallSha256?: string;
  /**
   * kubectl image that applies the Gateway API CRDs, used as given.
   * @default PinnedVersions.KUBECTL_IMAGE, pulled as `sources` says
   */
  readonly kubectlImage?: string;
  /**
   * Image with `sh`, `wget` and `sha256sum` that downloads and verifies the CRD bundle from GitHub, used as given.
   * @default PinnedVersions.DOWNLOAD_IMAGE, pulled as `sources` says
   */
  readonly downloadImage?: string;
  /**
   * AWS CLI v2 image (with `sh` and `sha256sum`) that reads the CRD bundle from S3 (`GatewayApiCrdsSource.fromFile`), used as given.
   * @default PinnedVersions.AWS_CLI_IMAGE, pulled as `sources` says
   */
  readonly awsCliImage?: string;
  /**
   * Version of the `vpc-cni` EKS add-on.
   * @default PinnedVersions.ADDON_VPC_CNI (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly vpcCniAddon?: string;
  /**
   * Version of the `coredns` EKS add-on.
   * @default PinnedVersions.ADDON_COREDNS (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly corednsAddon?: string;
  /**
   * Version of the `kube-proxy` EKS add-on.
   * @default PinnedVersions.ADDON_KUBE_PROXY (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly kubeProxyAddon?: string;
  /**
   * Version of the `eks-pod-identity-agent` EKS add-on.
   * @default PinnedVersions.ADDON_POD_IDENTITY_AGENT (for the default Kubernetes version; EKS's default otherwise)
   */
  readonly podIdentityAgentAddon?: string;
}

/** The versions, defaults applied and validated. */
export interface ResolvedVersions {
  readonly gatewayApiControllerChart: string;
  readonly externalDnsChart: string;
  readonly gatewayApi: string;
  readonly gatewayApiStandardInstallSha256: string;
  readonly kubectlImage: string;
  readonly downloadImage: string;
  readonly awsCliImage: string;
  readonly vpcCniAddon?: string;
  readonly corednsAddon?: string;
  readonly kubeProxyAddon?: string;
  readonly podIdentityAgentAddon?: string;
}

/**
 * The versions, defaults applied. Add-on versions are pinned for the default
 * Kubernetes version; for another one (or an attached cluster whose version is
 * unknown: `version` undefined) EKS's default add-on version applies unless given.
 */
export function resolveVersions(
  scope: Construct, kind: string, version: eks.KubernetesVersion | undefined, sources: ArtifactSources, v: LatticeEksClusterVersions = {},
): ResolvedVersions {
  const gatewayApi = v.gatewayApi === undefined ? PinnedVersions.GATEWAY_API
    : requireLiteralVersion(scope, kind, 'versions.gatewayApi', v.gatewayApi, PinnedVersions.GATEWAY_API);
  const bundle = resolveGatewayApiBundle(scope, kind, gatewayApi, v.gatewayApiStandardInstallSha256);
  if (v.gatewayApiControllerChart !== undefined) {
    validateChartVersion(scope, kind, 'versions.gatewayApiControllerChart', v.gatewayApiControllerChart, PinnedVersions.GATEWAY_API_CONTROLLER_CHART);
  }
  if (v.externalDnsChart !== undefined) {
    validateChartVersion(scope, kind, 'versions.externalDnsChart', v.externalDnsChart, PinnedVersions.EXTERNAL_DNS_CHART);
  }
  for (const [prop, value, example] of [
    ['vpcCniAddon', v.vpcCniAddon, PinnedVersions.ADDON_VPC_CNI],
    ['corednsAddon', v.corednsAddon, PinnedVersions.ADDON_COREDNS],
    ['kubeProxyAddon', v.kubeProxyAddon, PinnedVersions.ADDON_KUBE_PROXY],
    ['podIdentityAgentAddon', v.podIdentityAgentAddon, PinnedVersions.ADDON_POD_IDENTITY_AGENT],
  ] as const) {
    if (value !== undefined) validateAddonVersion(scope, kind, `versions.${prop}`, value, example);
  }
  for (const [prop, image] of [['kubectlImage', v.kubectlImage], ['downloadImage', v.downloadImage], ['awsCliImage', v.awsCliImage]] as const) {
    if (image !== undefined) validatePinnedImage(scope, kind, `versions.${prop}`, image);
  }
  const defaultK8s = version?.version === eks.KubernetesVersion.V1_35.version;
  return {
    gatewayApiControllerChart: v.gatewayApiControllerChart ?? PinnedVersions.GATEWAY_API_CONTROLLER_CHART,
    externalDnsChart: v.externalDnsChart ?? PinnedVersions.EXTERNAL_DNS_CHART,
    gatewayApi: bundle.version,
    gatewayApiStandardInstallSha256: bundle.sha256,
    kubectlImage: v.kubectlImage ?? sources._image(scope, kind, PinnedVersions.KUBECTL_IMAGE),
    downloadImage: v.downloadImage ?? sources._image(scope, kind, PinnedVersions.DOWNLOAD_IMAGE),
    awsCliImage: v.awsCliImage ?? sources._image(scope, kind, PinnedVersions.AWS_CLI_IMAGE),
    vpcCniAddon: v.vpcCniAddon ?? (defaultK8s ? PinnedVersions.ADDON_VPC_CNI : undefined),
    corednsAddon: v.corednsAddon ?? (defaultK8s ? PinnedVersions.ADDON_COREDNS : undefined),
    kubeProxyAddon: v.kubeProxyAddon ?? (defaultK8s ? PinnedVersions.ADDON_KUBE_PROXY : undefined),
    podIdentityAgentAddon: v.podIdentityAgentAddon ?? (defaultK8s ? PinnedVersions.ADDON_POD_IDENTITY_AGENT : undefined),
  };
}


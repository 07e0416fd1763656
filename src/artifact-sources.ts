import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { validationError } from './private/errors';
import { splitImage, validateChartRepository, validateRegistryPrefix } from './private/images';
import { acknowledge } from './private/nag';
import { PinnedVersions } from './versions';

/**
 * Where mirrors of the upstream image registries are. Each value is a registry
 * host with an optional path that serves the upstream's repositories under
 * their original paths: with `dockerHub: 'registry.example.com/docker-hub'`,
 * `docker.io/envoyproxy/envoy:v1` is pulled as
 * `registry.example.com/docker-hub/envoyproxy/envoy:v1` (Docker Hub's official
 * images keep their implicit `library/`).
 */
export interface ImageRegistryMirrors {
  /** Mirror of Docker Hub (`docker.io`): the Envoy image. */
  readonly dockerHub: string;
  /** Mirror of `registry.k8s.io`: kubectl, iptables and ExternalDNS images. */
  readonly kubernetesRegistry: string;
  /** Mirror of Amazon ECR Public (`public.ecr.aws`): the Gateway API Controller, AWS CLI and Alpine images. */
  readonly ecrPublic: string;
  /** Mirror of the GitHub Container Registry (`ghcr.io`): Kyverno's images. */
  readonly githubContainerRegistry: string;
}

/**
 * Where the Helm charts come from. Each value is either an `oci://` reference
 * that ends in the chart's name (e.g.
 * `oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/external-dns`) or
 * an `https://` Helm repository serving the chart. The kubectl handler logs in
 * to private Amazon ECR registries by itself (its role reads ECR).
 */
export interface ChartRepositoryMirrors {
  /** The AWS Gateway API Controller chart (`aws-gateway-controller-chart`). */
  readonly gatewayApiController: string;
  /** The ExternalDNS chart (`external-dns`). */
  readonly externalDns: string;
  /** The Kyverno chart (`kyverno`), used by `SigV4SidecarPolicy`. */
  readonly kyverno: string;
}

/** Options of `ArtifactSources.mirror()`. */
export interface ArtifactMirrorOptions {
  /** Mirrors of the image registries. */
  readonly images: ImageRegistryMirrors;
  /** Where the Helm charts come from. */
  readonly charts: ChartRepositoryMirrors;
}

/**
 * Options of `ArtifactSources.ecrPullThrough()`: the repository prefixes of the
 * pull-through cache rules of an Amazon ECR private registry.
 */
export interface EcrPullThroughOptions {
  /** Where the Helm charts come from (e.g. charts pushed to the same private registry with `helm push`). */
  readonly charts: ChartRepositoryMirrors;
  /**
   * Host of the private registry.
   * @default - the registry of the stack's account and region, `<account>.dkr.ecr.<region>.<url suffix>`
   */
  readonly registry?: string;
  /**
   * Repository prefix of the rule whose upstream is Docker Hub.
   * @default 'docker-hub'
   */
  readonly dockerHubPrefix?: string;
  /**
   * Repository prefix of the rule whose upstream is `registry.k8s.io`.
   * @default 'registry-k8s-io'
   */
  readonly kubernetesRegistryPrefix?: string;
  /**
   * Repository prefix of the rule whose upstream is Amazon ECR Public.
   * @default 'ecr-public'
   */
  readonly ecrPublicPrefix?: string;
  /**
   * Repository prefix of the rule whose upstream is the GitHub Container Registry.
   * @default 'github'
   */
  readonly githubContainerRegistryPrefix?: string;
}

/** A Helm chart this library installs. */
export enum LatticeChart {
  /** The AWS Gateway API Controller chart. */
  GATEWAY_API_CONTROLLER = 'aws-gateway-controller-chart',
  /** The ExternalDNS chart. */
  EXTERNAL_DNS = 'external-dns',
  /** The Kyverno chart. */
  KYVERNO = 'kyverno',
}

/** Upstream registry hosts and the `ImageRegistryMirrors` field that maps each. */
const UPSTREAMS: Record<string, keyof ImageRegistryMirrors> = {
  'docker.io': 'dockerHub',
  'registry.k8s.io': 'kubernetesRegistry',
  'public.ecr.aws': 'ecrPublic',
  'ghcr.io': 'githubContainerRegistry',
};

const CHART_FIELDS: Record<LatticeChart, keyof ChartRepositoryMirrors> = {
  [LatticeChart.GATEWAY_API_CONTROLLER]: 'gatewayApiController',
  [LatticeChart.EXTERNAL_DNS]: 'externalDns',
  [LatticeChart.KYVERNO]: 'kyverno',
};

const PUBLIC_CHARTS: Record<LatticeChart, string> = {
  [LatticeChart.GATEWAY_API_CONTROLLER]: PinnedVersions.GATEWAY_API_CONTROLLER_CHART_REPOSITORY,
  [LatticeChart.EXTERNAL_DNS]: PinnedVersions.EXTERNAL_DNS_CHART_REPOSITORY,
  [LatticeChart.KYVERNO]: PinnedVersions.KYVERNO_CHART_REPOSITORY,
};

type MirrorFn = (scope: IConstruct) => ImageRegistryMirrors;

/**
 * Where every image and Helm chart this library deploys is pulled from: the
 * public registries (default), registry mirrors, or an Amazon ECR private
 * registry with pull-through cache rules. One value covers the charts of
 * `LatticeEksCluster` (controller, ExternalDNS), the images those charts run,
 * the CRD installer's images, and `SigV4SidecarPolicy` (Kyverno chart and
 * images, Envoy, iptables). An image given explicitly (e.g. `proxyImage`) is
 * used as given.
 *
 * @example
 * import { ArtifactSources } from 'cdk-lattice-eks';
 *
 * const sources = ArtifactSources.ecrPullThrough({
 *   charts: {
 *     gatewayApiController: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/aws-gateway-controller-chart',
 *     externalDns: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/external-dns',
 *     kyverno: 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/kyverno',
 *   },
 * });
 */
export class ArtifactSources {
  /** The upstream public registries and chart repositories (the `PinnedVersions` references as they are). */
  public static publicRegistries(): ArtifactSources {
    return new ArtifactSources(undefined, undefined, 'ArtifactSources.publicRegistries()');
  }

  /** Registry mirrors for images and a mirror (OCI or HTTPS) for each chart. */
  public static mirror(options: ArtifactMirrorOptions): ArtifactSources {
    return new ArtifactSources(() => options?.images, options?.charts, 'ArtifactSources.mirror()');
  }

  /**
   * An Amazon ECR private registry with pull-through cache rules for Docker Hub,
   * `registry.k8s.io`, ECR Public and `ghcr.io`: `docker.io/envoyproxy/envoy:tag` is
   * pulled as `<registry>/<dockerHubPrefix>/envoyproxy/envoy:tag`. Nodes read it
   * with the node role's `AmazonEC2ContainerRegistryReadOnly`; for the stack's
   * own registry, the node role may also create the cached repositories under
   * the four prefixes and import upstream images into them (what a first pull
   * through the cache does).
   */
  public static ecrPullThrough(options: EcrPullThroughOptions): ArtifactSources {
    const images: MirrorFn = (scope) => {
      const stack = Stack.of(scope);
      const registry = options?.registry ?? `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
      return {
        dockerHub: `${registry}/${options?.dockerHubPrefix ?? 'docker-hub'}`,
        kubernetesRegistry: `${registry}/${options?.kubernetesRegistryPrefix ?? 'registry-k8s-io'}`,
        ecrPublic: `${registry}/${options?.ecrPublicPrefix ?? 'ecr-public'}`,
        githubContainerRegistry: `${registry}/${options?.githubContainerRegistryPrefix ?? 'github'}`,
      };
    };
    const prefixes = [options?.dockerHubPrefix ?? 'docker-hub', options?.kubernetesRegistryPrefix ?? 'registry-k8s-io',
      options?.ecrPublicPrefix ?? 'ecr-public', options?.githubContainerRegistryPrefix ?? 'github'];
    return new ArtifactSources(images, options?.charts, 'ArtifactSources.ecrPullThrough()', options?.registry === undefined ? prefixes : undefined);
  }

  private constructor(
    private readonly images: MirrorFn | undefined,
    private readonly charts: ChartRepositoryMirrors | undefined,
    private readonly description: string,
    private readonly ownPullThroughPrefixes?: string[],
  ) {}

  /** Whether anything is pulled from somewhere else than the upstream registries. */
  public get isMirrored(): boolean {
    return this.images !== undefined;
  }

  /**
   * The reference to pull instead of the upstream image `image` (unchanged for the public registries).
   * @internal
   */
  public _image(scope: IConstruct, kind: string, image: string): string {
    if (!this.images) return image;
    const { registry, path } = splitImage(image);
    const field = UPSTREAMS[registry];
    if (!field) {
      throw validationError(scope, kind,
        `sources (${this.description}) has no mirror for registry '${registry}' of image '${image}'; ` +
        `mirrored registries: ${Object.keys(UPSTREAMS).join(', ')}. Give the image explicitly instead`);
    }
    const prefix = validateRegistryPrefix(scope, kind, `sources (${this.description}) images.${field}`, this.images(scope)?.[field]);
    return `${prefix}/${path}`;
  }

  /**
   * Lets `role` (a node role) fill the stack's own pull-through cache: create
   * the cached repositories under the rules' prefixes and import upstream
   * images into them. Nothing for other sources.
   * @internal
   */
  public _grantPullThrough(scope: IConstruct, role: iam.IRole): void {
    if (!this.ownPullThroughPrefixes) return;
    const stack = Stack.of(scope);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:CreateRepository', 'ecr:BatchImportUpstreamImage'],
      resources: this.ownPullThroughPrefixes.map((prefix) => stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${prefix}/*` })),
    }));
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    for (const prefix of this.ownPullThroughPrefixes) {
      acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:${region}:${account}:repository/${prefix}/*]`,
        `A pull-through cache creates one repository per upstream repository under the rule's prefix '${prefix}' on first pull; ` +
        'the nodes may create and fill repositories under the cache rules\' prefixes only.');
    }
  }

  /**
   * The registry (host and path) that replaces upstream registry `registry` (`undefined` for the public registries).
   * @internal
   */
  public _registry(scope: IConstruct, kind: string, registry: string): string | undefined {
    if (!this.images) return undefined;
    const image = this._image(scope, kind, `${registry}/x/y:z`);
    return image.slice(0, -'/x/y:z'.length);
  }

  /**
   * The repository of `chart` for `eks.HelmChart`.
   * @internal
   */
  public _chartRepository(scope: IConstruct, kind: string, chart: LatticeChart): string {
    if (!this.images) return PUBLIC_CHARTS[chart];
    const field = CHART_FIELDS[chart];
    if (!this.charts) {
      throw validationError(scope, kind, `sources (${this.description}) has no charts: give charts.${field} (and the other charts' mirrors)`);
    }
    return validateChartRepository(scope, kind, `sources (${this.description}) charts.${field}`, this.charts[field], chart);
  }
}

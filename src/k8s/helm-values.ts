/** Namespace the AWS Gateway API Controller runs in (the chart's documented default). */
export const GATEWAY_CONTROLLER_NAMESPACE = 'aws-application-networking-system';
/** Service account of the AWS Gateway API Controller. */
export const GATEWAY_CONTROLLER_SERVICE_ACCOUNT = 'gateway-api-controller';
/** Namespace ExternalDNS runs in. */
export const EXTERNAL_DNS_NAMESPACE = 'external-dns';
/** Service account of ExternalDNS. */
export const EXTERNAL_DNS_SERVICE_ACCOUNT = 'external-dns';

/** Input of `gatewayControllerValues`. */
export interface GatewayControllerValuesSpec {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly region: string;
  readonly account: string;
  /** Repository of the controller image (its tag stays the chart's). @default - the chart's */
  readonly imageRepository?: string;
  /** ROUTE_MAX_CONCURRENT_RECONCILES of the controller. */
  readonly routeMaxConcurrentReconciles?: number;
}

/**
 * Values of the AWS Gateway API Controller chart. Region, account, cluster and
 * VPC are always passed (instance metadata is unreachable with hop limit 1),
 * and no default service network is set: CloudFormation owns the network, its
 * auth policy and the VPC association.
 */
export function gatewayControllerValues(spec: GatewayControllerValuesSpec): Record<string, unknown> {
  return {
    clusterName: spec.clusterName,
    clusterVpcId: spec.vpcId,
    awsRegion: spec.region,
    awsAccountId: spec.account,
    defaultServiceNetwork: '',
    ...(spec.routeMaxConcurrentReconciles !== undefined ? { routeMaxConcurrentReconciles: spec.routeMaxConcurrentReconciles } : {}),
    serviceAccount: { create: true, name: GATEWAY_CONTROLLER_SERVICE_ACCOUNT },
    log: { level: 'info' },
    ...(spec.imageRepository ? { image: { repository: spec.imageRepository } } : {}),
  };
}

/** Input of `externalDnsValues`. */
export interface ExternalDnsValuesSpec {
  readonly domainName: string;
  /** Distinct per account, region and cluster, so clusters never delete each other's records (may be a joined token). */
  readonly txtOwnerId: string;
  readonly region: string;
  /** Role of another account that ExternalDNS assumes for every Route 53 call (a hub's zone). */
  readonly assumeRoleArn?: string;
  /** Repository of the ExternalDNS image (its tag stays the chart's appVersion). @default - the chart's */
  readonly imageRepository?: string;
}

/**
 * Values of the ExternalDNS chart: DNSEndpoint objects (written by the
 * controller for custom domains) as the only source, full sync (so deleted
 * routes lose their records), one private zone.
 */
export function externalDnsValues(spec: ExternalDnsValuesSpec): Record<string, unknown> {
  return {
    provider: { name: 'aws' },
    sources: ['crd'],
    policy: 'sync',
    registry: 'txt',
    txtOwnerId: spec.txtOwnerId,
    domainFilters: [spec.domainName],
    // --events: sync as soon as a DNSEndpoint changes (a route deleted at teardown), not only on the one-minute loop.
    extraArgs: ['--aws-zone-type=private', '--events', ...(spec.assumeRoleArn ? [`--aws-assume-role=${spec.assumeRoleArn}`] : [])],
    env: [{ name: 'AWS_DEFAULT_REGION', value: spec.region }],
    serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT },
    ...(spec.imageRepository ? { image: { repository: spec.imageRepository } } : {}),
  };
}

import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ArtifactSources } from '../artifact-sources';
import { DeletionGuardOptions } from './deletion-guard';
import { GatewayApiCrdsSource } from './gateway-api-crds-source';
import { LatticeEksClusterVersions } from './lattice-versions';
import { PrivateCaDomain } from '../domain/private-ca-domain';

/**
 * What Lattice on a cluster is configured with, whether the library creates
 * the cluster (`LatticeEksClusterProps`) or attaches to one the app has
 * (`LatticeEksIntegrationProps`).
 */
export interface LatticeInstallOptions {
  /**
   * Private domain, CA and certificate for custom domain names. With it the
   * Gateway gets an HTTPS listener, ExternalDNS is installed, and the cluster
   * VPC is associated with the domain's private zone.
   *
   * @default - no custom domain: services get Lattice-generated names, HTTP listener only
   */
  readonly domain?: PrivateCaDomain;

  /**
   * Labels of the namespaces whose routes may attach to the Gateway.
   * @default - only the namespaces of the library's routes
   */
  readonly routeNamespaceLabels?: Record<string, string>;

  /**
   * Install the Gateway API standard CRDs. Turn off for clusters that have
   * Gateway API v1.5 or newer CRDs already: a deploy-time preflight then
   * checks the installed bundle version. The library never deletes CRDs.
   * @default true
   */
  readonly installGatewayApiCrds?: boolean;

  /**
   * Where the CRD installer gets the release bundle.
   * @default GatewayApiCrdsSource.github()
   */
  readonly gatewayApiCrds?: GatewayApiCrdsSource;

  /**
   * Where images and Helm charts are pulled from.
   * @default ArtifactSources.publicRegistries()
   */
  readonly sources?: ArtifactSources;

  /**
   * Namespace of the Gateway (created unless it exists: a system namespace or one of `existingNamespaces`).
   * @default 'lattice-gateway'
   */
  readonly gatewayNamespace?: string;

  /**
   * Security groups of the service-network VPC association.
   * @default - none (see `ServiceNetworkVpcAssociationOptions`)
   */
  readonly associationSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * Versions of the charts and images installed (and of the Pod Identity agent add-on with `PodIdentityAgent.INSTALL`).
   * @default - the `PinnedVersions` constants
   */
  readonly versions?: LatticeEksClusterVersions;

  /**
   * ExternalDNS's owner id (`txtOwnerId`): it writes it into the TXT record
   * beside every record it creates, and with `policy: sync` changes and deletes
   * only records of its owner id; the deletion guard looks for the same id.
   *
   * The default is unique per account, region and cluster. Releases before
   * this one used the cluster name: on an upgrade of a deployed cluster the
   * records written before keep that owner, so ExternalDNS neither updates
   * nor deletes them (and the guard does not see them). Set this to the
   * cluster name to keep the old id (and its collision risk between
   * same-named clusters sharing a zone), or replace the old records once.
   *
   * @default - `<account>/<region>/<cluster name>`
   */
  readonly externalDnsOwnerId?: string;

  /**
   * The deletion guard (see `LatticeDeletionGuard`).
   * @default - enabled, 10 minutes, no deletion of leftovers
   */
  readonly deletionGuard?: DeletionGuardOptions;

  /**
   * Routes the AWS Gateway API Controller reconciles in parallel (per route
   * type): with more, terminating pods are deregistered sooner during
   * rollouts (the controller FAQ recommends 10). 1-100.
   * @default 10
   */
  readonly routeMaxConcurrentReconciles?: number;

  /**
   * Install the tenant-isolation admission policies (ValidatingAdmissionPolicies):
   * Lattice policies may target only their own namespace and never a Gateway;
   * routes may send only to backends of their own namespace; the annotations
   * that rename a route's Lattice service or let it take one over, and the
   * auth policies the library created, are changed only by the identity the
   * library deploys with (the kubectl handler's role); DNSEndpoints are
   * written only by the controller. Turn off only if the cluster enforces the
   * same another way.
   * @default true
   */
  readonly tenantIsolation?: boolean;
}

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { PrivateClusterStack } from './private-cluster-stack';
import { ArtifactSources, GatewayApiCrdsSource, LatticeServiceNetwork, PrivateCaDomain } from '../../src';

/** The stacks of the private-cluster example. */
export interface PrivateClusterExample {
  readonly environment: Stack;
  readonly cluster: PrivateClusterStack;
}

/** Context key: path of the Gateway API release's `standard-install.yaml` (verified against the pinned SHA-256). */
export const CRDS_FILE_CONTEXT = 'gatewayApiCrdsFile';

/**
 * The CRD bundle: the file named by context, or (for offline synthesis and
 * tests) a generated placeholder with its own SHA-256, which synthesizes but
 * whose installer Job fails on deploy (it holds no CRDs).
 */
function crdsSource(app: App, outdir: string): { source: GatewayApiCrdsSource; placeholder: boolean } {
  const file = app.node.tryGetContext(CRDS_FILE_CONTEXT);
  if (file) return { source: GatewayApiCrdsSource.fromFile(file), placeholder: false };
  const placeholder = path.join(outdir, 'placeholder-standard-install.yaml');
  const content = '# Placeholder: synthesize with -c gatewayApiCrdsFile=<path of the Gateway API standard-install.yaml> to deploy.\n';
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(placeholder, content);
  const sha256 = crypto.createHash('sha256').update(content).digest('hex');
  return { source: GatewayApiCrdsSource.fromFile(placeholder, { sha256 }), placeholder: true };
}

/**
 * Adds the example's stacks to `app`: a shared environment (domain and
 * service network) and one fully private cluster whose images come from an
 * Amazon ECR pull-through cache and whose charts from the same private
 * registry. Context: account, region, domainName, serviceNetworkName,
 * gatewayApiCrdsFile.
 */
export function addPrivateClusterExample(app: App): PrivateClusterExample {
  const ctx = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const env = { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') };

  const environment = new Stack(app, 'lattice-private-environment', {
    env,
    description: 'cdk-lattice-eks private-cluster example: shared private CA, domain and VPC Lattice service network',
  });
  const domain = new PrivateCaDomain(environment, 'Domain', { domainName: ctx('domainName', 'example.com') });
  const serviceNetwork = new LatticeServiceNetwork(environment, 'ServiceNetwork', { serviceNetworkName: ctx('serviceNetworkName', 'lattice-gateway') });

  // Charts pushed once to the private registry (`helm push <chart>.tgz oci://<registry>/charts`).
  const registry = (stack: Stack) => `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
  const clusterStackId = 'eks-private-cluster';
  const crds = crdsSource(app, path.join(app.outdir, '.private-cluster'));
  const cluster = new PrivateClusterStack(app, clusterStackId, {
    env,
    clusterName: clusterStackId,
    serviceNetwork,
    domain,
    sources: ArtifactSources.ecrPullThrough({
      charts: {
        gatewayApiController: `oci://${registry(environment)}/charts/aws-gateway-controller-chart`,
        externalDns: `oci://${registry(environment)}/charts/external-dns`,
        kyverno: `oci://${registry(environment)}/charts/kyverno`,
      },
    }),
    gatewayApiCrds: crds.source,
    description: 'cdk-lattice-eks private-cluster example: EKS without internet access (isolated subnets, private endpoint, mirrors)',
  });
  if (crds.placeholder) {
    Annotations.of(cluster).addWarningV2('example:placeholderCrds',
      `the Gateway API CRD bundle is a placeholder: synthesize with -c ${CRDS_FILE_CONTEXT}=<path of standard-install.yaml> before deploying`);
  }
  return { environment, cluster };
}

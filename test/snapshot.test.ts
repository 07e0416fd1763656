import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LatticeEksCluster } from '../src/cluster/lattice-eks-cluster';
import { PrivateCaDomain } from '../src/domain/private-ca-domain';
import { LatticeServiceNetwork } from '../src/network/service-network';

/** Replaces asset hashes (which change with every aws-cdk-lib release) by a placeholder. */
function stripAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET-HASH$1')
    .replace(/"CodeHash":"[^"]*"/g, '"CodeHash":"ASSET-HASH"'));
}

describe('snapshots', () => {
  const app = new App();
  const shared = new Stack(app, 'Shared', { env: { account: '111111111111', region: 'eu-west-1' } });
  const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' });
  const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
  const clusterStack = new Stack(app, 'Cluster1', { env: { account: '111111111111', region: 'eu-west-1' } });
  const cluster = new LatticeEksCluster(clusterStack, 'Lattice', {
    clusterName: 'eks-cluster1',
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(clusterStack, 'Kubectl', 'arn:aws:lambda:eu-west-1:111111111111:layer:kubectl:1'),
    serviceNetwork,
    domain,
  });
  cluster.exposeService('Demo', { serviceName: 'demo-cluster1', namespace: 'apps', port: 80, createNamespace: true });

  test('shared environment stack', () => {
    expect(stripAssetHashes(Template.fromStack(shared).toJSON())).toMatchSnapshot();
  });

  test('cluster stack', () => {
    expect(stripAssetHashes(Template.fromStack(clusterStack).toJSON())).toMatchSnapshot();
  });
});

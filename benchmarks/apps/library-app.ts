/** The library's app: a shared stack plus N LatticeEksCluster stacks with R routes each. */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { shapeFromEnv } from './shape';
import { LatticeEksCluster, LatticeServiceNetwork, PrivateCaDomain } from '../../src';

const shape = shapeFromEnv();
const app = new App({ outdir: shape.outdir });
const shared = new Stack(app, 'shared');
const domain = new PrivateCaDomain(shared, 'Domain', { domainName: 'example.com' });
const serviceNetwork = new LatticeServiceNetwork(shared, 'Network', { serviceNetworkName: 'lattice-gateway' });
for (let c = 1; c <= shape.clusters; c++) {
  const stack = new Stack(app, `cluster${c}`);
  const kubectlLayer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1');
  const cluster = new LatticeEksCluster(stack, 'Lattice', { clusterName: `cluster${c}`, kubectlLayer, serviceNetwork, domain });
  for (let r = 1; r <= shape.routes; r++) {
    cluster.exposeService(`Route${r}`, { serviceName: `svc${r}-c${c}`, namespace: 'apps', port: 80, createNamespace: r === 1 });
  }
}
app.synth();

/**
 * Cross-cluster example: the shared environment of the two-cluster VPC Lattice
 * pattern (private CA + domain, service network). Synthesize offline with
 * `npx projen synth:example`; deploy with `npx cdk deploy --all` from this folder.
 *
 * Context (all optional): domainName, account, region.
 */
import { App } from 'aws-cdk-lib';
import { EnvironmentStack } from './environment-stack';
import { enableAwsSolutionsChecks, printSummary } from './summary';

const app = new App();
const ctx = (key: string, fallback?: string): string | undefined => app.node.tryGetContext(key) ?? fallback;

const env = { account: ctx('account'), region: ctx('region') };

new EnvironmentStack(app, 'lattice-environment', {
  env,
  domainName: ctx('domainName', 'example.com')!,
  serviceNetworkName: ctx('serviceNetworkName', 'lattice-gateway')!,
  description: 'cdk-lattice-eks example: shared private CA, domain and VPC Lattice service network',
});

enableAwsSolutionsChecks(app);
printSummary(app.synth());

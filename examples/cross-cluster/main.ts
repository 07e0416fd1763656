/**
 * Cross-cluster example: the two-cluster VPC Lattice pattern. Synthesize
 * offline with `npx projen synth:example`; deploy with `npx cdk deploy --all`
 * from this folder.
 */
import { App } from 'aws-cdk-lib';
import { addCrossClusterExample } from './app';
import { enableAwsSolutionsChecks, synthAndSummarize } from './summary';

const app = new App();
addCrossClusterExample(app);
enableAwsSolutionsChecks(app);
synthAndSummarize(app);

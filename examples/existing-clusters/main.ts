/**
 * Existing-clusters example: Lattice added to the clusters a platform team
 * already runs, one EKS Auto Mode cluster written with plain aws-eks-v2 and
 * one imported cluster. Synthesize offline with
 * `npx projen synth:existing-clusters`; deploy from this folder with
 * `npx cdk deploy --all` and the imported cluster's attributes as context
 * (see app.ts).
 */
import { App } from 'aws-cdk-lib';
import { addExistingClustersExample } from './app';
import { enableAwsSolutionsChecks, synthAndSummarize } from '../cross-cluster/summary';

const app = new App();
addExistingClustersExample(app);
enableAwsSolutionsChecks(app);
synthAndSummarize(app);

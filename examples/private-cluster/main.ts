/**
 * Private-cluster example: one EKS cluster without internet access on a VPC
 * Lattice service network. Synthesize offline with
 * `npx projen synth:private-cluster`; deploy from this folder with
 * `npx cdk deploy --all -c gatewayApiCrdsFile=<path of standard-install.yaml>`.
 */
import { App } from 'aws-cdk-lib';
import { addPrivateClusterExample } from './app';
import { enableAwsSolutionsChecks, synthAndSummarize } from '../cross-cluster/summary';

// Cluster stacks read the shared stack's values as stack outputs (weak references):
// the certificate or the network can be replaced while the clusters exist.
const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
addPrivateClusterExample(app);
enableAwsSolutionsChecks(app);
synthAndSummarize(app);

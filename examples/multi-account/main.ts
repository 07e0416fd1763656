/**
 * Multi-account example: a hub account (service network, private CA, zone)
 * and two workload accounts with one cluster each. Synthesize offline with
 * `npx projen synth:multi-account`; deploy the hub first, then the workload
 * stacks with the hub's outputs as context (see the README).
 */
import { App } from 'aws-cdk-lib';
import { addMultiAccountExample } from './app';
import { enableAwsSolutionsChecks, synthAndSummarize } from '../cross-cluster/summary';

const app = new App();
addMultiAccountExample(app);
enableAwsSolutionsChecks(app);
synthAndSummarize(app);

import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/**
 * Runs cdk-nag 3 `AwsSolutionsChecks` over `scope` (after synthesizing its app,
 * so every lazy value is resolved) and returns the findings that are not
 * acknowledged with `Validations.of(construct).acknowledge(...)`.
 */
export function awsSolutionsFindings(scope: IConstruct): NagFinding[] {
  const app = scope.node.root as App;
  app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(scope);
  const findings: NagFinding[] = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      findings.push({
        rule: violation.ruleName,
        path: resource.constructPath ?? `${Stack.of(scope).stackName}/${resource.resourceLogicalId}`,
        description: violation.description.split('\n')[0],
      });
    }
  }
  return findings;
}

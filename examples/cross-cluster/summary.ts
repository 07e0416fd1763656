import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Runs cdk-nag's AwsSolutions pack on every stack; unacknowledged findings fail the synth. */
export function enableAwsSolutionsChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Synthesizes `app` and prints one line per stack plus the AwsSolutions acknowledgements. */
export function synthAndSummarize(app: App): void {
  const assembly = app.synth();
  for (const stack of assembly.stacks) {
    const resources = Object.values<any>(stack.template.Resources ?? {});
    const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function').length;
    const bytes = fs.statSync(path.join(assembly.directory, stack.templateFile)).size;
    console.log(`${stack.stackName}: ${resources.length} resources, ${functions} Lambda functions, ${(bytes / 1024).toFixed(1)} KiB template`);
  }
  const acknowledged = app.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && m.data)
    .flatMap((m) => Object.keys(m.data).filter((id) => /^(annotation::)?AwsSolutions-/i.test(id))));
  console.log(`AwsSolutions: 0 unacknowledged findings (synth fails on any), ${acknowledged.length} acknowledged on specific constructs`);
  console.log(`Cloud assembly: ${path.relative(process.cwd(), assembly.directory)}`);
}

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** One cfn-lint error (E-rule) on a template. */
export interface CfnLintError {
  readonly rule: string;
  readonly message: string;
  readonly resource: string;
}

let checked = false;

/** Fails loudly when cfn-lint is missing: in CI it must never be skipped. */
function assertCfnLintInstalled(): void {
  if (checked) return;
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf-8' });
  if (probe.status !== 0) {
    throw new Error('cfn-lint is not installed (pip install cfn-lint); .ci/run installs it');
  }
  checked = true;
}

/** Runs cfn-lint on a template object and returns its errors (warnings are ignored). */
export function cfnLintTemplate(template: unknown, name = 'template'): CfnLintError[] {
  assertCfnLintInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(template));
  let out: string;
  try {
    out = execFileSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf-8' });
  } catch (e: any) {
    // cfn-lint exits non-zero when it finds anything; its JSON is on stdout.
    out = e.stdout?.toString() ?? '';
    if (!out.trim().startsWith('[')) throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const matches: any[] = JSON.parse(out || '[]');
  return matches
    .filter((m) => m.Level === 'Error')
    .map((m) => ({
      rule: m.Rule?.Id,
      message: m.Message,
      resource: (m.Location?.Path ?? []).slice(0, 2).join('/'),
    }));
}

/** Runs cfn-lint on a synthesized stack and returns its errors. */
export function cfnLintErrors(stack: Stack): CfnLintError[] {
  return cfnLintTemplate(Template.fromStack(stack).toJSON(), stack.stackName);
}
